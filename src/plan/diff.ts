/**
 * Diffing two JSON plans (`plan --format json`): what a change adds, removes and changes, which changes
 * replace a resource, and which of those disrupt the fleet. Pure. Mocks cannot know replacement, so the
 * keys that force replacement come from the table below (the providers' ForceNew arguments, as documented
 * for each resource type); a `pulumi preview --json` document gives the real replace steps instead.
 */
import { MONITORING_NODE } from "../spec/monitoring";
import { secretIds } from "../layout/layout";
import type { Plan, PlannedResource } from "./engine";

/**
 * Input keys whose change replaces the resource, per type. `*` = any change replaces (immutable types).
 * Types not listed are updated in place for every key (a template version, tags, sizes…).
 */
export const REPLACE_KEYS: Record<string, string[]> = {
  "aws:ec2/vpc:Vpc": ["cidrBlock"],
  "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock", "availabilityZone"],
  "aws:ec2/eip:Eip": ["domain", "address", "publicIpv4Pool", "networkBorderGroup"],
  "aws:ec2/networkInterface:NetworkInterface": ["subnetId", "privateIps", "privateIp"],
  "aws:ec2/natGateway:NatGateway": ["allocationId", "subnetId"],
  "aws:ebs/volume:Volume": ["availabilityZone", "encrypted", "kmsKeyId", "snapshotId"],
  "aws:lb/loadBalancer:LoadBalancer": ["name", "namePrefix", "internal", "loadBalancerType"],
  "aws:lb/targetGroup:TargetGroup": ["name", "namePrefix", "port", "protocol", "targetType", "vpcId"],
  "aws:lb/targetGroupAttachment:TargetGroupAttachment": ["targetGroupArn", "targetId", "port"],
  "aws:route53/record:Record": ["zoneId", "name", "type", "setIdentifier"],
  "aws:route53/healthCheck:HealthCheck": ["type", "ipAddress", "port"],
  "aws:ec2/eipAssociation:EipAssociation": ["allocationId", "networkInterfaceId", "privateIpAddress", "instanceId"],
  "aws:lb/listener:Listener": ["loadBalancerArn"],
  "aws:autoscaling/group:Group": ["name", "namePrefix"],
  "aws:secretsmanager/secret:Secret": ["name", "namePrefix"],
  "aws:kms/key:Key": ["keyUsage", "customerMasterKeySpec", "multiRegion"],
  "aws:iam/role:Role": ["name", "namePrefix"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "namePrefix", "vpcId", "description"],
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": ["securityGroupId"],
  "gcp:compute/address:Address": ["name", "address", "addressType", "region", "subnetwork", "networkTier", "purpose"],
  "gcp:compute/disk:Disk": ["name", "zone", "type", "image", "snapshot"],
  "gcp:compute/instanceTemplate:InstanceTemplate": ["*"],
  "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate": ["*"],
  "gcp:compute/instanceGroupManager:InstanceGroupManager": ["name", "zone", "baseInstanceName"],
  "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager": ["name", "region", "baseInstanceName", "distributionPolicyZones"],
  "gcp:compute/perInstanceConfig:PerInstanceConfig": ["name", "zone", "instanceGroupManager"],
  "gcp:compute/subnetwork:Subnetwork": ["name", "network", "region", "ipCidrRange"],
  "gcp:compute/network:Network": ["name", "autoCreateSubnetworks"],
  "gcp:compute/router:Router": ["name", "network", "region"],
  "gcp:compute/routerNat:RouterNat": ["name", "router", "region"],
  "gcp:compute/firewall:Firewall": ["name", "network"],
  "gcp:compute/forwardingRule:ForwardingRule": ["name", "region", "ipAddress", "ipProtocol", "ports", "portRange", "loadBalancingScheme", "backendService"],
  "gcp:compute/regionBackendService:RegionBackendService": ["name", "region", "loadBalancingScheme", "protocol"],
  "gcp:dns/recordSet:RecordSet": ["name", "type", "managedZone"],
  "gcp:kms/keyRing:KeyRing": ["*"],
  "gcp:kms/cryptoKey:CryptoKey": ["name", "keyRing", "purpose"],
  "gcp:secretmanager/secret:Secret": ["secretId", "replication"],
  "gcp:serviceaccount/account:Account": ["accountId"],
};

export type ChangeKind = "add" | "remove" | "update" | "replace";

export interface ResourceChange {
  key: string;
  type: string;
  name: string;
  kind: ChangeKind;
  /** Top-level input keys that differ (update/replace). */
  changedKeys: string[];
  /** Why this change disrupts the fleet (sessions dropped, address or data lost), if it does. */
  disruption?: string;
}

export interface PlanDiff {
  changes: ResourceChange[];
  disruptive: ResourceChange[];
  /**
   * Chain nodes (O, redeemer, reward) whose template changes in place: `pulumi up` does not replace them;
   * they take it through `livepeer-fleet rollout` or their next replacement. The redeemer is shown as
   * `<name> (with --redeemer)`: rollout replaces it only with that flag.
   */
  rolloutNeeded: string[];
  /** Secret versions rewritten (a `secretsVersion` bump): nodes take changed values only when replaced. */
  secretsRewritten?: string[];
  /**
   * With a preview: changed resources the preview has no step for (the ForceNew table decided them). Any
   * means the preview may not be of this stack and spec.
   */
  notInPreview?: string[];
  /** Monitoring nodes whose template changes: `rollout` does not replace them; they take it when replaced by hand. */
  replaceByHand: string[];
}

/** The orchestrator secret's version: `<region>-orch-secret` (AWS), `<region>-orch-secret-<reader>` (GCP). */
const ORCH_SECRET_NAME = new RegExp(`-${secretIds.orchSecret}(-|$)`);
const SECRET_VERSION_TYPES = new Set(["aws:secretsmanager/secretVersion:SecretVersion", "gcp:secretmanager/secretVersion:SecretVersion"]);
const TEMPLATE_TYPES = new Set(["aws:ec2/launchTemplate:LaunchTemplate", "gcp:compute/instanceTemplate:InstanceTemplate", "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"]);
const PINNED_PARENT = /^livepeer-fleet:(aws|gcp):PinnedNode::(.+)$/;

const keyOf = (r: { type: string; name: string }) => `${r.type}::${r.name}`;

/** Why replacing or removing this resource disrupts the fleet, or undefined when it does not. */
export function disruptionOf(r: PlannedResource, all: Map<string, PlannedResource>): string | undefined {
  const parent = r.parent ? all.get(r.parent) : undefined;
  const parentType = parent?.type ?? (r.parent ? r.parent.split("::")[0] : "");
  const parentName = r.parent ? r.parent.split("::").slice(1).join("::") : "";
  // A pinned node's role from its place: the redeemer/reward nodes are named <region component>-redeemer/-reward.
  const region = parent?.parent ? parent.parent.split("::").slice(1).join("::") : undefined;
  const role = !/:PinnedNode$/.test(parentType) ? undefined
    : region && parentName === `${region}-redeemer` ? "redeemer"
    : region && parentName === `${region}-reward` ? "reward"
    : region && parentName === `${region}-${MONITORING_NODE}` ? "monitoring"
    : "orchestrator";
  switch (r.type) {
    case "aws:autoscaling/group:Group":
    case "gcp:compute/instanceGroupManager:InstanceGroupManager":
    case "gcp:compute/perInstanceConfig:PerInstanceConfig":
      if (role === "orchestrator") return "replaces an orchestrator's group of one: its sessions drop";
      if (role === "redeemer") return "replaces the redeemer: tickets orchestrators send while it is down are lost";
      return undefined;
    case "aws:lb/loadBalancer:LoadBalancer":
    case "gcp:compute/forwardingRule:ForwardingRule":
      return "replaces a region's load balancer: discovery through it stops until the new one is up";
    case "aws:ec2/eip:Eip":
      if (/:Network$/.test(parentType)) return "replaces a NAT address: the region's egress address changes (a redeemer in another region admits the new one in the same pulumi up; RPC providers or others that allowlist it must be told)";
      return "replaces a static address: the node's hostname (or the region's service record) points elsewhere";
    case "gcp:compute/address:Address":
      if (r.inputs.addressType === "INTERNAL") return "replaces a node's reserved internal address: the node, and the workers and nodes that dial it, must be replaced to use the new one";
      return "replaces a static address: the node's hostname (or the region's service record) points elsewhere";
    case "aws:secretsmanager/secretVersion:SecretVersion":
    case "gcp:secretmanager/secretVersion:SecretVersion":
      // Write-only values: a new version rewrites them (secretsVersion). Nodes read secrets at boot.
      if (ORCH_SECRET_NAME.test(r.name)) return "rewrites the orchestrator secret: if its value changed, workers booting from now on present the new one while their O keeps the old one until it is replaced (roll the region right after pulumi up)";
      return undefined;
    case "aws:ec2/vpc:Vpc":
    case "aws:ec2/subnet:Subnet":
    case "gcp:compute/network:Network":
    case "gcp:compute/subnetwork:Subnetwork":
      // Mock ids come from names, so what is placed in it shows no change of its own: say it here.
      return "replaces the region's network: everything placed in it (load balancer, orchestrators, workers, redeemer and reward nodes) goes with it; sessions drop and addresses change";
    case "aws:ec2/networkInterface:NetworkInterface":
      // Nothing dials the monitoring node (it scrapes the others): its address may change.
      if (role === "monitoring") return undefined;
      return "replaces a node's persistent interface: its stable private address changes";
    case "aws:ebs/volume:Volume":
    case "gcp:compute/disk:Disk":
      if (role === "monitoring") return "replaces the monitoring node's data disk: its Prometheus history (and Grafana's state) is lost";
      if (role === "reward") return "replaces the reward node's data disk: its go-livepeer data directory is lost";
      return "replaces a persistent data disk: the redeemer's ticket queue is lost";
    case "aws:route53/record:Record":
    case "gcp:dns/recordSet:RecordSet":
      if (r.inputs.setIdentifier || r.inputs.routingPolicy) return "replaces a record of the service URI: gateways may fail to resolve it meanwhile";
      // A node's hostname: a running O keeps advertising the old -serviceAddr (and remote Os keep dialing
      // the old redeemer name) until the node itself is replaced.
      return "replaces a node's hostname record: the running node keeps using the old name until it is replaced";
    default:
      return undefined;
  }
}

/** Top-level input keys that differ between two versions of a resource. */
export function changedInputKeys(a: Record<string, unknown>, b: Record<string, unknown>): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k])).sort();
}

/** Every GCP resource is replaced when its project (or location) changes. */
const GCP_LOCATION_KEYS = ["project", "region", "zone", "location"];

export function replaces(type: string, changedKeys: string[], before?: Record<string, unknown>, after?: Record<string, unknown>): boolean {
  if (changedKeys.length === 0) return false;
  if (type.startsWith("gcp:") && changedKeys.some((k) => GCP_LOCATION_KEYS.includes(k))) return true;
  // Provider-side rules the table cannot express: a shrinking disk is recreated; an NLB losing subnets is replaced.
  if (type === "gcp:compute/disk:Disk" && changedKeys.includes("size") && Number(after?.size) < Number(before?.size)) return true;
  if (type === "aws:lb/loadBalancer:LoadBalancer" && changedKeys.includes("subnets")) {
    const was = (before?.subnets as unknown[]) ?? [];
    const now = new Set(((after?.subnets as unknown[]) ?? []).map((x) => JSON.stringify(x)));
    if (was.some((x) => !now.has(JSON.stringify(x)))) return true;
  }
  const forceNew = REPLACE_KEYS[type];
  if (!forceNew) return false;
  return forceNew.includes("*") || changedKeys.some((k) => forceNew.includes(k));
}

/** A resource's chain of ancestors (`type::name` up to the root): part of its URN. */
function ancestry(r: PlannedResource, all: Map<string, PlannedResource>): string {
  const chain: string[] = [];
  const seen = new Set<string>();
  for (let p = r.parent ?? null; p && !seen.has(p); p = all.get(p)?.parent ?? null) {
    seen.add(p);
    chain.push(p);
  }
  return chain.join(" < ");
}

/**
 * Diffs two plans. A preview (`pulumi preview --json`) decides replacement for every resource it has a step
 * for; resources it does not mention fall back to the table (and are listed in `notInPreview`).
 */
export function diffPlans(before: Plan, after: Plan, preview?: PreviewSteps): PlanDiff {
  const notInPreview: string[] = [];
  const a = new Map(before.resources.map((r) => [keyOf(r), r]));
  const b = new Map(after.resources.map((r) => [keyOf(r), r]));
  const changes: ResourceChange[] = [];
  const changedProviders = new Set(
    [...b.values()]
      .filter((r) => r.type.startsWith("pulumi:providers:") && a.has(keyOf(r)) && changedInputKeys(a.get(keyOf(r))!.inputs, r.inputs).some((x) => ["region", "project", "assumeRoles", "impersonateServiceAccount"].includes(x)))
      .map((r) => r.name),
  );
  for (const [k, r] of b) {
    if (!a.has(k)) changes.push({ key: k, type: r.type, name: r.name, kind: "add", changedKeys: [] });
  }
  for (const [k, r] of a) {
    if (!b.has(k)) {
      const d = disruptionOf(r, a);
      changes.push({ key: k, type: r.type, name: r.name, kind: "remove", changedKeys: [], ...(d ? { disruption: d.replace(/^replaces/, "removes") } : {}) });
      continue;
    }
    const n = b.get(k)!;
    const changedKeys = changedInputKeys(r.inputs, n.inputs);
    const providerChanged = r.provider !== n.provider;
    // A provider whose inputs change (region, account, project) moves every resource it manages.
    const providerMoved = r.custom && !!n.provider && changedProviders.has(n.provider);
    // A new parent (or any ancestor under a new parent) is a new URN: the engine deletes and recreates the
    // resource (no aliases are declared).
    const parentChanged = ancestry(r, a) !== ancestry(n, b);
    // A replacement only the engine knows of (a cascade through a computed id, a provider upgrade).
    const previewOnly = !!preview?.replaced.has(k);
    const marks = [
      ...(providerChanged ? ["(provider)"] : providerMoved ? [`(provider ${n.provider} moved)`] : []),
      ...(parentChanged ? ["(parent)"] : []),
    ];
    if (changedKeys.length === 0 && marks.length === 0 && !previewOnly) continue;
    const keys = changedKeys.length === 0 && marks.length === 0 ? ["(preview)"] : [...changedKeys, ...marks];
    const byTable = () => replaces(r.type, changedKeys, r.inputs, n.inputs) || (providerChanged && r.custom) || providerMoved || parentChanged;
    // The preview decides where it has a real step for the resource; a `same` step for a resource whose
    // inputs changed contradicts the plans (a stale preview, or another spec's): the table decides, listed.
    const op = preview?.ops.get(k);
    const previewDecides = op !== undefined && !NO_CHANGE_OPS.has(op);
    if (preview && r.custom && !previewDecides) notInPreview.push(k);
    const isReplace = previewDecides ? preview!.replaced.has(k) : byTable() || previewOnly;
    const shrinks = r.type === "aws:ebs/volume:Volume" && changedKeys.includes("size") && Number(n.inputs.size) < Number(r.inputs.size);
    const d = shrinks
      ? `shrinks an EBS volume (${r.inputs.size} → ${n.inputs.size} GiB): EBS volumes only grow, so pulumi up fails; keep ${r.inputs.size} GiB or more`
      : isReplace || SECRET_VERSION_TYPES.has(r.type) ? disruptionOf(n, b) : undefined;
    changes.push({ key: k, type: r.type, name: r.name, kind: isReplace ? "replace" : "update", changedKeys: keys, ...(d ? { disruption: d } : {}) });
  }
  // What the preview deletes or replaces that the plans do not show (the deployed stack differs from the
  // earlier plan, or a resource both plans keep): flagged, the gate must not pass it.
  if (preview) {
    const listed = new Set(changes.map((c) => c.key));
    for (const [k, op] of preview.ops) {
      if (listed.has(k) || !(op === "delete" || op === "replace")) continue;
      const [type, ...rest] = k.split("::");
      if (type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:")) continue;
      const where = !a.has(k) && !b.has(k) ? "a resource neither plan has (the deployed stack differs from the earlier plan)" : "a resource both plans keep unchanged";
      changes.push({ key: k, type, name: rest.join("::"), kind: op === "delete" ? "remove" : "replace", changedKeys: ["(preview)"], disruption: `the preview ${op === "delete" ? "deletes" : "replaces"} ${where}: review it before pulumi up` });
    }
  }
  changes.sort((x, y) => x.key.localeCompare(y.key));
  // AWS launch templates are updated in place; GCP instance templates are replaced (create-before-delete).
  const pinned = [...new Set(changes.filter((c) => (c.kind === "update" || c.kind === "replace") && TEMPLATE_TYPES.has(c.type)).flatMap((c) => {
    const m = PINNED_PARENT.exec(b.get(c.key)?.parent ?? "");
    return m ? [m[2]] : [];
  }))].sort();
  const roles = nodeRoles(after);
  const isMonitoring = (n: string) => roles.get(n) === "monitoring";
  const shown = (n: string) => (roles.get(n) === "redeemer" ? `${n} (with --redeemer)` : n);
  return {
    changes, disruptive: changes.filter((c) => c.disruption),
    rolloutNeeded: pinned.filter((n) => !isMonitoring(n)).map(shown), replaceByHand: pinned.filter(isMonitoring),
    ...(preview ? { notInPreview } : {}),
    secretsRewritten: changes.filter((c) => c.kind !== "add" && c.kind !== "remove" && SECRET_VERSION_TYPES.has(c.type)).map((c) => c.name),
  };
}

/** Pinned node component name → role, from the plan's outputs (`nodes`, `monitoring`: groupName and role). */
function nodeRoles(plan: Plan): Map<string, string> {
  const out = new Map<string, string>();
  const o = plan.outputs as { nodes?: Record<string, { groupName?: string; role?: string }>; monitoring?: Record<string, { groupName?: string; role?: string }> };
  for (const n of [...Object.values(o?.nodes ?? {}), ...Object.values(o?.monitoring ?? {})]) {
    if (n?.groupName && n.role) out.set(n.groupName, n.role);
  }
  return out;
}

/** What a `pulumi preview --json` document says: each key's (`type::name`) step, the keys it replaces, and the stacks its URNs name. */
export interface PreviewSteps {
  ops: Map<string, string>;
  replaced: Set<string>;
  /** `<stack>::<project>` of every step's URN. */
  stacks: Set<string>;
}

/** Steps that say a resource does not change, and steps that replace it. */
const NO_CHANGE_OPS = new Set(["same", "read", "refresh", "discard", "import"]);
const REPLACE_OPS = new Set(["replace", "create-replacement", "delete-replaced"]);

/** Reads a `pulumi preview --json` document's steps. */
export function previewSteps(preview: any): PreviewSteps {
  const replaced = new Set<string>();
  const ops = new Map<string, string>();
  const stacks = new Set<string>();
  for (const s of preview?.steps ?? []) {
    const urn: string = typeof s?.urn === "string" ? s.urn : "";
    const parts = urn.split("::");
    const type = (parts[2] ?? "").split("$").pop() ?? "";
    const name = parts.slice(3).join("::");
    if (!urn.startsWith("urn:pulumi:") || !type || !name) continue;
    stacks.add(`${parts[0].slice("urn:pulumi:".length)}::${parts[1]}`);
    const key = `${type}::${name}`;
    const op = typeof s.op === "string" ? s.op : "";
    const prior = ops.get(key);
    // One key may have several steps: create-replacement then delete-replaced, or a create and a delete when
    // its URN changes (a new parent): either is a replacement of that type::name.
    const pair = prior !== undefined && ((prior === "create" && op === "delete") || (prior === "delete" && op === "create"));
    if (REPLACE_OPS.has(op) || pair) {
      ops.set(key, "replace");
      replaced.add(key);
    } else if (prior === undefined || (NO_CHANGE_OPS.has(prior) && !NO_CHANGE_OPS.has(op))) ops.set(key, op);
  }
  return { ops, replaced, stacks };
}

export function renderDiff(d: PlanDiff): string {
  const counts = { add: 0, remove: 0, update: 0, replace: 0 } as Record<ChangeKind, number>;
  for (const c of d.changes) counts[c.kind]++;
  const sign = { add: "+", remove: "-", update: "~", replace: "+-" } as const;
  const lines = [`${counts.add} to add, ${counts.update} to update in place, ${counts.replace} to replace, ${counts.remove} to remove`];
  for (const c of d.changes) {
    lines.push(`  ${sign[c.kind].padEnd(2)} ${c.key}${c.changedKeys.length ? ` [${c.changedKeys.join(", ")}]` : ""}${c.disruption ? `  !! DISRUPTIVE: ${c.disruption}` : ""}`);
  }
  lines.push(d.disruptive.length === 0 ? "no disruptive change" : `${d.disruptive.length} disruptive change${d.disruptive.length === 1 ? "" : "s"}: review before pulumi up`);
  if (d.rolloutNeeded?.length) {
    lines.push(`new templates for pinned nodes, taken only through \`livepeer-fleet rollout --region <region>\` (pulumi up does not replace them): ${d.rolloutNeeded.join(", ")}`);
  }
  if (d.secretsRewritten?.length) {
    lines.push(`secret values rewritten (secretsVersion): nodes read secrets at boot, so each takes a changed value only when it is replaced (livepeer-fleet rollout for Os, the reward node and, with --redeemer, the redeemer; worker groups as their instances are replaced): ${d.secretsRewritten.join(", ")}`);
  }
  if (d.notInPreview?.length) {
    lines.push(`the preview has no step, or a no-change step, for ${d.notInPreview.length} changed resource${d.notInPreview.length === 1 ? "" : "s"} (the ForceNew table decided ${d.notInPreview.length === 1 ? "it" : "them"}; is the preview of this stack and spec?): ${d.notInPreview.join(", ")}`);
  }
  if (d.replaceByHand?.length) {
    lines.push(`new templates for monitoring nodes, taken when you replace them (terminate the instance / recreate the VM; the Prometheus volume is kept; rollout does not): ${d.replaceByHand.join(", ")}`);
  }
  return lines.join("\n") + "\n";
}
