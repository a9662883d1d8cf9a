/**
 * livepeer-fleet:aws:LoadBalancer — the region's network load balancer for discovery: TCP passthrough on
 * 8935 (go-livepeer keeps its own TLS), cross-zone, no stickiness, targets = each O's stable private IP,
 * health = the O's readiness endpoint (up, ≥ 1 worker attached, not draining).
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { LoadBalancerLayout } from "../layout/types";

export interface LoadBalancerArgs {
  lb: LoadBalancerLayout;
  vpcId: pulumi.Input<string>;
  publicSubnetIds: pulumi.Input<string>[];
  /** O name → its stable private IP. */
  targets: Record<string, pulumi.Input<string>>;
  tags: Record<string, string>;
}

export class LoadBalancer extends pulumi.ComponentResource {
  readonly dnsName: pulumi.Output<string>;
  readonly zoneId: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  /** CloudWatch dimension values (AWS/NetworkELB `LoadBalancer`, `TargetGroup`) for alarms. */
  readonly arnSuffix: pulumi.Output<string>;
  readonly targetGroupArnSuffix: pulumi.Output<string>;

  constructor(name: string, args: LoadBalancerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:aws:LoadBalancer", name, {}, opts);
    const child = { parent: this };
    const { lb } = args;
    const nlb = new aws.lb.LoadBalancer(name, {
      name: lb.name,
      loadBalancerType: "network",
      internal: false,
      subnets: args.publicSubnetIds,
      enableCrossZoneLoadBalancing: true,
      ipAddressType: "ipv4",
      tags: args.tags,
    }, child);
    const tg = new aws.lb.TargetGroup(name, {
      name: lb.targetGroupName,
      port: lb.port,
      protocol: "TCP",
      targetType: "ip",
      vpcId: args.vpcId,
      deregistrationDelay: lb.deregistrationDelaySeconds,
      preserveClientIp: "false",
      connectionTermination: true,
      stickiness: { enabled: false, type: "source_ip" },
      healthCheck: {
        enabled: true,
        protocol: "HTTP",
        port: String(lb.healthCheck.port),
        path: lb.healthCheck.path,
        matcher: "200",
        interval: lb.healthCheck.intervalSeconds,
        healthyThreshold: lb.healthCheck.healthyThreshold,
        unhealthyThreshold: lb.healthCheck.unhealthyThreshold,
      },
      tags: args.tags,
    }, child);
    new aws.lb.Listener(name, {
      loadBalancerArn: nlb.arn,
      port: lb.port,
      protocol: "TCP",
      defaultActions: [{ type: "forward", targetGroupArn: tg.arn }],
      tags: args.tags,
    }, child);
    for (const o of lb.targets) {
      new aws.lb.TargetGroupAttachment(`${name}-${o}`, { targetGroupArn: tg.arn, targetId: args.targets[o], port: lb.port }, child);
    }
    this.dnsName = nlb.dnsName;
    this.zoneId = nlb.zoneId;
    this.arn = nlb.arn;
    this.arnSuffix = nlb.arnSuffix;
    this.targetGroupArnSuffix = tg.arnSuffix;
    this.registerOutputs({ dnsName: this.dnsName, zoneId: this.zoneId, arn: this.arn });
  }
}
