/**
 * GCP decisions a region's components share, as pure data: firewall rules (who may connect to what),
 * secret-reader bindings, instance metadata and scheduling, how a worker pool becomes groups, update
 * policies and labels. Plain strings in, plain objects out, so they are table-tested without Pulumi.
 * Service accounts appear by node / group name; components resolve them to e-mails.
 */
import type { IngressRule, PinnedNodeLayout, SecretEntry, WorkerGroupLayout } from "../layout/types";
import { PORTS } from "../layout/types";
import { gcpNames } from "../naming";

/** Source ranges of Google's health checks for passthrough network load balancers. */
export const LB_HEALTH_CHECK_RANGES = ["35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"] as const;
/** Source range of IAP TCP forwarding (the only way to SSH in). */
export const IAP_RANGE = "35.235.240.0/20";
/** Priority of every allow rule; the fleet's deny-all ingress rule sits below it (a higher number). */
export const ALLOW_PRIORITY = 1000;
/**
 * The fleet's own deny-all ingress rule: below our allows, above the `default-allow-*` rules (65534) of
 * a project's default network, so on an existing network only what the fleet allows reaches its VMs.
 */
export const DENY_PRIORITY = 65000;

/** Who a firewall rule admits. */
export type FirewallSource =
  | { kind: "ranges"; ranges: string[] }
  /** These nodes' service accounts (traffic from their internal addresses inside the network). */
  | { kind: "serviceAccounts"; of: string[] };

/** Which instances a firewall rule applies to. */
export type FirewallTarget =
  /** Instances running as this node's / group's service account (cannot be forged by editing tags). */
  | { kind: "serviceAccount"; of: string }
  /** Every fleet instance of the region (the region's network tag). */
  | { kind: "tag"; tag: string };

export interface FirewallRuleSpec {
  /** Physical name (≤ 63), also the logical name. */
  name: string;
  description: string;
  action: "allow" | "deny";
  /** TCP ports; empty with `deny` = every protocol and port. */
  tcpPorts: number[];
  source: FirewallSource;
  target: FirewallTarget;
  priority: number;
}

/**
 * A pinned node's ingress, exactly as the layout says. `internet` → 0.0.0.0/0; `vpc` on the readiness
 * port → Google's LB health-check ranges (GCP health checks do not come from the VPC); other `vpc` rules →
 * the region's subnetwork; `orchestrators` → this region's O service accounts; `monitoring` → the region's
 * monitoring node's service account; `iap` → IAP TCP forwarding's range; `cidrs` → those ranges;
 * `remote-orchestrators` is added one /32 at a time by the fleet (remoteClientRule).
 */
export function nodeFirewallRules(node: PinnedNodeLayout, ctx: { subnetCidr: string; orchestrators: string[]; monitoring?: string; healthCheckPort?: number }): FirewallRuleSpec[] {
  const hcPort = ctx.healthCheckPort ?? PORTS.readiness;
  return node.ingress
    .filter((rule) => rule.from !== "remote-orchestrators")
    .map((rule: IngressRule): FirewallRuleSpec => {
      let source: FirewallSource;
      let label: string;
      if (rule.from === "internet") [source, label] = [{ kind: "ranges", ranges: ["0.0.0.0/0"] }, "internet"];
      else if (rule.from === "vpc" && rule.port === hcPort) [source, label] = [{ kind: "ranges", ranges: [...LB_HEALTH_CHECK_RANGES] }, "health-checks"];
      else if (rule.from === "vpc") [source, label] = [{ kind: "ranges", ranges: [ctx.subnetCidr] }, "vpc"];
      else if (rule.from === "iap") [source, label] = [{ kind: "ranges", ranges: [IAP_RANGE] }, "iap"];
      else if (rule.from === "cidrs") [source, label] = [{ kind: "ranges", ranges: [...(rule.cidrs ?? [])] }, "cidrs"];
      else if (rule.from === "monitoring") {
        if (!ctx.monitoring) throw new Error(`node ${node.name}: a rule from the monitoring node, but the region has none`);
        [source, label] = [{ kind: "serviceAccounts", of: [ctx.monitoring] }, "monitoring"];
      } else [source, label] = [{ kind: "serviceAccounts", of: [...ctx.orchestrators] }, "orchestrators"];
      return {
        name: gcpNames.resource(node.resourceName, "in", String(rule.port), label),
        description: `livepeer-fleet ${node.name}: ${rule.description}`,
        action: "allow",
        tcpPorts: [rule.port],
        source,
        target: { kind: "serviceAccount", of: node.name },
        priority: ALLOW_PRIORITY,
      };
    });
}

/** A redeemer admitting one remote orchestrator egress address (a /32), added by the fleet. */
export function remoteClientRule(regionResourceName: string, key: string, redeemer: string, ip: string): FirewallRuleSpec {
  return {
    name: gcpNames.resource(regionResourceName, "redeemer-from", key),
    description: `livepeer-fleet redeemer gRPC from orchestrators of ${key}`,
    action: "allow",
    tcpPorts: [PORTS.service],
    source: { kind: "ranges", ranges: [`${ip}/32`] },
    target: { kind: "serviceAccount", of: redeemer },
    priority: ALLOW_PRIORITY,
  };
}

/** Region-wide rules on the fleet's network tag: SSH only through IAP; everything else inbound denied. */
export function regionFirewallRules(regionResourceName: string, tag: string): FirewallRuleSpec[] {
  return [
    {
      name: gcpNames.resource(regionResourceName, "iap-ssh"),
      description: "livepeer-fleet: SSH only through IAP TCP forwarding (no SSH from the internet; OS Login decides who)",
      action: "allow",
      tcpPorts: [22],
      source: { kind: "ranges", ranges: [IAP_RANGE] },
      target: { kind: "tag", tag },
      priority: ALLOW_PRIORITY,
    },
    {
      name: gcpNames.resource(regionResourceName, "deny-ingress"),
      description: "livepeer-fleet: nothing else inbound (below the fleet's allow rules, above a default network's allow rules)",
      action: "deny",
      tcpPorts: [],
      source: { kind: "ranges", ranges: ["0.0.0.0/0"] },
      target: { kind: "tag", tag },
      priority: DENY_PRIORITY,
    },
  ];
}

/** One `roles/secretmanager.secretAccessor` binding per (secret, reader): exactly the layout's readers. */
export const SECRET_ACCESSOR_ROLE = "roles/secretmanager.secretAccessor";
export function secretReaderBindings(secrets: SecretEntry[]): { secretId: string; reader: string }[] {
  return secrets.flatMap((s) => [...new Set(s.readers)].map((reader) => ({ secretId: s.id, reader })));
}

/** Every identity (service account) a region needs: one per pinned node and one per worker group. */
export function regionIdentities(nodes: { name: string }[], groups: { name: string }[], secrets: SecretEntry[]): string[] {
  const names = [...nodes.map((n) => n.name), ...groups.map((g) => g.name)];
  const unknown = secrets.flatMap((s) => s.readers).filter((r) => !names.includes(r));
  if (unknown.length > 0) throw new Error(`secret readers without a node or group: ${[...new Set(unknown)].join(", ")}`);
  return names;
}

/**
 * Instance metadata every fleet VM carries (no secret ever goes here): OS Login, no project-wide SSH keys.
 * Orchestrators also enable guest attributes (their drain agent reports `livepeer-fleet/drained` there).
 */
export function instanceMetadata(opts: { guestAttributes?: boolean } = {}): Record<string, string> {
  return { "enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE", "serial-port-enable": "FALSE", ...(opts.guestAttributes ? { "enable-guest-attributes": "TRUE" } : {}) };
}

export interface Scheduling {
  onHostMaintenance: "MIGRATE" | "TERMINATE";
  automaticRestart: boolean;
  provisioningModel: "STANDARD" | "SPOT";
  preemptible?: boolean;
  instanceTerminationAction?: "DELETE";
}

/** Pinned nodes (no GPU): on demand, live-migrated during host maintenance. */
export function pinnedScheduling(): Scheduling {
  return { onHostMaintenance: "MIGRATE", automaticRestart: true, provisioningModel: "STANDARD" };
}

/** GPU workers cannot live-migrate (TERMINATE); spot VMs are deleted when preempted (the group recreates them). */
export function workerScheduling(spot: boolean): Scheduling {
  return spot
    ? { onHostMaintenance: "TERMINATE", automaticRestart: false, provisioningModel: "SPOT", preemptible: true, instanceTerminationAction: "DELETE" }
    : { onHostMaintenance: "TERMINATE", automaticRestart: true, provisioningModel: "STANDARD" };
}

/** One managed instance group of a worker pool. */
export interface WorkerMig {
  /** Suffix of the logical name: "" for the on-demand group, "-spot" for the spot one. */
  suffix: "" | "-spot";
  spot: boolean;
  targetSize: number;
  /** Carries the group's autoscaler (when the pool scales): the spot group, or the only group. */
  scaled: boolean;
}

/**
 * A managed instance group is all spot or all on demand: a pool with `spot` becomes an on-demand group of
 * `onDemandBase` instances (none when 0) plus a spot group for the rest of the desired size (validation
 * keeps onDemandPercentAboveBase at 0 on GCP). Without `spot`, one on-demand group. The on-demand group
 * keeps its name either way, so turning spot on adds a group and renames none.
 */
export function workerMigs(g: Pick<WorkerGroupLayout, "desiredSize" | "spot">): WorkerMig[] {
  if (!g.spot) return [{ suffix: "", spot: false, targetSize: g.desiredSize, scaled: true }];
  const onDemand = Math.min(g.spot.onDemandBase, g.desiredSize);
  return [
    ...(g.spot.onDemandBase > 0 ? [{ suffix: "" as const, spot: false, targetSize: onDemand, scaled: false }] : []),
    { suffix: "-spot", spot: true, targetSize: g.desiredSize - onDemand, scaled: true },
  ];
}

/**
 * Worker groups roll when their template changes: replacements first (surge = one per zone, the smallest a
 * regional group accepts), never below the group's size, each new VM given time to pull images and attach
 * to its O before the next step. BALANCED placement (GPUs are often short in one zone) requires no
 * proactive redistribution.
 */
export function workerUpdatePolicy(zones: number) {
  return {
    type: "PROACTIVE",
    minimalAction: "REPLACE",
    replacementMethod: "SUBSTITUTE",
    maxSurgeFixed: Math.max(zones, 1),
    maxUnavailableFixed: 0,
    instanceRedistributionType: "NONE",
    minReadySec: 300,
  } as const;
}

/**
 * Pinned groups of one keep the instance name and its stateful addresses/disk (RECREATE: the old VM must
 * release them first). OPPORTUNISTIC: a template change (e.g. a go-livepeer bump) never recreates the node
 * by itself on `pulumi up`; it reaches it at its next recreation, which for an O is `livepeer-fleet rollout`
 * (drain first, one O at a time), as on AWS.
 */
export function pinnedUpdatePolicy() {
  return { type: "OPPORTUNISTIC", minimalAction: "REPLACE", replacementMethod: "RECREATE", maxSurgeFixed: 0, maxUnavailableFixed: 1 } as const;
}

/** Spec tags + fleet labels as GCP labels (lowercase keys/values, ≤ 63, `[a-z0-9_-]`). */
export function gcpLabels(tags: Record<string, string>, extra: Record<string, string> = {}): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries({ ...tags, ...extra })) out[gcpNames.labelKey(k)] = gcpNames.labelValue(v);
  return out;
}
