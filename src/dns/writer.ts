/**
 * The fleet's one DNS zone (DESIGN §2): every record — per-node hostnames and the service URI — lives in
 * it, whatever cloud a region runs on. Cloud components call a DnsWriter; it creates the records on the
 * DNS provider, as children of the calling component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as gcp from "@pulumi/gcp";
import type { FleetLayout, RegionLayout } from "../layout/types";
import { latencyRegion } from "./latency";

/** Where a region's member of the service URI points. */
export type ServiceTarget =
  /** An AWS load balancer (alias record, evaluating its target health). */
  | { kind: "alias"; dnsName: pulumi.Input<string>; zoneId: pulumi.Input<string> }
  /** A static load balancer address (GCP forwarding rule). */
  | { kind: "ip"; ip: pulumi.Input<string> };

export interface DnsWriter {
  /** A node's A record to its static IP; returned so the node's group can depend on it. */
  nodeRecord(resourceName: string, fqdn: string, ip: pulumi.Input<string>, parent: pulumi.Resource): pulumi.Resource;
  /** A region's member of the service URI's routed record set. */
  serviceMember(region: RegionLayout, target: ServiceTarget, parent: pulumi.Resource): void;
  /** Records that need every region's member (Cloud DNS keeps all geo items in one record set). */
  finish(parent: pulumi.Resource): void;
}

export function route53Writer(fleet: FleetLayout, provider: pulumi.ProviderResource): DnsWriter {
  if (fleet.dns.provider !== "route53") throw new Error("route53Writer needs a route53 zone");
  const { zoneId, ttl } = fleet.dns;
  return {
    nodeRecord(resourceName, fqdn, ip, parent) {
      return new aws.route53.Record(resourceName, { zoneId, name: fqdn, type: "A", ttl, records: [ip] }, { parent, provider });
    },
    serviceMember(region, target, parent) {
      const latency = latencyRegion(region.cloud, region.region);
      if (!latency) throw new Error(`no Route 53 latency region for ${region.cloud} ${region.region}`);
      // set identifier = region name: adding a region adds a member and never replaces the others.
      const common = { zoneId, name: fleet.serviceHost, type: "A", setIdentifier: region.name, latencyRoutingPolicies: [{ region: latency }] };
      if (target.kind === "alias") {
        new aws.route53.Record(`${region.resourceName}-service`, { ...common, aliases: [{ name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true }] }, { parent, provider });
        return;
      }
      // A static address (GCP forwarding rule): Route 53 checks it itself. The readiness port is not public,
      // so this is a TCP check of 8935: it drops a region whose load balancer or orchestrators are down
      // (not one whose orchestrators merely lack workers — the regional load balancer handles that).
      const hc = new aws.route53.HealthCheck(`${region.resourceName}-service`, {
        type: "TCP", ipAddress: target.ip, port: 8935, requestInterval: 30, failureThreshold: 3,
        tags: { Name: `${region.resourceName}-service`, "livepeer-fleet:region": region.name },
      }, { parent, provider });
      new aws.route53.Record(`${region.resourceName}-service`, { ...common, ttl: 60, records: [target.ip], healthCheckId: hc.id }, { parent, provider });
    },
    finish() {},
  };
}

export function cloudDnsWriter(fleet: FleetLayout, provider: pulumi.ProviderResource): DnsWriter {
  if (fleet.dns.provider !== "clouddns") throw new Error("cloudDnsWriter needs a clouddns zone");
  const { managedZone, project, ttl } = fleet.dns;
  const members: { location: string; ip: pulumi.Input<string> }[] = [];
  return {
    nodeRecord(resourceName, fqdn, ip, parent) {
      return new gcp.dns.RecordSet(resourceName, { project, managedZone, name: `${fqdn}.`, type: "A", ttl, rrdatas: [ip] }, { parent, provider });
    },
    serviceMember(region, target, parent) {
      if (target.kind !== "ip") throw new Error(`Cloud DNS geo routing needs a static address for region ${region.name}`);
      void parent;
      members.push({ location: region.region, ip: target.ip });
    },
    finish(parent) {
      if (members.length === 0) return;
      // One record set holds every region's geo item: adding a region updates it in place.
      new gcp.dns.RecordSet(`${fleet.name}-service`, {
        project, managedZone, name: `${fleet.serviceHost}.`, type: "A", ttl: 60,
        routingPolicy: { geos: members.map((m) => ({ location: m.location, rrdatas: [m.ip] })) },
      }, { parent, provider });
    },
  };
}
