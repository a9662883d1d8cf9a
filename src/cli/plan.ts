/**
 * `livepeer-fleet plan`: evaluates the fleet program in-process under Pulumi's mock runtime (no engine,
 * no CLI, no credentials) and renders what would be built.
 */
import * as fs from "fs";
import { readTextFile } from "../files";
import * as path from "path";
import { readSpecFile, parseYamlText } from "../spec/load";
import { loadFleet, Fleet } from "../spec/validate";
import { FleetConfigError } from "../spec/errors";
import { plainSecretIssues } from "../spec/secretPaths";
import { buildLayout } from "../layout/layout";
import type { FleetLayout } from "../layout/types";
import { runPlan, Plan } from "../plan/engine";

export interface FleetPlan {
  plan: Plan;
  layout: FleetLayout;
  fleet: Fleet;
}

/** Reads, validates and plans a spec file. Throws FleetConfigError for a bad spec (nothing is planned). */
export async function planFile(file: string): Promise<FleetPlan> {
  const f = readSpecFile(file);
  if (f.kind === "stack") {
    const plain = plainSecretIssues(f.raw);
    if (plain.length > 0) throw new FleetConfigError(plain);
  }
  return planSpec(f.raw, { baseDir: f.baseDir, project: projectName(f.baseDir) ?? "livepeer-fleet", stack: f.stack });
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

function projectName(dir: string): string | undefined {
  for (const n of ["Pulumi.yaml", "Pulumi.yml"]) {
    const p = path.join(dir, n);
    if (fs.existsSync(p)) {
      try {
        const doc = parseYamlText(readTextFile(p, 1 << 20));
        const name = doc.ok ? (doc.value as { name?: unknown } | null)?.name : undefined;
        return typeof name === "string" ? name : undefined;
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
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
    capacity: {
      minGpus: groups.reduce((a, g) => a + g.minSize * g.capacity.gpusPerInstance, 0),
      maxGpus: groups.reduce((a, g) => a + g.maxSize * g.capacity.gpusPerInstance, 0),
      minSessions: groups.reduce((a, g) => a + g.minSize * g.capacity.sessionsPerInstance, 0),
      maxSessions: groups.reduce((a, g) => a + g.capacity.maxSessions, 0),
    },
  };
}
