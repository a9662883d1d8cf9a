/**
 * `livepeer-fleet plan`: evaluates the fleet program in-process under Pulumi's mock runtime (no engine,
 * no CLI, no credentials) and renders what would be built.
 */
import { readTextFile } from "../files";
import { findProjectFile, readSpecFile, parseYamlText } from "../spec/load";
import { loadFleet, Fleet } from "../spec/validate";
import { FleetConfigError } from "../spec/errors";
import { plainSecretIssues } from "../spec/secretPaths";
import { buildLayout } from "../layout/layout";
import type { FleetLayout, WorkerGroupLayout } from "../layout/types";
import { runPlan, Plan } from "../plan/engine";

export interface FleetPlan {
  plan: Plan;
  layout: FleetLayout;
  fleet: Fleet;
  /** Read from a Pulumi stack file (its stack name is the real one) or a plain fleet file (named after the file). */
  specKind?: "stack" | "fleet";
  /** Whether the project name came from a Pulumi.yaml (else the default `livepeer-fleet`). */
  projectKnown?: boolean;
}

/** Reads, validates and plans a spec file. Throws FleetConfigError for a bad spec (nothing is planned). */
export async function planFile(file: string): Promise<FleetPlan> {
  const f = readSpecFile(file);
  if (f.kind === "stack") {
    const plain = plainSecretIssues(f.raw);
    if (plain.length > 0) throw new FleetConfigError(plain);
  }
  const project = projectName(f.baseDir);
  return { ...(await planSpec(f.raw, { baseDir: f.baseDir, project: project ?? "livepeer-fleet", stack: f.stack })), specKind: f.kind, projectKnown: project !== undefined };
}

/** Validates and plans a raw spec object (keystore paths relative to baseDir). */
export async function planSpec(raw: unknown, opts: { baseDir: string; project?: string; stack?: string }): Promise<FleetPlan> {
  const fleet = loadFleet(raw, { baseDir: opts.baseDir });
  const layout = buildLayout(fleet);
  const project = opts.project ?? "livepeer-fleet";
  const f = { stack: opts.stack ?? "plan" };
  // Imported lazily: @pulumi/pulumi must not be loaded before the mocks are set (engine does that).
  const plan = await runPlan(
    () => {
      const { OrchestratorFleet } = require("../fleet") as typeof import("../fleet");
      const { fleetOutputs } = require("../program") as typeof import("../program");
      return fleetOutputs(new OrchestratorFleet(fleet.spec.name, { fleet }));
    },
    { project, stack: f.stack },
  );
  plan.summary = { ...plan.summary, fleet: fleetSummary(layout) };
  return { plan, layout, fleet };
}

/** The Pulumi project of a spec file: the `name` of the nearest Pulumi.yaml in its directory or above it. */
function projectName(dir: string): string | undefined {
  const p = findProjectFile(dir);
  if (!p) return undefined;
  try {
    const doc = parseYamlText(readTextFile(p, 1 << 20));
    const name = doc.ok ? (doc.value as { name?: unknown } | null)?.name : undefined;
    return typeof name === "string" ? name : undefined;
  } catch {
    return undefined;
  }
}

/** Fleet-level figures for the summary: nodes, groups, capacity. */
export function fleetSummary(l: FleetLayout) {
  const groups = l.regions.flatMap((r) => r.workerGroups);
  return {
    name: l.name,
    serviceUri: l.serviceUri,
    regions: l.regions.map((r) => r.name),
    orchestrators: l.regions.flatMap((r) => r.orchestrators.map((o) => o.name)),
    redeemer: l.regions.find((r) => r.redeemer)?.name ?? null,
    rewardMode: l.rewardMode,
    rewardNodeRegion: l.regions.find((r) => r.reward)?.name ?? null,
    workerGroups: groups.length,
    capacity: capacityOf(groups),
  };
}

/**
 * The fleet's capacity range: GPUs, transcoding sessions and AI runner containers, from each group's bounds
 * in its own unit (instances, or sessions on AWS weighted groups: then the fewest instances reach the
 * minimum with the largest type and the most with the smallest).
 */
export function capacityOf(groups: WorkerGroupLayout[]) {
  const out = { minGpus: 0, maxGpus: 0, minSessions: 0, maxSessions: 0, minAiContainers: 0, maxAiContainers: 0 };
  for (const g of groups) {
    const per = g.instanceTypes.map((t) => t.perInstance);
    const gpus = g.instanceTypes.map((t) => t.gpus);
    let lo: number, hi: number, loGpus: number, hiGpus: number;
    if (g.capacityUnit === "sessions") {
      [lo, hi] = [g.minSize, g.maxSize];
      loGpus = Math.ceil(g.minSize / Math.max(...per)) * Math.min(...gpus);
      hiGpus = Math.ceil(g.maxSize / Math.min(...per)) * Math.max(...gpus);
    } else {
      [lo, hi] = [g.minSize * Math.min(...per), g.maxSize * Math.max(...per)];
      [loGpus, hiGpus] = [g.minSize * Math.min(...gpus), g.maxSize * Math.max(...gpus)];
    }
    out.minGpus += loGpus;
    out.maxGpus += hiGpus;
    if (g.kind === "ai") {
      out.minAiContainers += lo;
      out.maxAiContainers += hi;
    } else {
      out.minSessions += lo;
      out.maxSessions += hi;
    }
  }
  return out;
}
