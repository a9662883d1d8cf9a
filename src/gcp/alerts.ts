/**
 * livepeer-fleet:gcp:Alerts — a region's alerts (spec `monitoring.alerts`): one Cloud Monitoring e-mail
 * notification channel per address, and one alert policy per node and catalog alert, on exactly the
 * series the node's OpenTelemetry collector writes to Managed Service for Prometheus (gcpMetricType,
 * gcpSeriesFilter of the node: fleet, region name, node name — stable across recreation). Thresholds,
 * alignment and whether silence fires: src/layout/metrics.ts ALERTS (the same alerts as on AWS).
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { ObservabilityLayout } from "../layout/types";
import { ALERTS, AlertKey, gcpMetricType, gcpSeriesFilter } from "../layout/metrics";
import { names } from "../naming";

export interface GcpAlertsArgs {
  project: string;
  fleet: string;
  /** The fleet's region name (the `fleet_region` label). */
  regionName: string;
  alerts: NonNullable<ObservabilityLayout["alerts"]>;
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
            displayName: `${def.metric.name} ${g.comparison === "COMPARISON_LT" ? "<" : ">"} ${g.threshold}`,
            conditionThreshold: { filter, comparison: g.comparison, thresholdValue: g.threshold, duration: `${g.durationSeconds}s`, aggregations, trigger: { count: 1 } },
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
    this.registerOutputs({ channelIds: this.channelIds });
  }
}
