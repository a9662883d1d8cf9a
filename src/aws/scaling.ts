/**
 * Session-based scaling of one AWS worker group on its O's load (children of the WorkerGroup component):
 *  - scale out: a target-tracking policy on utilisation (metric math over the two series the O's agent
 *    publishes, see src/layout/metrics.ts) with scale-in disabled;
 *  - scale in: one instance at a time, only after utilisation stayed below half the target for the whole
 *    cooldown (then removing one of N ≥ 2 instances cannot push it above the target), through an alarm
 *    and a simple-scaling policy whose cooldown is the spec's scaleInCooldownSeconds.
 * A terminating worker is drained by its lifecycle hook, not killed mid-segment.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { WorkerGroupLayout } from "../layout/types";
import { CLOUDWATCH_NAMESPACE, cloudwatchDimensions, utilisationMath } from "../layout/metrics";

export const SCALE_IN_FRACTION = 0.5;

/** CloudWatch metric-math queries giving the group's utilisation (percent), shared by policy and alarms. */
export function utilisationQueries(g: WorkerGroupLayout) {
  const s = g.scaling!;
  const math = utilisationMath(s.signal);
  const dims = cloudwatchDimensions(s.series);
  return {
    math,
    dims,
    inputs: math.inputs.map((i) => ({
      id: i.id,
      metric: { namespace: CLOUDWATCH_NAMESPACE, metricName: i.metric.name, dimensions: Object.entries(dims).map(([name, value]) => ({ name, value })) },
    })),
  };
}

export function groupScaling(name: string, parent: pulumi.Resource, g: WorkerGroupLayout, groupName: pulumi.Input<string>, tags: Record<string, string>): void {
  const s = g.scaling;
  if (!s) return;
  const child = { parent };
  const q = utilisationQueries(g);
  new aws.autoscaling.Policy(`${name}-track`, {
    autoscalingGroupName: groupName,
    policyType: "TargetTrackingScaling",
    estimatedInstanceWarmup: s.warmupSeconds,
    targetTrackingConfiguration: {
      targetValue: s.targetUtilization,
      disableScaleIn: true,
      customizedMetricSpecification: {
        metrics: [
          ...q.inputs.map((i) => ({
            id: i.id,
            metricStat: { metric: { namespace: i.metric.namespace, metricName: i.metric.metricName, dimensions: i.metric.dimensions }, stat: "Sum" },
            returnData: false,
          })),
          { id: "utilisation", expression: q.math.expression, label: `${g.name} utilisation (%)`, returnData: true },
        ],
      },
    },
  }, child);

  // One instance's worth of capacity units (sessions when the group is weighted).
  const step = g.capacityUnit === "sessions" ? g.capacity.sessionsPerInstance : 1;
  const scaleIn = new aws.autoscaling.Policy(`${name}-scale-in`, {
    autoscalingGroupName: groupName,
    policyType: "SimpleScaling",
    adjustmentType: "ChangeInCapacity",
    scalingAdjustment: -step,
    cooldown: s.scaleInCooldownSeconds,
  }, child);
  new aws.cloudwatch.MetricAlarm(`${name}-scale-in`, {
    alarmDescription: `livepeer-fleet ${g.name}: utilisation below ${s.targetUtilization * SCALE_IN_FRACTION}% for ${s.scaleInCooldownSeconds} s: remove one worker`,
    comparisonOperator: "LessThanThreshold",
    threshold: s.targetUtilization * SCALE_IN_FRACTION,
    evaluationPeriods: Math.max(1, Math.ceil(s.scaleInCooldownSeconds / 60)),
    datapointsToAlarm: Math.max(1, Math.ceil(s.scaleInCooldownSeconds / 60)),
    // No data (the O or its agent down) never removes workers.
    treatMissingData: "notBreaching",
    metricQueries: [
      ...q.inputs.map((i) => ({ id: i.id, metric: { ...i.metric, dimensions: q.dims, period: 60, stat: "Sum" }, returnData: false })),
      { id: "utilisation", expression: q.math.expression, label: `${g.name} utilisation (%)`, returnData: true },
    ],
    alarmActions: [scaleIn.arn],
    tags,
  }, child);
}
