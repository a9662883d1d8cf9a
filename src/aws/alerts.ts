/**
 * livepeer-fleet:aws:Alerts — a region's alerts (spec `monitoring.alerts`): one SNS topic with an e-mail
 * subscription per address (each address confirms once), and CloudWatch alarms on the catalog's metrics
 * exactly as the nodes' CloudWatch agents publish them (CLOUDWATCH_NAMESPACE, cloudwatchDimensions of the
 * node: fleet, region name, node name — stable across replacement), plus the region's load balancer
 * reporting an unhealthy orchestrator (AWS/NetworkELB UnHealthyHostCount on its target group, for longer than a
 * rollout's drain), go-livepeer version drift between the region's chain nodes (the region-wide version
 * series' Maximum − Minimum) and scaling groups at their maximum. Which alarm, threshold and missing-data
 * rule: src/layout/metrics.ts ALERTS.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { ObservabilityLayout, WorkerGroupLayout } from "../layout/types";
import { ALERTS, AlertKey, AT_CAPACITY, CLOUDWATCH_NAMESPACE, cloudwatchDimensions, METRICS, regionDimensions, VERSION_DRIFT_PERIOD_SECONDS } from "../layout/metrics";
import { utilisationQueries } from "./scaling";
import { names } from "../naming";

export interface AlertsArgs {
  fleet: string;
  /** The fleet's region name (the `fleet_region` dimension). */
  regionName: string;
  alerts: NonNullable<ObservabilityLayout["alerts"]>;
  /** The region's network load balancer and target group (their ARN suffixes are the alarm's dimensions). */
  loadBalancer?: { arnSuffix: pulumi.Input<string>; targetGroupArnSuffix: pulumi.Input<string> };
  /** Scaling worker groups and their Auto Scaling group names: an alarm each when at max above target. */
  groups?: { group: WorkerGroupLayout; autoScalingGroupName: pulumi.Input<string> }[];
  tags: Record<string, string>;
}

export class Alerts extends pulumi.ComponentResource {
  readonly topicArn: pulumi.Output<string>;

  constructor(name: string, args: AlertsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:aws:Alerts", name, {}, opts);
    const child = { parent: this };
    const topic = new aws.sns.Topic(`${name}-alerts`, { displayName: `livepeer-fleet ${args.fleet} ${args.regionName} alerts`, tags: args.tags }, child);
    this.topicArn = topic.arn;
    for (const email of args.alerts.emails) {
      new aws.sns.TopicSubscription(names.alertEmail(name, email), { topic: topic.arn, protocol: "email", endpoint: email }, child);
    }
    const actions = { alarmActions: [topic.arn], okActions: [topic.arn] };

    for (const a of args.alerts.nodeAlerts) {
      const def = ALERTS[a.alert as AlertKey];
      if (!def) throw new Error(`alerts ${name}: unknown alert ${a.alert}`);
      const cw = def.cloudwatch;
      new aws.cloudwatch.MetricAlarm(a.name, {
        alarmDescription: `livepeer-fleet ${args.fleet}: ${a.description}`,
        namespace: CLOUDWATCH_NAMESPACE,
        metricName: def.metric.name,
        dimensions: cloudwatchDimensions({ fleet: args.fleet, region: args.regionName, node: a.node }),
        statistic: cw.statistic,
        comparisonOperator: cw.comparison,
        threshold: a.threshold ?? cw.threshold,
        period: cw.periodSeconds,
        evaluationPeriods: cw.evaluationPeriods,
        treatMissingData: cw.treatMissingData,
        ...actions,
        tags: args.tags,
      }, child);
    }

    if (args.alerts.loadBalancerUnhealthyMinutes && args.loadBalancer) {
      new aws.cloudwatch.MetricAlarm(`${name}-lb-unhealthy`, {
        alarmDescription: `livepeer-fleet ${args.fleet}: an orchestrator of ${args.regionName} has failed its readiness check at the load balancer for ${args.alerts.loadBalancerUnhealthyMinutes} minutes (down, stuck draining, no worker attached, or the load balancer cannot reach it)`,
        namespace: "AWS/NetworkELB",
        metricName: "UnHealthyHostCount",
        dimensions: { LoadBalancer: args.loadBalancer.arnSuffix, TargetGroup: args.loadBalancer.targetGroupArnSuffix },
        statistic: "Maximum",
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        period: 60,
        // Longer than a rollout's drain: the per-O notReady alarm is the fast signal and knows a drain from a failure.
        evaluationPeriods: args.alerts.loadBalancerUnhealthyMinutes,
        // The load balancer reports the metric every minute while it exists: no data is no news.
        treatMissingData: "notBreaching",
        ...actions,
        tags: args.tags,
      }, child);
    }
    if (args.alerts.versionDriftHours) {
      // Maximum and Minimum of the region-wide version series per period: they differ while two builds run.
      const periods = (args.alerts.versionDriftHours * 3600) / VERSION_DRIFT_PERIOD_SECONDS;
      const series = (id: string, stat: string) => ({
        id, returnData: false,
        metric: { namespace: CLOUDWATCH_NAMESPACE, metricName: METRICS.versionId.name, dimensions: regionDimensions(args.fleet, args.regionName), period: VERSION_DRIFT_PERIOD_SECONDS, stat },
      });
      new aws.cloudwatch.MetricAlarm(`${name}-version-drift`, {
        alarmDescription: `livepeer-fleet ${args.fleet}: the chain nodes of ${args.regionName} have run different go-livepeer builds for ${args.alerts.versionDriftHours} hours: finish the rollout (livepeer-fleet rollout) or replace the node left behind`,
        comparisonOperator: "GreaterThanThreshold",
        threshold: 0,
        evaluationPeriods: periods,
        datapointsToAlarm: periods,
        treatMissingData: "notBreaching",
        metricQueries: [
          series("newest", "Maximum"), series("oldest", "Minimum"),
          { id: "drift", expression: "newest - oldest", label: `${args.regionName} go-livepeer builds differ`, returnData: true },
        ],
        ...actions,
        tags: args.tags,
      }, child);
    }
    for (const { group: g, autoScalingGroupName } of args.groups ?? []) {
      if (!g.scaling) continue;
      const q = utilisationQueries(g);
      const asg = (id: string, metricName: string) => ({
        id, returnData: false,
        metric: { namespace: "AWS/AutoScaling", metricName, dimensions: { AutoScalingGroupName: autoScalingGroupName }, period: 60, stat: "Maximum" },
      });
      new aws.cloudwatch.MetricAlarm(`${g.resourceName}-at-max`, {
        alarmDescription: `livepeer-fleet ${args.fleet}: worker group ${g.name} is at its maximum size with its orchestrator above ${g.scaling.targetUtilization}% utilisation for ${AT_CAPACITY.awsMinutes} minutes: raise maxSize or add capacity elsewhere`,
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: 1,
        evaluationPeriods: AT_CAPACITY.awsMinutes,
        datapointsToAlarm: AT_CAPACITY.awsMinutes,
        treatMissingData: "notBreaching",
        metricQueries: [
          ...q.inputs.map((i) => ({ id: i.id, metric: { ...i.metric, dimensions: q.dims, period: 60, stat: "Sum" }, returnData: false })),
          { id: "utilisation", expression: q.math.expression, returnData: false },
          asg("inservice", "GroupInServiceCapacity"),
          asg("maxsize", "GroupMaxSize"),
          { id: "atmax", expression: `IF(inservice >= maxsize AND utilisation > ${g.scaling.targetUtilization}, 1, 0)`, label: `${g.name} at max above target`, returnData: true },
        ],
        ...actions,
        tags: args.tags,
      }, child);
    }
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
