/**
 * The one naming module (DESIGN §3). Pure. Every Pulumi logical name and every physical name the
 * clouds limit comes from here, so names stay stable and within each resource type's limits.
 */
import { createHash } from "crypto";

/** Characters Pulumi's auto-naming appends (`-` + 7 random characters). */
export const AUTONAME_SUFFIX = 8;

/** Physical-name limits per resource kind (the cloud's own limit). */
export const NAME_LIMITS = {
  /** AWS network load balancer and target group names. */
  awsLoadBalancer: 32,
  awsTargetGroup: 32,
  /** IAM role names; Pulumi auto-names them, so the logical name plus suffix must fit. */
  awsIamRole: 64,
  awsInstanceProfile: 128,
  awsAutoscalingGroup: 255,
  awsLaunchTemplate: 128,
  awsSecurityGroup: 255,
  awsSecret: 512,
  /** GCP resource names: ≤ 63, lowercase, `[a-z]([-a-z0-9]*[a-z0-9])?`. */
  gcpResource: 63,
  /** GCP service account ids: 6–30 characters. */
  gcpServiceAccountMax: 30,
  gcpServiceAccountMin: 6,
  /** GCE base instance names: instances get `-xxxx` appended and must stay within 63. */
  gcpBaseInstanceName: 58,
} as const;

/** A valid GCP resource name (also network tags, disk device names): ≤ 63, lowercase. */
export const GCP_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** The longest logical-name stem (fleet + region + node + pool) any resource needs, for validation. */
export const LONGEST_STEM_SUFFIX = "-instance-profile".length;

const shortHash = (s: string, n = 6) => createHash("sha256").update(s).digest("hex").slice(0, n);

/**
 * Fits `name` into `max` characters. Names that fit are returned unchanged; longer ones are cut and
 * given a hash of the full name, so two long names that share a prefix still differ.
 */
export function fit(name: string, max: number): string {
  if (name.length <= max) return name;
  const h = shortHash(name);
  return `${name.slice(0, max - h.length - 1).replace(/-+$/, "")}-${h}`;
}

/** Joins name parts with `-`. */
export const join = (...parts: string[]) => parts.filter((p) => p !== "").join("-");

/** Logical names (Pulumi resource names). They are part of each URN: never change a shape here without aliases. */
export const names = {
  region: (fleet: string, region: string) => join(fleet, region),
  node: (fleet: string, region: string, node: string) => join(fleet, region, node),
  workerGroup: (fleet: string, region: string, pool: string, orchestrator: string) => join(fleet, region, pool, orchestrator),
  /** Physical NLB name: `<fleet>-<region>`, cut to 32 characters with a hash if longer. */
  loadBalancerPhysical: (fleet: string, region: string) => fit(join(fleet, region), NAME_LIMITS.awsLoadBalancer),
  targetGroupPhysical: (fleet: string, region: string) => fit(join(fleet, region, "8935"), NAME_LIMITS.awsTargetGroup),
  /** CloudWatch log group (≤ 512): `/livepeer-fleet/<fleet>/<region>/<kind>` (containers: docker output; metrics: the agents' EMF events). */
  logGroup: (fleet: string, region: string, kind: "containers" | "metrics") => `/livepeer-fleet/${fleet}/${region}/${kind}`,
  /** An alert e-mail subscription / notification channel: `<region stem>-alerts-<hash of the address>` (stable when the list is reordered). */
  alertEmail: (regionStem: string, email: string) => join(regionStem, "alerts", shortHash(email.trim().toLowerCase(), 8)),
  /** GCP service account id (6–30): `lp-<hash>` derived from the full node name when too long. */
  gcpServiceAccountId: (fleet: string, region: string, node: string) => {
    const full = join(fleet, region, node);
    const id = full.length <= NAME_LIMITS.gcpServiceAccountMax ? full : fit(full, NAME_LIMITS.gcpServiceAccountMax);
    return id.length >= NAME_LIMITS.gcpServiceAccountMin ? id : `${id}-sa`.padEnd(6, "0");
  },
};

/**
 * Checks the logical-name stem of a node or group against the tightest auto-named limit (IAM role names,
 * 64 with Pulumi's 8-character suffix). Returns a message, or undefined when the name fits.
 */
export function checkStem(stem: string): string | undefined {
  const max = NAME_LIMITS.awsIamRole - AUTONAME_SUFFIX - LONGEST_STEM_SUFFIX;
  if (stem.length > max) {
    return `derived resource name "${stem}" is ${stem.length} characters; fleet, region, node and pool names together must stay within ${max} (IAM role names are limited to 64 including Pulumi's suffix)`;
  }
  return undefined;
}

/**
 * Checks the fleet name against rules its derived physical names must follow: AWS load balancer and
 * target group names (`<fleet>-<region>…`) must not begin with `internal-`. Returns a message or undefined.
 */
export function checkFleetName(fleet: string): string | undefined {
  if (join(fleet, "x").startsWith("internal-")) {
    return "must not be `internal` or start with `internal-`: AWS refuses load balancer names beginning with `internal-`";
  }
  return undefined;
}

/**
 * GCP physical names (≤ 63, lowercase `[a-z]([-a-z0-9]*[a-z0-9])?`): the parts joined with `-`, cut with a
 * hash of the full name when longer. Fleet, region, node and pool names are already lowercase.
 */
export const gcpNames = {
  /** Any GCP resource name. */
  resource: (...parts: string[]) => fit(join(...parts).toLowerCase(), NAME_LIMITS.gcpResource),
  /** A managed instance group's base instance name (GCE appends `-xxxx`). */
  baseInstanceName: (...parts: string[]) => fit(join(...parts).toLowerCase(), NAME_LIMITS.gcpBaseInstanceName),
  /** A Secret Manager secret id (≤ 255, letters, digits, `-`, `_`). */
  secretId: (...parts: string[]) => fit(join(...parts), 255),
  /** A GCP label value: ≤ 63 lowercase letters, digits, `_` or `-` (other characters become `_`). */
  labelValue: (v: string) => fit(v.toLowerCase().replace(/[^a-z0-9_-]/g, "_"), 63),
  /** A GCP label key: as a value, but starting with a letter. */
  labelKey: (k: string) => {
    const v = k.toLowerCase().replace(/[^a-z0-9_-]/g, "_");
    return fit(/^[a-z]/.test(v) ? v : `k_${v}`, 63);
  },
};
