/**
 * livepeer-fleet:gcp:Region — placeholder until the GCP components land (issue #3): constructing it
 * fails loudly rather than building half a region.
 */
import * as pulumi from "@pulumi/pulumi";
import type { NodeOutputs, RegionArgs, RegionComponent } from "../regionTypes";

export class GcpRegion extends pulumi.ComponentResource implements RegionComponent {
  readonly nodes: Record<string, NodeOutputs> = {};
  readonly workerGroups: Record<string, pulumi.Output<string>> = {};
  readonly orchestratorEgressIps: Record<string, pulumi.Input<string>> = {};
  constructor(name: string, args: RegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:gcp:Region", name, {}, opts);
    throw new Error(`GCP region ${args.region.name}: not built yet`);
  }
}
