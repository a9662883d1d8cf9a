/**
 * The fleet's metric pipeline, in one place, so that what a node's agent publishes and what scaling
 * policies, autoscalers and alerts read can never disagree (a test checks both sides against this file).
 *
 * Every pinned node (O, redeemer, reward) runs a metrics agent container on the host network that scrapes
 * the node's own go-livepeer CLI `/metrics` on loopback (never exposed) every SCRAPE_INTERVAL_SECONDS and
 * publishes a few series, labelled with stable names (fleet, region name, node name — never the instance
 * id or hostname, which change when a node is replaced):
 *  - AWS: the CloudWatch agent's Prometheus scraper → embedded metric format → CloudWatch metrics in
 *    CLOUDWATCH_NAMESPACE with dimensions DIMENSIONS.
 *  - GCP: the Google-built OpenTelemetry collector's Prometheus receiver → Managed Service for Prometheus
 *    (Cloud Monitoring metric types `prometheus.googleapis.com/<name>/<kind>`) with the same labels.
 *
 * Pure: no Pulumi, no cloud SDK.
 */
import type { PinnedRole } from "./types";

/** Labels added to every scraped series, used as CloudWatch dimensions and Cloud Monitoring label filters. */
export const LABELS = { fleet: "fleet", region: "fleet_region", node: "node" } as const;
export const DIMENSIONS = [LABELS.fleet, LABELS.region, LABELS.node] as const;
/** The dimensions of a region-wide series (METRICS entries with `regionWide`). */
export const REGION_DIMENSIONS = [LABELS.fleet, LABELS.region] as const;
export const CLOUDWATCH_NAMESPACE = "LivepeerFleet";
/** Scrape job names (the `job` label): go-livepeer's CLI `/metrics`, and an O's readiness server's gauges. */
export const SCRAPE_JOB = "livepeer";
export const READINESS_JOB = "livepeer-readiness";
/**
 * Where an O's readiness server (src/layout/boot.ts READINESS_PY, PORTS.readiness) answers its state as
 * Prometheus gauges: METRICS.unready and METRICS.draining.
 */
export const READY_GAUGE_PATH = "/ready.prom";
export const SCRAPE_INTERVAL_SECONDS = 30;

export type MetricKind = "gauge" | "counter";

/** Who runs a metrics agent: the chain nodes, and AI workers (go-livepeer reports runner containers there). */
export type AgentRole = PinnedRole | "ai-worker";

/** A go-livepeer series the agent publishes (names from go-livepeer's monitor/census.go, livepeer.md §3). */
export interface FleetMetric {
  name: string;
  kind: MetricKind;
  /** Roles whose node reports it. */
  roles: AgentRole[];
  /** What reads it. */
  use: string;
  /** Who serves it: go-livepeer's CLI (default) or the O's readiness server (READY_GAUGE_PATH). */
  source?: "readiness";
  /** Also published per region (CloudWatch dimensions fleet, fleet_region): an alarm compares the region's nodes. */
  regionWide?: true;
}

export const METRICS = {
  /** Sessions loaded on the O's remote transcoders (sum over them). Scaling numerator. */
  transcodersLoad: { name: "livepeer_transcoders_load", kind: "gauge", roles: ["orchestrator"], use: "transcoder scaling (sessions in use)" },
  /** Sessions the O's connected transcoders offer (sum of their -maxSessions). Scaling denominator. */
  transcodersCapacity: { name: "livepeer_transcoders_capacity", kind: "gauge", roles: ["orchestrator"], use: "transcoder scaling (sessions offered)" },
  /** Transcoders connected to the O. Alert when zero. */
  transcodersNumber: { name: "livepeer_transcoders_number", kind: "gauge", roles: ["orchestrator"], use: "alert: no transcoder attached" },
  /** Streams the O transcodes now (drain waits for zero). */
  currentSessions: { name: "livepeer_current_sessions_total", kind: "gauge", roles: ["orchestrator"], use: "drain, dashboards" },
  /**
   * AI runner containers busy / idle (per pipeline and model). go-livepeer reports them on the AI worker that
   * runs the containers (ai/worker/docker.go), not on a standalone O: each AI worker's agent publishes them
   * labelled with its group's O, so the group's series are the sum over its workers.
   */
  aiInUse: { name: "livepeer_ai_container_in_use", kind: "gauge", roles: ["ai-worker"], use: "AI scaling (containers in use)" },
  aiIdle: { name: "livepeer_ai_container_idle", kind: "gauge", roles: ["ai-worker"], use: "AI scaling (containers idle)" },
  rewardErrors: { name: "livepeer_reward_call_errors", kind: "counter", roles: ["reward"], use: "alert: reward call failed" },
  redemptionErrors: { name: "livepeer_ticket_redemption_errors", kind: "counter", roles: ["orchestrator", "redeemer"], use: "alert: ticket redemption failed" },
  /**
   * Not go-livepeer's: the node's metrics-only listener appends its account's balance (eth_getBalance through
   * the node's loopback RPC proxy, src/layout/metricsProxy.ts) when the fleet has monitoring.
   */
  /**
   * Not go-livepeer's: the O's readiness server (the check the load balancer runs) as gauges. `unready` is 1
   * when the check fails for any reason but a drain (CLI down, no transcoder attached); a drain is planned
   * (rollouts), so it is `draining` instead and pages nobody.
   */
  unready: { name: "livepeer_fleet_unready", kind: "gauge", roles: ["orchestrator"], use: "alert: the orchestrator fails its readiness check (load balancer and DNS drop it)", source: "readiness" },
  draining: { name: "livepeer_fleet_draining", kind: "gauge", roles: ["orchestrator"], use: "dashboards: the orchestrator drains (rollout)", source: "readiness" },
  /**
   * Not go-livepeer's: the metrics-only listener (with `monitoring`) appends `livepeer_versions`'
   * `livepeerversion` label as a number (its crc32), so "the nodes of a region run different builds" is
   * max − min > 0 over the region, a comparison both clouds' alerts can make.
   */
  versionId: { name: "livepeer_fleet_version_id", kind: "gauge", roles: ["orchestrator", "redeemer", "reward"], use: "alert: go-livepeer version drift between a region's nodes", regionWide: true },
  ethBalance: { name: "livepeer_fleet_eth_balance_wei", kind: "gauge", roles: ["reward", "redeemer"], use: "alert: the account that sends transactions runs out of gas" },
} as const satisfies Record<string, FleetMetric>;

export type MetricKey = keyof typeof METRICS;

/** Metrics a node of this role publishes. */
export function publishedMetrics(role: AgentRole): FleetMetric[] {
  return Object.values(METRICS).filter((m) => (m.roles as readonly AgentRole[]).includes(role));
}

/** Cloud Monitoring metric type of a Prometheus series written by the managed-Prometheus exporter. */
export function gcpMetricType(name: string, kind: MetricKind): string {
  return `prometheus.googleapis.com/${name}/${kind}`;
}

/** The labels that identify one node's series. */
export interface NodeSeries {
  fleet: string;
  region: string;
  node: string;
}

export const seriesLabels = (s: NodeSeries): Record<string, string> => ({ [LABELS.fleet]: s.fleet, [LABELS.region]: s.region, [LABELS.node]: s.node });

/** CloudWatch dimensions of one node's series. */
export const cloudwatchDimensions = (s: NodeSeries): Record<string, string> => seriesLabels(s);

/** CloudWatch dimensions of a region-wide series (METRICS entries with `regionWide`). */
export const regionDimensions = (fleet: string, region: string): Record<string, string> => ({ [LABELS.fleet]: fleet, [LABELS.region]: region });

/** Cloud Monitoring filter selecting exactly one node's series of one metric type. */
export function gcpSeriesFilter(metricType: string, s: NodeSeries): string {
  const labels = Object.entries(seriesLabels(s)).map(([k, v]) => `metric.labels.${k} = "${v}"`);
  return [`metric.type = "${metricType}"`, `resource.type = "prometheus_target"`, ...labels].join(" AND ");
}

/** One scrape job of a node's agent: an endpoint on loopback and the catalog metrics kept from it. */
export interface ScrapeTarget {
  /** The `job` label (SCRAPE_JOB or READINESS_JOB: the CloudWatch agent declares both). */
  job: string;
  /** host:port on loopback. */
  address: string;
  path: string;
  metrics: FleetMetric[];
}

/** The Prometheus scrape configuration both agents embed (static labels identify the node). */
export function prometheusScrapeConfig(s: NodeSeries, targets: ScrapeTarget[]) {
  return {
    global: { scrape_interval: `${SCRAPE_INTERVAL_SECONDS}s`, scrape_timeout: "10s" },
    scrape_configs: targets.filter((t) => t.metrics.length).map((t) => ({
      job_name: t.job,
      metrics_path: t.path,
      static_configs: [{ targets: [t.address], labels: seriesLabels(s) }],
      // Keep only what is published: the CLI exports hundreds of series, each one costs money.
      metric_relabel_configs: [{ source_labels: ["__name__"], regex: `(${t.metrics.map((m) => m.name).join("|")})`, action: "keep" }],
    })),
  };
}

/**
 * CloudWatch agent configuration (JSON): Prometheus scrape → EMF log events in `logGroup` → metrics in
 * CLOUDWATCH_NAMESPACE with exactly DIMENSIONS. `prometheusConfigPath` is where the scrape config is
 * mounted inside the agent container.
 */
export function cloudwatchAgentConfig(opts: { logGroup: string; prometheusConfigPath: string; metrics: FleetMetric[]; region?: string }) {
  return {
    // The region is given: a containerised agent outside ECS/EKS would otherwise have to guess it.
    agent: { metrics_collection_interval: SCRAPE_INTERVAL_SECONDS, ...(opts.region ? { region: opts.region } : {}) },
    logs: {
      metrics_collected: {
        prometheus: {
          log_group_name: opts.logGroup,
          prometheus_config_path: opts.prometheusConfigPath,
          emf_processor: {
            metric_namespace: CLOUDWATCH_NAMESPACE,
            metric_declaration: [
              {
                source_labels: ["job"],
                label_matcher: `^(${SCRAPE_JOB}|${READINESS_JOB})$`,
                dimensions: [[...DIMENSIONS]],
                metric_selectors: opts.metrics.filter((m) => !m.regionWide).map((m) => `^${m.name}$`),
              },
              // Per node and per region: a region's alarm reads Maximum and Minimum over all its nodes.
              ...(opts.metrics.some((m) => m.regionWide)
                ? [{
                    source_labels: ["job"],
                    label_matcher: `^${SCRAPE_JOB}$`,
                    dimensions: [[...DIMENSIONS], [...REGION_DIMENSIONS]],
                    metric_selectors: opts.metrics.filter((m) => m.regionWide).map((m) => `^${m.name}$`),
                  }]
                : []),
            ],
          },
        },
      },
      force_flush_interval: 15,
    },
  };
}

/**
 * Google-built OpenTelemetry collector configuration: Prometheus receiver → resource detection (the VM's zone) →
 * Google Managed Service for Prometheus. Runs on the host network to use the VM's service account.
 */
export function otelCollectorConfig(opts: { project: string; scrape: ReturnType<typeof prometheusScrapeConfig> }) {
  const processors: Record<string, unknown> = {
    batch: { send_batch_size: 200, timeout: "10s" },
    memory_limiter: { check_interval: "1s", limit_percentage: 65, spike_limit_percentage: 20 },
    // The managed-Prometheus exporter needs the VM's location for the prometheus_target resource.
    resourcedetection: { detectors: ["gcp"], timeout: "10s" },
    // Its `instance` label would be the scrape address (127.0.0.1:port), the same on every VM: the AI workers
    // of a group (same labels, same zone) would then write one series between them. The VM's name keeps one
    // series per VM; filters and queries select on the fleet labels and sum over VMs.
    "resource/instance": { attributes: [{ key: "service.instance.id", from_attribute: "host.name", action: "upsert" }] },
  };
  return {
    receivers: { prometheus: { config: opts.scrape } },
    processors,
    exporters: { googlemanagedprometheus: { project: opts.project } },
    service: {
      pipelines: {
        metrics: {
          receivers: ["prometheus"],
          processors: ["memory_limiter", "resourcedetection", "resource/instance", "batch"],
          exporters: ["googlemanagedprometheus"],
        },
      },
    },
  };
}

/** What a worker group scales on: the O's series combined into utilisation (percent). */
export interface UtilisationMath {
  /** Metric-math ids and the catalog metrics they read (CloudWatch, statistic Sum over 60 s). */
  inputs: { id: string; metric: FleetMetric }[];
  /** CloudWatch metric math giving utilisation in percent (0 when the O reports no capacity). */
  expression: string;
  /** GCP: the per-O load an autoscaler divides by the per-instance assignment (summed over the series the filter selects). */
  gcp: { name: string; kind: MetricKind };
}

export function utilisationMath(signal: "transcoder-sessions" | "ai-containers"): UtilisationMath {
  if (signal === "transcoder-sessions") {
    return {
      inputs: [{ id: "load", metric: METRICS.transcodersLoad }, { id: "cap", metric: METRICS.transcodersCapacity }],
      expression: "IF(cap > 0, 100 * load / cap, 0)",
      gcp: { name: METRICS.transcodersLoad.name, kind: "gauge" },
    };
  }
  return {
    inputs: [{ id: "inuse", metric: METRICS.aiInUse }, { id: "idle", metric: METRICS.aiIdle }],
    expression: "IF(inuse + idle > 0, 100 * inuse / (inuse + idle), 0)",
    // The autoscaler sums every series its filter selects (one per pipeline and model of this O).
    gcp: { name: METRICS.aiInUse.name, kind: "gauge" },
  };
}

/**
 * Alerts on the catalog's series, per node (one alarm / alert policy per node whose role publishes the
 * metric). Both clouds read the same series the agents publish: CloudWatch (CLOUDWATCH_NAMESPACE,
 * cloudwatchDimensions) and Cloud Monitoring (gcpMetricType, gcpSeriesFilter). Counters arrive in
 * CloudWatch as per-scrape deltas (the agent computes them), so `Sum > 0` over a period is "increased";
 * in Cloud Monitoring they are cumulative, so ALIGN_DELTA.
 */
export interface AlertDef {
  metric: FleetMetric;
  description: string;
  cloudwatch: {
    statistic: "Maximum" | "Minimum" | "Sum";
    comparison: "LessThanThreshold" | "GreaterThanThreshold";
    threshold: number;
    periodSeconds: number;
    evaluationPeriods: number;
    /** No data: `breaching` when silence means the node (or its agent) is down, `notBreaching` for error counters (go-livepeer exports a counter only once it counted something). */
    treatMissingData: "breaching" | "notBreaching";
  };
  gcp: {
    comparison: "COMPARISON_LT" | "COMPARISON_GT";
    threshold: number;
    durationSeconds: number;
    alignmentPeriodSeconds: number;
    aligner: "ALIGN_MAX" | "ALIGN_MIN" | "ALIGN_DELTA";
    /** Also fire when the series is absent for durationSeconds (the parity of `breaching`). */
    absentFires: boolean;
  };
}

export const ALERTS = {
  noTranscoders: {
    metric: METRICS.transcodersNumber,
    description: "no transcoder attached to the orchestrator for 10 minutes (or its metrics are missing)",
    cloudwatch: { statistic: "Maximum", comparison: "LessThanThreshold", threshold: 1, periodSeconds: 60, evaluationPeriods: 10, treatMissingData: "breaching" },
    gcp: { comparison: "COMPARISON_LT", threshold: 1, durationSeconds: 600, alignmentPeriodSeconds: 60, aligner: "ALIGN_MAX", absentFires: true },
  },
  rewardErrors: {
    metric: METRICS.rewardErrors,
    description: "a reward call failed",
    cloudwatch: { statistic: "Sum", comparison: "GreaterThanThreshold", threshold: 0, periodSeconds: 300, evaluationPeriods: 1, treatMissingData: "notBreaching" },
    gcp: { comparison: "COMPARISON_GT", threshold: 0, durationSeconds: 0, alignmentPeriodSeconds: 300, aligner: "ALIGN_DELTA", absentFires: false },
  },
  redemptionErrors: {
    metric: METRICS.redemptionErrors,
    description: "a winning ticket's redemption failed",
    cloudwatch: { statistic: "Sum", comparison: "GreaterThanThreshold", threshold: 0, periodSeconds: 300, evaluationPeriods: 1, treatMissingData: "notBreaching" },
    gcp: { comparison: "COMPARISON_GT", threshold: 0, durationSeconds: 0, alignmentPeriodSeconds: 300, aligner: "ALIGN_DELTA", absentFires: false },
  },
  /**
   * Up and saying it is not ready (not draining) for 5 minutes. Silence is not this alert's: a rollout
   * replaces an O and its successor takes minutes to report; `noTranscoders` (10 minutes) or, in AI-only
   * regions, `silent` fire on silence.
   */
  notReady: {
    metric: METRICS.unready,
    description: "the orchestrator has failed its readiness check for 5 minutes, not draining: the load balancer and DNS have dropped it",
    cloudwatch: { statistic: "Maximum", comparison: "GreaterThanThreshold", threshold: 0, periodSeconds: 60, evaluationPeriods: 5, treatMissingData: "notBreaching" },
    gcp: { comparison: "COMPARISON_GT", threshold: 0, durationSeconds: 300, alignmentPeriodSeconds: 60, aligner: "ALIGN_MAX", absentFires: false },
  },
  /**
   * A heartbeat, for the Os of AI-only regions (which have no `noTranscoders` alert): the readiness gauges
   * (always 0 or 1 while the O runs) missing for 10 minutes. The threshold itself can never be crossed.
   */
  silent: {
    metric: METRICS.draining,
    description: "no metrics from the orchestrator for 10 minutes (it is down, or its metrics agent is)",
    cloudwatch: { statistic: "Maximum", comparison: "GreaterThanThreshold", threshold: 1, periodSeconds: 60, evaluationPeriods: 10, treatMissingData: "breaching" },
    gcp: { comparison: "COMPARISON_GT", threshold: 1, durationSeconds: 600, alignmentPeriodSeconds: 60, aligner: "ALIGN_MAX", absentFires: true },
  },
  lowBalance: {
    metric: METRICS.ethBalance,
    description: "the account's ETH balance is below the threshold (it pays gas for reward calls / redemptions)",
    // The threshold is per node (monitoring.alerts.minEth, else funding); this one is replaced.
    cloudwatch: { statistic: "Minimum", comparison: "LessThanThreshold", threshold: 0, periodSeconds: 300, evaluationPeriods: 2, treatMissingData: "notBreaching" },
    gcp: { comparison: "COMPARISON_LT", threshold: 0, durationSeconds: 600, alignmentPeriodSeconds: 300, aligner: "ALIGN_MIN", absentFires: false },
  },
} as const satisfies Record<string, AlertDef>;

export type AlertKey = keyof typeof ALERTS;

/** The alerts a node of this role gets (those whose metric it publishes). */
export function alertsForRole(role: PinnedRole): AlertKey[] {
  return (Object.keys(ALERTS) as AlertKey[]).filter((k) => (ALERTS[k].metric.roles as readonly AgentRole[]).includes(role));
}

/**
 * "A group at its maximum size with utilisation above target" (it cannot add capacity: at max, or the cloud
 * cannot provide GPUs). AWS: the group's in-service capacity has reached its maximum while the O's
 * utilisation is above target, for AT_CAPACITY.awsMinutes. GCP (the autoscaler's size is not a metric this
 * alert can join): utilisation above target for AT_CAPACITY.gcpMinutes, longer than any warmup, so an
 * autoscaler able to add VMs would have brought it down.
 */
export const AT_CAPACITY = { awsMinutes: 15, gcpMinutes: 30 } as const;

/**
 * go-livepeer version drift: the chain nodes of a region report different builds (METRICS.versionId differs)
 * for `hours` (spec monitoring.alerts.versionDriftHours): longer than a rollout, so only a rollout left
 * half-done, or a node that did not take its new template, fires. AWS: Maximum − Minimum of the region-wide
 * series over each hour; GCP: the same in PromQL.
 */
/**
 * How often the version-drift alert compares the region's builds (seconds): every comparison over the window
 * must differ, so a rollout shorter than the window never pages (AWS: that many periods, within CloudWatch's
 * one-day evaluation limit; GCP: the policy's evaluation interval under its duration).
 */
export const VERSION_DRIFT_PERIOD_SECONDS = 300;

export function versionDriftPromql(fleet: string, region: string): string {
  const sel = `{${LABELS.fleet}="${fleet}",${LABELS.region}="${region}"}`;
  return `max(${METRICS.versionId.name}${sel}) - min(${METRICS.versionId.name}${sel}) > 0`;
}

/** PromQL (Cloud Monitoring, Managed Prometheus) of one O's utilisation above `target` percent. */
export function utilisationPromql(signal: "transcoder-sessions" | "ai-containers", s: NodeSeries, target: number): string {
  const sel = `{${Object.entries(seriesLabels(s)).map(([k, v]) => `${k}="${v}"`).join(",")}}`;
  const sum = (name: string) => `sum(${name}${sel})`;
  const [used, other, ratio] = signal === "transcoder-sessions"
    ? [METRICS.transcodersLoad.name, METRICS.transcodersCapacity.name, "of"]
    : [METRICS.aiInUse.name, METRICS.aiIdle.name, "plus"];
  const denominator = ratio === "of" ? sum(other) : `(${sum(used)} + ${sum(other)})`;
  return `100 * ${sum(used)} / ${denominator} > ${target}`;
}
