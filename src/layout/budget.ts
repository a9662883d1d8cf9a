/**
 * Time budgets of a rollout, shared by the rollout command, the alarms that must not fire during one and
 * validation. Pure, no imports (the spec layer uses it too).
 */

/**
 * Seconds the lifecycle hook waits beyond the drain bound: noticing the termination (≤ 5 s), stopping
 * go-livepeer (systemd gives it 60 s) and completing the action (retries). When the agent never completes
 * (a dead instance), the group continues after the whole timeout: a dead O is replaced that much later.
 */
export const LIFECYCLE_HOOK_MARGIN = 180;
/** What a replaced node needs after its drain: launch, boot (image pulls, secrets), attach, healthy at its load balancer. */
export const O_REPLACE_SECONDS = 900;

/** One orchestrator's share of a rollout: drain bound + hook margin + replacement. */
export const orchestratorRolloutSeconds = (drainSeconds: number) => drainSeconds + LIFECYCLE_HOOK_MARGIN + O_REPLACE_SECONDS;

/**
 * A whole region's rollout (`livepeer-fleet rollout --redeemer`), one node at a time: each orchestrator's
 * share, then the reward node and the redeemer (nothing to drain).
 */
export function regionRolloutSeconds(drainSeconds: number, orchestrators: number, otherChainNodes: number): number {
  return orchestrators * orchestratorRolloutSeconds(drainSeconds) + otherChainNodes * (LIFECYCLE_HOOK_MARGIN + O_REPLACE_SECONDS);
}
