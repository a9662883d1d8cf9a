/**
 * Logs, metrics and monitoring in the layout (issue #5). Pure: applied to a region's pinned nodes after
 * buildLayout has made them (withObservability), so the rest of the layout does not know about it.
 *
 *  - Every pinned node (O, redeemer, reward) runs a metrics agent container on the host network (it uses
 *    the instance's cloud identity) that scrapes the node's loopback CLI `/metrics` and publishes the
 *    catalog's series (src/layout/metrics.ts): the CloudWatch agent on AWS, the Google-built OpenTelemetry
 *    collector on GCP. Its configs are plain BootSpec.files mounted read-only.
 *  - Every container of a pinned node logs to CloudWatch Logs (awslogs, the region's container log group)
 *    or Cloud Logging (gcplogs), non-blocking so a slow log API never stalls go-livepeer.
 *  - With spec `monitoring`: each region gets a monitoring node (role `monitoring`: private subnet, no
 *    public address, persistent Prometheus volume) running `livepeer/monitoring` in standalone mode, and
 *    every pinned node serves a metrics-only listener (PORTS.metrics) that only that node may reach.
 *    Cross-region private scraping does not exist, so each region's node scrapes its own region: adding a
 *    region adds a node and touches no other region's node.
 */
import { rpcProxyUrl } from "./argv";
import { stringify } from "yaml";
import { CONFIG_DIR, PATHS, PORTS } from "./types";
import type { ContainerLogging, ContainerUnit, FleetLayout, IngressRule, NodeAlertLayout, ObservabilityLayout, PinnedNodeLayout, RegionLayout, WorkerGroupLayout } from "./types";
import { ALERTS, alertsForRole, cloudwatchAgentConfig, otelCollectorConfig, prometheusScrapeConfig, publishedMetrics, READINESS_JOB, READY_GAUGE_PATH, SCRAPE_JOB } from "./metrics";
import type { AgentRole } from "./metrics";
import type { FleetSpec } from "../spec/validate";
import { privateZones, regionZones } from "../spec/validate";
import { MONITORING_NODE, versionDriftHoursOf } from "../spec/monitoring";
import { names } from "../naming";
import { orchestratorRolloutSeconds } from "./budget";

/** Host paths of the agents' config files (BootSpec.files) and where each container sees them. */
export const AGENT_FILES = {
  cloudwatchAgent: { host: `${CONFIG_DIR}/cloudwatch-agent.json`, container: "/etc/cwagentconfig/cwagentconfig.json" },
  prometheusScrape: { host: `${CONFIG_DIR}/prometheus-scrape.yaml`, container: "/etc/prometheusconfig/prometheus.yaml" },
  otelCollector: { host: `${CONFIG_DIR}/otelcol-google.yaml`, container: "/etc/otelcol-google/config.yaml" },
} as const;

/** Container names of the agent and the monitoring stack. */
export const METRICS_AGENT = "metrics-agent";
export const MONITORING_CONTAINER = "monitoring";
/** Retention of the agents' EMF log events: CloudWatch extracts the metrics at ingestion. */
export const METRICS_LOG_RETENTION_DAYS = 7;
/** Default log retention (days) without `monitoring.logRetentionDays`. */
export const DEFAULT_LOG_RETENTION_DAYS = 30;
/** Default monitoring node machine types. */
export const MONITORING_MACHINE_TYPES = { aws: "t3.medium", gcp: "e2-standard-2" } as const;
/** Where Prometheus keeps its TSDB inside livepeer/monitoring (its supervisord: --storage.tsdb.path). */
const PROMETHEUS_DATA = "/data/prometheus";

/** The loopback CLI port of a chain node (its -cliAddr). */
const cliPort = (n: PinnedNodeLayout) => (n.role === "redeemer" ? PORTS.cliRedeemer : n.role === "reward" ? PORTS.cliReward : PORTS.cliOrchestrator);

/** The region's logs, metrics and alerts settings. */
export function observability(spec: FleetSpec, r: RegionLayout): ObservabilityLayout {
  const m = spec.monitoring;
  const nodes = pinnedNodes(r);
  // An AI-only region's Os never have transcoders: no "no transcoder attached" alert there (a heartbeat instead).
  const aiOnly = r.workerGroups.length > 0 && r.workerGroups.every((g) => g.kind === "ai");
  const nodeAlerts: NodeAlertLayout[] = nodes.flatMap((n) =>
    alertsForRole(n.role)
      // silence: `noTranscoders` where Os have transcoders, else the readiness heartbeat
      .filter((k) => (aiOnly ? k !== "noTranscoders" : k !== "silent"))
      .filter((k) => !((k === "notReady" || k === "silent") && !n.boot.readiness))
      .map((k) => ({
        name: `${r.resourceName}-${n.name}-${k}`, alert: k, node: n.name, description: `${n.name} (${r.name}): ${ALERTS[k].description}`,
        ...(k === "lowBalance" ? { threshold: minBalanceWei(spec, n.role) } : {}),
      })),
  );
  return {
    ...(r.cloud === "aws" ? { logGroup: names.logGroup(spec.name, r.name, "containers"), metricsLogGroup: names.logGroup(spec.name, r.name, "metrics") } : {}),
    logRetentionDays: m?.logRetentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
    metricsLogRetentionDays: METRICS_LOG_RETENTION_DAYS,
    ...(m?.alerts
      ? {
          alerts: {
            emails: [...m.alerts.email], nodeAlerts,
            ...(r.cloud === "aws" ? { loadBalancerUnhealthyMinutes: lbUnhealthyMinutes(spec, r.orchestrators.length) } : {}),
            // Drift needs two chain nodes to compare (the version gauge comes from the metrics-only listener).
            ...(nodes.length > 1 ? { versionDriftHours: versionDriftHoursOf(spec, r.name) } : {}),
          },
        }
      : {}),
  };
}

/**
 * How long (minutes) the AWS load balancer may count an orchestrator unhealthy before its alarm fires. Its
 * metric (UnHealthyHostCount) is the whole target group's, and a rollout keeps one O out of it after another
 * (the next drain starts when the last O is healthy again), so the window outlasts the rollout command's
 * budget for all the region's Os (drain bound, lifecycle hook margin, replacement each), capped at a day
 * (CloudWatch's evaluation limit). The per-O `notReady` alarm is the fast signal: it knows a drain from a
 * failure.
 */
export function lbUnhealthyMinutes(spec: FleetSpec, orchestrators: number): number {
  const perO = Math.ceil(orchestratorRolloutSeconds(spec.rollout.drainSeconds) / 60);
  return Math.min(LB_UNHEALTHY_MAX_MINUTES, orchestrators * perO + LB_UNHEALTHY_MARGIN_MINUTES);
}
/** CloudWatch evaluates at most a day of 1-minute periods. */
export const LB_UNHEALTHY_MAX_MINUTES = 1440;
/** Slack on top of the rollout's budget. */
export const LB_UNHEALTHY_MARGIN_MINUTES = 2;

/** The low-balance threshold of a node's account, in wei (alerts.minEth, else the fleet's funding minimums). */
export function minBalanceWei(spec: FleetSpec, role: PinnedNodeLayout["role"]): number {
  const m = spec.monitoring?.alerts?.minEth;
  const eth = role === "reward" ? (m?.reward ?? spec.funding?.minEthReward ?? "0.01") : (m?.redeemer ?? spec.funding?.minEthRedeemer ?? "0.02");
  return Math.round(Number(eth) * 1e18);
}

/** The region's chain nodes (O, redeemer, reward), in a stable order. */
export const pinnedNodes = (r: Pick<RegionLayout, "orchestrators" | "redeemer" | "reward">): PinnedNodeLayout[] =>
  [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : [])];

/** Every container's log driver: the region's log group (AWS) or Cloud Logging (GCP). */
export function containerLogging(r: RegionLayout, obs: ObservabilityLayout, node: string, container: string, shared = false): ContainerLogging {
  const common = { mode: "non-blocking", "max-buffer-size": "4m" };
  // A group of one writes one stream per node and container; a worker group's many instances would share
  // it, so theirs are named by docker's own `tag` template: group/container/container id.
  const stream: Record<string, string> = shared ? { tag: `${node}/${container}/{{.ID}}` } : { "awslogs-stream": `${node}/${container}` };
  return r.cloud === "aws"
    ? { driver: "awslogs", options: { ...common, "awslogs-region": r.region, "awslogs-group": obs.logGroup!, ...stream } }
    : { driver: "gcplogs", options: { ...common, "gcp-project": r.project!, "gcp-log-cmd": "false" } };
}

/** The metrics agent of one chain node, and its config files. */
export function metricsAgent(spec: FleetSpec, r: RegionLayout, obs: ObservabilityLayout, node: PinnedNodeLayout): { unit: ContainerUnit; files: { path: string; content: string }[] } {
  // With monitoring, the node's metrics-only listener (also on loopback) adds the account balance; else the CLI.
  const address = spec.monitoring ? `127.0.0.1:${PORTS.metrics}` : `127.0.0.1:${cliPort(node)}`;
  // An O's readiness server (the load balancer's check) also answers as gauges: the "not ready" alert.
  const readiness = node.boot.readiness ? `127.0.0.1:${PORTS.readiness}` : undefined;
  return agentFor(spec, r, obs, { series: { fleet: spec.name, region: r.name, node: node.name }, role: node.role, address, readiness });
}

/** The metrics agent of an AI worker: its runner containers, labelled with its group's O (the group's series). */
export function aiWorkerAgent(spec: FleetSpec, r: RegionLayout, obs: ObservabilityLayout, g: WorkerGroupLayout): { unit: ContainerUnit; files: { path: string; content: string }[] } {
  return agentFor(spec, r, obs, { series: { fleet: spec.name, region: r.name, node: g.orchestrator }, role: "ai-worker", address: `127.0.0.1:${PORTS.cliAiWorker}` });
}

function agentFor(
  spec: FleetSpec, r: RegionLayout, obs: ObservabilityLayout,
  a: { series: { fleet: string; region: string; node: string }; role: AgentRole; address: string; readiness?: string },
): { unit: ContainerUnit; files: { path: string; content: string }[] } {
  const { series, address } = a;
  const metrics = publishedMetrics(a.role).filter((m) => a.readiness || m.source !== "readiness");
  const scrape = prometheusScrapeConfig(series, [
    { job: SCRAPE_JOB, address, path: "/metrics", metrics: metrics.filter((m) => m.source !== "readiness") },
    ...(a.readiness ? [{ job: READINESS_JOB, address: a.readiness, path: READY_GAUGE_PATH, metrics: metrics.filter((m) => m.source === "readiness") }] : []),
  ]);
  if (r.cloud === "aws") {
    const cw = cloudwatchAgentConfig({ logGroup: obs.metricsLogGroup!, prometheusConfigPath: AGENT_FILES.prometheusScrape.container, metrics, region: r.region });
    return {
      unit: {
        name: METRICS_AGENT,
        image: spec.images.cloudwatchAgent,
        args: [],
        mounts: [`${AGENT_FILES.cloudwatchAgent.host}:${AGENT_FILES.cloudwatchAgent.container}:ro`, `${AGENT_FILES.prometheusScrape.host}:${AGENT_FILES.prometheusScrape.container}:ro`],
        gpus: false,
        network: "host",
      },
      files: [
        { path: AGENT_FILES.cloudwatchAgent.host, content: JSON.stringify(cw, null, 2) + "\n" },
        { path: AGENT_FILES.prometheusScrape.host, content: stringify(scrape) },
      ],
    };
  }
  const otel = otelCollectorConfig({ project: r.project!, scrape });
  return {
    unit: {
      name: METRICS_AGENT,
      image: spec.images.otelCollector,
      args: [`--config=${AGENT_FILES.otelCollector.container}`],
      mounts: [`${AGENT_FILES.otelCollector.host}:${AGENT_FILES.otelCollector.container}:ro`],
      gpus: false,
      network: "host",
    },
    files: [{ path: AGENT_FILES.otelCollector.host, content: stringify(otel) }],
  };
}

/** The monitoring node of a region (spec `monitoring`); its targets are filled in by withScrapeTargets. */
export function monitoringNode(spec: FleetSpec, r: RegionLayout, rs: FleetSpec["regions"][number]): PinnedNodeLayout {
  const m = spec.monitoring!;
  // The first zone by name (with a private subnet): stable when zones are listed in another order.
  const zone = [...(r.cloud === "aws" ? privateZones(rs) : regionZones(rs))].sort()[0];
  const ingress: IngressRule[] = [
    ...(r.cloud === "gcp" ? [{ port: PORTS.grafana, from: "iap" as const, description: "Grafana through IAP TCP forwarding (gcloud compute start-iap-tunnel)" }] : []),
    ...(m.grafanaAllowedCidrs?.length ? [{ port: PORTS.grafana, from: "cidrs" as const, cidrs: [...m.grafanaAllowedCidrs], description: "Grafana from monitoring.grafanaAllowedCidrs" }] : []),
  ];
  const targets = pinnedNodes(r).map((n) => n.name).sort();
  return {
    name: MONITORING_NODE,
    role: "monitoring",
    resourceName: names.node(spec.name, r.name, MONITORING_NODE),
    zone,
    subnet: "private",
    staticPublicIp: false,
    instanceType: m.instanceType ?? MONITORING_MACHINE_TYPES[r.cloud],
    imageId: rs.machineImages.cpu,
    rootVolumeGb: 30,
    dataVolumeGb: m.dataVolumeGb,
    ingress,
    argv: [],
    // Shown by name until the cloud gives the addresses (withScrapeTargets).
    boot: { secrets: [], containers: [monitoringUnit(m.image, r.name, targets.map((n) => `<${n}>:${PORTS.metrics}`))], dataVolume: true },
    scrapeTargets: targets,
  };
}

function monitoringUnit(image: string, region: string, targets: string[]): ContainerUnit {
  return {
    name: MONITORING_CONTAINER,
    image,
    // start.sh passes its arguments to the config generator (yargs; arguments win over LP_* variables).
    // The TSDB path is passed explicitly: the generator's default is `/data/promtheus` (sic), off the volume.
    args: ["--mode", "standalone", "--nodes", targets.join(","), "--region", region, "--prometheus-storagePath", PROMETHEUS_DATA],
    mounts: [`${PATHS.dataDir}/prometheus:${PROMETHEUS_DATA}`],
    gpus: false,
    network: "host",
  };
}

/**
 * The monitoring node with its scrape targets (`<private address>:PORTS.metrics` of each node it
 * scrapes, in the layout's order). The addresses come from the cloud (a node whose address the cloud
 * picks is known only at deploy time). Throws if one is missing.
 */
export function withScrapeTargets(node: PinnedNodeLayout, addresses: Record<string, string>): PinnedNodeLayout {
  if (!node.scrapeTargets) return node;
  const targets = node.scrapeTargets.map((n) => {
    const ip = addresses[n];
    if (!ip) throw new Error(`monitoring node ${node.resourceName}: no private address for ${n}`);
    return `${ip}:${PORTS.metrics}`;
  });
  return {
    ...node,
    boot: { ...node.boot, containers: node.boot.containers.map((c) => (c.name === MONITORING_CONTAINER ? { ...c, args: monitoringUnit(c.image, c.args[c.args.indexOf("--region") + 1], targets).args } : c)) },
  };
}

/** Adds logs, metrics agents, metrics-only listeners, monitoring nodes and alerts to a built layout. */
export function withObservability(spec: FleetSpec, layout: FleetLayout): FleetLayout {
  const monitored = !!spec.monitoring;
  const regions = layout.regions.map((r0) => {
    const rs = spec.regions.find((x) => x.name === r0.name)!;
    const r: RegionLayout = { ...r0 };
    const obs = observability(spec, r0);
    const equip = (n: PinnedNodeLayout): PinnedNodeLayout => {
      const agent = metricsAgent(spec, r0, obs, n);
      const containers = [...n.boot.containers, agent.unit].map((c) => ({ ...c, logging: containerLogging(r0, obs, n.name, c.name) }));
      return {
        ...n,
        ingress: monitored ? [...n.ingress, { port: PORTS.metrics, from: "monitoring", description: "metrics-only listener (GET /metrics), this region's monitoring node" }] : n.ingress,
        boot: {
          ...n.boot,
          containers,
          files: [...(n.boot.files ?? []), ...agent.files],
          ...(monitored
            ? {
                metricsProxy: {
                  port: PORTS.metrics,
                  cliPort: cliPort(n),
                  ...(n.role === "reward" || n.role === "redeemer" ? { balance: { account: n.walletAddress!, rpcUrl: rpcProxyUrl(spec.network) } } : {}),
                },
              }
            : {}),
        },
      };
    };
    r.orchestrators = r0.orchestrators.map(equip);
    // Workers ship their container logs too (no agent: their O reports their load).
    // AI workers also run a metrics agent: go-livepeer reports runner containers on them (AI scaling).
    r.workerGroups = r0.workerGroups.map((g) => {
      const agent = g.kind === "ai" ? aiWorkerAgent(spec, r0, obs, g) : undefined;
      const containers = [...g.boot.containers, ...(agent ? [agent.unit] : [])];
      return {
        ...g,
        boot: {
          ...g.boot,
          containers: containers.map((c) => ({ ...c, logging: containerLogging(r0, obs, g.name, c.name, true) })),
          ...(agent ? { files: [...(g.boot.files ?? []), ...agent.files] } : {}),
        },
      };
    });
    if (r0.redeemer) r.redeemer = equip(r0.redeemer);
    if (r0.reward) r.reward = equip(r0.reward);
    r.observability = obs;
    if (monitored) {
      const m = monitoringNode(spec, r, rs);
      r.monitoring = { ...m, boot: { ...m.boot, containers: m.boot.containers.map((c) => ({ ...c, logging: containerLogging(r0, obs, m.name, c.name) })) } };
    }
    return r;
  });
  return { ...layout, regions };
}
