/**
 * Pieces every fleet instance shares: its IAM identity (role, own-secrets policy, SSM access, instance
 * profile) and its launch template (IMDSv2 only, encrypted root volume, gzip-compressed boot script as
 * user-data).
 * Functions, not components: they create children of the calling component.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import { ec2AssumeRolePolicy, nodePolicy, NodePolicyInput, ssmSessionPolicy } from "./policies";
import { encodeUserData } from "./userData";
import type { DrainSpec } from "../layout/types";
import { LIFECYCLE_HOOK_NAME, lifecycleHookTimeout } from "../layout/drain";

export { USER_DATA_LIMIT, gzipUserData, encodeUserData } from "./userData";

export interface IdentityArgs {
  region: string;
  secretArns: pulumi.Input<string>[];
  kmsKeyArn: pulumi.Input<string>;
  networkInterfaceId?: pulumi.Input<string>;
  volumeId?: pulumi.Input<string>;
  /** CloudWatch log groups the node writes to (container output, metrics). */
  logGroupArns?: pulumi.Input<string>[];
  /** Carried by the node's instances and its Auto Scaling group (IAM conditions match it). */
  instanceTag: { key: string; value: string };
  /** AI workers with a bucket model cache: the bucket (and prefix) they may read. */
  modelBucket?: { bucket: string; prefix: string };
  /** Its group has a terminate lifecycle hook the node's drain agent completes (drainHook). */
  lifecycleHook?: boolean;
  tags: Record<string, string>;
}

export function nodeIdentity(name: string, parent: pulumi.Resource, args: IdentityArgs): aws.iam.InstanceProfile {
  const child = { parent };
  const role = new aws.iam.Role(name, {
    assumeRolePolicy: JSON.stringify(ec2AssumeRolePolicy()),
    description: `livepeer-fleet node ${name}`,
    tags: args.tags,
  }, child);
  const identity = aws.getCallerIdentityOutput({}, child);
  const partition = aws.getPartitionOutput({}, child);
  const policy = pulumi
    .all([pulumi.all(args.secretArns), args.kmsKeyArn, args.networkInterfaceId, args.volumeId, identity.accountId, partition.partition, pulumi.all(args.logGroupArns ?? [])])
    .apply(([secretArns, kmsKeyArn, eni, vol, account, part, logGroupArns]) => {
      const prefix = `arn:${part}:ec2:${args.region}:${account}:`;
      const input: NodePolicyInput = {
        region: args.region,
        secretArns,
        kmsKeyArn,
        instanceTag: args.instanceTag,
        instanceArnPrefix: `${prefix}instance/`,
        autoScalingGroupArnPrefix: `arn:${part}:autoscaling:${args.region}:${account}:autoScalingGroup:`,
        ...(args.lifecycleHook ? { completeLifecycleAction: true } : {}),
        ...(eni ? { networkInterfaceArn: `${prefix}network-interface/${eni}` } : {}),
        ...(vol ? { volumeArn: `${prefix}volume/${vol}` } : {}),
        ...(args.modelBucket ? { modelBucket: { partition: part, ...args.modelBucket } } : {}),
        ...(logGroupArns.length ? { logGroupArns } : {}),
      };
      return JSON.stringify(nodePolicy(input));
    });
  new aws.iam.RolePolicy(name, { role: role.id, policy }, child);
  new aws.iam.RolePolicy(`${name}-ssm`, { role: role.id, policy: JSON.stringify(ssmSessionPolicy()) }, child);
  return new aws.iam.InstanceProfile(name, { role: role.name, tags: args.tags }, child);
}

export interface TemplateArgs {
  /** The layout node / worker group name (named in errors). */
  nodeName: string;
  imageId: string;
  instanceType: string;
  instanceProfileArn: pulumi.Input<string>;
  securityGroupIds: pulumi.Input<string>[];
  rootVolumeGb: number;
  /** The boot script (plain text; gzip-compressed and base64-encoded here). Never an Output secret. */
  userData: pulumi.Input<string>;
  tags: Record<string, string>;
}

export function launchTemplate(name: string, parent: pulumi.Resource, args: TemplateArgs): aws.ec2.LaunchTemplate {
  return new aws.ec2.LaunchTemplate(name, {
    imageId: args.imageId,
    instanceType: args.instanceType,
    iamInstanceProfile: { arn: args.instanceProfileArn },
    vpcSecurityGroupIds: args.securityGroupIds,
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1, instanceMetadataTags: "disabled" },
    blockDeviceMappings: [
      { deviceName: "/dev/xvda", ebs: { volumeSize: args.rootVolumeGb, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" } },
    ],
    monitoring: { enabled: true },
    userData: pulumi.output(args.userData).apply((s) => encodeUserData(args.nodeName, s)),
    updateDefaultVersion: true,
    tagSpecifications: [
      { resourceType: "instance", tags: { ...args.tags, Name: name } },
      { resourceType: "volume", tags: { ...args.tags, Name: name } },
    ],
    tags: args.tags,
  }, { parent });
}

/**
 * The terminate lifecycle hook of an O or worker group: a terminating instance waits in Terminating:Wait
 * until its drain agent completes the action (src/layout/drain.ts), at most drain bound + margin; then the
 * group continues (CONTINUE) whether or not the agent answered.
 */
export function drainHook(name: string, parent: pulumi.Resource, groupName: pulumi.Input<string>, drain: DrainSpec): aws.autoscaling.LifecycleHook {
  return new aws.autoscaling.LifecycleHook(`${name}-drain`, {
    autoscalingGroupName: groupName,
    name: LIFECYCLE_HOOK_NAME,
    lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING",
    heartbeatTimeout: lifecycleHookTimeout(drain),
    defaultResult: "CONTINUE",
  }, { parent });
}
