/**
 * livepeer-fleet:gcp:LoadBalancer — the region's external passthrough network load balancer for
 * discovery: a forwarding rule on a static external address, TCP 8935 only (go-livepeer keeps its own
 * TLS), a regional backend service (EXTERNAL, TCP) whose backends are the orchestrators' groups of one
 * (CONNECTION balancing, no session affinity, connection draining = the layout's deregistration delay),
 * health = the O's readiness endpoint over HTTP (up, ≥ 1 worker attached, not draining). Backends may
 * sit in any zone of the region.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { LoadBalancerLayout } from "../layout/types";
import { gcpNames } from "../naming";

export interface LoadBalancerArgs {
  lb: LoadBalancerLayout;
  project: string;
  region: string;
  /** O name → its group's instance group. */
  backends: Record<string, pulumi.Input<string>>;
  labels: Record<string, string>;
}

export class LoadBalancer extends pulumi.ComponentResource {
  /** The forwarding rule's static address: this region's member of the service URI. */
  readonly ipAddress: pulumi.Output<string>;
  readonly backendService: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:gcp:LoadBalancer", name, {}, opts);
    const child = { parent: this };
    const { lb, project, region } = args;
    const hc = lb.healthCheck;
    const health = new gcp.compute.RegionHealthCheck(name, {
      project,
      region,
      name: gcpNames.resource(name, "ready"),
      description: `livepeer-fleet ${name}: orchestrator readiness (GET ${hc.path} on ${hc.port})`,
      checkIntervalSec: hc.intervalSeconds,
      timeoutSec: Math.min(5, hc.intervalSeconds),
      healthyThreshold: hc.healthyThreshold,
      unhealthyThreshold: hc.unhealthyThreshold,
      httpHealthCheck: { port: hc.port, requestPath: hc.path },
    }, child);
    const backends = lb.targets.map((o) => {
      const group = args.backends[o];
      if (group === undefined) throw new Error(`load balancer ${name}: no instance group for orchestrator ${o}`);
      return { group, balancingMode: "CONNECTION", description: `orchestrator ${o}` };
    });
    const service = new gcp.compute.RegionBackendService(name, {
      project,
      region,
      name: gcpNames.resource(name),
      description: `livepeer-fleet ${name}: orchestrators, discovery only`,
      protocol: "TCP",
      loadBalancingScheme: "EXTERNAL",
      healthChecks: health.id,
      backends,
      sessionAffinity: "NONE",
      connectionDrainingTimeoutSec: lb.deregistrationDelaySeconds,
    }, child);
    const address = new gcp.compute.Address(`${name}-lb`, {
      project,
      region,
      name: gcpNames.resource(name, "lb"),
      description: `livepeer-fleet ${name}: service URI member of this region`,
      addressType: "EXTERNAL",
      networkTier: "PREMIUM",
      labels: args.labels,
    }, { ...child, retainOnDelete: true });
    new gcp.compute.ForwardingRule(name, {
      project,
      region,
      name: gcpNames.resource(name),
      description: `livepeer-fleet ${name}: TCP ${lb.port} passthrough`,
      ipAddress: address.address,
      ipProtocol: "TCP",
      ports: [String(lb.port)],
      loadBalancingScheme: "EXTERNAL",
      networkTier: "PREMIUM",
      backendService: service.id,
      labels: args.labels,
    }, child);
    this.ipAddress = address.address;
    this.backendService = service.id;
    this.registerOutputs({ ipAddress: this.ipAddress, backendService: this.backendService });
  }
}
