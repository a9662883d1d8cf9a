/**
 * Validation of `monitoring` and the agents' images: each problem names the field, the bad value and what
 * would be accepted; a good section passes; no secret is echoed (loadError checks).
 */
import { expectIssues, load, mutated } from "../helpers/spec";
import { checkMonitoring, grafanaCidrProblem, versionDriftHoursOf } from "../../src/spec/monitoring";
import { fleetWarnings } from "../../src/layout/layout";
import { lbUnhealthyMinutes } from "../../src/layout/monitoring";
import { buildLayout } from "../../src/layout/layout";

test.each<[string, (r: any) => void, [string, RegExp][]]>([
  ["a floating monitoring image", (r) => (r.monitoring.image = "livepeer/monitoring:latest"), [["monitoring.image", /floating tag `latest`; accepted: `repo:tag` with an exact version tag/]]],
  ["a monitoring image without a tag", (r) => (r.monitoring.image = "livepeer/monitoring"), [["monitoring.image", /has no tag \(that means `latest`\)/]]],
  ["a floating CloudWatch agent", (r) => (r.images.cloudwatchAgent = "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:latest"), [["images.cloudwatchAgent", /floating tag `latest`/]]],
  ["an OpenTelemetry collector on a minor version", (r) => (r.images.otelCollector = "us-docker.pkg.dev/x/y/otelcol-google:0.151"), [["images.otelCollector", /floats over patch releases/]]],
  ["Grafana open to the internet", (r) => (r.monitoring.grafanaAllowedCidrs = ["0.0.0.0/0"]), [["monitoring.grafanaAllowedCidrs[0]", /must be a \/8 or narrower.*SSM port forwarding.*IAP tunnel/]]],
  ["Grafana open to half the internet twice", (r) => (r.monitoring.grafanaAllowedCidrs = ["0.0.0.0/1", "128.0.0.0/1"]), [["monitoring.grafanaAllowedCidrs[0]", /\/8 or narrower/], ["monitoring.grafanaAllowedCidrs[1]", /\/8 or narrower/]]],
  ["a CIDR with host bits", (r) => (r.monitoring.grafanaAllowedCidrs = ["203.0.113.7/24"]), [["monitoring.grafanaAllowedCidrs[0]", /must be an IPv4 CIDR with no host bits set, like `203\.0\.113\.0\/24`/]]],
  ["not a CIDR", (r) => (r.monitoring.grafanaAllowedCidrs = ["office"]), [["monitoring.grafanaAllowedCidrs[0]", /must be an IPv4 CIDR/]]],
  ["a prefix with a leading zero (/08: another spelling of /8)", (r) => (r.monitoring.grafanaAllowedCidrs = ["10.0.0.0/8", "10.0.0.0/08"]), [["monitoring.grafanaAllowedCidrs[1]", /must be an IPv4 CIDR with no host bits set/]]],
  ["a CIDR twice", (r) => (r.monitoring.grafanaAllowedCidrs = ["203.0.113.0/24", "203.0.113.0/24"]), [["monitoring.grafanaAllowedCidrs[1]", /is listed twice/]]],
  ["a bad e-mail", (r) => (r.monitoring.alerts.email = ["ops@", "ops at example.com"]), [["monitoring.alerts.email[0]", /must be an e-mail address like `ops@example\.com`/], ["monitoring.alerts.email[1]", /must be an e-mail address/]]],
  ["no e-mail", (r) => (r.monitoring.alerts.email = []), [["monitoring.alerts.email", /needs at least one address/]]],
  ["a retention CloudWatch refuses", (r) => (r.monitoring.logRetentionDays = 10), [["monitoring.logRetentionDays", /must be one of the retention periods CloudWatch Logs accepts: 1, 3, 5, 7, 14, 30/]]],
  ["a zero ETH threshold (it never fires)", (r) => (r.monitoring.alerts.minEth = { reward: "0.000" }), [["monitoring.alerts.minEth.reward", /must be more than 0: a zero threshold never fires/]]],
  ["a redeemer threshold without a redeemer", (r) => { delete r.redeemer; r.monitoring.alerts.minEth = { redeemer: "0.1" }; }, [["monitoring.alerts.minEth.redeemer", /a redeemer this fleet does not have/]]],
  ["a reward threshold with an external reward service", (r) => { r.reward = { mode: "external", description: "elsewhere" }; r.monitoring.alerts.minEth = { reward: "0.1" }; }, [["monitoring.alerts.minEth.reward", /reward node this fleet does not run/]]],
  ["a bad ETH threshold", (r) => (r.monitoring.alerts.minEth = { reward: "lots" }), [["monitoring.alerts.minEth.reward", /must be an ETH amount like `0\.02`/]]],
  ["a drift window of zero hours", (r) => (r.monitoring.alerts.versionDriftHours = 0), [["monitoring.alerts.versionDriftHours", /must be a whole number of hours from 1 to 24 \(longer than a region's rollout; default 6\)/]]],
  ["a drift window over a day", (r) => (r.monitoring.alerts.versionDriftHours = 25), [["monitoring.alerts.versionDriftHours", /from 1 to 24/]]],
  [
    "a drift window no longer than a region's whole rollout",
    (r) => { r.monitoring.alerts.versionDriftHours = 1; r.rollout = { drainSeconds: 1800 }; },
    // 2 Os × (1800 + 180 + 900) s + redeemer and reward × 1080 s = 7920 s
    [["monitoring.alerts.versionDriftHours", /is no longer than a whole rollout of use1 \(4 chain nodes one at a time, about 132 minutes with the drain bound of 1800 s\): .* give at least 3/]],
  ],
  ["a drift window in fractions", (r) => (r.monitoring.alerts.versionDriftHours = 1.5), [["monitoring.alerts.versionDriftHours", /whole number of hours/]]],
  ["a monitoring machine type of the wrong cloud", (r) => (r.monitoring.instanceType = "e2-standard-2"), [["monitoring.instanceType", /must be an EC2 instance type.*the fleet has aws regions/]]],
  ["an orchestrator named like the monitoring node", (r) => (r.regions[0].orchestrators[0].name = "monitoring"), [["regions[0].orchestrators[0].name", /is reserved for the region's monitoring node/]]],
])("refused: %s", (_what, m, expected) => {
  const issues = expectIssues(mutated(m), expected);
  for (const i of issues) expect(i.value).not.toBeUndefined();
});

test("a monitoring image is required when monitoring is on", () => {
  expectIssues(mutated((r) => delete r.monitoring.image), [["monitoring.image", /.+/]]);
});

test("Grafana CIDRs: listed ranges are allowed, /0 in any spelling is not", () => {
  expect(grafanaCidrProblem("198.51.100.7/32")).toBeUndefined();
  expect(grafanaCidrProblem("10.0.0.0/8")).toBeUndefined();
  expect(grafanaCidrProblem("0.0.0.0/0")).toMatch(/whole internet/);
  expect(grafanaCidrProblem("::/0")).toMatch(/IPv4 CIDR/);
  const l = buildLayout(load(mutated((r) => (r.monitoring.grafanaAllowedCidrs = ["198.51.100.0/24"]))));
  expect(l.regions[0].monitoring!.ingress.map((i) => [i.port, i.from, i.cidrs])).toEqual([[3000, "cidrs", ["198.51.100.0/24"]]]);
});

test("without monitoring: no monitoring node, no metrics-only listener; agents and logs (30 days) stay", () => {
  const l = buildLayout(load(mutated((r) => delete r.monitoring)));
  const r = l.regions[0];
  expect(r.monitoring).toBeUndefined();
  expect(r.observability).toMatchObject({ logRetentionDays: 30, logGroup: "/livepeer-fleet/ref/use1/containers" });
  expect(r.observability!.alerts).toBeUndefined();
  for (const n of [...r.orchestrators, r.redeemer!, r.reward!]) {
    expect(n.boot.metricsProxy).toBeUndefined();
    expect(n.ingress.some((i) => i.from === "monitoring")).toBe(false);
    expect(n.boot.containers.map((c) => c.name)).toContain("metrics-agent");
  }
});

test("alert windows follow the spec: the version-drift hours (default 6), the load balancer's window after the drain bound", () => {
  const def = buildLayout(load(mutated(() => undefined))).regions[0].observability!.alerts!;
  expect([def.versionDriftHours, def.loadBalancerUnhealthyMinutes]).toEqual([6, 2 * 28 + 2]); // 2 Os × (600 s drain + 180 s hook margin + 900 s replacement) / 60 + 2
  const tuned = buildLayout(load(mutated((r) => { r.monitoring.alerts.versionDriftHours = 12; r.rollout = { drainSeconds: 1830 }; }))).regions[0].observability!.alerts!;
  expect([tuned.versionDriftHours, tuned.loadBalancerUnhealthyMinutes]).toEqual([12, 2 * 49 + 2]); // 2 × ceil((1830 + 180 + 900) / 60) + 2
  // left out, the window lengthens past a long region's whole rollout (capped at a day)
  const sized = (os: number, given?: number) => versionDriftHoursOf({
    regions: [{ name: "x", orchestrators: Array.from({ length: os }, (_, i) => ({ name: `o${i}` })) }],
    reward: { mode: "external" }, rollout: { drainSeconds: 3600 }, monitoring: { alerts: { versionDriftHours: given } },
  } as any, "x");
  expect([sized(2), sized(8), sized(30), sized(30, 3)]).toEqual([6, 11, 24, 3]); // 8 × 4680 s = 10.4 h
  // a region of one chain node has nothing to compare: no drift alert; its O still gets notReady
  const alone = buildLayout(load(mutated((r) => { delete r.redeemer; r.reward = { mode: "external", description: "a reward service run elsewhere" }; r.regions[0].orchestrators = r.regions[0].orchestrators.slice(0, 1); })));
  const a = alone.regions[0].observability!.alerts!;
  expect(a.versionDriftHours).toBeUndefined();
  expect(a.nodeAlerts.map((x) => x.alert)).toContain("notReady");
});

test("a region whose whole rollout outlasts a day: 24 hours is accepted (no value could outlast it), the plan warns, the LB window is capped at a day", () => {
  const fleet = load(mutated((r) => (r.rollout = { drainSeconds: 3600 })));
  const spec = fleet.spec as any;
  // 20 Os × 4680 s = 26 h (the parsed spec, grown past what fixture wallets allow: these checks are pure)
  spec.regions[0].orchestrators = Array.from({ length: 20 }, (_, i) => ({ ...spec.regions[0].orchestrators[0], name: `o${i}` }));
  const issues: string[] = [];
  spec.monitoring.alerts.versionDriftHours = 24;
  checkMonitoring(spec, (p, _v, m) => issues.push(`${p}: ${m}`));
  expect(issues).toEqual([]);
  spec.monitoring.alerts.versionDriftHours = 12;
  checkMonitoring(spec, (p, _v, m) => issues.push(`${p}: ${m}`));
  expect(issues).toEqual([expect.stringMatching(/^monitoring\.alerts\.versionDriftHours: is no longer than a whole rollout of use1 \(22 chain nodes .*give at least 24,/)]);
  expect(fleetWarnings(spec)).toContainEqual(expect.stringMatching(/a whole rollout of region use1 \(22 chain nodes one at a time\) takes about 27 hours, longer than the alerts' longest window \(a day\)/));
  expect(lbUnhealthyMinutes(spec, 20)).toBe(1440);
  expect(lbUnhealthyMinutes(spec, 2)).toBe(2 * 78 + 2);
});
