/** Reading a spec from a file: a plain fleet YAML, or a Pulumi stack config holding `livepeer-fleet:fleet`. */
import * as fs from "fs";
import { readTextFile } from "../files";
import * as path from "path";
import { LineCounter, parseDocument, visit } from "yaml";
import { FleetConfigError } from "./errors";
import { Fleet, loadFleet } from "./validate";

/** The stack config key holding the whole spec. */
export const CONFIG_NAMESPACE = "livepeer-fleet";
export const CONFIG_KEY = "fleet";

export interface SpecFile {
  /** The raw spec object. */
  raw: unknown;
  /** `stack` when read from a Pulumi.<stack>.yaml, else `fleet`. */
  kind: "stack" | "fleet";
  /** Stack name (from the file name `Pulumi.<stack>.yaml`), or the file's base name. */
  stack: string;
  /** Directory keystore paths are relative to. */
  baseDir: string;
}

/** One YAML problem: where (1-based line and column, when known) and the parser's error code. Never the text. */
export interface YamlProblem {
  line?: number;
  col?: number;
  code: string;
}

/**
 * Parses YAML the way the spec files need: merge keys (`<<: *anchor`, as Pulumi's own YAML reader takes
 * them), nothing logged, and every error and warning (an unresolved tag, an alias to no anchor, a duplicate
 * key …) reported by position and code only, so a secret that broke the syntax (an unquoted password
 * starting with `*` or `!`) is never repeated in a message.
 */
export function parseYamlText(text: string): { ok: true; value: unknown } | { ok: false; problems: YamlProblem[] } {
  const lineCounter = new LineCounter();
  const at = (offset: number | undefined) => {
    if (offset === undefined) return {};
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  let doc: ReturnType<typeof parseDocument>;
  try {
    doc = parseDocument(text, { logLevel: "silent", merge: true, lineCounter, prettyErrors: false, uniqueKeys: true });
  } catch {
    return { ok: false, problems: [{ code: "PARSE_FAILED" }] };
  }
  const problems: YamlProblem[] = [...doc.errors, ...doc.warnings].map((e) => ({ ...(e.linePos ? { line: e.linePos[0].line, col: e.linePos[0].col } : at(e.pos?.[0])), code: e.code }));
  // An alias naming no anchor is not a parse error: it would only throw (quoting the alias) when converted.
  visit(doc, {
    Alias(_k, node) {
      let target: unknown;
      try {
        target = node.resolve(doc);
      } catch {
        target = undefined;
      }
      if (!target) problems.push({ ...at(node.range?.[0]), code: "UNRESOLVED_ALIAS" });
    },
  });
  if (problems.length > 0) return { ok: false, problems };
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 100 }) };
  } catch {
    return { ok: false, problems: [{ code: "ALIAS_EXPANSION_FAILED" }] };
  }
}

/** "line 3, column 7: TAG_RESOLVE_FAILED". */
export function formatYamlProblem(p: YamlProblem): string {
  const where = p.line !== undefined ? `line ${p.line}${p.col !== undefined ? `, column ${p.col}` : ""}: ` : "";
  return `${where}${p.code}`;
}

/** Parses a YAML file's text or throws FleetConfigError naming `file` and each problem's line, column and code. */
export function parseYamlFile(text: string, file: string, flag = "--config"): unknown {
  const r = parseYamlText(text);
  if (r.ok) return r.value;
  throw new FleetConfigError(r.problems.map((p) => ({
    path: flag,
    value: file,
    message: `is not valid YAML (${formatYamlProblem(p)}); quote values that start with a special character such as * & ! | > ' " % @ \` (e.g. passwords)`,
  })));
}

/** The nearest Pulumi.yaml (or .yml) at or above `dir` (the Pulumi CLI finds its project so), or undefined. */
export function findProjectFile(dir: string): string | undefined {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    for (const n of ["Pulumi.yaml", "Pulumi.yml"]) if (fs.existsSync(path.join(d, n))) return path.join(d, n);
    if (path.dirname(d) === d) return undefined;
  }
}

export function readSpecFile(file: string): SpecFile {
  let text: string;
  try {
    text = readTextFile(file, 4 << 20);
  } catch (e: any) {
    throw new FleetConfigError([{ path: "--config", value: file, message: `cannot be read (${e?.code ?? "error"}); give a Pulumi.<stack>.yaml or a fleet YAML file` }]);
  }
  const doc: any = parseYamlFile(text, file);
  const baseDir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(base);
  if (doc && typeof doc === "object" && !Array.isArray(doc) && doc.config && typeof doc.config === "object") {
    const key = `${CONFIG_NAMESPACE}:${CONFIG_KEY}`;
    if (!Object.prototype.hasOwnProperty.call(doc.config, key)) {
      throw new FleetConfigError([{ path: `config.${key}`, value: undefined, message: `is missing from ${base}; the whole fleet spec lives under this key` }]);
    }
    // Keystore paths resolve as under `pulumi up`, whose program runs in the project directory (a stack file
    // may sit in the project's stackConfigDir).
    return { raw: doc.config[key], kind: "stack", stack: m ? m[1] : base.replace(/\.ya?ml$/, ""), baseDir: path.dirname(findProjectFile(baseDir) ?? path.resolve(file)) };
  }
  return { raw: doc, kind: "fleet", stack: base.replace(/\.ya?ml$/, ""), baseDir };
}

/** Reads and validates a spec file. Throws FleetConfigError. */
export function loadFleetFile(file: string): Fleet & { file: SpecFile } {
  const f = readSpecFile(file);
  return { ...loadFleet(f.raw, { baseDir: f.baseDir }), file: f };
}
