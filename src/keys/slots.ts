/**
 * Which nodes hold a wallet, read from a raw spec (for `keys new`, whose spec is not valid yet because
 * its keys do not exist) or from a validated fleet and its layout (for `keys verify`).
 */
import * as fs from "fs";
import * as path from "path";
import type { Fleet } from "../spec/validate";
import type { FleetLayout, PinnedNodeLayout } from "../layout/types";
import type { SecretValue } from "../spec/secret";

export type WalletRole = "orchestrator" | "redeemer" | "reward";

/** A wallet-holding node in a raw spec. */
export interface WalletSlot {
  /** Node name: an orchestrator's name, `redeemer` or `reward`. */
  node: string;
  role: WalletRole;
  /** Spec path of the node's entry, e.g. `regions[0].orchestrators[1]`. */
  where: string;
  /** `keystore` as written, if any. */
  keystore?: string;
  /** `address` as written, if any. */
  address?: string;
  /** The reward node in mode `node`: it holds the registered key, which this tool never generates. */
  registeredKey: boolean;
  /** The node needs ETH for gas (reward caller, redeemer, or each O when there is no redeemer). */
  fund: boolean;
}

const NODE_NAME = /^[a-z][a-z0-9-]*$/;

/** Wallet slots of a raw spec object, plus problems that stop `keys new` from using a node. */
export function walletSlots(raw: unknown): { slots: WalletSlot[]; problems: string[] } {
  const slots: WalletSlot[] = [];
  const problems: string[] = [];
  if (!raw || typeof raw !== "object") return { slots, problems: ["the spec is not a YAML mapping"] };
  const spec = raw as any;
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const hasRedeemer = spec.redeemer && typeof spec.redeemer === "object";
  const regions: any[] = Array.isArray(spec.regions) ? spec.regions : [];
  if (!Array.isArray(spec.regions)) problems.push("regions: is missing; list the regions and their orchestrators first");
  regions.forEach((r, ri) => {
    const os: any[] = r && Array.isArray(r.orchestrators) ? r.orchestrators : [];
    os.forEach((o, oi) => {
      const where = `regions[${ri}].orchestrators[${oi}]`;
      const name = o && typeof o === "object" ? o.name : undefined;
      if (typeof name !== "string" || !NODE_NAME.test(name)) {
        problems.push(`${where}.name: must be a node name (lowercase letters, digits, '-') before a key can be made for it`);
        return;
      }
      slots.push({ node: name, role: "orchestrator", where, keystore: str(o.keystore), address: str(o.address), registeredKey: false, fund: !hasRedeemer });
    });
  });
  if (hasRedeemer) {
    slots.push({ node: "redeemer", role: "redeemer", where: "redeemer", keystore: str(spec.redeemer.keystore), address: str(spec.redeemer.address), registeredKey: false, fund: true });
  }
  const rw = spec.reward;
  if (rw && typeof rw === "object" && (rw.mode === "node" || rw.mode === "delegated")) {
    slots.push({ node: "reward", role: "reward", where: "reward", keystore: str(rw.keystore), address: str(rw.address), registeredKey: rw.mode === "node", fund: true });
  }
  const seen = new Map<string, string>();
  for (const s of slots) {
    if (seen.has(s.node)) problems.push(`${s.where}.name: ${s.node} is also ${seen.get(s.node)}; node names must be unique`);
    else seen.set(s.node, s.where);
  }
  return { slots, problems };
}

/** True when the slot names a keystore file that exists. */
export function hasKeystoreFile(slot: WalletSlot, baseDir: string): boolean {
  return slot.keystore !== undefined && fs.existsSync(path.resolve(baseDir, slot.keystore));
}

/** A wallet-holding node of a validated fleet, with what its keystore must match. */
export interface FleetWallet {
  node: string;
  role: WalletRole;
  /** Spec path of the node's entry. */
  where: string;
  /** `address` in the spec (checksummed by validation). */
  specAddress: string;
  /** `keystore` as written, and resolved. */
  keystore: string;
  keystoreFile: string;
  password: SecretValue;
  /** The value of `-ethAcctAddr` in the node's go-livepeer argv, and the address boot checks the keystore for. */
  argvAddress?: string;
  bootAddress?: string;
}

/** The value after `flag` in an argv. */
export function argvValue(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Every wallet-holding node of a validated fleet, joined with its layout (argv, boot check). */
export function fleetWallets(fleet: Fleet, layout: FleetLayout, baseDir: string): FleetWallet[] {
  const { spec } = fleet;
  const pinned = new Map<string, PinnedNodeLayout>();
  for (const r of layout.regions) {
    for (const n of [...r.orchestrators, r.redeemer, r.reward]) if (n) pinned.set(n.name, n);
  }
  const out: FleetWallet[] = [];
  const add = (node: string, role: WalletRole, where: string, w: { address: string; keystore: string; password: SecretValue }) => {
    const n = pinned.get(node);
    out.push({
      node,
      role,
      where,
      specAddress: w.address,
      keystore: w.keystore,
      keystoreFile: path.resolve(baseDir, w.keystore),
      password: w.password,
      argvAddress: n ? argvValue(n.argv, "-ethAcctAddr") : undefined,
      bootAddress: n?.boot.keystoreAddress,
    });
  };
  spec.regions.forEach((r, ri) => r.orchestrators.forEach((o, oi) => add(o.name, "orchestrator", `regions[${ri}].orchestrators[${oi}]`, o)));
  if (spec.redeemer) add("redeemer", "redeemer", "redeemer", spec.redeemer);
  if (spec.reward.mode !== "external") add("reward", "reward", "reward", spec.reward);
  return out;
}
