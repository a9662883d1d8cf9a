/**
 * livepeer-fleet:aws:WorkerGroup — the GPU workers of one pool bound to one O: a launch template and an
 * autoscaling group across the region's private subnets, rolled by instance refresh on template change
 * (launch before terminate), optionally with a spot share. Workers hold no chain credentials and accept
 * no inbound traffic; they read only the orchestrator secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { WorkerGroupLayout } from "../layout/types";
import { renderBootScript } from "../layout/boot";
import { drainHook, launchTemplate, nodeIdentity } from "./instance";
import { groupScaling } from "./scaling";

export interface WorkerGroupArgs {
  group: WorkerGroupLayout;
  region: string;
  /** Private subnet ids, one per zone. */
  subnetIds: pulumi.Input<string>[];
  /** Egress-only security group. */
  securityGroupId: pulumi.Input<string>;
  secretArns: Record<string, pulumi.Input<string>>;
  kmsKeyArn: pulumi.Input<string>;
  /** The region's container log group (docker's awslogs driver). */
  logGroupArns?: pulumi.Input<string>[];
  tags: Record<string, string>;
}

export class WorkerGroup extends pulumi.ComponentResource {
  readonly groupName: pulumi.Output<string>;

  constructor(name: string, args: WorkerGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:aws:WorkerGroup", name, {}, opts);
    const g = args.group;
    const tags = { ...args.tags, "livepeer-fleet:pool": g.pool, "livepeer-fleet:orchestrator": g.orchestrator, "livepeer-fleet:role": g.kind };
    const arns = g.boot.secrets.map((s) => args.secretArns[s.id]);
    // On the group (and so its instances): the role may mark instances Unhealthy only in this group.
    const groupTag = { key: "livepeer-fleet:group", value: name };
    const profile = nodeIdentity(name, this, {
      region: args.region,
      secretArns: arns,
      kmsKeyArn: args.kmsKeyArn,
      instanceTag: groupTag,
      ...(args.logGroupArns ? { logGroupArns: args.logGroupArns } : {}),
      ...(g.ai?.modelCache.source === "bucket" ? { modelBucket: { bucket: g.ai.modelCache.bucket, prefix: g.ai.modelCache.prefix } } : {}),
      ...(g.boot.drain ? { lifecycleHook: true } : {}),
      tags,
    });
    const userData = pulumi.all(arns).apply((resolved) =>
      renderBootScript(
        { name: g.name, boot: g.boot },
        { cloud: "aws", region: args.region, secretLocators: Object.fromEntries(g.boot.secrets.map((s, i) => [s.id, resolved[i]])) },
      ),
    );
    const lt = launchTemplate(name, this, {
      nodeName: g.name,
      imageId: g.imageId,
      instanceType: g.instanceType,
      instanceProfileArn: profile.arn,
      securityGroupIds: [args.securityGroupId],
      rootVolumeGb: g.rootVolumeGb,
      userData,
      tags,
    });
    const ltSpec = { launchTemplateId: lt.id, version: lt.latestVersion.apply(String) };

    // A mixed-instances policy when the group has a spot share, several instance types, or counts sessions
    // (each type then weighs what one instance offers).
    const mixed = !!g.spot || g.instanceTypes.length > 1 || g.capacityUnit === "sessions";
    const overrides = g.instanceTypes.map((t) => ({
      instanceType: t.instanceType,
      ...(g.capacityUnit === "sessions" ? { weightedCapacity: String(t.perInstance) } : {}),
    }));
    const group = new aws.autoscaling.Group(name, {
      minSize: g.minSize,
      maxSize: g.maxSize,
      desiredCapacity: g.desiredSize,
      ...(g.capacityUnit === "sessions" ? { desiredCapacityType: "units" } : {}),
      vpcZoneIdentifiers: args.subnetIds,
      ...(mixed
        ? {
            capacityRebalance: !!g.spot,
            mixedInstancesPolicy: {
              instancesDistribution: {
                // `onDemandBase` counts instances; a weighted group counts units (sessions): one primary-type instance each.
                onDemandBaseCapacity: (g.spot?.onDemandBase ?? 0) * (g.capacityUnit === "sessions" ? g.instanceTypes[0].perInstance : 1),
                onDemandPercentageAboveBaseCapacity: g.spot ? g.spot.onDemandPercentAboveBase : 100,
                ...(g.spot ? { spotAllocationStrategy: "price-capacity-optimized" } : {}),
                onDemandAllocationStrategy: "prioritized",
              },
              launchTemplate: { launchTemplateSpecification: ltSpec, overrides },
            },
          }
        : { launchTemplate: { id: lt.id, version: lt.latestVersion.apply(String) } }),
      // The at-max alarm compares in-service capacity with the maximum (src/aws/alerts.ts).
      ...(g.scaling ? { metricsGranularity: "1Minute", enabledMetrics: ["GroupInServiceCapacity", "GroupMaxSize"] } : {}),
      healthCheckType: "EC2",
      healthCheckGracePeriod: 600,
      defaultInstanceWarmup: 300,
      waitForCapacityTimeout: "0",
      // A new template version rolls the group: launch replacements first (max 200%), keep full capacity.
      instanceRefresh: {
        strategy: "Rolling",
        preferences: { minHealthyPercentage: 100, maxHealthyPercentage: 200, instanceWarmup: "300", skipMatching: true },
      },
      tags: Object.entries({ ...tags, Name: name, [groupTag.key]: groupTag.value }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    }, { parent: this, ...(g.scaling ? { ignoreChanges: ["desiredCapacity"] } : {}) });
    this.groupName = group.name;
    groupScaling(name, this, g, group.name, tags);
    // A terminating worker stops its containers first (src/layout/drain.ts).
    if (g.boot.drain) drainHook(name, this, group.name, g.boot.drain);
    this.registerOutputs({ groupName: this.groupName });
  }
}
