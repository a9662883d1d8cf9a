/**
 * The root Pulumi program: builds the fleet from the stack config value `livepeer-fleet:fleet`.
 * Used by the root Pulumi.yaml, the examples, and `livepeer-fleet plan` (under mocks).
 */
import * as pulumi from "@pulumi/pulumi";
import { OrchestratorFleet, OrchestratorFleetArgs } from "./fleet";
import { CONFIG_KEY, CONFIG_NAMESPACE } from "./spec/load";
import { FleetConfigError } from "./spec/errors";
import { plainSecretPaths } from "./spec/secretPaths";

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

/** Reads `livepeer-fleet:fleet` from stack config and builds the fleet. */
export function fleetFromStackConfig(opts: FromConfigOptions = {}): OrchestratorFleet {
  const key = `${CONFIG_NAMESPACE}:${CONFIG_KEY}`;
  const raw = new pulumi.Config(CONFIG_NAMESPACE).getObject<any>(CONFIG_KEY);
  if (raw === undefined) {
    throw new FleetConfigError([{ path: key, value: undefined, message: "is not set; put the fleet spec under this key in Pulumi.<stack>.yaml" }]);
  }
  const plain = plainSecretPaths(raw);
  if (plain.length > 0 && !configKeyIsSecret(key)) {
    throw new FleetConfigError(plain.map((p) => ({
      path: p, value: "[secret]", message: `must be a secure value: pulumi config set --secret --path '${key}.${p}' <value>`,
    })));
  }
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
  };
}

/** The whole root program: build from config, return the stack outputs. */
export function main(opts: FromConfigOptions = {}): Record<string, unknown> {
  return fleetOutputs(fleetFromStackConfig(opts));
}
