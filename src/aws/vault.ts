/**
 * livepeer-fleet:aws:KeyVault — the region's fleet KMS key and one Secrets Manager secret per layout
 * secret, written through the write-only field so the values stay out of Pulumi state.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import type { SecretEntry } from "../layout/types";
import type { SecretResolver } from "../regionTypes";

export interface KeyVaultArgs {
  secrets: SecretEntry[];
  resolve: SecretResolver;
  /** Bump to rewrite the values (write-only fields are not diffed). A secret's `revision` is added to it. */
  secretsVersion: number;
  /** Days a deleted secret can be restored (7–30). */
  recoveryWindowInDays?: number;
  tags: Record<string, string>;
}

export class KeyVault extends pulumi.ComponentResource {
  readonly keyArn: pulumi.Output<string>;
  /** secret id → secret ARN */
  readonly secretArns: Record<string, pulumi.Output<string>>;

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:aws:KeyVault", name, {}, opts);
    const child = { parent: this };
    const key = new aws.kms.Key(name, {
      description: `livepeer-fleet secrets of ${name}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      tags: args.tags,
    }, child);
    new aws.kms.Alias(name, { name: `alias/livepeer-fleet/${name}`, targetKeyId: key.keyId }, child);
    this.keyArn = key.arn;
    this.secretArns = {};
    for (const s of args.secrets) {
      // Auto-named (name + random suffix): a deleted secret's name stays reserved during its recovery window.
      const secret = new aws.secretsmanager.Secret(`${name}-${s.id}`, {
        kmsKeyId: key.arn,
        // A fixed description: listing readers here would change it whenever nodes are added or reordered.
        description: `livepeer-fleet ${s.id} (${s.source.kind})`,
        recoveryWindowInDays: args.recoveryWindowInDays ?? 7,
        tags: { ...args.tags, "livepeer-fleet:secret": s.id },
      }, child);
      new aws.secretsmanager.SecretVersion(`${name}-${s.id}`, {
        secretId: secret.id,
        secretStringWo: pulumi.secret(args.resolve(s.source)),
        secretStringWoVersion: args.secretsVersion + (s.revision ?? 0),
      }, child);
      this.secretArns[s.id] = secret.arn;
    }
    this.registerOutputs({ keyArn: this.keyArn, secretArns: this.secretArns });
  }
}
