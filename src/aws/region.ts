/**
 * livepeer-fleet:aws:Region — one fleet region on AWS: network, key vault, orchestrator nodes, worker
 * groups (one per pool and O), the redeemer / reward node when placed here, the regional load balancer
 * and this region's member of the service URI's latency-routed record set. Maps the layout onto
 * resources; decides nothing about Livepeer.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { PinnedNodeLayout, PORTS } from "../layout/types";
import { Network } from "./network";
import { KeyVault } from "./vault";
import { nodeOutputs } from "../regionTypes";
import type { NodeOutputs, RegionArgs, RegionComponent } from "../regionTypes";
import { PinnedNode } from "./pinnedNode";
import { WorkerGroup } from "./workerGroup";
import { LoadBalancer } from "./loadBalancer";
import { Alerts } from "./alerts";

export type AwsRegionArgs = RegionArgs;

export class AwsRegion extends pulumi.ComponentResource implements RegionComponent {
  readonly nodes: Record<string, NodeOutputs> = {};
  readonly workerGroups: Record<string, pulumi.Output<string>> = {};
  readonly loadBalancerDnsName: pulumi.Output<string>;
  readonly orchestratorEgressIps: Record<string, pulumi.Input<string>> = {};
  private redeemerSecurityGroupId?: pulumi.Output<string>;
  private readonly regionName: string;
  private readonly regionResourceName: string;

  constructor(name: string, args: AwsRegionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:aws:Region", name, {}, opts);
    const { fleet, region: r } = args;
    this.regionName = r.name;
    this.regionResourceName = name;
    const child = { parent: this };
    const tags = { ...fleet.tags, "livepeer-fleet:fleet": fleet.name, "livepeer-fleet:region": r.name };

    const net = new Network(name, { network: r.network, tags }, child);
    const vault = new KeyVault(name, { secrets: r.secrets, resolve: args.resolveSecret, secretsVersion: args.secretsVersion, tags }, child);

    const egressOnly = new aws.ec2.SecurityGroup(`${name}-egress-only`, {
      vpcId: net.vpcId, description: "livepeer-fleet instances: no inbound traffic", tags: { ...tags, Name: `${name}-egress-only` },
    }, child);
    new aws.vpc.SecurityGroupEgressRule(`${name}-egress-only-out`, { securityGroupId: egressOnly.id, ipProtocol: "-1", cidrIpv4: "0.0.0.0/0", description: "egress" }, child);
    // Membership group carried by every O interface: the source for "orchestrators only" rules.
    const orchestratorsSg = new aws.ec2.SecurityGroup(`${name}-orchestrators`, {
      vpcId: net.vpcId, description: "livepeer-fleet orchestrators of this region (membership only, no rules)", tags: { ...tags, Name: `${name}-orchestrators` },
    }, child);

    // Logs and metrics (src/layout/monitoring.ts): the region's log groups, written by its nodes only.
    const obs = r.observability;
    const logGroupArns: pulumi.Output<string>[] = [];
    if (obs?.logGroup && obs.metricsLogGroup) {
      const groups: [string, string, number][] = [["containers", obs.logGroup, obs.logRetentionDays], ["metrics", obs.metricsLogGroup, obs.metricsLogRetentionDays]];
      for (const [kind, groupName, days] of groups) {
        logGroupArns.push(new aws.cloudwatch.LogGroup(`${name}-${kind}`, { name: groupName, retentionInDays: days, tags }, child).arn);
      }
    }
    // Membership group of the monitoring node: the only source of the metrics-only listeners' rules.
    const monitoringSg = r.monitoring
      ? new aws.ec2.SecurityGroup(`${name}-monitors`, {
          vpcId: net.vpcId, description: "livepeer-fleet monitoring node of this region (membership only, no rules)", tags: { ...tags, Name: `${name}-monitors` },
        }, child)
      : undefined;

    const dns = args.dns;
    const pinned = (node: PinnedNodeLayout, scrapeTargets?: Record<string, pulumi.Input<string>>) => {
      const n = new PinnedNode(node.resourceName, {
        node,
        region: r.region,
        vpcId: net.vpcId,
        vpcCidr: net.cidr,
        interfaceSubnetId: (node.subnet === "public" ? net.publicSubnetIds : net.privateSubnetIds)[node.zone],
        instanceSubnetId: net.privateSubnetIds[node.zone],
        instanceSecurityGroupId: egressOnly.id,
        extraSecurityGroupIds: node.role === "orchestrator" ? [orchestratorsSg.id] : node.role === "monitoring" && monitoringSg ? [monitoringSg.id] : [],
        orchestratorsSecurityGroupId: orchestratorsSg.id,
        secretArns: vault.secretArns,
        kmsKeyArn: vault.keyArn,
        ...(node.publicHostname ? { dns } : {}),
        ...(monitoringSg ? { monitoringSecurityGroupId: monitoringSg.id } : {}),
        ...(logGroupArns.length ? { logGroupArns } : {}),
        ...(scrapeTargets ? { scrapeTargets } : {}),
        tags,
      }, child);
      this.nodes[node.name] = nodeOutputs(node, n);
      return n;
    };

    const os = r.orchestrators.map((o) => pinned(o));
    // An O's outbound traffic (to a redeemer elsewhere) leaves through its zone's NAT gateway. Keyed by
    // egress address (the NAT's zone), so zones sharing one NAT give one allowlist rule, not duplicates.
    for (const o of r.orchestrators) {
      const ip = net.egressIps[o.zone];
      if (ip) this.orchestratorEgressIps[net.egressKeys[o.zone] ?? o.zone] = ip;
    }
    if (r.redeemer) this.redeemerSecurityGroupId = pinned(r.redeemer).securityGroupId;
    if (r.reward) pinned(r.reward);
    if (r.monitoring) {
      const targets = Object.fromEntries((r.monitoring.scrapeTargets ?? []).map((n) => [n, this.nodes[n].privateIp]));
      pinned(r.monitoring, targets);
    }

    const groupNames: { group: typeof r.workerGroups[number]; autoScalingGroupName: pulumi.Output<string> }[] = [];
    for (const g of r.workerGroups) {
      const wg = new WorkerGroup(g.resourceName, {
        group: g,
        region: r.region,
        subnetIds: r.network.zones.map((z) => net.privateSubnetIds[z]),
        securityGroupId: egressOnly.id,
        secretArns: vault.secretArns,
        kmsKeyArn: vault.keyArn,
        // The container log group; AI workers also the metrics one (their agent publishes runner containers).
        ...(logGroupArns.length ? { logGroupArns: g.kind === "ai" ? logGroupArns : [logGroupArns[0]] } : {}),
        tags,
      }, child);
      this.workerGroups[g.name] = wg.groupName;
      groupNames.push({ group: g, autoScalingGroupName: wg.groupName });
    }

    const lb = new LoadBalancer(name, {
      lb: r.loadBalancer,
      vpcId: net.vpcId,
      publicSubnetIds: r.network.zones.map((z) => net.publicSubnetIds[z]),
      targets: Object.fromEntries(r.orchestrators.map((o, i) => [o.name, os[i].privateIp])),
      tags,
    }, child);
    this.loadBalancerDnsName = lb.dnsName;

    if (obs?.alerts) {
      new Alerts(name, {
        fleet: fleet.name,
        regionName: r.name,
        alerts: obs.alerts,
        loadBalancer: { arnSuffix: lb.arnSuffix, targetGroupArnSuffix: lb.targetGroupArnSuffix },
        groups: groupNames,
        tags,
      }, child);
    }

    // This region's member of the service URI's routed record set.
    dns.serviceMember(r, { kind: "alias", dnsName: lb.dnsName, zoneId: lb.zoneId }, this);

    this.registerOutputs({ nodes: this.nodes, workerGroups: this.workerGroups, loadBalancerDnsName: this.loadBalancerDnsName });
  }

  allowRedeemerClient(key: string, ip: pulumi.Input<string>): void {
    if (!this.redeemerSecurityGroupId) throw new Error(`region ${this.regionName} hosts no redeemer`);
    new aws.vpc.SecurityGroupIngressRule(`${this.regionResourceName}-redeemer-from-${key}`, {
      securityGroupId: this.redeemerSecurityGroupId,
      ipProtocol: "tcp",
      fromPort: PORTS.service,
      toPort: PORTS.service,
      cidrIpv4: pulumi.interpolate`${ip}/32`,
      description: `redeemer gRPC from orchestrators of ${key}`,
    }, { parent: this });
  }
}
