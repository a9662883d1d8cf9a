/**
 * livepeer-fleet:gcp:WorkerGroup — the GPU workers of one pool bound to one O: a regional instance
 * template with the pool's accelerators (GPUs cannot live-migrate: TERMINATE on host maintenance) and a
 * regional managed instance group across the region's zones, rolled proactively when the template
 * changes (replacements first: surge of one per zone, nothing unavailable). A group is all spot or all
 * on demand, so a pool with a spot share becomes an on-demand group of `onDemandBase` instances plus a
 * spot group (SPOT, deleted on preemption and recreated by the group) for the rest. Workers have no
 * external address and no inbound rule, and read only the orchestrator secret.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { WorkerGroupLayout } from "../layout/types";
import { renderBootScript } from "../layout/boot";
import { gcpShutdownScript } from "../layout/drain";
import { gcpNames } from "../naming";
import { instanceTemplate } from "./instance";
import { workerMigs, workerScheduling, workerUpdatePolicy } from "./policies";
import { groupAutoscaler } from "./scaling";

export interface WorkerGroupArgs {
  group: WorkerGroupLayout;
  project: string;
  region: string;
  /** The region's zones the group spreads over. */
  zones: string[];
  subnetwork: pulumi.Input<string>;
  networkTag: string;
  serviceAccountEmail: pulumi.Input<string>;
  /** secret id → Secret Manager name. */
  secretNames: Record<string, pulumi.Input<string>>;
  /** Secret versions and IAM bindings that must exist before a VM boots. */
  bootDependencies: pulumi.Resource[];
  labels: Record<string, string>;
}

export class WorkerGroup extends pulumi.ComponentResource {
  /** The group's managed instance group names: the on-demand one (if any) first, then the spot one. */
  readonly groupNames: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: WorkerGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:gcp:WorkerGroup", name, {}, opts);
    const g = args.group;
    if (!g.acceleratorType) throw new Error(`worker group ${g.name}: no GCP accelerator type for GPU model ${g.capacity.gpuModel}`);
    const labels = { ...args.labels, "livepeer-fleet-pool": gcpNames.labelValue(g.pool), "livepeer-fleet-orchestrator": gcpNames.labelValue(g.orchestrator), "livepeer-fleet-role": g.kind };

    const startupScript = pulumi.all(g.boot.secrets.map((s) => args.secretNames[s.id])).apply((resolved) =>
      renderBootScript(
        { name: g.name, boot: g.boot },
        { cloud: "gcp", secretLocators: Object.fromEntries(g.boot.secrets.map((s, i) => [s.id, resolved[i]])) },
      ),
    );

    const bootDependencies = [...args.bootDependencies];
    if (g.ai?.modelCache.source === "bucket") {
      // Read-only on the model bucket the operator named (objects only; a prefix cannot be scoped without IAM conditions on a uniform bucket).
      bootDependencies.push(new gcp.storage.BucketIAMMember(`${name}-models`, {
        bucket: g.ai.modelCache.bucket,
        role: "roles/storage.objectViewer",
        member: pulumi.interpolate`serviceAccount:${args.serviceAccountEmail}`,
      }, { parent: this }));
    }
    const migs = workerMigs(g);
    for (const mig of migs) {
      const n = `${name}${mig.suffix}`;
      const template = instanceTemplate(n, this, {
        project: args.project,
        region: args.region,
        description: `livepeer-fleet ${g.kind} pool ${g.pool} bound to ${g.orchestrator}${mig.spot ? " (spot)" : ""}`,
        machineType: g.instanceType,
        imageId: g.imageId,
        rootDiskGb: g.rootVolumeGb,
        subnetwork: args.subnetwork,
        externalAddress: false,
        serviceAccountEmail: args.serviceAccountEmail,
        startupScript,
        ...(g.boot.drain ? { shutdownScript: gcpShutdownScript() } : {}),
        scheduling: workerScheduling(mig.spot),
        guestAccelerators: [{ type: g.acceleratorType, count: g.capacity.gpusPerInstance }],
        secureBoot: false,
        networkTags: [args.networkTag],
        labels: { ...labels, "livepeer-fleet-provisioning": mig.spot ? "spot" : "on-demand" },
      });
      // Auto-named (not a fixed name): a replacement (e.g. new zones) is created before the old one goes.
      const group = new gcp.compute.RegionInstanceGroupManager(n, {
        project: args.project,
        region: args.region,
        description: `livepeer-fleet ${g.kind} pool ${g.pool} bound to ${g.orchestrator}${mig.spot ? " (spot)" : ""}`,
        baseInstanceName: gcpNames.baseInstanceName(n),
        distributionPolicyZones: args.zones,
        distributionPolicyTargetShape: "BALANCED",
        versions: [{ name: "primary", instanceTemplate: template.selfLink }],
        // With an autoscaler, it owns the size.
        // With an autoscaler on the spot group, the on-demand group holds exactly the base.
        ...(g.scaling && mig.scaled ? {} : { targetSize: g.scaling && g.spot ? g.spot.onDemandBase : mig.targetSize }),
        updatePolicy: { ...workerUpdatePolicy(args.zones.length) },
        waitForInstances: false,
      }, { parent: this, dependsOn: bootDependencies });
      this.groupNames[`${g.name}${mig.suffix}`] = group.name;
      // Scaled on the O's load: the spot group when there is one (the on-demand base stays fixed), else the group.
      if (g.scaling && mig.scaled) groupAutoscaler(n, this, g, { project: args.project, region: args.region, target: group.selfLink, base: migs.length > 1 ? g.spot!.onDemandBase : 0 });
    }
    this.registerOutputs({ groupNames: this.groupNames });
  }
}
