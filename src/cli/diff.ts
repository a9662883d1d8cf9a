/** `livepeer-fleet plan --diff OLD.json`: compare the plan of a spec with an earlier JSON plan. */
import { readTextFile } from "../files";
import type { Plan } from "../plan/engine";
import { diffPlans, renderDiff, previewSteps, PlanDiff, PreviewSteps } from "../plan/diff";

/** A bad `--diff` / `--preview` file: a usage error (exit 2), not a spec problem. */
export class PlanFileError extends Error {
  constructor(flag: string, file: string, why: string) {
    super(`${flag} ${JSON.stringify(file)} ${why}`);
    this.name = "PlanFileError";
  }
}

/** Reads a JSON file named by `flag` (`--diff`: an earlier `plan --format json`; `--preview`: `pulumi preview --json`). */
function readPlanJson(file: string, flag: string): any {
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

/** The earlier plan and the preview, read and checked before any planning. */
export interface DiffInputs {
  old: Plan;
  oldFile: string;
  preview?: { steps: PreviewSteps; file: string };
}

/** Reads `--diff` (and `--preview`) and checks their shape: a bad file is a usage error before any planning. */
export function readDiffInputs(oldFile: string, previewFile?: string): DiffInputs {
  const old = readPlanJson(oldFile, "--diff");
  checkPlanShape(old, oldFile);
  return { old, oldFile, ...(previewFile ? { preview: { steps: previewSteps(readPreviewJson(previewFile)), file: previewFile } } : {}) };
}

/** Reads a `pulumi preview --json` document: it must hold a `steps` list of `{ op, urn }`. */
function readPreviewJson(file: string): any {
  const doc = readPlanJson(file, "--preview");
  if (!doc || !Array.isArray(doc.steps)) {
    throw new PlanFileError("--preview", file, "holds no `steps` list; give the output of `pulumi preview --json` for this stack");
  }
  const bad = doc.steps.findIndex((s: any) => !s || typeof s !== "object" || typeof s.op !== "string" || typeof s.urn !== "string" || !s.urn.startsWith("urn:pulumi:"));
  if (bad >= 0) throw new PlanFileError("--preview", file, `has a step (steps[${bad}]) without a string \`op\` and a \`urn:pulumi:…\` urn; give the output of \`pulumi preview --json\``);
  return doc;
}

/** Inputs of a real plan nest a few levels; far deeper is not a plan (and would exhaust the stack when compared). */
const MAX_INPUT_DEPTH = 64;

/** Whether `v` nests deeper than `max` (iterative: never recurses). */
function depthOver(v: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[v, 0]];
  while (stack.length > 0) {
    const [x, d] = stack.pop()!;
    if (x === null || typeof x !== "object") continue;
    if (d > max) return true;
    for (const y of Object.values(x as object)) stack.push([y, d + 1]);
  }
  return false;
}

/** Checks an earlier plan's shape: a `resources` list of `{ type, name, parent?, provider?, inputs }`. */
function checkPlanShape(old: any, file: string): void {
  if (!old || !Array.isArray(old.resources)) {
    throw new PlanFileError("--diff", file, "holds no `resources` list; give the output of `livepeer-fleet plan --format json`");
  }
  const bad = old.resources.findIndex((r: any) =>
    !r || typeof r !== "object" || typeof r.type !== "string" || typeof r.name !== "string" || !r.inputs || typeof r.inputs !== "object" || Array.isArray(r.inputs) ||
    (r.parent !== undefined && r.parent !== null && typeof r.parent !== "string") || (r.provider !== undefined && typeof r.provider !== "string") || depthOver(r.inputs, MAX_INPUT_DEPTH));
  if (bad >= 0) throw new PlanFileError("--diff", file, `has a resource (resources[${bad}]) that is not { type, name, parent?, provider?, inputs } with string type/name/parent/provider and an inputs object nested at most ${MAX_INPUT_DEPTH} deep; give the output of \`livepeer-fleet plan --format json\``);
}

/**
 * A preview of another stack or project cannot be this plan's: refused. A plan of a plain fleet file has no
 * stack of its own (it is named after the file), and one outside a Pulumi project no project of its own:
 * then only what is known is compared.
 */
function checkPreviewStack(steps: PreviewSteps, current: Plan, file: string, stackKnown: boolean, projectKnown: boolean): void {
  const project = String(current.summary?.project ?? "");
  const stack = String(current.summary?.stack ?? "");
  for (const sp of steps.stacks) {
    const [s, p] = sp.split("::");
    if ((projectKnown && p !== project) || (stackKnown && s !== stack)) {
      throw new PlanFileError("--preview", file, `is a preview of stack ${JSON.stringify(s)} of project ${JSON.stringify(p)}; this plan is of ${stackKnown ? `stack ${JSON.stringify(stack)}` : "a fleet file"} of project ${JSON.stringify(project)}`);
    }
  }
}

/** Diffs the current plan against the inputs read by readDiffInputs. */
export function diffAgainst(current: Plan, inputs: DiffInputs, opts: { stackKnown: boolean; projectKnown: boolean }): { diff: PlanDiff; text: string } {
  if (inputs.preview) checkPreviewStack(inputs.preview.steps, current, inputs.preview.file, opts.stackKnown, opts.projectKnown);
  const diff = diffPlans(inputs.old, current, inputs.preview?.steps);
  return { diff, text: renderDiff(diff) };
}
