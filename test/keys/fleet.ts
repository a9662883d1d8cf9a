/**
 * Throwaway fleets for the key tests: the reference fleet's spec in a temporary directory, with every
 * wallet (registered, o1, o2, redeemer) replaced by a fresh keystore at light scrypt parameters (N=1024)
 * so decrypting stays fast. Generated once per test file and copied into each fleet directory.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { newKeystore, NewKeystore } from "../../src/keys/wallet";
import { referenceRaw } from "../helpers/spec";

export const LIGHT_N = 1024;
export const WALLETS = ["registered", "o1", "o2", "redeemer"] as const;
export type WalletName = (typeof WALLETS)[number];
export const passwordOf = (w: string) => `light-test-password-${w}`;

let keys: Record<WalletName, NewKeystore> | undefined;

/** The four light keystores (generated on first use). */
export async function lightKeys(): Promise<Record<WalletName, NewKeystore>> {
  if (!keys) {
    const out: Partial<Record<WalletName, NewKeystore>> = {};
    for (const w of WALLETS) out[w] = await newKeystore(passwordOf(w), { scryptN: LIGHT_N });
    keys = out as Record<WalletName, NewKeystore>;
  }
  return keys;
}

export interface FleetDir {
  dir: string;
  /** The fleet.yaml path. */
  file: string;
  raw: any;
  keys: Record<WalletName, NewKeystore>;
  /** Writes `raw` (after `m`) to fleet.yaml. */
  write: (m?: (raw: any) => void) => void;
  /** Writes a file relative to the fleet directory; returns its path. */
  put: (rel: string, text: string) => string;
}

const roots: string[] = [];

/** A temporary directory removed by cleanupFleetDirs(). */
export function tempDir(prefix = "lpf-keys-"): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  roots.push(d);
  return d;
}

export function cleanupFleetDirs(): void {
  for (const d of roots.splice(0)) fs.rmSync(d, { recursive: true, force: true });
}

/** The reference fleet with light keystores in keys/<wallet>.json and matching addresses/passwords. */
export async function fleetDir(): Promise<FleetDir> {
  const k = await lightKeys();
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, "keys"));
  for (const w of WALLETS) fs.writeFileSync(path.join(dir, "keys", `${w}.json`), k[w].json, { mode: 0o600 });
  const raw = referenceRaw();
  raw.registeredAddress = k.registered.address;
  Object.assign(raw.reward, { address: k.registered.address, keystore: "keys/registered.json", password: passwordOf("registered") });
  Object.assign(raw.redeemer, { address: k.redeemer.address, keystore: "keys/redeemer.json", password: passwordOf("redeemer") });
  const [o1, o2] = raw.regions[0].orchestrators;
  Object.assign(o1, { address: k.o1.address, keystore: "keys/o1.json", password: passwordOf("o1") });
  Object.assign(o2, { address: k.o2.address, keystore: "keys/o2.json", password: passwordOf("o2") });
  const file = path.join(dir, "fleet.yaml");
  const fd: FleetDir = {
    dir,
    file,
    raw,
    keys: k,
    write(m) {
      if (m) m(fd.raw);
      fs.writeFileSync(file, stringify(fd.raw));
    },
    put(rel, text) {
      const f = path.join(dir, rel);
      fs.mkdirSync(path.dirname(f), { recursive: true });
      fs.writeFileSync(f, text);
      return f;
    },
  };
  fd.write();
  return fd;
}

/** An io capturing stdout/stderr, non-interactive, with an empty environment unless given. */
export function captureIo(extra: Record<string, unknown> = {}) {
  const io = {
    outText: "",
    errText: "",
    out(s: string) {
      io.outText += s;
    },
    err(s: string) {
      io.errText += s;
    },
    env: {} as Record<string, string | undefined>,
    interactive: false,
    errIsTTY: false,
    ...extra,
  };
  return io;
}
