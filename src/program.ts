/**
 * The root Pulumi program: builds the fleet from the stack config value `livepeer-fleet:fleet`.
 * Used by the root Pulumi.yaml, the examples, and `livepeer-fleet plan` (under mocks).
 */
import * as fs from "fs";
import { readTextFile } from "./files";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { OrchestratorFleet, OrchestratorFleetArgs } from "./fleet";
import { CONFIG_KEY, CONFIG_NAMESPACE, parseYamlFile } from "./spec/load";
import { FleetConfigError } from "./spec/errors";
import { plainSecretIssues, plainSecretPaths } from "./spec/secretPaths";

function configKeyIsSecret(key: string): boolean {
  try {
    // Not in the SDK's typings, but exported by @pulumi/pulumi/runtime/config.
    const fn = require("@pulumi/pulumi/runtime/config").isConfigSecret as ((k: string) => boolean) | undefined;
    return fn ? fn(key) : true;
  } catch {
    return true;
  }
}

export interface FromConfigOptions extends Omit<OrchestratorFleetArgs, "spec" | "fleet"> {
  /** Component name. Default: the spec's fleet name. */
  name?: string;
}

/**
 * Refuses plain-text secrets in the stack file itself. In a real `pulumi up` the engine marks the whole
 * `livepeer-fleet:fleet` key secret as soon as one value under it is `secure:`, and hands the program the
 * decrypted values, so the config alone cannot tell a plain-text password from a decrypted one: the file
 * `Pulumi.<stack>.yaml` in the project directory can. A missing file (config from elsewhere) is skipped.
 */
function checkStackFile(dir: string, stack: string): void {
  for (const ext of ["yaml", "yml"]) {
    const file = path.join(dir, `Pulumi.${stack}.${ext}`);
    let text: string;
    try {
      text = readTextFile(file, 4 << 20);
    } catch {
      continue;
    }
    const doc = parseYamlFile(text, file, `Pulumi.${stack}.${ext}`) as any;
    const config = doc && typeof doc === "object" ? doc.config : undefined;
    const key = `${CONFIG_NAMESPACE}:${CONFIG_KEY}`;
    if (!config || typeof config !== "object" || !Object.prototype.hasOwnProperty.call(config, key)) return;
    const plain = plainSecretIssues(config[key]);
    if (plain.length > 0) throw new FleetConfigError(plain);
    return;
  }
}

/** Reads `livepeer-fleet:fleet` from stack config and builds the fleet. */
export function fleetFromStackConfig(opts: FromConfigOptions = {}): OrchestratorFleet {
  const key = `${CONFIG_NAMESPACE}:${CONFIG_KEY}`;
  const raw = new pulumi.Config(CONFIG_NAMESPACE).getObject<any>(CONFIG_KEY);
  if (raw === undefined) {
    throw new FleetConfigError([{ path: key, value: undefined, message: "is not set; put the fleet spec under this key in Pulumi.<stack>.yaml" }]);
  }
  checkStackFile(process.cwd(), pulumi.getStack());
  if (plainSecretPaths(raw).length > 0 && !configKeyIsSecret(key)) throw new FleetConfigError(plainSecretIssues(raw));
  const name = opts.name ?? (typeof raw?.name === "string" ? raw.name : "fleet");
  return new OrchestratorFleet(name, { ...opts, spec: raw, baseDir: opts.baseDir ?? process.cwd() });
}

/** Stack outputs of a fleet. */
export function fleetOutputs(f: OrchestratorFleet): Record<string, unknown> {
  return {
    serviceUri: f.serviceUri,
    nodes: f.nodes,
    hotWallets: f.hotWallets,
    walletsToFund: f.walletsToFund,
    workerGroups: f.workerGroups,
    ...(Object.keys(f.monitoring).length ? { monitoring: f.monitoring } : {}),
  };
}

/** The whole root program: build from config, return the stack outputs. */
export function main(opts: FromConfigOptions = {}): Record<string, unknown> {
  return fleetOutputs(fleetFromStackConfig(opts));
}
