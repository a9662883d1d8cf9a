/** Shared by the boot-script tests (AWS: boot.test.ts, GCP: bootGcp.test.ts): the reference fleet's cases and helpers. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { buildLayout, renderRpcProxyConfig } from "../../src/layout/layout";
import { loadFleetFile } from "../../src/spec/load";
import { BootSpec, FleetLayout } from "../../src/layout/types";
import { AwsBootContext, BOOT_PATHS, BootContext, bootPlan, renderBootScript, unitName } from "../../src/layout/boot";
import { sandbox as makeSandbox, Sandbox } from "./sandbox";

export const ROOT = path.resolve(__dirname, "..", "..");
export const REF_FILE = path.join(ROOT, "examples", "reference", "fleet.yaml");
export const REF_KEYS = path.join(ROOT, "examples", "reference", "keys");
export const RAW = parse(fs.readFileSync(REF_FILE, "utf8"));
export const layoutOf = (): FleetLayout => buildLayout(loadFleetFile(REF_FILE));
export const LAYOUT = layoutOf();

export type Kind = "orchestrator" | "redeemer" | "reward" | "worker";
export interface Case { kind: Kind; node: { name: string; boot: BootSpec }; ctx: AwsBootContext }
export const arn = (region: string, id: string) => `arn:aws:secretsmanager:${region}:123456789012:secret:ref-${id}-AbC123`;
export const ENI = "eni-0a1b2c3d4e5f60718";
export const VOL = "vol-0f1e2d3c4b5a69788";

export function cases(l: FleetLayout): Case[] {
  return l.regions.flatMap((r) => {
    const secretLocators = Object.fromEntries(r.secrets.map((s) => [s.id, arn(r.region, s.id)]));
    const base = { cloud: "aws" as const, region: r.region, secretLocators };
    const pinned = (kind: Kind, n: { name: string; boot: BootSpec }): Case => ({
      kind, node: n, ctx: { ...base, networkInterfaceId: ENI, privateIp: "10.40.0.9", ...(n.boot.dataVolume ? { dataVolumeId: VOL } : {}) },
    });
    return [
      ...r.orchestrators.map((o) => pinned("orchestrator", o)),
      ...(r.redeemer ? [pinned("redeemer", r.redeemer)] : []),
      ...(r.reward ? [pinned("reward", r.reward)] : []),
      ...r.workerGroups.map((g): Case => ({ kind: "worker", node: { name: g.name, boot: g.boot }, ctx: base })),
    ];
  });
}
export const CASES = cases(LAYOUT);
export const render = (c: { node: { name: string; boot: BootSpec }; ctx: BootContext }) => renderBootScript(c.node, c.ctx);
export const byKind = (k: Kind) => CASES.find((c) => c.kind === k)!;
export const fileOf = (c: { node: { name: string; boot: BootSpec }; ctx: BootContext }, p: string) => bootPlan(c.node, c.ctx).files.find((f) => f.path === p);
export const unitOf = (c: { node: { name: string; boot: BootSpec }; ctx: BootContext }, name: string) => fileOf(c, `${BOOT_PATHS.units}/${unitName(name)}`)!.content;
export const keyLines = (unit: string, key: string) => unit.split("\n").filter((l) => l.startsWith(`${key}=`)).map((l) => l.slice(key.length + 1));
export const words = (unit: string, key: string) => keyLines(unit, key).flatMap((l) => l.split(" "));

/** Every plaintext secret of the reference spec, the rendered RPC proxy config and the keystores' ciphertexts. */
export function plaintexts(): string[] {
  const out: string[] = [RAW.orchSecret, ...RAW.rpcUrls, renderRpcProxyConfig(RAW.network, RAW.rpcUrls)];
  const walk = (v: any): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) (k === "password" ? out.push(x as string) : walk(x));
  };
  walk(RAW);
  for (const f of fs.readdirSync(REF_KEYS).filter((f) => f.endsWith(".json"))) {
    const k = JSON.parse(fs.readFileSync(path.join(REF_KEYS, f), "utf8"));
    out.push((k.Crypto ?? k.crypto).ciphertext, (k.Crypto ?? k.crypto).mac);
  }
  return out;
}

// ---- a sandbox with shimmed commands -----------------------------------------------------------------
const TEMP: string[] = [];
export const tempDir = (prefix: string) => { const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix)); TEMP.push(d); return d; };
afterAll(() => TEMP.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));
export const sandbox = (shims: Record<string, string>): Sandbox => makeSandbox(shims, "lpf-boot-");
export const sanitize = (s: string) => s.replace(/[^A-Za-z0-9]/g, "_");
export type { Sandbox };
