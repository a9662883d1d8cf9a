/**
 * livepeer-fleet:gcp:Network — a custom-mode VPC network with one regional subnetwork (Private Google
 * Access on, so VMs without an external address reach Secret Manager) and Cloud NAT egress through a
 * Cloud Router, or an existing network + subnetwork used as they are. Plus the region-wide firewall rules
 * on the fleet's network tag: SSH only from IAP, and a deny-all ingress rule under the fleet's allows.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { NetworkLayout } from "../layout/types";
import { gcpNames } from "../naming";
import { FirewallRuleSpec, regionFirewallRules } from "./policies";

export interface NetworkArgs {
  project: string;
  region: string;
  network: NetworkLayout;
  /** Network tag every fleet VM of the region carries. */
  tag: string;
}

/** The project a network lives in: the one in its self link (Shared VPC host), else the region's. */
export function networkProject(network: string, fallback: string): string {
  return /(?:^|\/)projects\/([^/]+)\/global\/networks\//.exec(network)?.[1] ?? fallback;
}

export class Network extends pulumi.ComponentResource {
  readonly network: pulumi.Output<string>;
  readonly subnetwork: pulumi.Output<string>;
  readonly cidr: string;
  /** Project holding the network and its firewall rules. */
  readonly firewallProject: string;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:gcp:Network", name, {}, opts);
    const child = { parent: this };
    const g = args.network.gcp;
    if (!g) throw new Error(`network ${name}: not a GCP network layout`);
    this.cidr = g.cidr;

    if (g.existing) {
      this.network = pulumi.output(g.existing.network);
      this.subnetwork = pulumi.output(g.existing.subnetwork);
      this.firewallProject = networkProject(g.existing.network, args.project);
    } else {
      this.firewallProject = args.project;
      const net = new gcp.compute.Network(name, {
        project: args.project,
        name: gcpNames.resource(name),
        description: `livepeer-fleet ${name}`,
        autoCreateSubnetworks: false,
        routingMode: "REGIONAL",
      }, child);
      const sub = new gcp.compute.Subnetwork(name, {
        project: args.project,
        region: args.region,
        name: gcpNames.resource(name),
        network: net.id,
        ipCidrRange: g.cidr,
        privateIpGoogleAccess: true,
      }, child);
      const router = new gcp.compute.Router(name, {
        project: args.project,
        region: args.region,
        name: gcpNames.resource(name),
        network: net.id,
      }, child);
      // Egress for VMs without an external address (workers, reward, an in-region-only redeemer): image
      // pulls and RPC. Orchestrators leave from their own static addresses instead.
      new gcp.compute.RouterNat(name, {
        project: args.project,
        region: args.region,
        name: gcpNames.resource(name),
        router: router.name,
        natIpAllocateOption: "AUTO_ONLY",
        sourceSubnetworkIpRangesToNat: "LIST_OF_SUBNETWORKS",
        subnetworks: [{ name: sub.id, sourceIpRangesToNats: ["ALL_IP_RANGES"] }],
        logConfig: { enable: true, filter: "ERRORS_ONLY" },
      }, child);
      this.network = net.id;
      this.subnetwork = sub.id;
    }

    for (const rule of regionFirewallRules(name, args.tag)) firewall(rule, this.network, this.firewallProject, this, {});

    this.registerOutputs({ network: this.network, subnetwork: this.subnetwork });
  }
}

/**
 * One firewall rule from its spec. Service-account sources/targets are resolved through `accounts`
 * (node or group name → e-mail); `sourceRanges`, when given, replaces the spec's ranges (an address known
 * only at deploy time). A child of `parent`.
 */
export function firewall(
  rule: FirewallRuleSpec,
  network: pulumi.Input<string>,
  project: string,
  parent: pulumi.Resource,
  accounts: Record<string, pulumi.Input<string>>,
  sourceRanges?: pulumi.Input<string>[],
): gcp.compute.Firewall {
  const account = (n: string) => {
    const email = accounts[n];
    if (email === undefined) throw new Error(`firewall rule ${rule.name}: no service account for ${n}`);
    return email;
  };
  const ports = rule.tcpPorts.map(String);
  return new gcp.compute.Firewall(rule.name, {
    project,
    network,
    name: rule.name,
    description: rule.description,
    direction: "INGRESS",
    priority: rule.priority,
    ...(rule.action === "allow" ? { allows: [{ protocol: "tcp", ports }] } : { denies: [{ protocol: "all" }] }),
    ...(rule.source.kind === "ranges" ? { sourceRanges: sourceRanges ?? rule.source.ranges } : { sourceServiceAccounts: rule.source.of.map(account) }),
    ...(rule.target.kind === "tag" ? { targetTags: [rule.target.tag] } : { targetServiceAccounts: [account(rule.target.of)] }),
  }, { parent });
}
