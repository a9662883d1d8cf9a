/** `livepeer-fleet plan --diff OLD.json`: compare the plan of a spec with an earlier JSON plan. */
import * as fs from "fs";
import { readTextFile } from "../files";
import type { Plan } from "../plan/engine";
import { diffPlans, renderDiff, replacedInPreview, PlanDiff } from "../plan/diff";

/** A bad `--diff` / `--preview` file: a usage error (exit 2), not a spec problem. */
export class PlanFileError extends Error {
  constructor(flag: string, file: string, why: string) {
    super(`${flag} ${JSON.stringify(file)} ${why}`);
    this.name = "PlanFileError";
  }
}

/**
 * Reads the earlier plan (`plan --format json` output) and, optionally, a `pulumi preview --json`
 * document whose replace steps override the ForceNew table.
 */
export function readPlanJson(file: string, flag: string): any {
  let text: string;
  try {
    text = readTextFile(file, 256 << 20);
  } catch (e: any) {
    throw new PlanFileError(flag, file, `cannot be read (${e?.code ?? e})`);
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new PlanFileError(flag, file, "is not JSON; give the output of `livepeer-fleet plan --format json` (or `pulumi preview --json` for --preview)");
  }
}

/** Reads a `pulumi preview --json` document: it must hold a `steps` list. */
export function readPreviewJson(file: string): any {
  const doc = readPlanJson(file, "--preview");
  if (!doc || !Array.isArray(doc.steps)) {
    throw new PlanFileError("--preview", file, "holds no `steps` list; give the output of `pulumi preview --json` for this stack");
  }
  return doc;
}

export function diffAgainst(current: Plan, oldFile: string, previewFile?: string): { diff: PlanDiff; text: string } {
  const old = readPlanJson(oldFile, "--diff");
  if (!old || !Array.isArray(old.resources)) {
    throw new PlanFileError("--diff", oldFile, "holds no `resources` list; give the output of `livepeer-fleet plan --format json`");
  }
  const diff = diffPlans(old as Plan, current, previewFile ? replacedInPreview(readPreviewJson(previewFile)) : undefined);
  return { diff, text: renderDiff(diff) };
}
