/**
 * `npm run bench`: plan figures for the reference fleet, each sample a fresh Node process, median of N.
 * Usage: npm run bench -- [--samples N] [--config FILE]
 */
import { spawnSync } from "child_process";
import * as os from "os";
import * as path from "path";

const args = process.argv.slice(2);
const flag = (name: string, def: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1] : def;
};
const samples = Number(flag("samples", "5"));
const config = flag("config", path.join(__dirname, "../examples/reference/fleet.yaml"));
const root = path.join(__dirname, "..");

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

interface Sample { wallMs: number; planMs: number; peakRssMb: number; resources: number; custom: number }

function run(file: string): Sample {
  const r = spawnSync(process.execPath, ["-r", path.join(root, "bin/register.js"), path.join(__dirname, "sample.ts"), file], { cwd: root, encoding: "utf8" });
  if (r.status !== 0) throw new Error(`sample failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

const got: Sample[] = [];
for (let i = 0; i < samples; i++) got.push(run(config));
const m = (k: keyof Sample) => median(got.map((s) => s[k]));
console.log(`livepeer-fleet plan benchmark — ${path.relative(root, config)}`);
console.log(`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}; ${samples} fresh processes, medians`);
console.log(`  wall time (process start → plan done): ${m("wallMs")} ms   [${got.map((s) => s.wallMs).join(", ")}]`);
console.log(`  plan time (SDK load + validate + plan): ${m("planMs")} ms`);
console.log(`  peak RSS: ${m("peakRssMb")} MB`);
console.log(`  resources: ${m("resources")} (${m("custom")} cloud resources, the rest components and providers)`);
