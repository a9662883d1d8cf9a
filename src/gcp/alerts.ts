/**
 * livepeer-fleet:gcp:Alerts — a region's alerts (spec `monitoring.alerts`): one Cloud Monitoring e-mail
 * notification channel per address, and one alert policy per node and catalog alert, on exactly the
 * series the node's OpenTelemetry collector writes to Managed Service for Prometheus (gcpMetricType,
 * gcpSeriesFilter of the node: fleet, region name, node name — stable across recreation). Thresholds,
 * alignment and whether silence fires: src/layout/metrics.ts ALERTS (the same alerts as on AWS); plus PromQL
 * policies for go-livepeer version drift between the region's chain nodes and scaling groups at their maximum.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { ObservabilityLayout, WorkerGroupLayout } from "../layout/types";
import { ALERTS, AlertKey, AT_CAPACITY, gcpMetricType, gcpSeriesFilter, utilisationPromql, VERSION_DRIFT_PERIOD_SECONDS, versionDriftPromql } from "../layout/metrics";
import { names } from "../naming";

export interface GcpAlertsArgs {
  project: string;
  fleet: string;
  /** The fleet's region name (the `fleet_region` label). */
  regionName: string;
  alerts: NonNullable<ObservabilityLayout["alerts"]>;
  /** Scaling worker groups: an alert each when their O stays above target (at max, or no GPUs to add). */
  groups?: WorkerGroupLayout[];
  labels: Record<string, string>;
}

export class Alerts extends pulumi.ComponentResource {
  readonly channelIds: pulumi.Output<string>[] = [];

  constructor(name: string, args: GcpAlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:gcp:Alerts", name, {}, opts);
    const child = { parent: this };
    const { project } = args;
    for (const email of args.alerts.emails) {
      const ch = new gcp.monitoring.NotificationChannel(names.alertEmail(name, email), {
        project,
        displayName: `livepeer-fleet ${args.fleet} ${args.regionName}: ${email}`,
        type: "email",
        labels: { email_address: email },
        userLabels: args.labels,
      }, child);
      this.channelIds.push(ch.id);
    }

    for (const a of args.alerts.nodeAlerts) {
      const def = ALERTS[a.alert as AlertKey];
      if (!def) throw new Error(`alerts ${name}: unknown alert ${a.alert}`);
      const g = def.gcp;
      const filter = gcpSeriesFilter(gcpMetricType(def.metric.name, def.metric.kind), { fleet: args.fleet, region: args.regionName, node: a.node });
      const aggregations = [{ alignmentPeriod: `${g.alignmentPeriodSeconds}s`, perSeriesAligner: g.aligner }];
      new gcp.monitoring.AlertPolicy(a.name, {
        project,
        displayName: `livepeer-fleet ${args.fleet}: ${a.description}`,
        combiner: "OR",
        conditions: [
          {
            displayName: `${def.metric.name} ${g.comparison === "COMPARISON_LT" ? "<" : ">"} ${a.threshold ?? g.threshold}`,
            conditionThreshold: { filter, comparison: g.comparison, thresholdValue: a.threshold ?? g.threshold, duration: `${g.durationSeconds}s`, aggregations, trigger: { count: 1 } },
          },
          // Silence fires too where it means the node (or its collector) is down (CloudWatch: missing data breaching).
          ...(g.absentFires
            ? [{ displayName: `${def.metric.name} absent`, conditionAbsent: { filter, duration: `${Math.max(g.durationSeconds, 120)}s`, aggregations, trigger: { count: 1 } } }]
            : []),
        ],
        notificationChannels: this.channelIds,
        alertStrategy: { autoClose: "1800s" },
        documentation: { content: `livepeer-fleet ${args.fleet}, region ${args.regionName}: ${a.description}. See the node's logs in Cloud Logging and its dashboards in Grafana.`, mimeType: "text/markdown" },
        userLabels: args.labels,
      }, child);
    }
    if (args.alerts.versionDriftHours) {
      const description = `the chain nodes of ${args.regionName} have run different go-livepeer builds for ${args.alerts.versionDriftHours} hours`;
      new gcp.monitoring.AlertPolicy(`${name}-version-drift`, {
        project,
        displayName: `livepeer-fleet ${args.fleet}: ${description}`,
        combiner: "OR",
        conditions: [{
          displayName: `${args.regionName} go-livepeer builds differ`,
          conditionPrometheusQueryLanguage: { query: versionDriftPromql(args.fleet, args.regionName), duration: `${args.alerts.versionDriftHours * 3600}s`, evaluationInterval: `${VERSION_DRIFT_PERIOD_SECONDS}s` },
        }],
        notificationChannels: this.channelIds,
        alertStrategy: { autoClose: "1800s" },
        documentation: { content: `livepeer-fleet ${args.fleet}, region ${args.regionName}: ${description}. Finish the rollout (\`livepeer-fleet rollout\`) or replace the node left behind; \`livepeer_versions\` in Grafana shows which node runs which.`, mimeType: "text/markdown" },
        userLabels: args.labels,
      }, child);
    }
    for (const g of args.groups ?? []) {
      if (!g.scaling) continue;
      const description = `worker group ${g.name}'s orchestrator stayed above ${g.scaling.targetUtilization}% utilisation for ${AT_CAPACITY.gcpMinutes} minutes: the group is at its maximum size or cannot get GPUs`;
      new gcp.monitoring.AlertPolicy(`${g.resourceName}-at-max`, {
        project,
        displayName: `livepeer-fleet ${args.fleet}: ${description}`,
        combiner: "OR",
        conditions: [{
          displayName: `${g.name} above target`,
          conditionPrometheusQueryLanguage: { query: utilisationPromql(g.scaling.signal, g.scaling.series, g.scaling.targetUtilization), duration: `${AT_CAPACITY.gcpMinutes * 60}s`, evaluationInterval: "60s" },
        }],
        notificationChannels: this.channelIds,
        alertStrategy: { autoClose: "1800s" },
        documentation: { content: `livepeer-fleet ${args.fleet}, region ${args.regionName}: ${description}. Raise the pool's maxSize, check GPU quota and stockouts in the zones, or add a pool.`, mimeType: "text/markdown" },
        userLabels: args.labels,
      }, child);
    }
    this.registerOutputs({ channelIds: this.channelIds });
  }
}
