/**
 * One AWS worker group planned on its own (the multi-region example's mixed-type pool, with a spot share):
 * the mixed-instances policy weighs each type by the sessions it offers, an on-demand base in instances
 * becomes units, and the scaling policy, scale-in alarm and group metrics are there.
 */
import * as path from "path";
import { runPlan, Plan } from "../../src/plan/engine";
import { buildLayout } from "../../src/layout/layout";
import { loadFleetFile } from "../../src/spec/load";
import { ROOT } from "../helpers/spec";

const MULTI = buildLayout(loadFleetFile(path.join(ROOT, "examples", "multi-region", "fleet.yaml")));
const base = MULTI.regions.find((r) => r.name === "apse1")!.workerGroups[0];
const group = { ...base, spot: { onDemandBase: 1, onDemandPercentAboveBase: 0 } };

let plan: Plan;
beforeAll(async () => {
  plan = await runPlan(() => {
    const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
    const { WorkerGroup } = require("../../src/aws/workerGroup") as typeof import("../../src/aws/workerGroup");
    const provider = new aws.Provider("apse1", { region: "ap-southeast-1" });
    new WorkerGroup(group.resourceName, {
      group, region: "ap-southeast-1", subnetIds: ["subnet-a", "subnet-b"], securityGroupId: "sg-1",
      secretArns: { "orch-secret": "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:lpf-apse1-orch-secret-AbCdEf" },
      kmsKeyArn: "arn:aws:kms:ap-southeast-1:123456789012:key/1", tags: {},
    }, { provider });
    return {};
  }, { project: "t", stack: "t" });
});
const of = (type: string) => plan.resources.filter((r) => r.type === type);

test("mixed types weighted by sessions; the on-demand base (instances) becomes units of the primary type; capacity rebalance with spot", () => {
  const [asg] = of("aws:autoscaling/group:Group");
  expect(asg.inputs).toMatchObject({ minSize: 20, maxSize: 96, desiredCapacity: 20, desiredCapacityType: "units", capacityRebalance: true });
  const mip = asg.inputs.mixedInstancesPolicy as any;
  expect(mip.instancesDistribution).toMatchObject({ onDemandBaseCapacity: 20, onDemandPercentageAboveBaseCapacity: 0, spotAllocationStrategy: "price-capacity-optimized" });
  expect(mip.launchTemplate.overrides).toEqual([{ instanceType: "g4dn.xlarge", weightedCapacity: "20" }, { instanceType: "g4dn.2xlarge", weightedCapacity: "24" }]);
  expect(asg.inputs.launchTemplate).toBeUndefined();
});

test("scale out by target tracking (never in), scale in one instance's worth of units per cooldown", () => {
  const [track] = of("aws:autoscaling/policy:Policy").filter((p) => p.name.endsWith("-track"));
  const [scaleIn] = of("aws:autoscaling/policy:Policy").filter((p) => p.name.endsWith("-scale-in"));
  expect(track.inputs).toMatchObject({ policyType: "TargetTrackingScaling", estimatedInstanceWarmup: 300, targetTrackingConfiguration: { targetValue: 70, disableScaleIn: true } });
  expect(scaleIn.inputs).toMatchObject({ policyType: "SimpleScaling", adjustmentType: "ChangeInCapacity", scalingAdjustment: -20, cooldown: 600 });
  const [alarm] = of("aws:cloudwatch/metricAlarm:MetricAlarm");
  expect(alarm.inputs).toMatchObject({ comparisonOperator: "LessThanThreshold", threshold: 35, evaluationPeriods: 10, datapointsToAlarm: 10, treatMissingData: "notBreaching" });
  expect(of("aws:autoscaling/group:Group")[0].inputs).toMatchObject({ metricsGranularity: "1Minute", enabledMetrics: ["GroupInServiceCapacity", "GroupMaxSize"] });
});

test("every custom resource is on the explicit provider", () => {
  for (const r of plan.resources.filter((x) => x.custom && x.type !== "pulumi:providers:aws")) expect([r.type, r.provider]).toEqual([r.type, "apse1"]);
});
