/**
 * Validation of the spec's `monitoring` section (monitoring image, machine type, Grafana ranges, log
 * retention, alert addresses and thresholds) and of the metrics agents' images. Pure; called by
 * `loadFleet` with its issue collector, so every problem is reported with the others.
 */
import type { ParsedFleetSpec } from "./schema";
import { LOG_RETENTION_DAYS } from "./schema";
import { parseCidr } from "./net";
import { checkMachineType } from "./clouds";
import { checkStem, join } from "../naming";
import { regionRolloutSeconds } from "../layout/budget";

/** `monitoring.alerts.versionDriftHours`: default and bound (Cloud Monitoring and CloudWatch evaluate up to a day). */
export const VERSION_DRIFT = { defaultHours: 6, maxHours: 24 } as const;

type Add = (path: string, value: unknown, message: string) => void;

/** Seconds a whole rollout of the region takes (every O, the reward node and the redeemer there, one at a time). */
export function regionRolloutSecondsOf(spec: ParsedFleetSpec, region: string): { seconds: number; chainNodes: number } {
  const r = spec.regions.find((x) => x.name === region);
  const os = r?.orchestrators.length ?? 0;
  const others = (spec.redeemer?.region === region ? 1 : 0) + (spec.reward.mode !== "external" && spec.reward.region === region ? 1 : 0);
  return { seconds: regionRolloutSeconds(spec.rollout.drainSeconds, os, others), chainNodes: os + others };
}

/**
 * The region's version-drift window: the spec's hours, else the default, lengthened (up to a day) past the
 * region's whole rollout so a rollout in progress does not page.
 */
export function versionDriftHoursOf(spec: ParsedFleetSpec, region: string): number {
  const given = spec.monitoring?.alerts?.versionDriftHours;
  if (given !== undefined) return given;
  const needed = Math.floor(regionRolloutSecondsOf(spec, region).seconds / 3600) + 1;
  return Math.min(VERSION_DRIFT.maxHours, Math.max(VERSION_DRIFT.defaultHours, needed));
}

/** The monitoring node's name in every region (reserved for orchestrators). */
export const MONITORING_NODE = "monitoring";

/** An e-mail address as SNS and Cloud Monitoring accept it (one `@`, a dotted domain, no spaces or quotes). */
const EMAIL = /^[A-Za-z0-9.!#$%&*+/=?^_`{|}~-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$/;
const ETH = /^\d+(\.\d{1,18})?$/;

/** A Grafana source range: a canonical IPv4 CIDR, never the whole internet. Returns a message or undefined. */
export function grafanaCidrProblem(cidr: string): string | undefined {
  const c = parseCidr(cidr);
  if (!c) return "must be an IPv4 CIDR with no host bits set, like `203.0.113.0/24` or `198.51.100.7/32`";
  if (c.prefix < 8) {
    return "must be a /8 or narrower: Grafana is an admin UI, not for the whole internet (nor large slices of it); reach it by SSM port forwarding (AWS) or an IAP tunnel (GCP), or list your office/VPN ranges like `203.0.113.0/24`";
  }
  return undefined;
}

export function checkMonitoring(spec: ParsedFleetSpec, add: Add): void {
  const m = spec.monitoring;
  spec.regions.forEach((r, ri) =>
    r.orchestrators.forEach((o, oi) => {
      if (o.name === MONITORING_NODE) add(`regions[${ri}].orchestrators[${oi}].name`, o.name, "is reserved for the region's monitoring node");
    }),
  );
  if (!m) return;
  // `images.*` (the agents included) are checked with the other images; the monitoring image here.
  for (const r of spec.regions) {
    const stemMsg = checkStem(join(spec.name, r.name, MONITORING_NODE));
    if (stemMsg) add("monitoring", r.name, stemMsg.replace("fleet, region, node", `fleet, region (${r.name}) and \`monitoring\``));
  }
  if (m.instanceType !== undefined) {
    for (const cloud of [...new Set(spec.regions.map((r) => r.cloud))]) {
      const msg = checkMachineType(cloud, m.instanceType);
      if (msg) add("monitoring.instanceType", m.instanceType, `${msg} (the fleet has ${cloud} regions; leave it out to use each cloud's default)`);
    }
  }
  if (!(LOG_RETENTION_DAYS as readonly number[]).includes(m.logRetentionDays)) {
    add("monitoring.logRetentionDays", m.logRetentionDays, `must be one of the retention periods CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}`);
  }
  const seenCidrs = new Set<string>();
  (m.grafanaAllowedCidrs ?? []).forEach((c, i) => {
    const msg = grafanaCidrProblem(c);
    if (msg) add(`monitoring.grafanaAllowedCidrs[${i}]`, c, msg);
    if (seenCidrs.has(c)) add(`monitoring.grafanaAllowedCidrs[${i}]`, c, "is listed twice");
    seenCidrs.add(c);
  });
  const a = m.alerts;
  if (!a) return;
  if (a.email.length === 0) add("monitoring.alerts.email", [], "needs at least one address to notify (or leave `alerts` out)");
  const seen = new Set<string>();
  a.email.forEach((e, i) => {
    if (e.length > 254 || !EMAIL.test(e)) add(`monitoring.alerts.email[${i}]`, e, "must be an e-mail address like `ops@example.com`");
    if (seen.has(e.toLowerCase())) add(`monitoring.alerts.email[${i}]`, e, "is listed twice");
    seen.add(e.toLowerCase());
  });
  const h = a.versionDriftHours;
  if (h !== undefined && !(Number.isInteger(h) && h >= 1 && h <= VERSION_DRIFT.maxHours)) {
    add("monitoring.alerts.versionDriftHours", h, `must be a whole number of hours from 1 to ${VERSION_DRIFT.maxHours} (longer than a region's rollout; default ${VERSION_DRIFT.defaultHours})`);
  } else if (h !== undefined) {
    for (const r of spec.regions) {
      const { seconds, chainNodes } = regionRolloutSecondsOf(spec, r.name);
      // a rollout longer than a day cannot be outlasted: the plan warns instead (layout fleetWarnings)
      if (chainNodes < 2 || h * 3600 > seconds || (h === VERSION_DRIFT.maxHours && seconds >= h * 3600)) continue;
      add("monitoring.alerts.versionDriftHours", h, `is no longer than a whole rollout of ${r.name} (${chainNodes} chain nodes one at a time, about ${Math.ceil(seconds / 60)} minutes with the drain bound of ${spec.rollout.drainSeconds} s): the alert would page during every rollout; give at least ${Math.min(VERSION_DRIFT.maxHours, Math.floor(seconds / 3600) + 1)}, or leave it out (the default lengthens itself past each region's rollout)`);
      break;
    }
  }
  for (const [k, v] of Object.entries(a.minEth ?? {})) {
    if (v === undefined) continue;
    if (!ETH.test(v)) add(`monitoring.alerts.minEth.${k}`, v, "must be an ETH amount like `0.02` (a decimal number, at most 18 decimals)");
    else if (!/[1-9]/.test(v)) add(`monitoring.alerts.minEth.${k}`, v, "must be more than 0: a zero threshold never fires (an empty account would go unnoticed); leave it out for the default (funding's minimum)");
    if (k === "redeemer" && !spec.redeemer) add("monitoring.alerts.minEth.redeemer", v, "sets an alert for a redeemer this fleet does not have (no `redeemer` section): remove it, or add the redeemer");
    if (k === "reward" && spec.reward.mode === "external") add("monitoring.alerts.minEth.reward", v, "sets an alert for a reward node this fleet does not run (`reward.mode: external`): watch that account where the reward calls are made");
  }
}
