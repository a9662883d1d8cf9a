/** Reading a spec from a file: a plain fleet YAML, or a Pulumi stack config holding `livepeer-fleet:fleet`. */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
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

export function readSpecFile(file: string): SpecFile {
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (e: any) {
    throw new FleetConfigError([{ path: "--config", value: file, message: `cannot be read (${e?.code ?? e}); give a Pulumi.<stack>.yaml or a fleet YAML file` }]);
  }
  let doc: any;
  try {
    doc = parseYaml(text);
  } catch (e: any) {
    throw new FleetConfigError([{ path: "--config", value: file, message: `is not valid YAML: ${String(e?.message ?? e).split("\n")[0]}` }]);
  }
  const baseDir = path.dirname(path.resolve(file));
  const base = path.basename(file);
  const m = /^Pulumi\.(.+)\.ya?ml$/.exec(base);
  if (doc && typeof doc === "object" && doc.config && typeof doc.config === "object") {
    const key = `${CONFIG_NAMESPACE}:${CONFIG_KEY}`;
    if (!(key in doc.config)) {
      throw new FleetConfigError([{ path: `config.${key}`, value: undefined, message: `is missing from ${base}; the whole fleet spec lives under this key` }]);
    }
    return { raw: doc.config[key], kind: "stack", stack: m ? m[1] : base.replace(/\.ya?ml$/, ""), baseDir };
  }
  return { raw: doc, kind: "fleet", stack: base.replace(/\.ya?ml$/, ""), baseDir };
}

/** Reads and validates a spec file. Throws FleetConfigError. */
export function loadFleetFile(file: string): Fleet & { file: SpecFile } {
  const f = readSpecFile(file);
  return { ...loadFleet(f.raw, { baseDir: f.baseDir }), file: f };
}
