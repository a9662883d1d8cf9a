/**
 * The inventory of Pulumi logical names a spec derives, by owner (the fleet, a region, a node, a worker
 * group, a pool), so validation can refuse names that would give two owners the same resource name.
 *
 * Every name the components build is `<owner stem>` or `<owner stem>-<suffix>`; the suffixes are listed
 * here per owner kind and cloud. A collision (an orchestrator named `service` in a region whose DNS member
 * is `<fleet>-<region>-service`, an orchestrator `a-keystore` beside `a`, a pool `orch` with an
 * orchestrator `secret` …) would give two resources one `type::name` (a duplicate URN, or two alarms with
 * one physical name) and make `plan --diff` pair the wrong resources. test/spec/inventory.test.ts checks
 * that every resource of the examples' plans (and of variants covering the options) is listed here, so a
 * new resource name in a component fails a test until it is added. Pure.
 */
import type { ParsedFleetSpec } from "./schema";
import type { RegionSpec } from "./validate";
import { join, names } from "../naming";
import { MONITORING_NODE } from "./monitoring";

type Cloud = "aws" | "gcp";
type Add = (path: string, value: unknown, message: string) => void;

/** Ingress rule suffixes of an orchestrator: `in-<port>-<source>`. */
const O_INGRESS = ["in-8935-internet", "in-8936-vpc", "in-8936-health-checks", "in-8937-monitoring"];

/** Suffixes of a node's names per cloud; `<self>` stands for the node's own name (GCP secret versions). */
export const NODE_SUFFIXES: Record<"orchestrator" | "redeemer" | "reward" | "monitoring", Record<Cloud, string[]>> = {
  orchestrator: {
    aws: ["drain", ...O_INGRESS, "keystore", "password", "out", "ssm", "noTranscoders", "notReady", "silent", "redemptionErrors"],
    gcp: ["external", "internal", ...O_INGRESS, "keystore", "keystore-<self>", "password", "password-<self>", "logwriter", "metricwriter", "noTranscoders", "notReady", "silent", "redemptionErrors"],
  },
  redeemer: {
    aws: ["in-8935-orchestrators", "in-8937-monitoring", "keystore", "password", "out", "ssm", "lowBalance", "redemptionErrors"],
    gcp: ["data", "external", "internal", "in-8935-orchestrators", "in-8937-monitoring", "keystore", "keystore-<self>", "password", "password-<self>", "logwriter", "metricwriter", "lowBalance", "redemptionErrors"],
  },
  reward: {
    aws: ["in-8937-monitoring", "keystore", "password", "out", "ssm", "lowBalance", "rewardErrors"],
    gcp: ["data", "internal", "in-8937-monitoring", "keystore", "keystore-<self>", "password", "password-<self>", "logwriter", "metricwriter", "lowBalance", "rewardErrors"],
  },
  monitoring: {
    aws: ["out", "ssm", "in-3000-cidrs-<cidr>"],
    gcp: ["data", "internal", "in-3000-iap", "in-3000-cidrs", "logwriter", "metricwriter"],
  },
};

/** Suffixes of a worker group's names (`<pool>-<orchestrator>`). */
export const GROUP_SUFFIXES: Record<Cloud, string[]> = {
  aws: ["at-max", "drain", "scale-in", "ssm", "track", "models"],
  gcp: ["at-max", "logwriter", "metricwriter", "spot", "models"],
};

/** Region-level suffixes; `<zone>` is each zone of the region. */
export const REGION_SUFFIXES: Record<Cloud, string[]> = {
  aws: [
    "alerts", "containers", "metrics", "default", "egress-only", "egress-only-out", "orchestrators", "monitors", "lb-unhealthy", "version-drift",
    "orch-secret", "rpc-proxy-config", "service", "public", "public-default", "<zone>", "nat-<zone>", "public-<zone>", "private-<zone>", "private-<zone>-default",
  ],
  gcp: ["deny-ingress", "iap-ssh", "lb", "secretmanager", "version-drift", "orch-secret", "rpc-proxy-config", "service"],
};

/** Fleet-level suffixes (providers and fleet-wide records). */
export const FLEET_SUFFIXES = ["dns", "random", "orch-secret", "service"];

export interface NameClaim {
  /** The spec path reported when this owner's name collides with an earlier one. */
  where: string;
  value: unknown;
  /** How a later collision names this owner (default: `where`). */
  label?: string;
  names: string[];
}

/** `<self>` → the node's name; `<cidr>` → each Grafana source range, dashed (`203-0-113-0-24`). */
const withSuffixes = (stem: string, suffixes: string[], self: string, cidrs: string[] = []) => [
  stem,
  ...suffixes.flatMap((s) => (s.includes("<cidr>") ? cidrs.map((c) => join(stem, s.replace("<cidr>", c.replace(/[./]/g, "-")))) : [join(stem, s.replace("<self>", self))])),
];

/** The owners of a spec's names in claim order (fleet, then per region: region, reserved nodes, orchestrators, pools). */
export function nameClaims(spec: ParsedFleetSpec, zonesOf: (r: RegionSpec) => string[]): NameClaim[] {
  const out: NameClaim[] = [{ where: "name", value: spec.name, label: "the fleet's own resources (name)", names: FLEET_SUFFIXES.map((s) => join(spec.name, s)) }];
  const emails = spec.monitoring?.alerts?.email ?? [];
  const redeemerRegion = spec.redeemer?.region;
  spec.regions.forEach((r, ri) => {
    const rp = `regions[${ri}]`;
    const stem = names.region(spec.name, r.name);
    const cloud = r.cloud;
    const zones = zonesOf(r);
    const regionNames = [stem, ...emails.map((e) => names.alertEmail(stem, e))];
    for (const s of REGION_SUFFIXES[cloud]) {
      if (s.includes("<zone>")) for (const z of zones) regionNames.push(join(stem, s.replace("<zone>", z)));
      else regionNames.push(join(stem, s));
    }
    out.push({ where: `${rp}.name`, value: r.name, names: regionNames });
    // Nodes the fleet adds to a region: reserved in every region, so enabling one later cannot collide.
    for (const node of ["redeemer", "reward", MONITORING_NODE] as const) {
      const nodeNames = withSuffixes(names.node(spec.name, r.name, node), NODE_SUFFIXES[node === MONITORING_NODE ? "monitoring" : node][cloud], node, spec.monitoring?.grafanaAllowedCidrs ?? []);
      if (node === "redeemer" && r.name === redeemerRegion) {
        // The redeemer admits the Os of other regions by their egress address: per zone (AWS NAT) or per O (GCP).
        for (const x of spec.regions) {
          if (x.name === r.name) continue;
          const keys = x.cloud === "aws" ? [...new Set(x.orchestrators.map((o) => o.zone))] : x.orchestrators.map((o) => o.name);
          for (const k of keys) nodeNames.push(join(stem, "redeemer-from", x.name, k));
        }
      }
      if (cloud === "gcp") nodeNames.push(join(stem, "rpc-proxy-config", node));
      out.push({ where: `${rp}.name`, value: r.name, label: `the ${node === MONITORING_NODE ? "monitoring node" : node} of ${rp} (reserved in every region)`, names: nodeNames });
    }
    r.orchestrators.forEach((o, oi) => {
      const nodeNames = withSuffixes(names.node(spec.name, r.name, o.name), NODE_SUFFIXES.orchestrator[cloud], o.name);
      if (cloud === "gcp") nodeNames.push(join(stem, "orch-secret", o.name), join(stem, "rpc-proxy-config", o.name));
      out.push({ where: `${rp}.orchestrators[${oi}].name`, value: o.name, names: nodeNames });
    });
    r.workers.forEach((w, wi) => {
      const poolNames: string[] = [];
      for (const o of r.orchestrators) {
        const g = names.workerGroup(spec.name, r.name, w.name, o.name);
        poolNames.push(...withSuffixes(g, GROUP_SUFFIXES[cloud], ""));
        if (cloud === "gcp") {
          poolNames.push(join(stem, "orch-secret", w.name, o.name));
          if (w.kind === "ai" && w.modelCache.source === "download") poolNames.push(join(stem, `${w.name}-model-token`, w.name, o.name));
        }
      }
      if (w.kind === "ai" && w.modelCache.source === "download") poolNames.push(join(stem, `${w.name}-model-token`));
      out.push({ where: `${rp}.workers[${wi}].name`, value: w.name, names: poolNames });
    });
  });
  return out;
}

/**
 * Refuses specs in which two owners derive one resource name; the later owner's path is reported. Owners
 * whose own names are already refused (duplicate node or pool names) are skipped by the caller's `skip`.
 */
export function checkNameCollisions(spec: ParsedFleetSpec, zonesOf: (r: RegionSpec) => string[], add: Add, skip: (where: string) => boolean = () => false): void {
  const seen = new Map<string, string>();
  for (const c of nameClaims(spec, zonesOf)) {
    if (skip(c.where)) continue;
    const label = c.label ?? c.where;
    const own = new Set<string>();
    for (const n of c.names) {
      if (own.has(n)) continue;
      own.add(n);
      const prior = seen.get(n);
      if (prior !== undefined && prior !== label) {
        add(c.where, c.value, `gives the resource name "${n}", already derived from ${prior}; choose names whose <fleet>-<region>-<node|pool-node> combinations differ`);
        break;
      }
      if (prior === undefined) seen.set(n, label);
    }
  }
}

/**
 * GCP service account ids (6–30 characters, per project) are derived from node and group names and padded or
 * cut (naming.gcpServiceAccountId): two identities of one project must not end up with one id.
 */
export function checkGcpServiceAccounts(spec: ParsedFleetSpec, add: Add, skip: (where: string) => boolean = () => false): void {
  const seen = new Map<string, string>();
  spec.regions.forEach((r, ri) => {
    if (r.cloud !== "gcp") return;
    const rp = `regions[${ri}]`;
    const ids: [id: string, where: string, value: unknown][] = [
      ...(["redeemer", "reward", MONITORING_NODE] as const).map((n): [string, string, unknown] => [n, `${rp}.name`, r.name]),
      ...r.orchestrators.map((o, oi): [string, string, unknown] => [o.name, `${rp}.orchestrators[${oi}].name`, o.name]),
      ...r.workers.flatMap((w, wi) => r.orchestrators.map((o): [string, string, unknown] => [join(w.name, o.name), `${rp}.workers[${wi}].name`, w.name])),
    ];
    for (const [id, where, value] of ids) {
      if (skip(where)) continue;
      const accountId = names.gcpServiceAccountId(spec.name, r.name, id);
      const key = JSON.stringify([r.project, accountId]); // ids are unique per project
      const prior = seen.get(key);
      if (prior !== undefined && prior !== where) add(where, value, `gives the GCP service account id "${accountId}" in project ${r.project}, as ${prior} does (ids are cut to 30 or padded to 6 characters); choose names that differ more`);
      else if (prior === undefined) seen.set(key, where);
    }
  });
}
