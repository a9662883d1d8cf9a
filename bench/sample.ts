/**
 * One benchmark sample, in a fresh process. Prints one JSON line: wall time (process start → done),
 * in-process time, peak RSS and resource counts.
 *   sample.ts file <spec file>            plan a spec file (the component layer, as `plan` does)
 *   sample.ts synthetic <N> <dir>         plan a synthetic N-region fleet
 *   sample.ts plain <plan.json>           register the same custom resources (types, names, inputs,
 *                                         providers) directly, with no component layer
 */
import { performance } from "perf_hooks";

async function main(mode: string, a: string, b?: string): Promise<void> {
  const t0 = performance.now();
  let resources: { custom: boolean }[];
  if (mode === "file") {
    const { planFile } = await import("../src/cli/plan");
    resources = (await planFile(a)).plan.resources;
  } else if (mode === "synthetic") {
    const { planSpec } = await import("../src/cli/plan");
    const { syntheticFleet } = await import("./fleets");
    resources = (await planSpec(syntheticFleet(Number(a), b!), { baseDir: b! })).plan.resources;
    if (process.env.BENCH_SAVE_PLAN) require("fs").writeFileSync(process.env.BENCH_SAVE_PLAN, JSON.stringify(resources));
  } else if (mode === "plain") {
    const pulumi = await import("@pulumi/pulumi");
    const { runPlan } = await import("../src/plan/engine");
    const planned: { type: string; name: string; custom: boolean; provider: string; inputs: any }[] = JSON.parse(require("fs").readFileSync(a, "utf8"));
    resources = (
      await runPlan(() => {
        // The SDK's own resource classes, as a hand-written program would use them (`new aws.ec2.Vpc(...)`).
        const cls = (type: string): any => {
          const [pkg, mod, name] = type.split(":");
          const sdk = require(`@pulumi/${pkg}`);
          if (pkg === "pulumi" && mod === "providers") return require(`@pulumi/${name}`).Provider;
          const ns = mod.split("/")[0];
          return (ns === "index" ? sdk : sdk[ns])[name];
        };
        const providers = new Map<string, any>();
        for (const r of planned.filter((x) => x.type.startsWith("pulumi:providers:"))) {
          providers.set(r.name, new (cls(r.type))(r.name, r.inputs));
        }
        for (const r of planned.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"))) {
          new (cls(r.type))(r.name, r.inputs, { provider: providers.get(r.provider) });
        }
        return {};
      }, { project: "plain", stack: "bench" })
    ).resources;
  } else throw new Error(`unknown mode ${mode}`);
  const t1 = performance.now();
  process.stdout.write(JSON.stringify({
    wallMs: Math.round(t1),
    planMs: Math.round(t1 - t0),
    peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024),
    resources: resources.length,
    custom: resources.filter((r) => r.custom).length,
  }) + "\n");
}

main(process.argv[2], process.argv[3], process.argv[4]).catch((e) => {
  process.stderr.write(String(e?.stack ?? e) + "\n");
  process.exit(1);
});
