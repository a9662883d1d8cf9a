/**
 * Session-based scaling of one GCP worker group: a regional autoscaler on the O's load as a per-group
 * metric (Managed Service for Prometheus series published by the O's collector, selected by the stable
 * labels in src/layout/metrics.ts). desired instances = load / single-instance assignment, where the
 * assignment is what one instance carries at the target utilisation (src/layout/capacity.ts). Scale-in
 * removes at most one instance per cooldown window.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { WorkerGroupLayout } from "../layout/types";
import { gcpMetricType, gcpSeriesFilter, utilisationMath } from "../layout/metrics";
import { perInstanceAssignment } from "../layout/capacity";

/** The autoscaler's metric: type, filter (one O's series) and per-instance assignment. */
export function scalingMetric(g: WorkerGroupLayout) {
  const s = g.scaling!;
  const m = utilisationMath(s.signal).gcp;
  const name = gcpMetricType(m.name, m.kind);
  return { name, filter: gcpSeriesFilter(name, s.series), singleInstanceAssignment: perInstanceAssignment(g.capacity.sessionsPerInstance, s.targetUtilization) };
}

export function groupAutoscaler(
  name: string,
  parent: pulumi.Resource,
  g: WorkerGroupLayout,
  args: { project: string; region: string; target: pulumi.Input<string>; base: number },
): gcp.compute.RegionAutoscaler {
  const s = g.scaling!;
  return new gcp.compute.RegionAutoscaler(name, {
    project: args.project,
    region: args.region,
    target: args.target,
    autoscalingPolicy: {
      // The on-demand base (a separate fixed group) counts toward the pool's bounds.
      minReplicas: Math.max(0, g.minSize - args.base),
      maxReplicas: Math.max(1, g.maxSize - args.base),
      cooldownPeriod: s.warmupSeconds,
      mode: "ON",
      metrics: [scalingMetric(g)],
      scaleInControl: { maxScaledInReplicas: { fixed: 1 }, timeWindowSec: s.scaleInCooldownSeconds },
    },
  }, { parent });
}
