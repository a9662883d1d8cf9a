/**
 * livepeer-fleet:aws:Network — a VPC with a public and a private subnet per zone and NAT egress for the
 * private ones, or an existing VPC and subnets used as they are.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { NetworkLayout } from "../layout/types";

export interface NetworkArgs {
  network: NetworkLayout;
  tags: Record<string, string>;
}

export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly cidr: string;
  /** zone → subnet id */
  readonly publicSubnetIds: Record<string, pulumi.Output<string>>;
  readonly privateSubnetIds: Record<string, pulumi.Output<string>>;
  /** zone → public address the private subnet's traffic leaves from (its NAT gateway), when known. */
  readonly egressIps: Record<string, pulumi.Output<string>>;
  /**
   * zone → a key naming its egress address, shared by zones that leave from the same address: the NAT's
   * zone (managed network; with `natGateways: single` every zone gets the one NAT's zone), or for an
   * existing network the first zone (sorted) listing that address. Rules per address are keyed by it.
   */
  readonly egressKeys: Record<string, string>;

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:aws:Network", name, {}, opts);
    const { network, tags } = args;
    const child = { parent: this };
    this.publicSubnetIds = {};
    this.privateSubnetIds = {};
    this.egressIps = {};
    this.egressKeys = {};

    if (network.existing) {
      const e = network.existing;
      this.vpcId = pulumi.output(e.vpcId);
      this.cidr = e.cidr;
      for (const [z, id] of Object.entries(e.publicSubnetIds)) this.publicSubnetIds[z] = pulumi.output(id);
      for (const [z, id] of Object.entries(e.privateSubnetIds)) this.privateSubnetIds[z] = pulumi.output(id);
      const firstZoneOf = new Map<string, string>();
      for (const [z, ip] of Object.entries(e.egressIps ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        this.egressIps[z] = pulumi.output(ip);
        if (!firstZoneOf.has(ip)) firstZoneOf.set(ip, z);
        this.egressKeys[z] = firstZoneOf.get(ip)!;
      }
    } else {
      const m = network.managed!;
      this.cidr = m.cidr;
      const vpc = new aws.ec2.Vpc(name, { cidrBlock: m.cidr, enableDnsHostnames: true, enableDnsSupport: true, tags: { ...tags, Name: name } }, child);
      const igw = new aws.ec2.InternetGateway(name, { vpcId: vpc.id, tags: { ...tags, Name: name } }, child);
      const publicRt = new aws.ec2.RouteTable(`${name}-public`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-public` } }, child);
      new aws.ec2.Route(`${name}-public-default`, { routeTableId: publicRt.id, destinationCidrBlock: "0.0.0.0/0", gatewayId: igw.id }, child);
      // The VPC's default security group is left closed: no rules at all.
      new aws.ec2.DefaultSecurityGroup(`${name}-default`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-default-closed` } }, child);

      // Names carry the zone, not a list index: adding or reordering zones renames nothing.
      const pubs: Record<string, aws.ec2.Subnet> = {};
      for (const s of m.subnets) {
        pubs[s.zone] = new aws.ec2.Subnet(`${name}-public-${s.zone}`, {
          vpcId: vpc.id,
          cidrBlock: s.public,
          availabilityZone: s.zone,
          mapPublicIpOnLaunch: false,
          tags: { ...tags, Name: `${name}-public-${s.zone}`, "livepeer-fleet:tier": "public" },
        }, child);
        new aws.ec2.RouteTableAssociation(`${name}-public-${s.zone}`, { subnetId: pubs[s.zone].id, routeTableId: publicRt.id }, child);
      }
      // NAT gateways: one per zone, or (`single`) the alphabetically first zone's serves all of them,
      // so reordering zones moves nothing and the names stay those of per-zone NATs.
      const natZones = m.natGateways === "single" ? [[...m.subnets.map((s) => s.zone)].sort()[0]] : m.subnets.map((s) => s.zone);
      const nats: Record<string, { nat: aws.ec2.NatGateway; ip: pulumi.Output<string> }> = {};
      for (const z of natZones) {
        const eip = new aws.ec2.Eip(`${name}-nat-${z}`, { domain: "vpc", tags: { ...tags, Name: `${name}-nat-${z}` } }, child);
        const nat = new aws.ec2.NatGateway(`${name}-${z}`, { allocationId: eip.id, subnetId: pubs[z].id, tags: { ...tags, Name: `${name}-${z}` } }, { ...child, dependsOn: [igw] });
        nats[z] = { nat, ip: eip.publicIp };
      }
      for (const s of m.subnets) {
        const natZone = nats[s.zone] ? s.zone : natZones[0];
        const { nat, ip: natIp } = nats[natZone];
        const priv = new aws.ec2.Subnet(`${name}-private-${s.zone}`, {
          vpcId: vpc.id,
          cidrBlock: s.private,
          availabilityZone: s.zone,
          mapPublicIpOnLaunch: false,
          tags: { ...tags, Name: `${name}-private-${s.zone}`, "livepeer-fleet:tier": "private" },
        }, child);
        const rt = new aws.ec2.RouteTable(`${name}-private-${s.zone}`, { vpcId: vpc.id, tags: { ...tags, Name: `${name}-private-${s.zone}` } }, child);
        new aws.ec2.Route(`${name}-private-${s.zone}-default`, { routeTableId: rt.id, destinationCidrBlock: "0.0.0.0/0", natGatewayId: nat.id }, child);
        new aws.ec2.RouteTableAssociation(`${name}-private-${s.zone}`, { subnetId: priv.id, routeTableId: rt.id }, child);

        this.publicSubnetIds[s.zone] = pubs[s.zone].id;
        this.egressIps[s.zone] = natIp;
        this.egressKeys[s.zone] = natZone;
        this.privateSubnetIds[s.zone] = priv.id;
      }
      this.vpcId = vpc.id;
    }

    this.registerOutputs({ vpcId: this.vpcId, publicSubnetIds: this.publicSubnetIds, privateSubnetIds: this.privateSubnetIds });
  }
}
