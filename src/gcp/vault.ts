/**
 * livepeer-fleet:gcp:KeyVault — the region's secrets and the identities that read them: a Cloud KMS key
 * ring and key in the region (they can never be deleted, so Pulumi auto-names them with a random suffix:
 * a re-created stack gets fresh names), the Secret Manager service agent granted that key, one Secret
 * Manager secret per layout secret (user-managed replication in this region only, encrypted with the key),
 * its value written through the write-only field (never in Pulumi state), and one service account per
 * node / worker group, granted `secretAccessor` on exactly the secrets the layout lets it read.
 */
import * as pulumi from "@pulumi/pulumi";
import * as gcp from "@pulumi/gcp";
import type { SecretEntry } from "../layout/types";
import type { SecretResolver } from "../regionTypes";
import { gcpNames, names } from "../naming";
import { SECRET_ACCESSOR_ROLE, secretReaderBindings } from "./policies";

export const KMS_ENCRYPTER_DECRYPTER = "roles/cloudkms.cryptoKeyEncrypterDecrypter";
/** Key rotation period: 90 days. */
export const KEY_ROTATION = "7776000s";

export interface KeyVaultArgs {
  project: string;
  region: string;
  /** Fleet and region names (service account ids are derived from them). */
  fleet: string;
  regionName: string;
  secrets: SecretEntry[];
  /** Every node / worker group of the region: each gets its own service account. */
  identities: string[];
  resolve: SecretResolver;
  /** Bump to rewrite the values (write-only fields are not diffed). A secret's `revision` is added to it. */
  secretsVersion: number;
  labels: Record<string, string>;
}

export class KeyVault extends pulumi.ComponentResource {
  readonly keyId: pulumi.Output<string>;
  /** secret id → Secret Manager name `projects/<project>/secrets/<secret id>`. */
  readonly secretNames: Record<string, pulumi.Output<string>> = {};
  /** node / group name → service account e-mail. */
  readonly serviceAccountEmails: Record<string, pulumi.Output<string>> = {};
  /**
   * node / group name → the secret versions and IAM bindings it needs at boot: its group depends on them,
   * so a VM never boots before it may read its secrets (boot would refuse to start).
   */
  readonly bootDependencies: Record<string, pulumi.Resource[]> = {};

  constructor(name: string, args: KeyVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livepeer-fleet:gcp:KeyVault", name, {}, opts);
    const child = { parent: this };
    const { project } = args;

    const ring = new gcp.kms.KeyRing(name, { project, location: args.region }, child);
    const key = new gcp.kms.CryptoKey(name, {
      keyRing: ring.id,
      purpose: "ENCRYPT_DECRYPT",
      rotationPeriod: KEY_ROTATION,
      labels: args.labels,
    }, child);
    this.keyId = key.id;
    const agent = new gcp.projects.ServiceIdentity(`${name}-secretmanager`, { project, service: "secretmanager.googleapis.com" }, child);
    // Secret Manager checks it can use the key when a secret is created: grant it first.
    const keyGrant = new gcp.kms.CryptoKeyIAMMember(`${name}-secretmanager`, {
      cryptoKeyId: key.id,
      role: KMS_ENCRYPTER_DECRYPTER,
      member: pulumi.interpolate`serviceAccount:${agent.email}`,
    }, child);

    for (const id of args.identities) {
      const sa = new gcp.serviceaccount.Account(`${name}-${id}`, {
        project,
        accountId: names.gcpServiceAccountId(args.fleet, args.regionName, id),
        displayName: `livepeer-fleet ${args.regionName} ${id}`,
        description: `livepeer-fleet ${name}: identity of ${id}; reads only its own secrets`,
      }, child);
      this.serviceAccountEmails[id] = sa.email;
      this.bootDependencies[id] = [];
    }
    const versions: Record<string, pulumi.Resource> = {};

    for (const s of args.secrets) {
      const secret = new gcp.secretmanager.Secret(`${name}-${s.id}`, {
        project,
        secretId: gcpNames.secretId(name, s.id),
        replication: { userManaged: { replicas: [{ location: args.region, customerManagedEncryption: { kmsKeyName: key.id } }] } },
        labels: { ...args.labels, "livepeer-fleet-secret": gcpNames.labelValue(s.id) },
        annotations: { "livepeer-fleet/readers": s.readers.join(", ") },
      }, { parent: this, dependsOn: [keyGrant] });
      versions[s.id] = new gcp.secretmanager.SecretVersion(`${name}-${s.id}`, {
        secret: secret.id,
        secretDataWo: pulumi.secret(args.resolve(s.source)),
        secretDataWoVersion: args.secretsVersion + (s.revision ?? 0),
      }, child);
      this.secretNames[s.id] = secret.id;
    }

    for (const b of secretReaderBindings(args.secrets)) {
      const email = this.serviceAccountEmails[b.reader];
      if (!email) throw new Error(`key vault ${name}: secret ${b.secretId} is read by ${b.reader}, which has no service account`);
      const binding = new gcp.secretmanager.SecretIamMember(`${name}-${b.secretId}-${b.reader}`, {
        project,
        secretId: this.secretNames[b.secretId],
        role: SECRET_ACCESSOR_ROLE,
        member: pulumi.interpolate`serviceAccount:${email}`,
      }, child);
      this.bootDependencies[b.reader].push(versions[b.secretId], binding);
    }

    this.registerOutputs({ keyId: this.keyId, secretNames: this.secretNames, serviceAccountEmails: this.serviceAccountEmails });
  }
}
