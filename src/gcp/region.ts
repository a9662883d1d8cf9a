/**
 * livepeer-fleet:gcp:Region — one fleet region on GCP: network (and its region-wide firewall rules), key
 * vault with one service account per node / worker group, orchestrator nodes, worker groups (one per pool
 * and O), the redeemer / reward node when placed here, the regional passthrough load balancer and this
 * region's member of the service URI in the fleet's one DNS zone. Maps the layout onto resources; decides
 * nothing about Livepeer (argv, boot, who reads what and who may connect all come from the layout). Every
 * child is created with `{ parent: this }` and so uses the region's explicit provider.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { PinnedNodeLayout } from "../layout/types";
import { nodeOutputs } from "../regionTypes";
import type { NodeOutputs, RegionArgs, RegionComponent } from "../regionTypes";
import { gcpNames } from "../naming";
import { Network, firewall } from "./network";
import { KeyVault } from "./vault";
import { PinnedNode } from "./pinnedNode";
import { WorkerGroup } from "./workerGroup";
import { LoadBalancer } from "./loadBalancer";
import { Alerts } from "./alerts";
import { gcpLabels, regionIdentities, remoteClientRule } from "./policies";

export type GcpRegionArgs = RegionArgs;

/** Project roles of the nodes' service accounts: docker's gcplogs driver, the metrics collector. */
export const LOG_WRITER = "roles/logging.logWriter";
export const METRIC_WRITER = "roles/monitoring.metricWriter";

export class GcpRegion extends pulumi.ComponentResource implements RegionComponent {
  readonly nodes: Record<string, NodeOutputs> = {};
  readonly workerGroups: Record<string, pulumi.Output<string>> = {};
  /** Each O leaves from its own static external address (VMs with one do not use Cloud NAT). */
  readonly orchestratorEgressIps: Record<string, pulumi.Input<string>> = {};
  readonly loadBalancerIp: pulumi.Output<string>;
  private readonly redeemer?: { network: pulumi.Input<string>; project: string; email: pulumi.Input<string> };
  private readonly regionName: string;
  private readonly regionResourceName: string;

  constructor(name: string, args: GcpRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:gcp:Region", name, {}, opts);
    const { fleet, region: r } = args;
    if (r.cloud !== "gcp" || !r.project) throw new Error(`region ${r.name}: not a GCP region layout`);
    this.regionName = r.name;
    this.regionResourceName = name;
    const child = { parent: this };
    const project = r.project;
    const labels = gcpLabels(fleet.tags, { "livepeer-fleet-region": r.name });
    const networkTag = gcpNames.resource(name, "fleet");

    const net = new Network(name, { project, region: r.region, network: r.network, tag: networkTag }, child);
    const pinnedLayouts: PinnedNodeLayout[] = [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : []), ...(r.monitoring ? [r.monitoring] : [])];
    const vault = new KeyVault(name, {
      project,
      region: r.region,
      fleet: fleet.name,
      regionName: r.name,
      secrets: r.secrets,
      identities: regionIdentities(pinnedLayouts, r.workerGroups, r.secrets),
      resolve: args.resolveSecret,
      secretsVersion: args.secretsVersion,
      labels,
    }, child);
    const accounts = vault.serviceAccountEmails;
    const orchestrators = r.orchestrators.map((o) => o.name);

    // Logs (docker gcplogs) and metrics (the collector, Managed Service for Prometheus) are written with the
    // node's own service account: project-level roles (Cloud Logging and Monitoring have no narrower scope).
    if (r.observability) {
      for (const node of pinnedLayouts) {
        const roles = node.role === "monitoring" ? [LOG_WRITER] : [LOG_WRITER, METRIC_WRITER];
        for (const role of roles) {
          new gcp.projects.IAMMember(`${name}-${node.name}-${role.split(".").pop()!.toLowerCase()}`, {
            project, role, member: pulumi.interpolate`serviceAccount:${accounts[node.name]}`,
          }, child);
        }
      }
      // Workers write logs; AI workers also metrics (go-livepeer reports runner containers on them).
      for (const g of r.workerGroups) {
        for (const role of g.kind === "ai" ? [LOG_WRITER, METRIC_WRITER] : [LOG_WRITER]) {
          new gcp.projects.IAMMember(`${name}-${g.name}-${role.split(".").pop()!.toLowerCase()}`, {
            project, role, member: pulumi.interpolate`serviceAccount:${accounts[g.name]}`,
          }, child);
        }
      }
    }

    const dns = args.dns;
    const pinned = (node: PinnedNodeLayout, scrapeTargets?: Record<string, pulumi.Input<string>>) => {
      const n = new PinnedNode(node.resourceName, {
        node,
        project,
        region: r.region,
        network: net.network,
        subnetwork: net.subnetwork,
        subnetCidr: net.cidr,
        firewallProject: net.firewallProject,
        networkTag,
        serviceAccounts: accounts,
        orchestrators,
        secretNames: vault.secretNames,
        bootDependencies: vault.bootDependencies[node.name],
        ...(node.publicHostname ? { dns } : {}),
        ...(r.monitoring ? { monitoring: r.monitoring.name } : {}),
        ...(scrapeTargets ? { scrapeTargets } : {}),
        labels,
      }, child);
      this.nodes[node.name] = nodeOutputs(node, n);
      return n;
    };

    const os = r.orchestrators.map((o) => pinned(o));
    r.orchestrators.forEach((o, i) => (this.orchestratorEgressIps[o.name] = os[i].publicIp!));
    if (r.redeemer) {
      const rd = pinned(r.redeemer);
      this.redeemer = { network: net.network, project: net.firewallProject, email: rd.serviceAccountEmail };
    }
    if (r.reward) pinned(r.reward);
    if (r.monitoring) {
      pinned(r.monitoring, Object.fromEntries((r.monitoring.scrapeTargets ?? []).map((n) => [n, this.nodes[n].privateIp])));
    }
    if (r.observability?.alerts) {
      new Alerts(name, { project, fleet: fleet.name, regionName: r.name, alerts: r.observability.alerts, groups: r.workerGroups, labels }, child);
    }

    for (const g of r.workerGroups) {
      const wg = new WorkerGroup(g.resourceName, {
        group: g,
        project,
        region: r.region,
        zones: r.network.zones,
        subnetwork: net.subnetwork,
        networkTag,
        serviceAccountEmail: accounts[g.name],
        secretNames: vault.secretNames,
        bootDependencies: vault.bootDependencies[g.name],
        labels,
      }, child);
      Object.assign(this.workerGroups, wg.groupNames);
    }

    const lb = new LoadBalancer(name, {
      lb: r.loadBalancer,
      project,
      region: r.region,
      backends: Object.fromEntries(r.orchestrators.map((o, i) => [o.name, os[i].instanceGroup])),
      labels,
    }, child);
    this.loadBalancerIp = lb.ipAddress;

    // This region's member of the service URI (geo / latency routed in the fleet's DNS zone).
    dns.serviceMember(r, { kind: "ip", ip: lb.ipAddress }, this);

    this.registerOutputs({ nodes: this.nodes, workerGroups: this.workerGroups, loadBalancerIp: this.loadBalancerIp });
  }

  allowRedeemerClient(key: string, ip: pulumi.Input<string>): void {
    if (!this.redeemer) throw new Error(`region ${this.regionName} hosts no redeemer`);
    const { network, project, email } = this.redeemer;
    // Name, port and target from the pure builder; the /32 is filled in when the address is known.
    const rule = remoteClientRule(this.regionResourceName, key, "redeemer", "0.0.0.0");
    firewall(rule, network, project, this, { redeemer: email }, [pulumi.interpolate`${ip}/32`]);
  }
}
