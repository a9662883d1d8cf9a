/**
 * Monitoring, logs and alerts in the multi-region, multi-cloud example (AWS us-east-1, GCP europe-west4,
 * AWS ap-southeast-1), from ONE plan: the agents' configs (read back from each node's boot script) and the
 * alarms / alert policies agree on metric names and dimensions; each region's monitoring node scrapes every
 * chain node of its region and only it may reach their metrics-only listeners; logs go to the region's log
 * group with a retention; no secret reaches a container's command line or log options.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { planFile, FleetPlan } from "../src/cli/plan";
import { LIFECYCLE_HOOK_MARGIN, O_REPLACE_SECONDS } from "../src/layout/budget";
import type { PlannedResource } from "../src/plan/engine";
import { decodeUserData } from "./helpers/userData";
import { secretPlaintexts } from "./helpers/spec";
import { dockerRunArgv } from "../src/layout/boot";

const FILE = path.join(__dirname, "../examples/multi-region/fleet.yaml");
const raw = parseYaml(fs.readFileSync(FILE, "utf8"));
const key = (r: PlannedResource) => `${r.type}::${r.name}`;
/** The reward account's low-balance threshold: the example's monitoring.alerts.minEth.reward, else funding, else 0.01 ETH. */
const REWARD_MIN_WEI = Math.round(Number(raw.monitoring?.alerts?.minEth?.reward ?? raw.funding?.minEthReward ?? "0.01") * 1e18);

let fp: FleetPlan;
let rs: PlannedResource[];
const ofType = (t: string) => rs.filter((r) => r.type === t);
const byKey = (k: string) => rs.find((r) => key(r) === k);

beforeAll(async () => {
  fp = await planFile(FILE);
  rs = fp.plan.resources;
});

/** A node's boot script, as the cloud gets it. */
function script(region: string, node: string): string {
  const name = `lpf-${region}-${node}`;
  const lt = byKey(`aws:ec2/launchTemplate:LaunchTemplate::${name}`);
  if (lt) return decodeUserData(lt.inputs.userData as string);
  return byKey(`gcp:compute/regionInstanceTemplate:RegionInstanceTemplate::${name}`)!.inputs.metadataStartupScript as string;
}

/** A file the boot script installs (its heredoc), by path. */
function installed(s: string, file: string): string {
  const m = new RegExp(`install -m 0644 /dev/stdin ${file.replace(/[.]/g, "\\.")} <<'LPF_EOF'\\n([\\s\\S]*?)\\nLPF_EOF`).exec(s);
  if (!m) throw new Error(`${file} is not installed`);
  return m[1];
}

const chainNodes = (region: string) => fp.layout.regions.find((r) => r.name === region)!;

test("AWS: every alarm on the catalog reads exactly a series the node's CloudWatch agent publishes", () => {
  // The alert alarms (one metric each); scale-in alarms use metric math and are checked below.
  const alarms = ofType("aws:cloudwatch/metricAlarm:MetricAlarm").filter((a) => a.inputs.namespace !== "AWS/NetworkELB" && !a.inputs.metricQueries);
  expect(alarms.length).toBeGreaterThan(0);
  for (const a of alarms) {
    const dims = a.inputs.dimensions as Record<string, string>;
    const region = a.name.split("-")[1];
    const s = script(region, dims.node);
    const cw = JSON.parse(installed(s, "/etc/livepeer-fleet/cloudwatch-agent.json"));
    const emf = cw.logs.metrics_collected.prometheus.emf_processor;
    const decl = emf.metric_declaration[0];
    const scrape = parseYaml(installed(s, "/etc/livepeer-fleet/prometheus-scrape.yaml"));
    // the one scrape job that keeps the metric, whose job label the EMF declaration matches
    const jobs = (scrape.scrape_configs as any[]).filter((j) => new RegExp(`^${j.metric_relabel_configs[0].regex}$`).test(a.inputs.metricName as string));
    expect([a.name, jobs.length]).toEqual([a.name, 1]);
    expect(new RegExp(decl.label_matcher).test(jobs[0].job_name)).toBe(true);
    expect(decl.source_labels).toEqual(["job"]);
    const labels = jobs[0].static_configs[0].labels;
    // same namespace, a kept and declared metric, exactly the declared dimensions, with the labels' values
    expect([a.name, a.inputs.namespace]).toEqual([a.name, emf.metric_namespace]);
    expect(decl.metric_selectors).toContain(`^${a.inputs.metricName}$`);
    expect(Object.keys(dims).sort()).toEqual([...decl.dimensions[0]].sort());
    expect(dims).toEqual(labels);
    // the agent publishes into the region's metrics log group, which exists with a retention
    const group = ofType("aws:cloudwatch/logGroup:LogGroup").find((g) => g.inputs.name === cw.logs.metrics_collected.prometheus.log_group_name)!;
    expect(group.inputs.retentionInDays).toBe(7);
    // notifies the region's own topic, on alarm and on recovery
    expect(byKey(`aws:sns/topic:Topic::lpf-${region}-alerts`)!.provider).toBe(`lpf-${region}`);
    expect(a.inputs.alarmActions).toEqual([expect.stringMatching(new RegExp(`^arn:aws:sns:${a.name.startsWith("lpf-use1") ? "us-east-1" : "ap-southeast-1"}:`))]);
    expect(a.inputs.okActions).toEqual(a.inputs.alarmActions);
  }
  // one alarm per node and alert: transcoders at zero and redemption errors per O, redemption errors on the
  // redeemer, reward errors on the reward node; silence breaches only the transcoder alarm
  const use1 = alarms.filter((a) => a.name.startsWith("lpf-use1-")).map((a) => [a.name, a.inputs.metricName, a.inputs.statistic, a.inputs.comparisonOperator, a.inputs.threshold, a.inputs.treatMissingData]);
  expect(use1.sort()).toEqual([
    ["lpf-use1-redeemer-lowBalance", "livepeer_fleet_eth_balance_wei", "Minimum", "LessThanThreshold", 2e16, "notBreaching"],
    ["lpf-use1-redeemer-redemptionErrors", "livepeer_ticket_redemption_errors", "Sum", "GreaterThanThreshold", 0, "notBreaching"],
    ["lpf-use1-reward-lowBalance", "livepeer_fleet_eth_balance_wei", "Minimum", "LessThanThreshold", REWARD_MIN_WEI, "notBreaching"],
    ["lpf-use1-reward-rewardErrors", "livepeer_reward_call_errors", "Sum", "GreaterThanThreshold", 0, "notBreaching"],
    ["lpf-use1-use1-a-noTranscoders", "livepeer_transcoders_number", "Maximum", "LessThanThreshold", 1, "breaching"],
    ["lpf-use1-use1-a-notReady", "livepeer_fleet_unready", "Maximum", "GreaterThanThreshold", 0, "notBreaching"],
    ["lpf-use1-use1-a-redemptionErrors", "livepeer_ticket_redemption_errors", "Sum", "GreaterThanThreshold", 0, "notBreaching"],
    ["lpf-use1-use1-b-noTranscoders", "livepeer_transcoders_number", "Maximum", "LessThanThreshold", 1, "breaching"],
    ["lpf-use1-use1-b-notReady", "livepeer_fleet_unready", "Maximum", "GreaterThanThreshold", 0, "notBreaching"],
    ["lpf-use1-use1-b-redemptionErrors", "livepeer_ticket_redemption_errors", "Sum", "GreaterThanThreshold", 0, "notBreaching"],
  ]);
  // the O's agent scrapes its readiness server's gauges on loopback, the port the load balancer checks
  const use1a = parseYaml(installed(script("use1", "use1-a"), "/etc/livepeer-fleet/prometheus-scrape.yaml")).scrape_configs;
  expect(use1a.map((j: any) => [j.job_name, j.static_configs[0].targets, j.metrics_path])).toEqual([
    ["livepeer", ["127.0.0.1:8937"], "/metrics"], ["livepeer-readiness", ["127.0.0.1:8936"], "/ready.prom"],
  ]);
  expect(use1a[1].metric_relabel_configs[0].regex).toBe("(livepeer_fleet_unready|livepeer_fleet_draining)");
  // the reward node has no readiness server, hence no such job
  expect(parseYaml(installed(script("use1", "reward"), "/etc/livepeer-fleet/prometheus-scrape.yaml")).scrape_configs.map((j: any) => j.job_name)).toEqual(["livepeer"]);
  const notReady = alarms.find((a) => a.name === "lpf-use1-use1-a-notReady")!;
  expect((notReady.inputs.period as number) * (notReady.inputs.evaluationPeriods as number)).toBe(300);
  const noTranscoders = alarms.find((a) => a.name === "lpf-use1-use1-a-noTranscoders")!;
  expect((noTranscoders.inputs.period as number) * (noTranscoders.inputs.evaluationPeriods as number)).toBe(600);
});

/** The O's agent: its CloudWatch EMF declaration and scrape labels, read back from its boot script. */
function awsAgent(region: string, node: string) {
  const s = script(region, node);
  const cw = JSON.parse(installed(s, "/etc/livepeer-fleet/cloudwatch-agent.json"));
  const emf = cw.logs.metrics_collected.prometheus.emf_processor;
  const scrape = parseYaml(installed(s, "/etc/livepeer-fleet/prometheus-scrape.yaml"));
  return { emf, decl: emf.metric_declaration[0], scrape: scrape.scrape_configs[0], labels: scrape.scrape_configs[0].static_configs[0].labels };
}

test("AWS scaling: every group's policy and scale-in alarm read exactly series its O's agent publishes (names, namespace, dimensions)", () => {
  const groups = fp.layout.regions.filter((r) => r.cloud === "aws").flatMap((r) => r.workerGroups.map((g) => ({ r, g })));
  expect(groups.length).toBe(4);
  for (const { r, g } of groups) {
    const agent = awsAgent(r.name, g.orchestrator);
    const name = g.resourceName;
    const policy = byKey(`aws:autoscaling/policy:Policy::${name}-track`)!;
    const alarm = byKey(`aws:cloudwatch/metricAlarm:MetricAlarm::${name}-scale-in`)!;
    const tracked = (policy.inputs.targetTrackingConfiguration as any).customizedMetricSpecification.metrics.filter((m: any) => m.metricStat);
    const alarmed = (alarm.inputs.metricQueries as any[]).filter((q) => q.metric);
    expect(tracked.map((m: any) => m.metricStat.metric.metricName).sort()).toEqual(["livepeer_transcoders_capacity", "livepeer_transcoders_load"]);
    for (const m of tracked) {
      const metric = m.metricStat.metric;
      expect(metric.namespace).toBe(agent.emf.metric_namespace);
      expect(agent.decl.metric_selectors).toContain(`^${metric.metricName}$`);
      expect(new RegExp(agent.scrape.metric_relabel_configs[0].regex).test(metric.metricName)).toBe(true);
      expect(Object.fromEntries(metric.dimensions.map((d: any) => [d.name, d.value]))).toEqual(agent.labels);
      expect(metric.dimensions.map((d: any) => d.name).sort()).toEqual([...agent.decl.dimensions[0]].sort());
    }
    for (const q of alarmed) {
      expect(q.metric.namespace).toBe(agent.emf.metric_namespace);
      expect(agent.decl.metric_selectors).toContain(`^${q.metric.metricName}$`);
      expect(q.metric.dimensions).toEqual(agent.labels);
    }
    // the group's own O, never another's
    expect(agent.labels.node).toBe(g.orchestrator);
    expect(policy.inputs.autoscalingGroupName).toEqual(expect.stringContaining(name));
    expect(alarm.inputs.alarmActions).toEqual([expect.stringContaining(`${name}-scale-in`)]);
  }
});

test("GCP scaling: each group's autoscaler filters exactly its O's series, as the O's collector writes it", () => {
  const eu = fp.layout.regions.find((r) => r.name === "euw4")!;
  for (const g of eu.workerGroups) {
    const autoscaler = byKey(`gcp:compute/regionAutoscaler:RegionAutoscaler::${g.resourceName}`)!;
    const [metric] = (autoscaler.inputs.autoscalingPolicy as any).metrics;
    // transcoders: the O's collector; AI: the AI workers' own collectors (labelled with their O)
    const source = g.kind === "ai"
      ? (byKey(`gcp:compute/regionInstanceTemplate:RegionInstanceTemplate::${g.resourceName}`)!.inputs.metadataStartupScript as string)
      : script("euw4", g.orchestrator);
    const otel = parseYaml(installed(source, "/etc/livepeer-fleet/otelcol-google.yaml"));
    const scrape = otel.receivers.prometheus.config.scrape_configs[0];
    if (g.kind === "ai") expect(scrape.static_configs[0]).toMatchObject({ targets: ["127.0.0.1:4935"], labels: { node: g.orchestrator } });
    const m = /^prometheus\.googleapis\.com\/([^/]+)\/gauge$/.exec(metric.name)!;
    expect(m[1]).toBe(g.kind === "ai" ? "livepeer_ai_container_in_use" : "livepeer_transcoders_load");
    expect(new RegExp(`^${scrape.metric_relabel_configs[0].regex}$`).test(m[1])).toBe(true);
    expect(metric.filter).toContain(`metric.type = "${metric.name}"`);
    for (const [k, v] of Object.entries(scrape.static_configs[0].labels)) expect(metric.filter).toContain(`metric.labels.${k} = "${v}"`);
    expect(metric.singleInstanceAssignment).toBe((g.capacity.sessionsPerInstance * 70) / 100);
  }
});

test("a group at its maximum above target: AWS in-service capacity ≥ max and utilisation > target for 15 min; GCP utilisation > target for 30 min (PromQL on the O's own series)", () => {
  const aws = fp.layout.regions.filter((r) => r.cloud === "aws").flatMap((r) => r.workerGroups);
  for (const g of aws) {
    const a = byKey(`aws:cloudwatch/metricAlarm:MetricAlarm::${g.resourceName}-at-max`)!;
    const q = a.inputs.metricQueries as any[];
    expect(q.find((x) => x.id === "atmax").expression).toBe(`IF(inservice >= maxsize AND utilisation > ${g.scaling!.targetUtilization}, 1, 0)`);
    expect(q.filter((x) => x.metric?.namespace === "AWS/AutoScaling").map((x) => [x.metric.metricName, x.metric.dimensions.AutoScalingGroupName])).toEqual([
      ["GroupInServiceCapacity", expect.stringContaining(g.resourceName)], ["GroupMaxSize", expect.stringContaining(g.resourceName)],
    ]);
    const agent = awsAgent(g.resourceName.split("-")[1], g.orchestrator);
    for (const x of q.filter((y) => y.metric?.namespace === "LivepeerFleet")) expect([x.metric.metricName, x.metric.dimensions]).toEqual([expect.stringMatching(new RegExp(agent.scrape.metric_relabel_configs[0].regex)), agent.labels]);
    expect([a.inputs.evaluationPeriods, a.inputs.datapointsToAlarm, a.inputs.threshold]).toEqual([15, 15, 1]);
    // the group publishes the two group metrics the alarm reads
    expect(byKey(`aws:autoscaling/group:Group::${g.resourceName}`)!.inputs).toMatchObject({ metricsGranularity: "1Minute", enabledMetrics: ["GroupInServiceCapacity", "GroupMaxSize"] });
  }
  const eu = fp.layout.regions.find((r) => r.name === "euw4")!;
  for (const g of eu.workerGroups) {
    const p = byKey(`gcp:monitoring/alertPolicy:AlertPolicy::${g.resourceName}-at-max`)!;
    const c = (p.inputs.conditions as any[])[0].conditionPrometheusQueryLanguage;
    const sel = `{fleet="lpf",fleet_region="euw4",node="${g.orchestrator}"}`;
    expect(c.query).toBe(g.kind === "ai"
      ? `100 * sum(livepeer_ai_container_in_use${sel}) / (sum(livepeer_ai_container_in_use${sel}) + sum(livepeer_ai_container_idle${sel})) > 70`
      : `100 * sum(livepeer_transcoders_load${sel}) / sum(livepeer_transcoders_capacity${sel}) > 70`);
    expect(c.duration).toBe("1800s");
    expect(p.inputs.notificationChannels).toHaveLength(1);
  }
});

test("AWS: an orchestrator unhealthy at the load balancer alarms on the region's own NLB and target group", () => {
  for (const region of ["use1", "apse1"]) {
    const a = byKey(`aws:cloudwatch/metricAlarm:MetricAlarm::lpf-${region}-lb-unhealthy`)!;
    expect(a.inputs).toMatchObject({ namespace: "AWS/NetworkELB", metricName: "UnHealthyHostCount", statistic: "Maximum", comparisonOperator: "GreaterThanThreshold", threshold: 0, treatMissingData: "notBreaching" });
    // the target group's count stays > 0 through a whole region rollout (one O after another): the window
    // outlasts the rollout command's budget for all the region's Os: drain bound (the example's
    // rollout.drainSeconds, default 600) + the lifecycle hook's margin + the replacement's launch and boot, each
    const os = raw.regions.find((x: any) => x.name === region).orchestrators.length;
    const budget = (raw.rollout?.drainSeconds ?? 600) + LIFECYCLE_HOOK_MARGIN + O_REPLACE_SECONDS;
    expect((a.inputs.period as number) * (a.inputs.evaluationPeriods as number)).toBeGreaterThan(os * budget);
    expect((a.inputs.period as number) * (a.inputs.evaluationPeriods as number)).toBe(os * Math.ceil(budget / 60) * 60 + 120);
    const dims = a.inputs.dimensions as Record<string, string>;
    expect(dims.LoadBalancer).toMatch(new RegExp(`^net/lpf-${region}/`));
    expect(dims.TargetGroup).toMatch(new RegExp(`^targetgroup/lpf-${region}-8935/`));
    expect(a.provider).toBe(`lpf-${region}`);
  }
  // one topic per region, one e-mail subscription per address
  for (const region of ["use1", "apse1"]) {
    const subs = ofType("aws:sns/topicSubscription:TopicSubscription").filter((x) => x.parent === `livepeer-fleet:aws:Alerts::lpf-${region}`);
    expect(subs.map((x) => [x.inputs.protocol, x.inputs.endpoint])).toEqual([["email", "ops@multi.example.com"]]);
  }
});

test("GCP: every alert policy filters exactly a series the node's collector writes, with its labels", () => {
  const policies = ofType("gcp:monitoring/alertPolicy:AlertPolicy").filter((p) => !p.name.endsWith("-at-max") && !p.name.endsWith("-version-drift"));
  expect(policies.map((p) => p.name).sort()).toEqual([
    "lpf-euw4-euw4-a-noTranscoders", "lpf-euw4-euw4-a-notReady", "lpf-euw4-euw4-a-redemptionErrors",
    "lpf-euw4-euw4-b-noTranscoders", "lpf-euw4-euw4-b-notReady", "lpf-euw4-euw4-b-redemptionErrors",
  ]);
  const channels = ofType("gcp:monitoring/notificationChannel:NotificationChannel");
  expect(channels.map((c) => [c.inputs.type, (c.inputs.labels as any).email_address])).toEqual([["email", "ops@multi.example.com"]]);
  for (const p of policies) {
    const node = p.name.replace(/^lpf-euw4-/, "").replace(/-(noTranscoders|notReady|redemptionErrors)$/, "");
    const otel = parseYaml(installed(script("euw4", node), "/etc/livepeer-fleet/otelcol-google.yaml"));
    expect(otel.service.pipelines.metrics.exporters).toEqual(["googlemanagedprometheus"]);
    for (const c of p.inputs.conditions as any[]) {
      const filter: string = (c.conditionThreshold ?? c.conditionAbsent).filter;
      const metric = /metric\.type = "prometheus\.googleapis\.com\/([^/]+)\/(gauge|counter)"/.exec(filter)!;
      // exactly one of the collector's scrape jobs keeps the metric
      const jobs = (otel.receivers.prometheus.config.scrape_configs as any[]).filter((j) => new RegExp(`^${j.metric_relabel_configs[0].regex}$`).test(metric[1]));
      expect([p.name, jobs.length]).toEqual([p.name, 1]);
      const scrape = jobs[0];
      for (const [k, v] of Object.entries(scrape.static_configs[0].labels)) expect(filter).toContain(`metric.labels.${k} = "${v}"`);
      expect(filter).toContain('resource.type = "prometheus_target"');
    }
    expect(p.inputs.notificationChannels).toEqual([expect.stringContaining(channels[0].name)]);
    expect(p.provider).toBe("lpf-euw4");
  }
  // silence fires where it means "down" (the transcoder gauge), never for error counters
  const byName = (n: string) => policies.find((p) => p.name === n)!.inputs.conditions as any[];
  expect(byName("lpf-euw4-euw4-a-noTranscoders").map((c) => Object.keys(c).find((k) => k.startsWith("condition")))).toEqual(["conditionThreshold", "conditionAbsent"]);
  expect(byName("lpf-euw4-euw4-a-redemptionErrors").map((c) => c.conditionThreshold.aggregations[0].perSeriesAligner)).toEqual(["ALIGN_DELTA"]);
  // up and unready fires; silence is noTranscoders' (a rollout's replacement is silent for minutes)
  expect(byName("lpf-euw4-euw4-a-notReady").map((c) => Object.keys(c).find((k) => k.startsWith("condition")))).toEqual(["conditionThreshold"]);
  expect(byName("lpf-euw4-euw4-a-notReady")[0].conditionThreshold).toMatchObject({ comparison: "COMPARISON_GT", thresholdValue: 0, duration: "300s" });
});

test("go-livepeer version drift: per region, both clouds compare the version gauge every chain node's agent publishes", () => {
  const hours = raw.monitoring.alerts.versionDriftHours ?? 6;
  for (const region of ["use1", "apse1"]) {
    const a = byKey(`aws:cloudwatch/metricAlarm:MetricAlarm::lpf-${region}-version-drift`)!;
    const q = a.inputs.metricQueries as any[];
    expect(q.map((x) => [x.id, x.metric?.stat ?? x.expression, x.returnData])).toEqual([["newest", "Maximum", false], ["oldest", "Minimum", false], ["drift", "newest - oldest", true]]);
    expect([a.inputs.comparisonOperator, a.inputs.threshold, a.inputs.evaluationPeriods, a.inputs.datapointsToAlarm, q[0].metric.period]).toEqual(["GreaterThanThreshold", 0, hours * 12, hours * 12, 300]);
    // every 5-minute period of the window must differ (a rollout shorter than the window never pages), within
    // CloudWatch's one-day evaluation limit
    expect((a.inputs.evaluationPeriods as number) * q[0].metric.period).toBe(hours * 3600);
    for (const x of q.filter((y) => y.metric)) {
      expect(x.metric).toMatchObject({ namespace: "LivepeerFleet", metricName: "livepeer_fleet_version_id", dimensions: { fleet: "lpf", fleet_region: region } });
    }
    // every chain node of the region: its agent scrapes the metrics-only listener (which appends the gauge)
    // and declares the metric with exactly the alarm's region-wide dimensions
    const r = chainNodes(region);
    for (const n of [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : [])]) {
      const agent = awsAgent(region, n.name);
      const decl = (agent.emf.metric_declaration as any[]).find((d) => d.metric_selectors.includes("^livepeer_fleet_version_id$"));
      expect([n.name, decl.dimensions]).toEqual([n.name, [["fleet", "fleet_region", "node"], ["fleet", "fleet_region"]]]);
      expect(new RegExp(decl.label_matcher).test(agent.scrape.job_name)).toBe(true);
      expect(agent.scrape.static_configs[0].targets).toEqual(["127.0.0.1:8937"]);
      expect(new RegExp(`^${agent.scrape.metric_relabel_configs[0].regex}$`).test("livepeer_fleet_version_id")).toBe(true);
      expect(script(region, n.name)).toContain("VERSION_METRIC = \"livepeer_fleet_version_id\"");
    }
    // declared once: no metric is in two declarations (the agent would publish it twice)
    const decls = awsAgent(region, r.orchestrators[0].name).emf.metric_declaration as any[];
    const all = decls.flatMap((d) => d.metric_selectors);
    expect(new Set(all).size).toBe(all.length);
  }
  const p = byKey("gcp:monitoring/alertPolicy:AlertPolicy::lpf-euw4-version-drift")!;
  const c = (p.inputs.conditions as any[])[0].conditionPrometheusQueryLanguage;
  expect(c.query).toBe('max(livepeer_fleet_version_id{fleet="lpf",fleet_region="euw4"}) - min(livepeer_fleet_version_id{fleet="lpf",fleet_region="euw4"}) > 0');
  expect(c.duration).toBe(`${hours * 3600}s`);
  for (const o of chainNodes("euw4").orchestrators) {
    const otel = parseYaml(installed(script("euw4", o.name), "/etc/livepeer-fleet/otelcol-google.yaml"));
    const scrape = otel.receivers.prometheus.config.scrape_configs[0];
    expect(new RegExp(`^${scrape.metric_relabel_configs[0].regex}$`).test("livepeer_fleet_version_id")).toBe(true);
    expect(scrape.static_configs[0].labels).toMatchObject({ fleet: "lpf", fleet_region: "euw4" });
  }
});

test("GCP: each VM writes its own series (instance = the VM's name), so a group's AI workers are summed, not overwritten", () => {
  const eu = fp.layout.regions.find((r) => r.name === "euw4")!;
  const sources = [script("euw4", eu.orchestrators[0].name), ...eu.workerGroups.filter((g) => g.kind === "ai").map((g) => byKey(`gcp:compute/regionInstanceTemplate:RegionInstanceTemplate::${g.resourceName}`)!.inputs.metadataStartupScript as string)];
  expect(sources.length).toBeGreaterThan(1);
  for (const s of sources) {
    const otel = parseYaml(installed(s, "/etc/livepeer-fleet/otelcol-google.yaml"));
    const pipeline: string[] = otel.service.pipelines.metrics.processors;
    expect(pipeline.indexOf("resourcedetection")).toBeLessThan(pipeline.indexOf("resource/instance"));
    expect(otel.processors["resource/instance"].attributes).toEqual([{ key: "service.instance.id", from_attribute: "host.name", action: "upsert" }]);
  }
});

test("each region's monitoring node scrapes the metrics-only listener of every chain node of its region, and nothing else", () => {
  const outputs = fp.plan.outputs as any;
  for (const r of fp.layout.regions) {
    const names = [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : [])].map((n) => n.name).sort();
    const want = names.map((n) => `${outputs.nodes[n].privateIp}:8937`);
    const s = script(r.name, "monitoring");
    const exec = s.split("\n").find((l) => l.startsWith("ExecStart=/usr/bin/docker run --rm --name monitoring "))!;
    expect([r.name, exec.match(/ --nodes (\S+) /)![1].split(",")]).toEqual([r.name, want]);
    expect(exec).toMatch(/livepeer\/monitoring:sha-0072bc4 --mode standalone --nodes \S+ --region \S+ --prometheus-storagePath \/data\/prometheus$/);
    expect(exec).toContain(`--region ${r.name}`);
    // Prometheus data on the persistent volume; the node has no public address
    expect(exec).toContain("-v /var/lib/livepeer/prometheus:/data/prometheus ");
    expect(outputs.monitoring[r.name]).toMatchObject({ role: "monitoring", groupName: `lpf-${r.name}-monitoring` });
    expect(outputs.monitoring[r.name].publicIp).toBeUndefined();
    // every chain node serves the listener on its own private address
    for (const n of names) expect(script(r.name, n)).toContain(`--bind ${outputs.nodes[n].privateIp} --port 8937 --cli-port 7935`);
  }
  const volumes = ofType("aws:ebs/volume:Volume").filter((v) => v.name.endsWith("-monitoring"));
  expect(volumes.map((v) => [v.name, v.inputs.size, v.inputs.encrypted])).toEqual([["lpf-apse1-monitoring", 50, true], ["lpf-use1-monitoring", 50, true]]);
  expect(byKey("gcp:compute/disk:Disk::lpf-euw4-monitoring-data")!.inputs.size).toBe(50);
});

test("AWS: the metrics port admits only the region's monitoring node; Grafana has no rule (SSM port forwarding)", () => {
  const rules = ofType("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule");
  for (const region of ["use1", "apse1"]) {
    const monitors = byKey(`aws:ec2/securityGroup:SecurityGroup::lpf-${region}-monitors`)!;
    expect(monitors.provider).toBe(`lpf-${region}`);
    const metrics = rules.filter((r) => r.name.startsWith(`lpf-${region}-`) && (r.inputs.fromPort === 8937 || r.inputs.toPort === 8937));
    expect(metrics.length).toBe(chainNodes(region).orchestrators.length + (chainNodes(region).redeemer ? 1 : 0) + (chainNodes(region).reward ? 1 : 0));
    const groupIds = new Set(metrics.map((r) => r.inputs.referencedSecurityGroupId));
    expect(groupIds.size).toBe(1);
    for (const r of metrics) expect([r.inputs.cidrIpv4, r.inputs.fromPort, r.inputs.toPort]).toEqual([undefined, 8937, 8937]);
    expect(byKey(`aws:ec2/networkInterface:NetworkInterface::lpf-${region}-monitoring`)!.inputs.securityGroups).toContain([...groupIds][0]);
  }
  expect(rules.filter((r) => r.inputs.fromPort === 3000 || r.inputs.fromPort === 7935)).toEqual([]);
});

test("GCP: the metrics port admits only the monitoring node's service account; Grafana only from IAP", () => {
  const fw = ofType("gcp:compute/firewall:Firewall");
  const sa = "lpf-euw4-monitoring@lpf-example-eu.iam.gserviceaccount.com";
  const metrics = fw.filter((f) => (f.inputs.allows as any[] | undefined)?.some((a) => a.ports.includes("8937")));
  expect(metrics.map((f) => f.name).sort()).toEqual(["lpf-euw4-euw4-a-in-8937-monitoring", "lpf-euw4-euw4-b-in-8937-monitoring"]);
  for (const f of metrics) {
    expect([f.inputs.sourceServiceAccounts, f.inputs.sourceRanges, f.inputs.allows]).toEqual([[sa], undefined, [{ protocol: "tcp", ports: ["8937"] }]]);
    expect(f.inputs.targetServiceAccounts).toEqual([`${f.name.replace(/-in-8937-monitoring$/, "")}@lpf-example-eu.iam.gserviceaccount.com`]);
  }
  const grafana = fw.filter((f) => (f.inputs.allows as any[] | undefined)?.some((a) => a.ports.includes("3000")));
  expect(grafana.map((f) => [f.name, f.inputs.sourceRanges, f.inputs.targetServiceAccounts])).toEqual([["lpf-euw4-monitoring-in-3000-iap", ["35.235.240.0/20"], [sa]]]);
  // the collector writes metrics, docker writes logs, each with the node's own account; the monitoring node only logs
  const iam = ofType("gcp:projects/iAMMember:IAMMember").map((m) => [m.inputs.role, (m.inputs.member as string).replace(/@.*/, "")]);
  expect(iam).toContainEqual(["roles/monitoring.metricWriter", "serviceAccount:lpf-euw4-euw4-a"]);
  expect(iam).toContainEqual(["roles/logging.logWriter", "serviceAccount:lpf-euw4-monitoring"]);
  expect(iam).not.toContainEqual(["roles/monitoring.metricWriter", "serviceAccount:lpf-euw4-monitoring"]);
});

test("logs: every chain and monitoring container logs to its region's log group (AWS, retention from the spec) or Cloud Logging (GCP), non-blocking", () => {
  for (const r of fp.layout.regions) {
    const nodes = [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : []), r.monitoring!];
    for (const n of nodes) {
      for (const c of n.boot.containers) {
        const opts = c.logging!.options;
        expect([n.name, c.name, c.logging!.driver, opts.mode]).toEqual([n.name, c.name, r.cloud === "aws" ? "awslogs" : "gcplogs", "non-blocking"]);
        if (r.cloud === "aws") expect(opts).toMatchObject({ "awslogs-region": r.region, "awslogs-group": `/livepeer-fleet/lpf/${r.name}/containers`, "awslogs-stream": `${n.name}/${c.name}` });
        else expect(opts["gcp-project"]).toBe(r.project);
      }
    }
    if (r.cloud === "aws") {
      const g = byKey(`aws:cloudwatch/logGroup:LogGroup::lpf-${r.name}-containers`)!;
      expect([g.inputs.name, g.inputs.retentionInDays, g.provider]).toEqual([`/livepeer-fleet/lpf/${r.name}/containers`, 30, `lpf-${r.name}`]);
      // IAM: streams in the region's own groups only
      const doc = JSON.parse(byKey(`aws:iam/rolePolicy:RolePolicy::lpf-${r.name}-monitoring`)!.inputs.policy as string);
      const logs = doc.Statement.find((s: any) => s.Sid === "WriteOwnLogGroups");
      expect(logs.Action).toEqual(["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]);
      for (const res of logs.Resource) expect(res).toMatch(new RegExp(`:log-group:/livepeer-fleet/lpf/${r.name}/(containers|metrics)(:log-stream:\\*)?$`));
    }
  }
  const ec2Doc = JSON.parse(byKey("aws:iam/rolePolicy:RolePolicy::lpf-use1-use1-a")!.inputs.policy as string);
  expect(ec2Doc.Statement.filter((s: any) => s.Action.some((a: string) => a.startsWith("logs:"))).map((s: any) => s.Sid)).toEqual(["WriteOwnLogGroups"]);
});

test("no plaintext secret on any container's command line or log options, nor anywhere in the plan", () => {
  const secrets = [...secretPlaintexts(raw), ...raw.rpcUrls.map((u: string) => u.split("/").pop())];
  expect(secrets.length).toBeGreaterThan(10);
  const argvs: string[] = [];
  for (const r of fp.layout.regions) {
    for (const n of [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : []), r.monitoring!, ...r.workerGroups]) {
      for (const c of n.boot.containers) argvs.push(dockerRunArgv(c).join(" "));
    }
  }
  // go-livepeer logs its -ethUrl: it is the loopback proxy, never a keyed URL; secrets are file paths
  expect(argvs.join("\n")).toContain("-ethUrl http://127.0.0.1:4000/");
  const json = JSON.stringify(rs) + argvs.join("\n") + ofType("aws:ec2/launchTemplate:LaunchTemplate").map((lt) => decodeUserData(lt.inputs.userData as string)).join("\n");
  for (const s of secrets) expect(json).not.toContain(s);
});

test("the monitoring node's boot (no secrets, no go-livepeer) is valid bash on both clouds and starts only the monitoring container", () => {
  const { spawnSync } = require("child_process");
  for (const region of ["use1", "euw4"]) {
    const s = script(region, "monitoring");
    expect([region, spawnSync("bash", ["-n"], { input: s, encoding: "utf8" }).status]).toEqual([region, 0]);
    const runs = s.split("\n").filter((l) => l.startsWith("ExecStart=/usr/bin/docker run "));
    expect(runs.map((l) => / --name (\S+) /.exec(l)![1])).toEqual(["monitoring"]);
    expect(s).not.toMatch(/fetch_one /);
  }
});
