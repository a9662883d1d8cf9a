/**
 * livepeer-fleet:gcp:PinnedNode — a node that keeps its identity across replacement (workload O,
 * redeemer, reward caller): a zonal stateful managed instance group of one. Its per-instance config pins
 * the instance name, a reserved internal address (what workers / Os dial), for an O (and a redeemer that
 * Os of other regions dial) a reserved static external address, and for redeemer/reward the persistent
 * data disk. A recreated VM comes back with all of them and the same secrets, without `pulumi up`; no
 * attach call at boot. The group heals on instance health only (a VM that stops or is deleted is
 * recreated): the readiness endpoint drives the load balancer and DNS, never the group, so an O without
 * workers is not recreated in a loop — the same decision as on AWS. An O's DNS record exists before the
 * VM is created.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { PinnedNodeLayout } from "../layout/types";
import { renderBootScript } from "../layout/boot";
import { withScrapeTargets } from "../layout/monitoring";
import type { DnsWriter } from "../dns/writer";
import { gcpNames } from "../naming";
import { instanceTemplate } from "./instance";
import { firewall } from "./network";
import { nodeFirewallRules, pinnedScheduling, pinnedUpdatePolicy } from "./policies";

/** Device name of the stateful data disk (`/dev/disk/by-id/google-data` in the guest). */
export const DATA_DISK_DEVICE = "data";
/** The VM's only network interface. */
const NIC = "nic0";

export interface PinnedNodeArgs {
  node: PinnedNodeLayout;
  project: string;
  region: string;
  network: pulumi.Input<string>;
  subnetwork: pulumi.Input<string>;
  subnetCidr: string;
  /** Project holding the network's firewall rules. */
  firewallProject: string;
  networkTag: string;
  /** Service account e-mails by node name: this node's own and the region's orchestrators'. */
  serviceAccounts: Record<string, pulumi.Input<string>>;
  /** The region's orchestrators (source of `from: orchestrators` rules). */
  orchestrators: string[];
  /** secret id → Secret Manager name, for the secrets this node reads. */
  secretNames: Record<string, pulumi.Input<string>>;
  /** Secret versions and IAM bindings that must exist before the VM boots. */
  bootDependencies: pulumi.Resource[];
  /** The fleet's DNS zone, for the node's public hostname. */
  dns?: DnsWriter;
  /** The region's monitoring node (by name; source of `from: monitoring` rules). */
  monitoring?: string;
  /** Monitoring node: private address of each node it scrapes (node name → IPv4). */
  scrapeTargets?: Record<string, pulumi.Input<string>>;
  labels: Record<string, string>;
}

export class PinnedNode extends pulumi.ComponentResource {
  readonly privateIp: pulumi.Output<string>;
  readonly publicIp?: pulumi.Output<string>;
  readonly hostname?: string;
  readonly groupName: pulumi.Output<string>;
  /** The group's instance group (a load-balancer backend). */
  readonly instanceGroup: pulumi.Output<string>;
  readonly serviceAccountEmail: pulumi.Output<string>;

  constructor(name: string, args: PinnedNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:gcp:PinnedNode", name, {}, opts);
    const { node, project, region } = args;
    const child = { parent: this };
    const labels = { ...args.labels, "livepeer-fleet-node": gcpNames.labelValue(node.name), "livepeer-fleet-role": node.role };
    const email = args.serviceAccounts[node.name];
    if (email === undefined) throw new Error(`pinned node ${node.name}: no service account`);
    this.serviceAccountEmail = pulumi.output(email);

    // Ingress exactly as the layout says, on this node's service account only.
    for (const rule of nodeFirewallRules(node, { subnetCidr: args.subnetCidr, orchestrators: args.orchestrators, ...(args.monitoring ? { monitoring: args.monitoring } : {}) })) {
      firewall(rule, args.network, args.firewallProject, this, args.serviceAccounts);
    }

    // The stable private address (explicit from the layout, or chosen once by GCP and then kept).
    const internal = new gcp.compute.Address(`${name}-internal`, {
      project,
      region,
      name: gcpNames.resource(name, "internal"),
      description: `livepeer-fleet ${node.name}: stable internal address, kept by its group across recreation`,
      addressType: "INTERNAL",
      purpose: "GCE_ENDPOINT",
      subnetwork: args.subnetwork,
      ...(node.privateIp ? { address: node.privateIp } : {}),
      labels,
    }, child);
    this.privateIp = internal.address;

    const dependsOn: pulumi.Resource[] = [internal, ...args.bootDependencies];
    let external: gcp.compute.Address | undefined;
    // The layout decides who holds one (the GCP redeemer from the start: see PinnedNodeLayout.staticPublicIp).
    if (node.staticPublicIp) {
      external = new gcp.compute.Address(`${name}-external`, {
        project,
        region,
        name: gcpNames.resource(name, "external"),
        description: `livepeer-fleet ${node.name}: static external address`,
        addressType: "EXTERNAL",
        networkTier: "PREMIUM",
        labels,
      }, { ...child, retainOnDelete: true });
      dependsOn.push(external);
      this.publicIp = external.address;
    }
    if (external && node.publicHostname) {
      this.hostname = node.publicHostname;
      // The O's -serviceAddr must resolve before it starts (it pings itself at startup).
      if (args.dns) dependsOn.push(args.dns.nodeRecord(name, node.publicHostname, external.address, this));
    }

    let disk: gcp.compute.Disk | undefined;
    if (node.dataVolumeGb) {
      disk = new gcp.compute.Disk(`${name}-data`, {
        project,
        zone: node.zone,
        name: gcpNames.resource(name, "data"),
        description: `livepeer-fleet ${node.name}: go-livepeer data directory (survives recreation)`,
        size: node.dataVolumeGb,
        type: "pd-balanced",
        labels,
      }, { ...child, retainOnDelete: true });
      dependsOn.push(disk);
    }

    const startupScript = pulumi
      .all([pulumi.all(node.boot.secrets.map((s) => args.secretNames[s.id])), internal.address, pulumi.all(args.scrapeTargets ?? {})])
      .apply(([resolved, ip, scrape]) =>
        renderBootScript(args.scrapeTargets ? withScrapeTargets(node, scrape as Record<string, string>) : node, {
          cloud: "gcp",
          secretLocators: Object.fromEntries(node.boot.secrets.map((s, i) => [s.id, resolved[i]])),
          ...(disk ? { dataDiskDeviceName: DATA_DISK_DEVICE } : {}),
          ...(node.boot.metricsProxy ? { privateIp: ip } : {}),
        }),
      );
    const template = instanceTemplate(name, this, {
      project,
      region,
      description: `livepeer-fleet ${node.role} ${node.name}`,
      machineType: node.instanceType,
      imageId: node.imageId,
      rootDiskGb: node.rootVolumeGb,
      subnetwork: args.subnetwork,
      externalAddress: !!external,
      serviceAccountEmail: email,
      startupScript,
      ...(node.boot.drain ? { guestAttributes: true } : {}),
      scheduling: pinnedScheduling(),
      secureBoot: true,
      networkTags: [args.networkTag],
      labels,
    });

    // No targetSize: the per-instance config creates the one VM (createInstances) and owns the size.
    // Recreated rather than replaced side by side: the old group must release the addresses and disk.
    const group = new gcp.compute.InstanceGroupManager(name, {
      project,
      zone: node.zone,
      name: gcpNames.resource(name),
      description: `livepeer-fleet ${node.role} ${node.name}: stateful group of one`,
      baseInstanceName: gcpNames.baseInstanceName(name),
      versions: [{ name: "primary", instanceTemplate: template.selfLink }],
      updatePolicy: { ...pinnedUpdatePolicy() },
      waitForInstances: false,
    }, { parent: this, dependsOn, ignoreChanges: ["targetSize"], deleteBeforeReplace: true });
    this.groupName = group.name;
    this.instanceGroup = group.instanceGroup;

    new gcp.compute.PerInstanceConfig(name, {
      project,
      zone: node.zone,
      instanceGroupManager: group.name,
      name: gcpNames.resource(name),
      preservedState: {
        internalIps: [{ interfaceName: NIC, autoDelete: "NEVER", ipAddress: { address: internal.selfLink } }],
        ...(external ? { externalIps: [{ interfaceName: NIC, autoDelete: "NEVER", ipAddress: { address: external.selfLink } }] } : {}),
        ...(disk ? { disks: [{ deviceName: DATA_DISK_DEVICE, source: disk.selfLink, mode: "READ_WRITE", deleteRule: "NEVER" }] } : {}),
      },
      // A changed preserved state (e.g. the redeemer gaining a public address) is applied by recreating the VM.
      minimalAction: "REPLACE",
      mostDisruptiveAllowedAction: "REPLACE",
      removeInstanceOnDestroy: false,
    }, { parent: this, dependsOn, deleteBeforeReplace: true });

    this.registerOutputs({ privateIp: this.privateIp, publicIp: this.publicIp, groupName: this.groupName, instanceGroup: this.instanceGroup });
  }
}
