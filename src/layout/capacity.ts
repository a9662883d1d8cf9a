/**
 * Capacity maths for worker groups, pure and table-tested. A transcoder instance offers
 * GPUs × sessions-per-GPU sessions (its -maxSessions); an AI instance offers the sum of its models'
 * runner containers. A group scales so that in-use over offered stays near the target utilisation.
 */

/** Sessions one instance offers: its -maxSessions. */
export function sessionsPerInstance(gpus: number, sessionsPerGpu: number): number {
  if (!Number.isInteger(gpus) || gpus < 1) throw new RangeError(`gpus must be a positive integer, got ${gpus}`);
  if (!Number.isInteger(sessionsPerGpu) || sessionsPerGpu < 1) throw new RangeError(`sessionsPerGpu must be a positive integer, got ${sessionsPerGpu}`);
  return gpus * sessionsPerGpu;
}

/**
 * Instances needed so that `inUse` units fill `target` percent of what the group offers:
 * ceil(inUse / (perInstance × target/100)), clamped to [min, max]. Integer arithmetic only.
 */
export function desiredInstances(inUse: number, perInstance: number, targetPercent: number, min: number, max: number): number {
  if (perInstance < 1) throw new RangeError(`perInstance must be ≥ 1, got ${perInstance}`);
  if (!(targetPercent >= 1 && targetPercent <= 100)) throw new RangeError(`targetPercent must be in 1..100, got ${targetPercent}`);
  if (min > max) throw new RangeError(`min ${min} > max ${max}`);
  const need = inUse <= 0 ? 0 : Math.ceil((inUse * 100) / (perInstance * targetPercent));
  return Math.min(max, Math.max(min, need));
}

/**
 * The load one instance should carry at the target (what a GCP autoscaler's single-instance assignment
 * is: desired instances = metric / assignment). Fractional on purpose.
 */
export function perInstanceAssignment(perInstance: number, targetPercent: number): number {
  return (perInstance * targetPercent) / 100;
}

/** Utilisation in percent of in-use over offered; 0 when nothing is offered. */
export function utilisation(inUse: number, offered: number): number {
  return offered > 0 ? (100 * inUse) / offered : 0;
}

/**
 * Group bounds in instances from bounds written in `unit`. Sessions round up (a minimum of 30 sessions
 * on 20-session instances needs 2) for the minimum and down for the maximum (never more than asked),
 * but never below one instance when the maximum is positive.
 */
export function boundsInInstances(unit: "instances" | "sessions", min: number, max: number, perInstance: number): { min: number; max: number } {
  if (unit === "instances") return { min, max };
  const lo = Math.ceil(min / perInstance);
  const hi = Math.max(Math.floor(max / perInstance), max > 0 ? 1 : 0);
  return { min: lo, max: Math.max(hi, lo) };
}

/**
 * On-demand and spot instances of a group of `size` instances with an on-demand base and a percentage of
 * on-demand above it (AWS's instancesDistribution semantics; AWS rounds the on-demand share up).
 */
export function spotSplit(size: number, onDemandBase: number, onDemandPercentAboveBase: number): { onDemand: number; spot: number } {
  const base = Math.min(size, onDemandBase);
  const above = size - base;
  const od = Math.ceil((above * onDemandPercentAboveBase) / 100);
  return { onDemand: base + od, spot: above - od };
}
