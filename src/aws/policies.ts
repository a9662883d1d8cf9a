/**
 * IAM policy documents for fleet nodes. Pure (plain strings in, JSON documents out) so least privilege
 * is table-tested without Pulumi.
 */

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow" | "Deny";
  Action: string[];
  Resource: string[] | string;
  Condition?: Record<string, Record<string, string | string[]>>;
}
export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/** EC2 may assume the node role, nothing else. */
export const ec2AssumeRolePolicy = (): PolicyDocument => ({
  Version: "2012-10-17",
  Statement: [{ Sid: "Ec2Assume", Effect: "Allow", Action: ["sts:AssumeRole"], Resource: "*", ...{ Principal: { Service: "ec2.amazonaws.com" } } } as any],
});

export interface NodePolicyInput {
  /** AWS region of the node (for kms:ViaService). */
  region: string;
  /** ARNs of exactly the secrets this node reads. */
  secretArns: string[];
  /** The region's fleet KMS key ARN (secrets are encrypted with it). */
  kmsKeyArn: string;
  /** Pinned nodes: the ENI it re-attaches at boot. */
  networkInterfaceArn?: string;
  /** Redeemer / reward: the data volume it re-attaches at boot. */
  volumeArn?: string;
  /**
   * Tag that marks the node's own instances and its own Auto Scaling group: the attach calls are allowed
   * only to those instances, set-instance-health only in that group.
   */
  instanceTag: { key: string; value: string };
  /** ARN prefix of instances in the account and region, `arn:aws:ec2:<region>:<account>:instance/`. */
  instanceArnPrefix: string;
  /** ARN prefix of Auto Scaling groups in the account and region, `arn:aws:autoscaling:<region>:<account>:autoScalingGroup:`. */
  autoScalingGroupArnPrefix: string;
  /** AI workers with a bucket model cache: read-only on that bucket (and prefix). */
  modelBucket?: { partition: string; bucket: string; prefix: string };
  /** The node's group has a terminate lifecycle hook its drain agent completes (src/layout/drain.ts). */
  completeLifecycleAction?: boolean;
  /** CloudWatch log groups the node writes to (docker's awslogs driver, the metrics agent's EMF events). */
  logGroupArns?: string[];
}

/**
 * A node's inline policy: read its own secrets (and decrypt them only through Secrets Manager), mark an
 * instance of its own group Unhealthy (a failed boot, see src/layout/boot.ts), complete its own group's
 * terminate lifecycle action (drain, src/layout/drain.ts), and, for pinned nodes, attach its own
 * interface / volume to an instance carrying its own tag.
 */
export function nodePolicy(p: NodePolicyInput): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (p.secretArns.length > 0) {
    statements.push({ Sid: "ReadOwnSecrets", Effect: "Allow", Action: ["secretsmanager:GetSecretValue"], Resource: [...p.secretArns] });
    statements.push({
      Sid: "DecryptViaSecretsManager",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [p.kmsKeyArn],
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${p.region}.amazonaws.com` } },
    });
  }
  // SetInstanceHealth names only an instance; authorization is on the group holding it, carrying the node's tag.
  statements.push({
    Sid: "MarkOwnGroupInstanceUnhealthy",
    Effect: "Allow",
    Action: ["autoscaling:SetInstanceHealth"],
    Resource: [`${p.autoScalingGroupArnPrefix}*`],
    Condition: { StringEquals: { [`autoscaling:ResourceTag/${p.instanceTag.key}`]: p.instanceTag.value } },
  });
  if (p.completeLifecycleAction) {
    // The drain agent completes the terminate lifecycle action of its own group only (same tag condition);
    // it finds its group's name from its instance id (a describe call that cannot be scoped and reveals no secret).
    statements.push({
      Sid: "CompleteOwnGroupLifecycleAction",
      Effect: "Allow",
      Action: ["autoscaling:CompleteLifecycleAction"],
      Resource: [`${p.autoScalingGroupArnPrefix}*`],
      Condition: { StringEquals: { [`autoscaling:ResourceTag/${p.instanceTag.key}`]: p.instanceTag.value } },
    });
    statements.push({ Sid: "FindOwnGroup", Effect: "Allow", Action: ["autoscaling:DescribeAutoScalingInstances"], Resource: "*" });
  }
  const tagCondition = { StringEquals: { [`aws:ResourceTag/${p.instanceTag.key}`]: p.instanceTag.value } };
  if (p.networkInterfaceArn) {
    statements.push({ Sid: "AttachOwnInterface", Effect: "Allow", Action: ["ec2:AttachNetworkInterface"], Resource: [p.networkInterfaceArn] });
    statements.push({ Sid: "AttachInterfaceToOwnInstance", Effect: "Allow", Action: ["ec2:AttachNetworkInterface"], Resource: [`${p.instanceArnPrefix}*`], Condition: tagCondition });
  }
  if (p.volumeArn) {
    statements.push({ Sid: "AttachOwnVolume", Effect: "Allow", Action: ["ec2:AttachVolume"], Resource: [p.volumeArn] });
    statements.push({ Sid: "AttachVolumeToOwnInstance", Effect: "Allow", Action: ["ec2:AttachVolume"], Resource: [`${p.instanceArnPrefix}*`], Condition: tagCondition });
  }
  if (p.modelBucket) {
    const b = p.modelBucket;
    const arn = `arn:${b.partition}:s3:::${b.bucket}`;
    statements.push({
      Sid: "ListModelCache", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [arn],
      ...(b.prefix ? { Condition: { StringLike: { "s3:prefix": [`${b.prefix}/*`, b.prefix] } } } : {}),
    });
    statements.push({ Sid: "ReadModelCache", Effect: "Allow", Action: ["s3:GetObject"], Resource: [`${arn}/${b.prefix ? `${b.prefix}/` : ""}*`] });
  }
  if (p.logGroupArns?.length) {
    // Streams in the region's own log groups only: no CreateLogGroup, no other group, no reads of events.
    const groups = p.logGroupArns.map((a) => a.replace(/:\*$/, ""));
    statements.push({
      Sid: "WriteOwnLogGroups",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"],
      Resource: groups.flatMap((g) => [g, `${g}:log-stream:*`]),
    });
  }
  if (p.networkInterfaceArn || p.volumeArn) {
    // Describe calls cannot be scoped to resources; they reveal no secret.
    statements.push({ Sid: "DescribeAttachments", Effect: "Allow", Action: ["ec2:DescribeNetworkInterfaces", "ec2:DescribeVolumes"], Resource: "*" });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/**
 * What the SSM agent needs for Session Manager (no SSH anywhere), and nothing else: unlike the managed
 * AmazonSSMManagedInstanceCore it grants no ssm:GetParameter(s) on every parameter of the account.
 */
export function ssmSessionPolicy(): PolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      { Sid: "SsmAgentRegistration", Effect: "Allow", Action: ["ssm:UpdateInstanceInformation"], Resource: "*" },
      {
        Sid: "SessionManagerChannels",
        Effect: "Allow",
        Action: ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"],
        Resource: "*",
      },
      { Sid: "SsmAgentMessages", Effect: "Allow", Action: ["ec2messages:AcknowledgeMessage", "ec2messages:DeleteMessage", "ec2messages:FailMessage", "ec2messages:GetEndpoint", "ec2messages:GetMessages", "ec2messages:SendReply"], Resource: "*" },
    ],
  };
}
