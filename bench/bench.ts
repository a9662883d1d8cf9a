/**
 * `npm run bench`: plan figures, each sample a fresh Node process, medians.
 *   1. the reference fleet (examples/reference/fleet.yaml);
 *   2. synthetic fleets of 1, 5 and 20 AWS regions (2 orchestrators + 2 worker pools each), planned
 *      through the component layer, next to a plain program registering the same custom resources
 *      (types, names, inputs, providers) with the SDK's classes and no component layer.
 * Usage: npm run bench -- [--samples N] [--regions 1,5,20] [--skip-scale]
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

const args = process.argv.slice(2);
const flag = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const samples = Number(flag("samples", "5"));
const sizes = flag("regions", "1,5,20").split(",").map(Number);
const root = path.join(__dirname, "..");
const work = fs.mkdtempSync(path.join(os.tmpdir(), "livepeer-fleet-bench-"));

interface Sample { wallMs: number; planMs: number; peakRssMb: number; resources: number; custom: number }

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function run(argv: string[], env: Record<string, string> = {}): Sample {
  const r = spawnSync(process.execPath, ["-r", path.join(root, "bin/register.js"), path.join(__dirname, "sample.ts"), ...argv], {
    cwd: root, encoding: "utf8", env: { ...process.env, ...env }, maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`sample ${argv.join(" ")} failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

function medians(argv: string[]): Sample & { walls: number[] } {
  const got: Sample[] = [];
  for (let i = 0; i < samples; i++) got.push(run(argv));
  const m = (k: keyof Sample) => median(got.map((s) => s[k]));
  return { wallMs: m("wallMs"), planMs: m("planMs"), peakRssMb: m("peakRssMb"), resources: m("resources"), custom: m("custom"), walls: got.map((s) => s.wallMs) };
}

console.log(`livepeer-fleet plan benchmark`);
console.log(`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${samples} fresh processes per figure, medians`);

const ref = medians(["file", path.join(root, "examples/reference/fleet.yaml")]);
console.log(`\nreference fleet (examples/reference/fleet.yaml)`);
console.log(`  wall time (process start → plan done): ${ref.wallMs} ms   [${ref.walls.join(", ")}]`);
console.log(`  in-process (SDK load + validate + plan): ${ref.planMs} ms`);
console.log(`  peak RSS: ${ref.peakRssMb} MB`);
console.log(`  resources: ${ref.resources} (${ref.custom} custom: cloud resources and providers; the rest components)`);

if (!args.includes("--skip-scale")) {
  console.log(`\nscale: N AWS regions × (2 orchestrators + 2 pools), component layer vs plain program`);
  console.log(`  regions | resources (custom) | wall ms component | wall ms plain | ratio | peak RSS MB component / plain`);
  for (const n of sizes) {
    const dir = path.join(work, `r${n}`);
    const planJson = path.join(work, `plan-${n}.json`);
    run(["synthetic", String(n), dir], { BENCH_SAVE_PLAN: planJson });
    const comp = medians(["synthetic", String(n), dir]);
    const plain = medians(["plain", planJson]);
    const ratio = comp.wallMs / plain.wallMs;
    console.log(`  ${String(n).padStart(7)} | ${`${comp.resources} (${comp.custom})`.padStart(18)} | ${String(comp.wallMs).padStart(17)} | ${String(plain.wallMs).padStart(13)} | ${ratio.toFixed(2).padStart(5)} | ${comp.peakRssMb} / ${plain.peakRssMb}`);
  }
  console.log(`  (ratio = component wall time / plain wall time; resource count grows with regions, O nodes and pools, never with worker instance counts)`);
}
fs.rmSync(work, { recursive: true, force: true });
