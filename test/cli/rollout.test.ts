/**
 * `livepeer-fleet rollout`: the pure ordering, then the command against fake `aws` / `gcloud` executables
 * on PATH that record every call and answer from state files (refresh states, target health, guest
 * attributes). A fake clock makes timeouts instant. No network, no cloud.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { buildLayout } from "../../src/layout/layout";
import { loadFleetFile } from "../../src/spec/load";
import type { FleetLayout, RegionLayout, WorkerGroupLayout } from "../../src/layout/types";
import { rollout, rolloutCommand, rolloutSteps, stepLabel, RolloutDeps } from "../../src/cli/rollout";
import { run } from "../../src/cli/main";
import { LIFECYCLE_HOOK_MARGIN } from "../../src/layout/drain";

const ROOT = path.resolve(__dirname, "..", "..");
const REF = path.join(ROOT, "examples", "reference", "fleet.yaml");
const GCP = path.join(ROOT, "examples", "gcp", "fleet.yaml");
const REF_LAYOUT = buildLayout(loadFleetFile(REF));
/** A fleet's Os alone: no AI pool, no redeemer or reward node (those steps are tested on their own below). */
const osOnly = (l: FleetLayout): FleetLayout => ({ ...l, regions: l.regions.map((r) => ({ ...r, workerGroups: r.workerGroups.filter((g) => g.kind !== "ai"), redeemer: undefined, reward: undefined })) });
const AWS_LAYOUT = osOnly(REF_LAYOUT);
const GCP_FULL = buildLayout(loadFleetFile(GCP));
const GCP_LAYOUT = osOnly(GCP_FULL);
const TEMP: string[] = [];
afterAll(() => TEMP.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A region with some of its groups turned into AI groups (the kind a parallel branch adds). */
function withAi(r: RegionLayout, names: string[]): RegionLayout {
  return { ...r, workerGroups: r.workerGroups.map((g) => (names.includes(g.name) ? ({ ...g, kind: "ai" } as unknown as WorkerGroupLayout) : g)) };
}
const fleetWith = (l: FleetLayout, r: RegionLayout): FleetLayout => ({ ...l, regions: l.regions.map((x) => (x.name === r.name ? r : x)) });

describe("rolloutSteps: the order a region rolls in (pure)", () => {
  const r = AWS_LAYOUT.regions[0];
  const o = (name: string) => ({ name } as any);
  const g = (name: string, kind: string) => ({ name, kind } as any);
  test.each<[string, { orchestrators: any[]; workerGroups: any[] }, string[]]>([
    ["transcoder groups need no step: Os one by one, in spec order", { orchestrators: [o("o1"), o("o2"), o("o3")], workerGroups: [g("t4-o1", "transcoder"), g("t4-o2", "transcoder")] }, ["orchestrator o1", "orchestrator o2", "orchestrator o3"]],
    ["AI groups first (an O refuses AI workers older than itself), then the Os", { orchestrators: [o("o1"), o("o2")], workerGroups: [g("t4-o1", "transcoder"), g("sd-o1", "ai"), g("sd-o2", "ai")] }, ["AI worker group sd-o1", "AI worker group sd-o2", "orchestrator o1", "orchestrator o2"]],
    ["a region of one O", { orchestrators: [o("o1")], workerGroups: [] }, ["orchestrator o1"]],
    ["no O, no AI group: nothing to do", { orchestrators: [], workerGroups: [g("t4-o1", "transcoder")] }, []],
  ])("%s", (_n, region, want) => expect(rolloutSteps(region).map(stepLabel)).toEqual(want));

  test("the reference region without AI: its two Os, never two at once (each a step of its own)", () => {
    const steps = rolloutSteps(r);
    expect(steps.map((s) => s.kind)).toEqual(["orchestrator", "orchestrator"]);
    expect(steps.map((s) => (s.kind === "orchestrator" ? s.node.resourceName : ""))).toEqual(["ref-use1-o1", "ref-use1-o2"]);
  });

  test("the reference region as planned: its AI groups (sdxl) before any O; the reward node last, the redeemer only when asked", () => {
    expect(rolloutSteps(REF_LAYOUT.regions[0]).map(stepLabel)).toEqual(["AI worker group sdxl-o1", "AI worker group sdxl-o2", "orchestrator o1", "orchestrator o2", "reward reward"]);
    expect(rolloutSteps(REF_LAYOUT.regions[0], { redeemer: true }).map(stepLabel).slice(-2)).toEqual(["reward reward", "redeemer redeemer"]);
  });
});

// ---- fakes ---------------------------------------------------------------------------------------------
/** Pops the first line of a state file (the last line repeats); prints `$2` when there is no file. */
const POP = String.raw`pop() {
  local f="$FAKE/$1" line
  if [ ! -s "$f" ]; then printf '%s' "$2"; return; fi
  line=$(head -n1 "$f")
  if [ "$(wc -l < "$f")" -gt 1 ]; then tail -n +2 "$f" > "$f.t" && mv "$f.t" "$f"; fi
  printf '%s' "$line"
}`;
const FAKE_AWS = String.raw`echo "aws $*" >> "$FAKE/calls"
${POP}
arg() { local want=$1; shift; while [ $# -gt 0 ]; do if [ "$1" = "$want" ]; then echo "$2"; return; fi; shift; done; }
group=$(arg --auto-scaling-group-name "$@")
case "$2" in
  describe-auto-scaling-groups) f=$(arg --filters "$@"); echo "[\"${"$"}{f##*Values=}-asg\"]" ;;
  start-instance-refresh) echo "refresh-$group" ;;
  describe-instance-refreshes) s=$(pop "refresh-$group" Successful); echo "[\"$s\", \"reason of $s\"]" ;;
  describe-target-groups) echo "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/$(arg --names "$@")/abc" ;;
  describe-target-health) t=$(arg --targets "$@"); t=${"$"}{t#Id=}; pop "health-${"$"}{t%%,*}" healthy; echo ;;
  *) echo "unexpected" >&2; exit 2 ;;
esac`;
const FAKE_GCLOUD = String.raw`echo "gcloud $*" >> "$FAKE/calls"
${POP}
case "$2 $3" in
  "instance-groups managed")
    case "$4" in
      describe) if [ -e "$FAKE/reached-$5" ]; then echo '{"status":{"versionTarget":{"isReached":true}}}'; else echo '{"status":{"versionTarget":{"isReached":false}}}'; fi ;;
      rolling-action) echo "replace $6" >> "$FAKE/events" ;;
      wait-until) [ ! -e "$FAKE/unstable-$5" ] || { echo "ERROR: timed out waiting for $5" >&2; exit 1; } ;;
      list) cat "$FAKE/groups" 2> /dev/null || true ;;
      *) echo "unexpected" >&2; exit 2 ;;
    esac ;;
  "instances add-metadata") echo "drain $4" >> "$FAKE/events" ;;
  "instances get-guest-attributes") v=$(pop "drained-$4" 1); if [ "$v" = missing ]; then echo "ERROR: (gcloud.compute.instances.get-guest-attributes) not found" >&2; exit 1; fi; echo "$v" ;;
  "backend-services get-health") h=$(pop health HEALTHY); echo "[{\"backend\":\"x\",\"status\":{\"healthStatus\":[{\"instance\":\"https://compute/projects/p/zones/z/instances/gref-euw4-o1\",\"healthState\":\"$h\"},{\"instance\":\"https://compute/projects/p/zones/z/instances/gref-euw4-o2\",\"healthState\":\"$h\"}]}}]" ;;
  *) echo "unexpected" >&2; exit 2 ;;
esac`;

interface Fake { dir: string; calls: () => string[]; deps: RolloutDeps; clock: { t: number } }
function fake(state: Record<string, string> = {}): Fake {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-rollout-"));
  TEMP.push(dir);
  fs.mkdirSync(path.join(dir, "bin"));
  fs.writeFileSync(path.join(dir, "bin", "aws"), `#!/bin/bash\n${FAKE_AWS}\n`, { mode: 0o755 });
  fs.writeFileSync(path.join(dir, "bin", "gcloud"), `#!/bin/bash\n${FAKE_GCLOUD}\n`, { mode: 0o755 });
  for (const [k, v] of Object.entries({ calls: "", ...state })) fs.writeFileSync(path.join(dir, k), v);
  const clock = { t: 1_000_000 };
  return {
    dir,
    clock,
    calls: () => fs.readFileSync(path.join(dir, "calls"), "utf8").split("\n").filter(Boolean),
    deps: { env: { ...process.env, PATH: `${dir}/bin:${process.env.PATH}`, FAKE: dir }, now: () => clock.t, sleep: async (ms) => void (clock.t += ms), pollMs: 15_000 },
  };
}
function io() {
  const o = { out: "", err: "" };
  return { o, io: { out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s) } };
}
const opts = (region: string, extra: Partial<{ dryRun: boolean; timeoutMinutes: number; force: boolean; redeemer: boolean }> = {}) => ({ region, dryRun: false, timeoutMinutes: 60, force: false, ...extra });
const lines = (...l: string[]) => l.join("\n") + "\n";

describe("rollout on AWS (fake aws CLI)", () => {
  test("each O in turn: refresh its group of one (terminate first), wait Successful, wait healthy at the NLB, then the next", async () => {
    const f = fake({ "refresh-ref-use1-o1-asg": lines("Pending", "InProgress", "Successful"), "health-10.40.0.204": lines("unused", "initial", "healthy") });
    const { o, io: i } = io();
    expect(await rollout(AWS_LAYOUT, opts("use1"), i, f.deps)).toBe(0);
    const calls = f.calls();
    const idx = (re: RegExp, from = 0) => calls.findIndex((c, n) => n >= from && re.test(c));
    const o1Start = idx(/start-instance-refresh .*ref-use1-o1-asg/);
    const o1Healthy = calls.map((c, n) => (/describe-target-health .*Id=10\.40\.0\.204,/.test(c) ? n : -1)).filter((n) => n >= 0);
    const o2Start = idx(/start-instance-refresh .*ref-use1-o2-asg/);
    expect(calls[0]).toBe("aws autoscaling describe-auto-scaling-groups --region us-east-1 --filters Name=tag:livepeer-fleet:node-id,Values=ref-use1-o1 --query AutoScalingGroups[].AutoScalingGroupName --output json");
    // argv reaches aws untouched (no shell): the JSON preferences keep their quotes
    expect(calls[o1Start]).toBe(`aws autoscaling start-instance-refresh --region us-east-1 --auto-scaling-group-name ref-use1-o1-asg --strategy Rolling --preferences {"MinHealthyPercentage":0,"MaxHealthyPercentage":100,"InstanceWarmup":300,"SkipMatching":true} --query InstanceRefreshId --output text`);
    expect(calls.filter((c) => c.includes("describe-instance-refreshes") && c.includes("o1-asg"))).toHaveLength(3);
    expect(o1Healthy).toHaveLength(3);
    // never two at once: o2's refresh starts only after o1 is healthy again
    expect(o2Start).toBeGreaterThan(Math.max(...o1Healthy));
    expect(calls.filter((c) => c.includes("start-instance-refresh"))).toHaveLength(2);
    expect(o.out).toContain("rollout of region use1 complete");
  });

  test("a refresh that is Baking (waiting out its bake time) is still in progress, not a failure", async () => {
    const f = fake({ "refresh-ref-use1-o1-asg": lines("InProgress", "Baking", "Successful") });
    expect(await rollout(AWS_LAYOUT, opts("use1"), io().io, f.deps)).toBe(0);
    expect(f.calls().filter((c) => c.includes("describe-instance-refreshes") && c.includes("o1-asg"))).toHaveLength(3);
  });

  test("a failed refresh stops the rollout before the next O", async () => {
    const f = fake({ "refresh-ref-use1-o1-asg": lines("InProgress", "Failed") });
    const { o, io: i } = io();
    expect(await rollout(AWS_LAYOUT, opts("use1"), i, f.deps)).toBe(4);
    expect(f.calls().filter((c) => c.includes("start-instance-refresh"))).toEqual([expect.stringContaining("ref-use1-o1-asg")]);
    expect(f.calls().some((c) => c.includes("ref-use1-o2"))).toBe(false);
    expect(o.err).toContain("stopped at orchestrator o1: instance refresh refresh-ref-use1-o1-asg of ref-use1-o1-asg is Failed: reason of Failed");
    expect(o.err).toContain("not started: orchestrator o2");
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ["a refresh that never ends", { "refresh-ref-use1-o1-asg": "InProgress\n" }, /timed out after 5 minutes waiting for instance refresh/],
    ["an O that never becomes healthy", { "health-10.40.0.204": "unhealthy\n" }, /timed out after 5 minutes waiting for o1 \(10\.40\.0\.204\) to be healthy at the load balancer/],
  ])("%s: times out (bounded) and stops", async (_n, state, msg) => {
    const f = fake(state);
    const { o, io: i } = io();
    expect(await rollout(AWS_LAYOUT, opts("use1", { timeoutMinutes: 5 }), i, f.deps)).toBe(4);
    expect(o.err).toMatch(msg);
    expect(f.clock.t - 1_000_000).toBeGreaterThanOrEqual(5 * 60_000);
    expect(f.calls().some((c) => c.includes("ref-use1-o2"))).toBe(false);
  });

  test("no group carries the O's tag (not deployed): stops with a clear message", async () => {
    const f = fake();
    fs.writeFileSync(path.join(f.dir, "bin", "aws"), `#!/bin/bash\necho "aws $*" >> "$FAKE/calls"; echo '[]'\n`, { mode: 0o755 });
    const { o, io: i } = io();
    expect(await rollout(AWS_LAYOUT, opts("use1"), i, f.deps)).toBe(4);
    expect(o.err).toContain("expected exactly one Auto Scaling group tagged livepeer-fleet:node-id=ref-use1-o1, found 0");
  });

  test("AI groups go first: the rollout waits for their own refresh, and a failed one stops it before any O", async () => {
    const r = withAi(AWS_LAYOUT.regions[0], ["t4-o1"]);
    const ok = fake({ "refresh-ref-use1-t4-o1-asg": lines("InProgress", "Successful") });
    expect(await rollout(fleetWith(AWS_LAYOUT, r), opts("use1"), io().io, ok.deps)).toBe(0);
    const calls = ok.calls();
    const waited = calls.map((c, n) => (c.includes("--auto-scaling-group-name ref-use1-t4-o1-asg --max-records 1") ? n : -1)).filter((n) => n >= 0);
    expect(calls[0]).toContain("Values=ref-use1-t4-o1");
    expect(calls[0]).toContain("Name=tag:livepeer-fleet:group,");
    expect(waited).toHaveLength(2);
    expect(calls.findIndex((c) => c.includes("start-instance-refresh"))).toBeGreaterThan(Math.max(...waited));
    expect(calls.some((c) => c.includes("start-instance-refresh") && c.includes("t4"))).toBe(false); // the group rolls itself

    const bad = fake({ "refresh-ref-use1-t4-o1-asg": "Cancelled\n" });
    const { o, io: i } = io();
    expect(await rollout(fleetWith(AWS_LAYOUT, r), opts("use1"), i, bad.deps)).toBe(4);
    expect(bad.calls().some((c) => c.includes("start-instance-refresh"))).toBe(false);
    expect(o.err).toContain("stopped at AI worker group t4-o1: the last instance refresh of ref-use1-t4-o1-asg is Cancelled");
    expect(o.err).toContain("not started: orchestrator o1, orchestrator o2");
  });

  test("--force replaces Os whose instances already match (SkipMatching false)", async () => {
    const f = fake();
    expect(await rollout(AWS_LAYOUT, opts("use1", { force: true }), io().io, f.deps)).toBe(0);
    for (const c of f.calls().filter((x) => x.includes("start-instance-refresh"))) expect(c).toContain('"SkipMatching":false');
  });
});

describe("the redeemer and the reward node (after the Os)", () => {
  test("AWS: each replaced by an instance refresh of its group of one (terminate first), after every O; a failure stops the rest", async () => {
    const full: FleetLayout = { ...REF_LAYOUT, regions: REF_LAYOUT.regions.map((r) => ({ ...r, workerGroups: r.workerGroups.filter((g) => g.kind !== "ai") })) };
    const f = fake();
    expect(await rollout(full, opts("use1", { redeemer: true }), io().io, f.deps)).toBe(0);
    const starts = f.calls().filter((c) => c.includes("start-instance-refresh")).map((c) => /--auto-scaling-group-name (\S+)/.exec(c)![1]);
    expect(starts).toEqual(["ref-use1-o1-asg", "ref-use1-o2-asg", "ref-use1-reward-asg", "ref-use1-redeemer-asg"]);
    for (const c of f.calls().filter((x) => x.includes("start-instance-refresh"))) expect(c).toContain('"MinHealthyPercentage":0');
    // no load balancer wait for them (they are not behind it)
    expect(f.calls().filter((c) => c.includes("describe-target-health"))).toHaveLength(2);
    const bad = fake({ "refresh-ref-use1-reward-asg": lines("InProgress", "Failed") });
    const { o, io: i } = io();
    expect(await rollout(full, opts("use1", { redeemer: true }), i, bad.deps)).toBe(4);
    expect(o.err).toContain("stopped at reward reward");
    expect(o.err).toContain("not started: redeemer redeemer");
  });

  test("GCP: each VM recreated on its disk and addresses, then stable; no drain flag", async () => {
    const full: FleetLayout = { ...GCP_FULL, regions: GCP_FULL.regions.map((r) => ({ ...r, workerGroups: r.workerGroups.filter((g) => g.kind !== "ai") })) };
    const f = fake();
    expect(await rollout(full, opts("euw4", { redeemer: true }), io().io, f.deps)).toBe(0);
    const ev = fs.readFileSync(path.join(f.dir, "events"), "utf8").split("\n").filter(Boolean);
    expect(ev.slice(-2)).toEqual(["replace gref-euw4-reward", "replace gref-euw4-redeemer"]);
    expect(f.calls().filter((c) => c.includes("add-metadata") && /redeemer|reward/.test(c))).toEqual([]);
  });
});

describe("rollout on GCP (fake gcloud)", () => {
  const events = (f: Fake) => fs.readFileSync(path.join(f.dir, "events"), "utf8").split("\n").filter(Boolean);

  test("each O in turn: set the drain flag, wait for drained, recreate, wait stable, wait healthy, then the next", async () => {
    const f = fake({ "drained-gref-euw4-o1": lines("missing", "missing", "1"), health: lines("UNHEALTHY", "HEALTHY") });
    const { o, io: i } = io();
    expect(await rollout(GCP_LAYOUT, opts("euw4"), i, f.deps)).toBe(0);
    expect(events(f)).toEqual(["drain gref-euw4-o1", "replace gref-euw4-o1", "drain gref-euw4-o2", "replace gref-euw4-o2"]);
    const calls = f.calls();
    const o1 = calls.filter((c) => c.includes("gref-euw4-o1"));
    expect(o1).toEqual([
      "gcloud compute instance-groups managed describe gref-euw4-o1 --zone europe-west4-a --project livepeer-fleet-example --format json",
      "gcloud compute instances add-metadata gref-euw4-o1 --zone europe-west4-a --project livepeer-fleet-example --metadata livepeer-fleet-drain=1",
      ...Array(3).fill("gcloud compute instances get-guest-attributes gref-euw4-o1 --zone europe-west4-a --project livepeer-fleet-example --query-path livepeer-fleet/drained --format value(value)"),
      "gcloud compute instance-groups managed rolling-action replace gref-euw4-o1 --zone europe-west4-a --project livepeer-fleet-example --max-unavailable=1 --max-surge=0 --replacement-method=recreate",
      expect.stringMatching(/^gcloud compute instance-groups managed wait-until gref-euw4-o1 --stable --zone europe-west4-a --project livepeer-fleet-example --timeout \d+$/),
    ]);
    const o1Health = calls.map((c, n) => (c.startsWith("gcloud compute backend-services get-health gref-euw4 --region europe-west4") ? n : -1)).filter((n) => n >= 0);
    expect(o1Health.length).toBeGreaterThanOrEqual(3); // UNHEALTHY once, then HEALTHY (o1), HEALTHY (o2)
    expect(calls.findIndex((c) => c.includes("add-metadata gref-euw4-o2"))).toBeGreaterThan(o1Health[1]);
    expect(o.out).toContain("rollout of region euw4 complete");
  });

  test("no drained report within the bound (drainSeconds + margin): recreates anyway, logged", async () => {
    const f = fake({ "drained-gref-euw4-o1": "missing\n" });
    const { o, io: i } = io();
    expect(await rollout(GCP_LAYOUT, opts("euw4"), i, f.deps)).toBe(0);
    expect(o.out).toContain(`gref-euw4-o1 did not report drained within ${600 + LIFECYCLE_HOOK_MARGIN} s (drain bound + margin): replacing it anyway`);
    expect(events(f)).toContain("replace gref-euw4-o1");
  });

  test("a group that does not become stable stops the rollout before the next O", async () => {
    const f = fake({ "unstable-gref-euw4-o1": "" });
    const { o, io: i } = io();
    expect(await rollout(GCP_LAYOUT, opts("euw4"), i, f.deps)).toBe(4);
    expect(o.err).toContain("stopped at orchestrator o1");
    expect(o.err).toContain("timed out waiting for gref-euw4-o1");
    expect(f.calls().some((c) => c.includes("gref-euw4-o2"))).toBe(false);
  });

  test("an O already on its group's template is skipped (no drain), unless --force", async () => {
    const f = fake({ "reached-gref-euw4-o1": "" });
    const { o, io: i } = io();
    expect(await rollout(GCP_LAYOUT, opts("euw4"), i, f.deps)).toBe(0);
    expect(o.out).toContain("gref-euw4-o1 already runs its group's template: skipped");
    expect(events(f)).toEqual(["drain gref-euw4-o2", "replace gref-euw4-o2"]);
    const g = fake({ "reached-gref-euw4-o1": "" });
    expect(await rollout(GCP_LAYOUT, opts("euw4", { force: true }), io().io, g.deps)).toBe(0);
    expect(events(g)).toEqual(["drain gref-euw4-o1", "replace gref-euw4-o1", "drain gref-euw4-o2", "replace gref-euw4-o2"]);
  });
});

describe("the command line", () => {
  test("a step timeout shorter than one O's drain + replacement is a usage error (it would leave an O drained)", async () => {
    const { o, io: i } = io();
    expect(await run(["rollout", "--config", REF, "--region", "use1", "--dry-run", "--timeout-minutes", "20"], i)).toBe(2);
    expect(o.err).toMatch(/--timeout-minutes 20 is shorter than one orchestrator's replacement \(drain bound \+ 180 s \+ 900 s = 28 min\)/);
    expect(await run(["rollout", "--config", REF, "--region", "use1", "--dry-run", "--timeout-minutes", "28"], io().io)).toBe(0);
  });

  test("output piped into a reader that stops early ends quietly (no EPIPE stack trace)", () => {
    const { spawnSync } = require("child_process");
    const r = spawnSync("bash", ["-c", `node ${path.join(ROOT, "bin", "livepeer-fleet.js")} rollout --config ${REF} --region use1 --dry-run | head -1`], { encoding: "utf8" });
    expect(r.stdout).toMatch(/^dry run: rollout of region use1/);
    expect(r.stderr).not.toMatch(/EPIPE|Error/);
  });
  test("--dry-run on GCP with AI groups: one placeholder group per wait, never a name split into words", async () => {
    const { o, io: i } = io();
    expect(await run(["rollout", "--config", path.join(ROOT, "examples", "multi-region", "fleet.yaml"), "--region", "euw4", "--dry-run"], i)).toBe(0);
    const waits = o.out.split("\n").filter((l) => l.includes("wait-until") && l.includes("--version-target-reached"));
    expect(waits).toEqual(["a", "b"].map((z) => `  $ gcloud compute instance-groups managed wait-until '<group-of-lpf-euw4-sdxl-euw4-${z}>' --version-target-reached --region europe-west4 --project lpf-example-eu --timeout 3600`));
  });

  test("--dry-run (through the main CLI) prints every step and the exact commands and runs nothing", async () => {
    const f = fake();
    const { o, io: i } = io();
    const old = process.env.PATH;
    process.env.PATH = `${f.dir}/bin:${old}`; // a run would be recorded by the fakes
    try {
      expect(await run(["rollout", "--config", REF, "--region", "use1", "--dry-run"], i)).toBe(0);
    } finally {
      process.env.PATH = old;
    }
    expect(f.calls()).toEqual([]);
    expect(o.out).toContain("dry run: rollout of region use1 (aws us-east-1): 5 step(s)");
    expect(o.out).toContain("[1/5] AI worker group sdxl-o1");
    expect(o.out).toContain("[5/5] reward reward");
    expect(o.out).toContain("note: the redeemer is not replaced (add --redeemer, at a moment when the Os are idle); until it is, it runs the old build and the region's version-drift alert fires after 6 hours");
    expect(o.out).toMatch(/\[3\/5\] orchestrator o1\n {2}\$ aws autoscaling describe-auto-scaling-groups --region us-east-1 --filters Name=tag:livepeer-fleet:node-id,Values=ref-use1-o1 /);
    expect(o.out).toContain(`--preferences '{"MinHealthyPercentage":0,"MaxHealthyPercentage":100,"InstanceWarmup":300,"SkipMatching":true}'`);
    expect(o.out).toContain("[4/5] orchestrator o2");
    expect(o.out.indexOf("[4/5]")).toBeGreaterThan(o.out.lastIndexOf("describe-target-health --region us-east-1 --target-group-arn '<target group arn>' --targets Id=10.40.0.204,Port=8935"));
  });

  test.each<[string, string[], number, RegExp]>([
    ["no --region (usage: 2)", ["--config", REF], 2, /--region is required/],
    ["no --config (usage: 2)", ["--region", "use1"], 2, /--config is required/],
    ["a bad timeout (usage: 2)", ["--config", REF, "--region", "use1", "--timeout-minutes", "0"], 2, /--timeout-minutes must be a whole number of minutes from 1 to 1440 \(got "0"\)/],
    ["an unknown flag (usage: 2)", ["--config", REF, "--region", "use1", "--parallel"], 2, /unknown flag --parallel/],
    ["an unknown region (a usage error naming the accepted regions: 2)", ["--config", REF, "--region", "euw1", "--dry-run"], 2, /--region "euw1" is not a region of fleet ref; accepted: use1/],
  ])("%s", async (_n, args, code, msg) => {
    const { o, io: i } = io();
    expect(await run(["rollout", ...args], i)).toBe(code);
    expect(o.err).toMatch(msg);
  });

  test("rolloutCommand takes injected fakes too (what the tests above rely on)", async () => {
    const f = fake();
    expect(await rolloutCommand(["--config", GCP, "--region", "euw4", "--timeout-minutes", "30"], io().io, f.deps)).toBe(0);
    expect(f.calls().filter((c) => c.includes("rolling-action replace"))).toHaveLength(3) // two Os, the reward node (the redeemer only with --redeemer);
  });
});
