/** What every cloud's region component takes and gives (the fleet treats them alike). */
import * as pulumi from "@pulumi/pulumi";
import type { FleetLayout, RegionLayout, SecretSource } from "./layout/types";
import type { DnsWriter } from "./dns/writer";

/** Gives the value of a layout secret, as a Pulumi secret. */
export type SecretResolver = (source: SecretSource) => pulumi.Output<string>;

export interface RegionArgs {
  fleet: FleetLayout;
  region: RegionLayout;
  resolveSecret: SecretResolver;
  /** Bump to rewrite secret values (write-only fields are not diffed). */
  secretsVersion: number;
  /** The fleet's DNS zone (records are created on its own provider). */
  dns: DnsWriter;
}

export interface NodeOutputs {
  role: string;
  privateIp: pulumi.Output<string>;
  publicIp?: pulumi.Output<string>;
  hostname?: string;
  /** The node's hot wallet; none on a monitoring node. */
  walletAddress?: string;
  /** The node's group of one (AWS autoscaling group / GCP instance group manager). */
  groupName: pulumi.Output<string>;
}

/** A region component as the fleet sees it. */
export interface RegionComponent extends pulumi.ComponentResource {
  readonly nodes: Record<string, NodeOutputs>;
  /** Worker group name → the cloud's group name. */
  readonly workerGroups: Record<string, pulumi.Output<string>>;
  /**
   * Public addresses this region's orchestrators' outbound connections leave from, keyed stably
   * (AWS: `<zone>` → that zone's NAT address; GCP: `<node>` → the O's static external address).
   */
  readonly orchestratorEgressIps: Record<string, pulumi.Input<string>>;
  /** Regions hosting the redeemer: admit one remote orchestrator egress address (a /32 rule). */
  allowRedeemerClient?(key: string, ip: pulumi.Input<string>): void;
}

/** A pinned node's outputs as the fleet reports them, from its layout and its component. */
export function nodeOutputs(
  node: { role: string; walletAddress?: string },
  n: { privateIp: pulumi.Output<string>; publicIp?: pulumi.Output<string>; hostname?: string; groupName: pulumi.Output<string> },
): NodeOutputs {
  return {
    role: node.role,
    privateIp: n.privateIp,
    ...(n.publicIp ? { publicIp: n.publicIp } : {}),
    ...(n.hostname ? { hostname: n.hostname } : {}),
    ...(node.walletAddress ? { walletAddress: node.walletAddress } : {}),
    groupName: n.groupName,
  };
}
