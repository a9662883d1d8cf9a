/**
 * `keys verify` rules, pure: given each wallet node's decrypted keystore, is every key where the fleet
 * (spec, go-livepeer argv, boot check) expects it, is every hot wallet unique, and is the registered key
 * on the reward node only (mode `node`) or nowhere (`delegated`, `external`)?
 */
import { getAddress } from "ethers";
import type { DecryptResult } from "./wallet";
import type { FleetWallet } from "./slots";

export type WalletResult = Pick<FleetWallet, "node" | "role" | "where" | "specAddress" | "keystore" | "argvAddress" | "bootAddress"> & {
  decrypted: DecryptResult;
};

export interface WalletFinding {
  ok: boolean;
  /** The node concerned, or undefined for a fleet-wide finding. */
  node?: string;
  message: string;
}

const same = (a: string | undefined, b: string | undefined) => a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();
const norm = (a: string) => {
  try {
    return getAddress(a);
  } catch {
    return a;
  }
};

export function judgeWallets(registeredAddress: string, rewardMode: "node" | "delegated" | "external", results: WalletResult[]): WalletFinding[] {
  const findings: WalletFinding[] = [];
  const holders = new Map<string, string[]>();

  for (const w of results) {
    const d = w.decrypted;
    if (!d.ok) {
      findings.push({ ok: false, node: w.node, message: `${w.keystore} ${d.message}` });
      continue;
    }
    const addr = norm(d.address);
    holders.set(addr, [...(holders.get(addr) ?? []), w.node]);
    const problems: string[] = [];
    if (!same(addr, w.specAddress)) problems.push(`its keystore ${w.keystore} holds ${addr}, but ${w.where}.address is ${w.specAddress}`);
    if (w.argvAddress === undefined) problems.push("its go-livepeer command line has no -ethAcctAddr (go-livepeer would pick the first account, or create one)");
    else if (!same(addr, w.argvAddress)) problems.push(`go-livepeer would run with -ethAcctAddr ${w.argvAddress}, which is not in its keystore (${addr}): it would silently create a new account`);
    if (w.bootAddress !== undefined && !same(addr, w.bootAddress)) problems.push(`boot expects the keystore to hold ${w.bootAddress}, it holds ${addr}: the node would refuse to start`);
    if (problems.length > 0) for (const p of problems) findings.push({ ok: false, node: w.node, message: p });
    else findings.push({ ok: true, node: w.node, message: `${addr} in ${w.keystore}: decrypts with its password, matches ${w.where}.address and -ethAcctAddr` });
  }

  for (const [addr, nodes] of holders) {
    if (nodes.length > 1) findings.push({ ok: false, message: `${nodes.join(", ")} hold the same wallet ${addr}; every node needs its own hot wallet (shared keys collide on nonces and put one key on many machines)` });
  }

  const reg = norm(registeredAddress);
  const regHolders = holders.get(reg) ?? [];
  if (rewardMode === "node") {
    for (const n of regHolders.filter((n) => n !== "reward")) {
      findings.push({ ok: false, node: n, message: `holds the registered key ${reg}; it belongs on the reward node only (workload nodes use their own hot wallet with -ethOrchAddr)` });
    }
    const reward = results.find((w) => w.node === "reward");
    if (reward?.decrypted.ok && !same(reward.decrypted.address, reg)) {
      findings.push({ ok: false, node: "reward", message: `reward mode \`node\` must hold the registered key ${reg}; its keystore holds ${norm(reward.decrypted.address)}` });
    }
  } else {
    for (const n of regHolders) {
      findings.push({ ok: false, node: n, message: `holds the registered key ${reg}; with reward mode \`${rewardMode}\` the registered key stays off the fleet entirely` });
    }
  }
  return findings;
}
