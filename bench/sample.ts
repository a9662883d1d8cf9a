/**
 * One benchmark sample, in a fresh process: plan a spec file under mocks and print one JSON line with
 * wall time (process start → plan done), plan time (in-process), peak RSS and resource counts.
 */
import { performance } from "perf_hooks";

async function sample(file: string): Promise<void> {
  const t0 = performance.now();
  const { planFile } = await import("../src/cli/plan");
  const fp = await planFile(file);
  const t1 = performance.now();
  const rs = fp.plan.resources;
  process.stdout.write(
    JSON.stringify({
      wallMs: Math.round(t1), // since process start (includes Node start-up and module loading)
      planMs: Math.round(t1 - t0), // loading the SDKs + validating + planning
      peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
      resources: rs.length,
      custom: rs.filter((r) => r.custom).length,
    }) + "\n",
  );
}

sample(process.argv[2]).catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + "\n");
  process.exit(1);
});
