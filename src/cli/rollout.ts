/**
 * `livepeer-fleet rollout --config <spec> --region <name> [--dry-run] [--timeout-minutes N] [--force] [--redeemer]`:
 * replaces one region's orchestrators ONE AT A TIME, each drained first, after `pulumi up` has updated
 * their templates (which never replaces an O by itself). Order (rolloutSteps, pure): AI worker groups
 * first (an O refuses AI workers older than itself; their groups roll themselves on `pulumi up`, the
 * rollout waits until they are done), then each O: drain, replace, wait until the load balancer sees
 * it ready, next. A failed or timed-out step stops the rollout: no later O is touched.
 *  - AWS: `start-instance-refresh` of the O's group of one (MinHealthyPercentage 0: terminate, then
 *    launch: the new instance needs the old one's network interface); the group's terminate lifecycle
 *    hook holds the old instance while its drain agent drains it (src/layout/drain.ts); poll until
 *    Successful; then `elbv2 describe-target-health` of its private IP until healthy.
 *  - GCP: set instance metadata `livepeer-fleet-drain=1`, poll guest attribute `livepeer-fleet/drained`
 *    (bound: drainSeconds + margin), `rolling-action replace` (recreate, surge 0), `wait-until --stable`,
 *    then the backend service's health for the VM until HEALTHY.
 * aws / gcloud run as child processes with argv arrays (no shell); no secret is ever on a command line.
 */
import { execFile } from "child_process";
import type { FleetLayout, PinnedNodeLayout, RegionLayout, WorkerGroupLayout } from "../layout/types";
import { PORTS } from "../layout/types";
import { shellQuote } from "../layout/boot";
import { GCP_DRAIN_KEY, GCP_DRAINED_ATTRIBUTE } from "../layout/drain";
import { LIFECYCLE_HOOK_MARGIN, O_REPLACE_SECONDS } from "../layout/budget";
import { gcpNames } from "../naming";
import { FleetConfigError } from "../spec/errors";

export type Step =
  /** An AI worker group: wait until its own roll (started by `pulumi up`) has finished. */
  | { kind: "worker-group"; group: WorkerGroupLayout }
  /** An orchestrator: drain, replace, wait until ready. */
  | { kind: "orchestrator"; node: PinnedNodeLayout }
  /** The redeemer or the reward node: replaced onto its persistent data disk (nothing to drain). */
  | { kind: "pinned"; node: PinnedNodeLayout };

/**
 * The order a region rolls in. Pure. AI worker groups (kind `ai`) come first: a standalone O refuses AI
 * workers older than itself (livepeer.md §10), so they must be on the new version before their O is.
 * Transcoder groups need no ordering (they roll themselves). Then every O, one by one, in spec order.
 */
export function rolloutSteps(region: Pick<RegionLayout, "orchestrators" | "workerGroups"> & Partial<Pick<RegionLayout, "redeemer" | "reward">>, opts: { redeemer?: boolean } = {}): Step[] {
  const ai = region.workerGroups.filter((g) => (g.kind as string) === "ai");
  return [
    ...ai.map((group): Step => ({ kind: "worker-group", group })),
    ...region.orchestrators.map((node): Step => ({ kind: "orchestrator", node })),
    // Then the reward node (it catches up a missed round at boot) and, only when asked, the redeemer: winning
    // tickets the Os send it while it restarts are not redeemed, so replace it when the Os are idle.
    ...(region.reward ? [{ kind: "pinned", node: region.reward } as Step] : []),
    ...(region.redeemer && opts.redeemer ? [{ kind: "pinned", node: region.redeemer } as Step] : []),
  ];
}

export const stepLabel = (s: Step) => (s.kind === "worker-group" ? `AI worker group ${s.group.name}` : `${s.kind === "orchestrator" ? "orchestrator" : s.node.role} ${s.node.name}`);

// ---- the exact commands ------------------------------------------------------------------------------
/** Instance refresh preferences of an O's group of one: terminate first (its interface must be released). */
export const O_REFRESH_PREFERENCES = (force: boolean) => ({ MinHealthyPercentage: 0, MaxHealthyPercentage: 100, InstanceWarmup: 300, SkipMatching: !force });

export const awsCmd = {
  groupsByTag: (region: string, key: string, value: string) =>
    ["aws", "autoscaling", "describe-auto-scaling-groups", "--region", region, "--filters", `Name=tag:${key},Values=${value}`, "--query", "AutoScalingGroups[].AutoScalingGroupName", "--output", "json"],
  startRefresh: (region: string, group: string, force: boolean) =>
    ["aws", "autoscaling", "start-instance-refresh", "--region", region, "--auto-scaling-group-name", group, "--strategy", "Rolling", "--preferences", JSON.stringify(O_REFRESH_PREFERENCES(force)), "--query", "InstanceRefreshId", "--output", "text"],
  refreshStatus: (region: string, group: string, id?: string) =>
    ["aws", "autoscaling", "describe-instance-refreshes", "--region", region, "--auto-scaling-group-name", group, ...(id ? ["--instance-refresh-ids", id] : ["--max-records", "1"]), "--query", "InstanceRefreshes[0].[Status,StatusReason]", "--output", "json"],
  targetGroupArn: (region: string, name: string) => ["aws", "elbv2", "describe-target-groups", "--region", region, "--names", name, "--query", "TargetGroups[0].TargetGroupArn", "--output", "text"],
  targetHealth: (region: string, arn: string, ip: string) =>
    ["aws", "elbv2", "describe-target-health", "--region", region, "--target-group-arn", arn, "--targets", `Id=${ip},Port=${PORTS.service}`, "--query", "TargetHealthDescriptions[0].TargetHealth.State", "--output", "text"],
};

const zp = (zone: string, project: string) => ["--zone", zone, "--project", project];
export const gcpCmd = {
  describeGroup: (mig: string, zone: string, project: string) => ["gcloud", "compute", "instance-groups", "managed", "describe", mig, ...zp(zone, project), "--format", "json"],
  setDrain: (vm: string, zone: string, project: string) => ["gcloud", "compute", "instances", "add-metadata", vm, ...zp(zone, project), "--metadata", `${GCP_DRAIN_KEY}=1`],
  drained: (vm: string, zone: string, project: string) =>
    ["gcloud", "compute", "instances", "get-guest-attributes", vm, ...zp(zone, project), "--query-path", GCP_DRAINED_ATTRIBUTE, "--format", "value(value)"],
  replace: (mig: string, zone: string, project: string) =>
    ["gcloud", "compute", "instance-groups", "managed", "rolling-action", "replace", mig, ...zp(zone, project), "--max-unavailable=1", "--max-surge=0", "--replacement-method=recreate"],
  waitStable: (mig: string, zone: string, project: string, seconds: number) =>
    ["gcloud", "compute", "instance-groups", "managed", "wait-until", mig, "--stable", ...zp(zone, project), "--timeout", String(seconds)],
  backendHealth: (service: string, region: string, project: string) => ["gcloud", "compute", "backend-services", "get-health", service, "--region", region, "--project", project, "--format", "json"],
  listGroups: (stem: string, project: string) => ["gcloud", "compute", "instance-groups", "managed", "list", "--project", project, "--filter", `name~^${stem}(-spot)?-[0-9a-f]{7}$`, "--format", "value(name)"],
  waitVersion: (mig: string, region: string, project: string, seconds: number) =>
    ["gcloud", "compute", "instance-groups", "managed", "wait-until", mig, "--version-target-reached", "--region", region, "--project", project, "--timeout", String(seconds)],
};

// ---- running them ------------------------------------------------------------------------------------
export interface RolloutDeps {
  /** Environment of the aws / gcloud processes (PATH, credentials); default process.env. */
  env?: NodeJS.ProcessEnv;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  /** Between polls; default 15 s. */
  pollMs?: number;
}
interface Io { out: (s: string) => void; err: (s: string) => void }
class StepFailed extends Error {}

interface Ctx {
  io: Io;
  dry: boolean;
  force: boolean;
  deadline: number;
  timeoutSeconds: number;
  deps: Required<RolloutDeps>;
}

const show = (argv: string[]) => argv.map(shellQuote).join(" ");

function exec(ctx: Ctx, argv: string[], timeoutMs = 120_000): Promise<string> {
  ctx.io.out(`  $ ${show(argv)}\n`);
  return new Promise((resolve, reject) => {
    execFile(argv[0], argv.slice(1), { env: ctx.deps.env, timeout: timeoutMs, maxBuffer: 16 << 20, encoding: "utf8" }, (err, stdout, stderr) => {
      if (err) {
        const detail = (stderr || err.message).trim().split("\n").slice(-3).join(" | ").slice(0, 500);
        reject(new StepFailed(`\`${argv.slice(0, 4).join(" ")} …\` failed: ${detail}`));
      } else resolve(stdout.trim());
    });
  });
}

/** Runs argv (or, in a dry run, prints it and returns the placeholder). */
async function run(ctx: Ctx, argv: string[], placeholder: string, timeoutMs?: number): Promise<string> {
  if (ctx.dry) {
    ctx.io.out(`  $ ${show(argv)}\n`);
    return placeholder;
  }
  return exec(ctx, argv, timeoutMs);
}

/** Polls `probe` until it returns a value (not undefined), within the step's deadline. Dry run: once. */
async function until<T>(ctx: Ctx, what: string, probe: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (ctx.dry) throw new Error("a dry-run probe must answer at once");
    if (ctx.deps.now() >= ctx.deadline) throw new StepFailed(`timed out after ${Math.round(ctx.timeoutSeconds / 60)} minutes waiting for ${what}`);
    await ctx.deps.sleep(ctx.deps.pollMs);
  }
}

const parseJson = (s: string, what: string): any => {
  try {
    return JSON.parse(s);
  } catch {
    throw new StepFailed(`${what}: not JSON: ${s.slice(0, 200)}`);
  }
};

async function awsGroup(ctx: Ctx, region: string, key: string, value: string): Promise<string> {
  const out = await run(ctx, awsCmd.groupsByTag(region, key, value), JSON.stringify([`<group tagged ${key}=${value}>`]));
  const names = parseJson(out, "describe-auto-scaling-groups");
  if (!Array.isArray(names) || names.length !== 1 || typeof names[0] !== "string") {
    throw new StepFailed(`expected exactly one Auto Scaling group tagged ${key}=${value}, found ${Array.isArray(names) ? names.length : "none"} (has \`pulumi up\` created it, in this account and region?)`);
  }
  return names[0];
}

const REFRESH_DONE = new Set(["Successful"]);
// "Baking" (waiting out a bake time after the last replacement) is still in progress, not a failure.
const REFRESH_FAILED = new Set(["Failed", "Cancelled", "Cancelling", "RollbackInProgress", "RollbackFailed", "RollbackSuccessful"]);

async function awsOrchestrator(ctx: Ctx, r: RegionLayout, o: PinnedNodeLayout): Promise<void> {
  const group = await awsGroup(ctx, r.region, "livepeer-fleet:node-id", o.resourceName);
  const id = await run(ctx, awsCmd.startRefresh(r.region, group, ctx.force), "<refresh id>");
  if (!/^[\w<> -]+$/.test(id)) throw new StepFailed(`start-instance-refresh returned ${JSON.stringify(id.slice(0, 100))}, not a refresh id`);
  ctx.io.out(`  instance refresh ${id} of ${group}: the lifecycle hook holds the old instance while it drains (up to ${o.boot.drain?.seconds ?? "?"} s)\n`);
  await until(ctx, `instance refresh ${id} of ${group}`, async () => {
    const [status, reason] = parseJson(await run(ctx, awsCmd.refreshStatus(r.region, group, id), '["Successful", null]'), "describe-instance-refreshes") ?? [];
    if (REFRESH_DONE.has(status)) return true;
    if (REFRESH_FAILED.has(status) || typeof status !== "string") throw new StepFailed(`instance refresh ${id} of ${group} is ${status}${reason ? `: ${reason}` : ""}`);
    return undefined;
  });
  const arn = await run(ctx, awsCmd.targetGroupArn(r.region, r.loadBalancer.targetGroupName), "<target group arn>");
  await until(ctx, `${o.name} (${o.privateIp}) to be healthy at the load balancer`, async () => {
    const state = await run(ctx, awsCmd.targetHealth(r.region, arn, o.privateIp!), "healthy");
    return state === "healthy" ? true : undefined;
  });
}

/** The redeemer / reward node: an instance refresh of its group of one (terminate first: its volume and interface move). */
async function awsPinned(ctx: Ctx, r: RegionLayout, n: PinnedNodeLayout): Promise<void> {
  const group = await awsGroup(ctx, r.region, "livepeer-fleet:node-id", n.resourceName);
  const id = await run(ctx, awsCmd.startRefresh(r.region, group, ctx.force), "<refresh id>");
  if (!/^[\w<> -]+$/.test(id)) throw new StepFailed(`start-instance-refresh returned ${JSON.stringify(id.slice(0, 100))}, not a refresh id`);
  await until(ctx, `instance refresh ${id} of ${group}`, async () => {
    const [status, reason] = parseJson(await run(ctx, awsCmd.refreshStatus(r.region, group, id), '["Successful", null]'), "describe-instance-refreshes") ?? [];
    if (REFRESH_DONE.has(status)) return true;
    if (REFRESH_FAILED.has(status) || typeof status !== "string") throw new StepFailed(`instance refresh ${id} of ${group} is ${status}${reason ? `: ${reason}` : ""}`);
    return undefined;
  });
}

async function awsWorkerGroup(ctx: Ctx, r: RegionLayout, g: WorkerGroupLayout): Promise<void> {
  const group = await awsGroup(ctx, r.region, "livepeer-fleet:group", g.resourceName);
  await until(ctx, `the instance refresh of ${group}`, async () => {
    const last = parseJson(await run(ctx, awsCmd.refreshStatus(r.region, group), '["Successful", null]'), "describe-instance-refreshes");
    const status = Array.isArray(last) ? last[0] : null;
    if (status === null || status === undefined || REFRESH_DONE.has(status)) return true;
    if (REFRESH_FAILED.has(status)) throw new StepFailed(`the last instance refresh of ${group} is ${status}${last[1] ? `: ${last[1]}` : ""}`);
    return undefined;
  });
}

async function gcpOrchestrator(ctx: Ctx, r: RegionLayout, o: PinnedNodeLayout): Promise<void> {
  const project = r.project!;
  const mig = gcpNames.resource(o.resourceName);
  const vm = mig; // the per-instance config names the one VM like its group
  const group = parseJson(await run(ctx, gcpCmd.describeGroup(mig, o.zone, project), '{"status":{"versionTarget":{"isReached":false}}}'), "instance-groups managed describe");
  if (group?.status?.versionTarget?.isReached === true && !ctx.force) {
    ctx.io.out(`  ${mig} already runs its group's template: skipped (--force replaces it anyway)\n`);
    return;
  }
  await run(ctx, gcpCmd.setDrain(vm, o.zone, project), "");
  const bound = (o.boot.drain?.seconds ?? 0) + LIFECYCLE_HOOK_MARGIN;
  const drainDeadline = ctx.deps.now() + bound * 1000;
  await until(ctx, `${vm} to drain`, async () => {
    let v = "";
    try {
      v = await run(ctx, gcpCmd.drained(vm, o.zone, project), "1");
    } catch (e) {
      if (!(e instanceof StepFailed)) throw e; // not written yet: gcloud fails on a missing attribute
    }
    if (v === "1") return true;
    if (ctx.deps.now() >= drainDeadline) {
      ctx.io.out(`  ${vm} did not report drained within ${bound} s (drain bound + margin): replacing it anyway\n`);
      return true;
    }
    return undefined;
  });
  await run(ctx, gcpCmd.replace(mig, o.zone, project), "");
  const left = Math.max(60, Math.round((ctx.deadline - ctx.deps.now()) / 1000));
  await run(ctx, gcpCmd.waitStable(mig, o.zone, project, left), "", (left + 60) * 1000);
  const service = gcpNames.resource(r.resourceName);
  await until(ctx, `${vm} to be healthy at the load balancer`, async () => {
    const health = parseJson(await run(ctx, gcpCmd.backendHealth(service, r.region, project), JSON.stringify([{ status: { healthStatus: [{ instance: `…/instances/${vm}`, healthState: "HEALTHY" }] } }])), "backend-services get-health");
    const states = (Array.isArray(health) ? health : [])
      .flatMap((b: any) => b?.status?.healthStatus ?? [])
      .filter((h: any) => typeof h?.instance === "string" && h.instance.endsWith(`/instances/${vm}`))
      .map((h: any) => h.healthState);
    return states.includes("HEALTHY") ? true : undefined;
  });
}

async function gcpWorkerGroup(ctx: Ctx, r: RegionLayout, g: WorkerGroupLayout): Promise<void> {
  const project = r.project!;
  // A dry run shows one placeholder name (no spaces: the names are split on whitespace).
  const names = (await run(ctx, gcpCmd.listGroups(g.resourceName, project), `<group-of-${g.resourceName}>`)).split(/\s+/).filter(Boolean);
  if (names.length === 0) throw new StepFailed(`no managed instance group of ${g.resourceName} in project ${project} (has \`pulumi up\` created it?)`);
  for (const mig of names) {
    const left = Math.max(60, Math.round((ctx.deadline - ctx.deps.now()) / 1000));
    await run(ctx, gcpCmd.waitVersion(mig, r.region, project, left), "", (left + 60) * 1000);
  }
}

/** The redeemer / reward node on GCP: recreate its VM (it keeps its disk and addresses), wait until stable. */
async function gcpPinned(ctx: Ctx, r: RegionLayout, n: PinnedNodeLayout): Promise<void> {
  const project = r.project!;
  const mig = gcpNames.resource(n.resourceName);
  const group = parseJson(await run(ctx, gcpCmd.describeGroup(mig, n.zone, project), '{"status":{"versionTarget":{"isReached":false}}}'), "instance-groups managed describe");
  if (group?.status?.versionTarget?.isReached === true && !ctx.force) {
    ctx.io.out(`  ${mig} already runs its group's template: skipped (--force replaces it anyway)\n`);
    return;
  }
  await run(ctx, gcpCmd.replace(mig, n.zone, project), "");
  const left = Math.max(60, Math.round((ctx.deadline - ctx.deps.now()) / 1000));
  await run(ctx, gcpCmd.waitStable(mig, n.zone, project, left), "", (left + 60) * 1000);
}

async function runStep(ctx: Ctx, r: RegionLayout, s: Step): Promise<void> {
  if (s.kind === "orchestrator") return r.cloud === "aws" ? awsOrchestrator(ctx, r, s.node) : gcpOrchestrator(ctx, r, s.node);
  if (s.kind === "pinned") return r.cloud === "aws" ? awsPinned(ctx, r, s.node) : gcpPinned(ctx, r, s.node);
  return r.cloud === "aws" ? awsWorkerGroup(ctx, r, s.group) : gcpWorkerGroup(ctx, r, s.group);
}

export interface RolloutOptions {
  region: string;
  dryRun: boolean;
  timeoutMinutes: number;
  force: boolean;
  /** Also replace the redeemer (last). */
  redeemer?: boolean;
}

/** Runs (or prints) the rollout of one region. Resolves to the exit status: 0 done, 4 a step failed. */
export async function rollout(layout: FleetLayout, opts: RolloutOptions, io: Io, deps: RolloutDeps = {}): Promise<number> {
  const r = layout.regions.find((x) => x.name === opts.region);
  if (!r) {
    throw new FleetConfigError([{ path: "--region", value: opts.region, message: `is not a region of fleet ${layout.name}; accepted: ${layout.regions.map((x) => x.name).join(", ")}` }]);
  }
  const d: Required<RolloutDeps> = {
    env: deps.env ?? process.env,
    sleep: deps.sleep ?? ((ms) => new Promise((ok) => setTimeout(ok, ms))),
    now: deps.now ?? Date.now,
    pollMs: deps.pollMs ?? 15_000,
  };
  const steps = rolloutSteps(r, { redeemer: opts.redeemer });
  const where = r.cloud === "aws" ? `aws ${r.region}` : `gcp ${r.project}/${r.region}`;
  io.out(`${opts.dryRun ? "dry run: " : ""}rollout of region ${r.name} (${where}): ${steps.length} step(s), one at a time, each orchestrator drained first (bound ${r.orchestrators[0]?.boot.drain?.seconds ?? 0} s)\n`);
  if (r.orchestrators.length === 1) io.out(`warning: region ${r.name} has one orchestrator: its sessions move nowhere while it is replaced\n`);
  if (r.redeemer && !opts.redeemer) {
    const drift = r.observability?.alerts?.versionDriftHours;
    io.out(`note: the redeemer is not replaced (add --redeemer, at a moment when the Os are idle)${drift ? `; until it is, it runs the old build and the region's version-drift alert fires after ${drift} hours` : ""}\n`);
  }
  for (const [i, s] of steps.entries()) {
    io.out(`[${i + 1}/${steps.length}] ${stepLabel(s)}\n`);
    const ctx: Ctx = { io, dry: opts.dryRun, force: opts.force, timeoutSeconds: opts.timeoutMinutes * 60, deadline: d.now() + opts.timeoutMinutes * 60_000, deps: d };
    try {
      await runStep(ctx, r, s);
    } catch (e: any) {
      if (!(e instanceof StepFailed)) throw e;
      const rest = steps.slice(i + 1).map(stepLabel);
      io.err(`livepeer-fleet rollout: stopped at ${stepLabel(s)}: ${e.message}\n`);
      io.err(`  not started: ${rest.length ? rest.join(", ") : "nothing (it was the last step)"}\n`);
      if (s.kind === "orchestrator") io.err(`  check ${s.node.name} before rerunning (it may be drained or stopped: its readiness fails until it is replaced)\n`);
      return 4;
    }
    io.out(`  ${stepLabel(s)}: ${opts.dryRun ? "(dry run)" : "done"}\n`);
  }
  io.out(`${opts.dryRun ? "dry run: " : ""}rollout of region ${r.name} ${opts.dryRun ? "printed" : "complete"}\n`);
  return 0;
}

export const ROLLOUT_USAGE = `usage: livepeer-fleet rollout --config <Pulumi.<stack>.yaml | fleet.yaml> --region <name> [--dry-run]
                              [--timeout-minutes N] [--force] [--redeemer]

  Replaces the region's orchestrators one at a time after \`pulumi up\` updated their templates: AI worker
  groups must have rolled first; each O is drained (sessions end or the spec's rollout.drainSeconds pass),
  replaced and seen ready by its load balancer before the next one; then the reward node (if in this region)
  and, with --redeemer, the redeemer, each replaced onto its persistent data disk (winning tickets sent to the
  redeemer while it restarts are not redeemed: choose an idle moment). --dry-run prints the steps and the exact
  aws / gcloud commands without running them. --timeout-minutes bounds each step (60, or one O's drain bound + 18 min if longer). --force replaces Os
  that already run their group's template. Exit 0 done, 1 bad spec, 2 usage, 4 a step failed or timed out
  (nothing after it was started).
`;

/** `livepeer-fleet rollout …` */
export async function rolloutCommand(args: string[], io: Io, deps: RolloutDeps = {}): Promise<number> {
  const flags: Record<string, string> = Object.create(null);
  const usage = (m: string) => {
    io.err(`livepeer-fleet rollout: ${m}\n\n${ROLLOUT_USAGE}`);
    return 2;
  };
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(args[i]);
    if (!m) return usage(`unexpected argument ${JSON.stringify(args[i])}`);
    if (Object.prototype.hasOwnProperty.call(flags, m[1])) return usage(`--${m[1]} is given more than once`);
    if (["dry-run", "force", "help", "redeemer"].includes(m[1])) {
      if (m[2] !== undefined) return usage(`--${m[1]} takes no value`);
      flags[m[1]] = "true";
    } else if (["config", "region", "timeout-minutes"].includes(m[1])) {
      const v = m[2] ?? args[++i];
      if (v === undefined || v.startsWith("--")) return usage(`--${m[1]} needs a value`);
      flags[m[1]] = v;
    } else return usage(`unknown flag --${m[1]}`);
  }
  if (flags.help) {
    io.out(ROLLOUT_USAGE);
    return 0;
  }
  if (!flags.config) return usage("--config is required");
  if (!flags.region) return usage("--region is required");
  const t = flags["timeout-minutes"];
  if (t !== undefined && (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > 1440)) return usage(`--timeout-minutes must be a whole number of minutes from 1 to 1440 (got ${JSON.stringify(t)})`);
  const { loadFleetFile } = await import("../spec/load");
  const { buildLayout } = await import("../layout/layout");
  const layout = buildLayout(loadFleetFile(flags.config));
  const region = layout.regions.find((x) => x.name === flags.region);
  if (!region) return usage(`--region ${JSON.stringify(flags.region)} is not a region of fleet ${layout.name}; accepted: ${layout.regions.map((x) => x.name).join(", ")}`);
  // Each O needs its drain bound, the hook's margin and a replacement's boot and health checks.
  const perO = Math.ceil(((region.orchestrators[0]?.boot.drain?.seconds ?? 0) + LIFECYCLE_HOOK_MARGIN + O_REPLACE_SECONDS) / 60);
  if (t !== undefined && Number(t) < perO) return usage(`--timeout-minutes ${t} is shorter than one orchestrator's replacement (drain bound + ${LIFECYCLE_HOOK_MARGIN} s + ${O_REPLACE_SECONDS} s = ${perO} min): the rollout would stop with an O drained and not replaced`);
  // The bound is per step: by default an hour, or one O's whole replacement when the drain bound is longer.
  const timeoutMinutes = t !== undefined ? Number(t) : Math.min(1440, Math.max(60, perO));
  return rollout(layout, { region: flags.region, dryRun: !!flags["dry-run"], timeoutMinutes, force: !!flags.force, redeemer: !!flags.redeemer }, io, deps);
}
