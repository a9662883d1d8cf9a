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

/** `monitoring.alerts.versionDriftHours`: default and bound (Cloud Monitoring and CloudWatch evaluate up to a day). */
export const VERSION_DRIFT = { defaultHours: 6, maxHours: 24 } as const;

type Add = (path: string, value: unknown, message: string) => void;

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
  }
  for (const [k, v] of Object.entries(a.minEth ?? {})) {
    if (v !== undefined && !ETH.test(v)) add(`monitoring.alerts.minEth.${k}`, v, "must be an ETH amount like `0.02` (a decimal number, at most 18 decimals)");
  }
}
