/**
 * livepeer-fleet:aws:PinnedNode — a node that keeps its identity across replacement (workload O,
 * redeemer, reward caller): an auto-healing single-zone group of one whose instance re-attaches, at
 * every boot, a persistent network interface (stable private IP; for an O also its Elastic IP) and,
 * for redeemer/reward, a persistent data volume. IAM lets it attach only those and read only its own
 * secrets. An O's DNS record exists before its group does.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { PinnedNodeLayout } from "../layout/types";
import { renderBootScript } from "../layout/boot";
import { withScrapeTargets } from "../layout/monitoring";
import { drainHook, launchTemplate, nodeIdentity } from "./instance";
import type { DnsWriter } from "../dns/writer";

export interface PinnedNodeArgs {
  node: PinnedNodeLayout;
  /** AWS region name, e.g. us-east-1. */
  region: string;
  vpcId: pulumi.Input<string>;
  /** Subnet of the node's zone for its persistent interface (public for an O). */
  interfaceSubnetId: pulumi.Input<string>;
  /** Private subnet of the node's zone for the instance's own interface (NAT egress). */
  instanceSubnetId: pulumi.Input<string>;
  /** Security groups on the persistent interface (the node's own ingress rules live in its own group). */
  extraSecurityGroupIds?: pulumi.Input<string>[];
  /** Egress-only security group for the instance's own (private) interface. */
  instanceSecurityGroupId: pulumi.Input<string>;
  /** Security group of the fleet's orchestrators (source for `from: orchestrators` rules). */
  orchestratorsSecurityGroupId: pulumi.Input<string>;
  vpcCidr: string;
  /** secret id → ARN, for the secrets this node reads. */
  secretArns: Record<string, pulumi.Input<string>>;
  kmsKeyArn: pulumi.Input<string>;
  /** The fleet's DNS zone, for the node's public hostname (orchestrators). */
  dns?: DnsWriter;
  /** Membership group of the region's monitoring node (source for `from: monitoring` rules). */
  monitoringSecurityGroupId?: pulumi.Input<string>;
  /** CloudWatch log groups the node writes to (its containers' output, its metrics agent's events). */
  logGroupArns?: pulumi.Input<string>[];
  /** Monitoring node: private address of each node it scrapes (node name → IPv4). */
  scrapeTargets?: Record<string, pulumi.Input<string>>;
  tags: Record<string, string>;
}

export class PinnedNode extends pulumi.ComponentResource {
  readonly networkInterfaceId: pulumi.Output<string>;
  readonly privateIp: pulumi.Output<string>;
  readonly publicIp?: pulumi.Output<string>;
  readonly hostname?: string;
  readonly securityGroupId: pulumi.Output<string>;
  readonly groupName: pulumi.Output<string>;

  constructor(name: string, args: PinnedNodeArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:aws:PinnedNode", name, {}, opts);
    const { node } = args;
    const child = { parent: this };
    const tags = { ...args.tags, "livepeer-fleet:node": node.name, "livepeer-fleet:role": node.role };

    // Ingress exactly as the layout says; egress open (image pulls, RPC, AWS APIs through NAT).
    const sg = new aws.ec2.SecurityGroup(name, {
      vpcId: args.vpcId,
      description: `livepeer-fleet ${node.role} ${node.name}`,
      tags: { ...tags, Name: name },
    }, child);
    // `remote-orchestrators` rules are added one address at a time by the fleet (allowRedeemerClient).
    // `iap` is GCP's forwarding range: on AWS Grafana is reached by SSM port forwarding (no rule needed).
    node.ingress.filter((rule) => rule.from !== "remote-orchestrators" && rule.from !== "iap").forEach((rule) => {
      const rules: { suffix: string; source: Record<string, pulumi.Input<string>> }[] =
        rule.from === "internet" ? [{ suffix: "", source: { cidrIpv4: "0.0.0.0/0" } }]
        : rule.from === "vpc" ? [{ suffix: "", source: { cidrIpv4: args.vpcCidr } }]
        : rule.from === "cidrs" ? (rule.cidrs ?? []).map((c) => ({ suffix: `-${c.replace(/[./]/g, "-")}`, source: { cidrIpv4: c } }))
        : rule.from === "monitoring" ? [{ suffix: "", source: { referencedSecurityGroupId: required(args.monitoringSecurityGroupId, "monitoringSecurityGroupId") } }]
        : [{ suffix: "", source: { referencedSecurityGroupId: args.orchestratorsSecurityGroupId } }];
      for (const r of rules) {
        new aws.vpc.SecurityGroupIngressRule(`${name}-in-${rule.port}-${rule.from}${r.suffix}`, {
          securityGroupId: sg.id, ipProtocol: "tcp", fromPort: rule.port, toPort: rule.port, description: rule.description, ...r.source,
        }, child);
      }
    });
    new aws.vpc.SecurityGroupEgressRule(`${name}-out`, { securityGroupId: sg.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "egress" }, child);

    const eni = new aws.ec2.NetworkInterface(name, {
      subnetId: args.interfaceSubnetId,
      ...(node.privateIp ? { privateIps: [node.privateIp] } : {}),
      securityGroups: [sg.id, ...(args.extraSecurityGroupIds ?? [])],
      description: `livepeer-fleet ${node.name}: stable address, re-attached at every boot`,
      tags: { ...tags, Name: name },
    }, child);
    this.networkInterfaceId = eni.id;
    this.privateIp = eni.privateIp;
    this.securityGroupId = sg.id;

    const dependsOn: pulumi.Resource[] = [];
    if (node.staticPublicIp) {
      // The node's public identity (its hostname resolves to it): released only by hand.
      const eip = new aws.ec2.Eip(name, { domain: "vpc", tags: { ...tags, Name: name } }, { ...child, retainOnDelete: true });
      dependsOn.push(new aws.ec2.EipAssociation(name, { allocationId: eip.allocationId, networkInterfaceId: eni.id, privateIpAddress: eni.privateIp }, child));
      this.publicIp = eip.publicIp;
      if (node.publicHostname) {
        this.hostname = node.publicHostname;
        // The O's -serviceAddr must resolve before it starts (it pings itself at startup).
        if (args.dns) dependsOn.push(args.dns.nodeRecord(name, node.publicHostname, eip.publicIp, this));
      }
    }

    let volumeId: pulumi.Output<string> | undefined;
    if (node.dataVolumeGb) {
      // The redeemer's ticket queue and the reward node's state: kept in the account if the resource is
      // ever deleted (a spec edit that moves or removes the node), never destroyed with it.
      const vol = new aws.ebs.Volume(name, {
        availabilityZone: node.zone, size: node.dataVolumeGb, type: "gp3", encrypted: true, tags: { ...tags, Name: `${name}-data` },
      }, { ...child, retainOnDelete: true });
      volumeId = vol.id;
    }

    const instanceTag = { key: "livepeer-fleet:node-id", value: name };
    const neededArns = node.boot.secrets.map((s) => args.secretArns[s.id]);
    const profile = nodeIdentity(name, this, {
      region: args.region,
      secretArns: neededArns,
      kmsKeyArn: args.kmsKeyArn,
      networkInterfaceId: eni.id,
      volumeId,
      ...(args.logGroupArns ? { logGroupArns: args.logGroupArns } : {}),
      instanceTag,
      ...(node.boot.drain ? { lifecycleHook: true } : {}),
      tags,
    });

    const targets = args.scrapeTargets ?? {};
    const userData = pulumi
      .all([pulumi.all(node.boot.secrets.map((s) => args.secretArns[s.id])), eni.id, volumeId ?? pulumi.output(undefined), eni.privateIp, pulumi.all(targets)])
      .apply(([arns, eniId, volId, ip, scrape]) =>
        renderBootScript(args.scrapeTargets ? withScrapeTargets(node, scrape as Record<string, string>) : node, {
          cloud: "aws",
          region: args.region,
          secretLocators: Object.fromEntries(node.boot.secrets.map((s, i) => [s.id, arns[i]])),
          networkInterfaceId: eniId,
          ...(volId ? { dataVolumeId: volId } : {}),
          ...(node.boot.metricsProxy ? { privateIp: ip } : {}),
        }),
      );
    const lt = launchTemplate(name, this, {
      nodeName: node.name,
      imageId: node.imageId,
      instanceType: node.instanceType,
      instanceProfileArn: profile.arn,
      // The instance's own interface sits in the private subnet; it needs no inbound rule at all.
      // Outbound connections (to the redeemer, the monitoring node's scrapes) leave by this interface, so an
      // O's / the monitoring node's membership group must be on it too for "orchestrators / monitoring only" rules to match.
      securityGroupIds: [args.instanceSecurityGroupId, ...(node.role === "orchestrator" || node.role === "monitoring" ? args.extraSecurityGroupIds ?? [] : [])],
      rootVolumeGb: node.rootVolumeGb,
      userData,
      tags: { ...tags, [instanceTag.key]: instanceTag.value },
    });

    const group = new aws.autoscaling.Group(name, {
      minSize: 1,
      maxSize: 1,
      desiredCapacity: 1,
      vpcZoneIdentifiers: [args.instanceSubnetId],
      launchTemplate: { id: lt.id, version: lt.latestVersion.apply(String) },
      // Auto-heal on instance health; go-livepeer itself is restarted by systemd. The readiness endpoint
      // drives the load balancer and DNS only: an O without workers must not be replaced in a loop.
      healthCheckType: "EC2",
      healthCheckGracePeriod: 300,
      // Every replacement (health, instance refresh) terminates first, lifecycle hook included, then launches:
      // the new instance needs the old one's interface (and volume).
      instanceMaintenancePolicy: { minHealthyPercentage: 0, maxHealthyPercentage: 100 },
      waitForCapacityTimeout: "0",
      tags: Object.entries({ ...tags, Name: name, [instanceTag.key]: instanceTag.value }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
    }, { parent: this, dependsOn });
    this.groupName = group.name;
    // Orchestrators drain before the group terminates them. No instanceRefresh here: an O is replaced
    // only by `livepeer-fleet rollout` (one at a time) or when it dies, never by `pulumi up` itself.
    if (node.boot.drain) drainHook(name, this, group.name, node.boot.drain);

    this.registerOutputs({ networkInterfaceId: this.networkInterfaceId, privateIp: this.privateIp, publicIp: this.publicIp, groupName: this.groupName });
  }
}

function required<T>(v: T | undefined, what: string): T {
  if (v === undefined) throw new Error(`pinned node: a \`from: monitoring\` rule needs ${what}`);
  return v;
}
