/** Test helpers for the spec layer: the reference fleet as a raw object, and loading it. */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { loadFleet, Fleet } from "../../src/spec/validate";
import { FleetConfigError, SpecIssue } from "../../src/spec/errors";

export const ROOT = path.resolve(__dirname, "..", "..");
export const REF_DIR = path.join(ROOT, "examples", "reference");
export const REF_FLEET_FILE = path.join(REF_DIR, "fleet.yaml");
export const REF_STACK_FILE = path.join(REF_DIR, "Pulumi.reference.yaml");
/** Throwaway test keystores (test/fixtures/keys/README.md), as paths relative to REF_DIR. */
export const FIXTURE_KEYS = path.relative(REF_DIR, path.join(ROOT, "test", "fixtures", "keys"));
export const fixtureKey = (file: string) => `${FIXTURE_KEYS}/${file}`;

/** Addresses of the fixture keystores (test/fixtures/keys/README.md). */
export const FIXTURE_ADDRESSES = {
  delegated: "0xf09594F4AAad75Bf4F2D4C1A6C93a1d58394DAf3",
  o3: "0x167e7aB77C3071887F9975c7A4cBd1076E2D7025",
  stranger: "0xa79cc2ec8a9dA7bfB37CE66E5837bbEb2AB6c2F4",
} as const;

const REF_TEXT = fs.readFileSync(REF_FLEET_FILE, "utf8");

/** A fresh deep copy of the reference fleet's raw spec object (examples/reference/fleet.yaml). */
export function referenceRaw(): any {
  return parse(REF_TEXT);
}

/** loadFleet with keystore paths relative to examples/reference. */
export function load(raw: unknown): Fleet {
  return loadFleet(raw, { baseDir: REF_DIR });
}

/** Every plaintext secret in a raw spec (passwords, rpcUrls, orchSecret), to assert none is echoed. */
export function secretPlaintexts(raw: any): string[] {
  const out: string[] = [];
  const take = (v: unknown) => {
    if (typeof v === "string" && v.length > 0) out.push(v);
  };
  const walk = (v: any) => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v === null || typeof v !== "object") return;
    for (const [k, x] of Object.entries(v)) {
      if (k === "password" || k === "orchSecret" || k === "token") take(x);
      else if (k === "rpcUrls" && Array.isArray(x)) x.forEach(take);
      else walk(x);
    }
  };
  walk(raw);
  return out;
}

/**
 * Loads `raw` expecting a FleetConfigError; returns it. Also asserts that no plaintext secret of `raw`
 * appears in the error's message or in any issue's value.
 */
export function loadError(raw: any): FleetConfigError {
  let err: unknown;
  try {
    load(raw);
  } catch (e) {
    err = e;
  }
  if (!(err instanceof FleetConfigError)) {
    throw new Error(`expected a FleetConfigError, got ${err === undefined ? "success" : String((err as Error)?.stack ?? err)}`);
  }
  const echoed = err.message + "\n" + JSON.stringify(err.issues.map((i) => i.value));
  for (const s of secretPlaintexts(raw)) {
    if (echoed.includes(s)) throw new Error(`a secret plaintext was echoed in the error: ${err.message}`);
  }
  return err;
}

/** The issues loading `raw` reports. */
export const issuesOf = (raw: any): SpecIssue[] => loadError(raw).issues;

/** A mutation applied to a fresh reference raw spec. */
export type Mutation = (raw: any) => void;

/** A fresh reference raw spec with `m` applied. */
export function mutated(m: Mutation): any {
  const raw = referenceRaw();
  m(raw);
  return raw;
}

/** An orchestrator entry using the o3 fixture wallet. */
export function o3(zone: string, name = "o3"): any {
  return { name, zone, address: FIXTURE_ADDRESSES.o3, keystore: fixtureKey("o3.json"), password: "throwaway-test-password-o3" };
}

/** A second region (eu-west-1) holding one orchestrator `o3` (fixture wallet) and a `t4` pool. */
export function euRegion(): any {
  return {
    name: "euw1",
    cloud: "aws",
    region: "eu-west-1",
    machineImages: { cpu: "ami-0123456789abcdef0", gpu: "ami-0fedcba9876543210" },
    network: { managed: { cidr: "10.41.0.0/16", zones: ["eu-west-1a", "eu-west-1b"] } },
    orchestrators: [o3("eu-west-1a")],
    workers: [{ name: "t4", kind: "transcoder", instanceType: "g4dn.xlarge", gpu: { model: "T4", count: 1 }, sessionsPerGpu: 20, minSize: 1, maxSize: 3 }],
  };
}

/** Asserts exactly these issues (path + message regex), in any order; returns them. */
export function expectIssues(raw: any, expected: [path: string, message: RegExp][]): SpecIssue[] {
  const issues = issuesOf(raw);
  const listing = () => issues.map((i) => `${i.path}: ${i.message}`).join("\n");
  const gotPaths = issues.map((i) => i.path).sort();
  const wantPaths = expected.map(([p]) => p).sort();
  if (JSON.stringify(gotPaths) !== JSON.stringify(wantPaths)) throw new Error(`expected issues at ${wantPaths.join(", ")}; got:\n${listing()}`);
  for (const [p, re] of expected) {
    if (!issues.some((i) => i.path === p && re.test(i.message))) throw new Error(`no issue at ${p} matching ${re}; got:\n${listing()}`);
  }
  return issues;
}

/** A GCP region (europe-west4 by default) with one orchestrator `o3` (fixture wallet) and an L4 pool. */
export const gcpRegion = (region = "europe-west4", name = "euw4"): any => ({
  ...euRegion(),
  name,
  cloud: "gcp",
  region,
  project: "lpf-example-eu",
  machineImages: { cpu: "projects/lpf-example-eu/global/images/cpu-1", gpu: "projects/lpf-example-eu/global/images/gpu-1" },
  network: { managed: { cidr: "10.60.0.0/20", zones: [`${region}-a`, `${region}-b`] } },
  orchestrators: [{ ...euRegion().orchestrators[0], zone: `${region}-a` }],
  workers: [{ name: "l4", kind: "transcoder", instanceType: "g2-standard-8", gpu: { model: "L4", count: 1 }, sessionsPerGpu: 30, minSize: 1, maxSize: 3 }],
});
