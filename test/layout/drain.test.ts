/**
 * The drain agent, the GCP worker shutdown script and the reward catch-up, run for real (bash / python3)
 * with fake cloud tools on PATH (as in boot.test.ts): IMDS / metadata server and go-livepeer's metrics
 * through a curl shim, the AWS CLI and systemctl recorded; the catch-up against a fake JSON-RPC + CLI server.
 * The clock is /proc/uptime replaced by a file the sleep shim advances.
 */
import { spawn, spawnSync } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { DrainSpec } from "../../src/layout/types";
import { BOOT_PATHS, GCE_METADATA } from "../../src/layout/boot";
import {
  DRAIN_PATHS, GCP_DRAIN_KEY, GCP_DRAINED_ATTRIBUTE, LIFECYCLE_HOOK_MARGIN, LIFECYCLE_HOOK_NAME, REWARD_CATCHUP_ABI,
  drainAgentScript, gcpShutdownScript, lifecycleHookTimeout, rewardCatchUpPy, workerShutdownScript,
} from "../../src/layout/drain";

const TEMP: string[] = [];
afterAll(() => TEMP.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

const O: DrainSpec = { role: "orchestrator", seconds: 600, cliPort: 7935, stopUnits: ["livepeer-fleet-livepeer.service"] };
const W: DrainSpec = { role: "worker", seconds: 0, stopUnits: ["livepeer-fleet-livepeer.service", "livepeer-fleet-sidecar.service"] };
const AWS = { cloud: "aws" as const, region: "us-east-1", secretLocators: {} };
const GCP = { cloud: "gcp" as const, secretLocators: {} };

/**
 * curl: IMDSv2 (token; target-lifecycle-state from $FAKE/states, one line per call, the last repeating;
 * instance-id), GCE metadata ($FAKE/flag holds the drain key's value once $FAKE/flag-after wait calls
 * passed; guest attribute PUT/DELETE recorded with the body), go-livepeer metrics ($FAKE/sessions, one value
 * per call, `fail` = no answer, the last repeating).
 */
const CURL = String.raw`args="$*"
pop() { # file: first line, kept when it is the last one
  local f=$1 line
  line=$(head -n1 "$f")
  if [ "$(wc -l < "$f")" -gt 1 ]; then tail -n +2 "$f" > "$f.t" && mv "$f.t" "$f"; fi
  printf '%s' "$line"
}
case "$args" in
  *"-X PUT"*api/token*) echo TOKEN ;;
  *"X-aws-ec2-metadata-token: TOKEN"*target-lifecycle-state) echo "imds state" >> "$FAKE/calls"; pop "$FAKE/states" ;;
  *"X-aws-ec2-metadata-token: TOKEN"*instance-id) echo i-0123456789abcdef0 ;;
  *127.0.0.1:7935/metrics*)
    v=$(pop "$FAKE/sessions"); echo "metrics $v" >> "$FAKE/calls"
    [ "$v" != fail ] || exit 7
    printf '# TYPE livepeer_current_sessions_total gauge\nlivepeer_current_sessions_total{node_id="a b",node_type="orch"} %s\nlivepeer_current_sessions_total_other 99\n' "$v" ;;
  *"Metadata-Flavor: Google"*wait_for_change=true*)
    echo "metadata wait" >> "$FAKE/calls"; n=$(cat "$FAKE/waits" 2> /dev/null || echo 0); echo $((n + 1)) > "$FAKE/waits" ;;
  *"-X DELETE"*"Metadata-Flavor: Google"*guest-attributes*) echo "guest delete ${"$"}{args##* }" >> "$FAKE/calls" ;;
  *"-X PUT"*"Metadata-Flavor: Google"*guest-attributes*) echo "guest put ${"$"}{args##* } $(cat)" >> "$FAKE/calls"; [ -z "$PUT_FAILS" ] ;;
  *"Metadata-Flavor: Google"*attributes/${GCP_DRAIN_KEY})
    n=$(cat "$FAKE/waits" 2> /dev/null || echo 0)
    if [ -e "$FAKE/flag" ] && [ "$n" -ge "$(cat "$FAKE/flag-after")" ]; then cat "$FAKE/flag"; else exit 22; fi ;;
  *) echo "unexpected curl $args" >> "$FAKE/calls"; exit 22 ;;
esac`;

const SHIMS: Record<string, string> = {
  curl: CURL,
  aws: String.raw`echo "aws $*" >> "$FAKE/calls"
case "$*" in
  *describe-auto-scaling-instances*) echo ref-use1-o1-20240101abcdef ;;
  *complete-lifecycle-action*) [ -z "$AWS_FAILS" ] ;;
esac`,
  systemctl: String.raw`echo "systemctl $*" >> "$FAKE/calls"`,
  sleep: String.raw`echo "sleep $*" >> "$FAKE/calls"; t=$(cut -d' ' -f1 "$FAKE/uptime"); echo "$(( ${"$"}{t%.*} + $1 )).00 1.0" > "$FAKE/uptime"`,
};

interface Run { status: number | null; out: string; calls: string[]; dir: string; clock: number }
function runAgent(script: string, files: Record<string, string>, env: Record<string, string> = {}): Run {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-drain-"));
  TEMP.push(dir);
  fs.mkdirSync(path.join(dir, "bin"));
  for (const [name, body] of Object.entries(SHIMS)) fs.writeFileSync(path.join(dir, "bin", name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  for (const [name, text] of Object.entries({ uptime: "1000.42 5.0\n", calls: "", ...files })) fs.writeFileSync(path.join(dir, name), text);
  // the clock and the draining file move into the sandbox (the script names them once each)
  for (const v of ["UPTIME_FILE=/proc/uptime\n", `DRAINING_FILE=${BOOT_PATHS.drainingFile}\n`]) if (script.includes("DRAIN_SECONDS=")) expect(script).toContain(v);
  const s = script.replace("UPTIME_FILE=/proc/uptime\n", `UPTIME_FILE=${dir}/uptime\n`).replace(`DRAINING_FILE=${BOOT_PATHS.drainingFile}\n`, `DRAINING_FILE=${dir}/state/draining\n`);
  const file = path.join(dir, "agent.sh");
  fs.writeFileSync(file, s, { mode: 0o700 });
  const r = spawnSync("bash", [file], { encoding: "utf8", timeout: 30000, env: { ...process.env, ...env, PATH: `${dir}/bin:${process.env.PATH}`, FAKE: dir } });
  const clock = Number(fs.readFileSync(path.join(dir, "uptime"), "utf8").split(".")[0]) - 1000;
  return { status: r.status, out: `${r.stdout}${r.stderr}`, calls: fs.readFileSync(path.join(dir, "calls"), "utf8").split("\n").filter(Boolean), dir, clock };
}
const lines = (...l: string[]) => l.join("\n") + "\n";
const COMPLETE = `aws autoscaling complete-lifecycle-action --region us-east-1 --auto-scaling-group-name ref-use1-o1-20240101abcdef --lifecycle-hook-name ${LIFECYCLE_HOOK_NAME} --instance-id i-0123456789abcdef0 --lifecycle-action-result CONTINUE`;
const STOP = "systemctl stop livepeer-fleet-livepeer.service";
const bashOk = (s: string) => spawnSync("bash", ["-n"], { input: s, encoding: "utf8" }).status === 0;

describe("the lifecycle hook's timeout covers the drain bound", () => {
  test.each<[DrainSpec, number]>([
    [O, 600 + LIFECYCLE_HOOK_MARGIN],
    [{ ...O, seconds: 0 }, LIFECYCLE_HOOK_MARGIN],
    [{ ...O, seconds: 3600 }, 3600 + LIFECYCLE_HOOK_MARGIN],
    [W, LIFECYCLE_HOOK_MARGIN],
  ])("%j → %i s", (d, want) => {
    expect(lifecycleHookTimeout(d)).toBe(want);
    expect(want).toBeLessThanOrEqual(7200); // AWS's maximum
    expect(LIFECYCLE_HOOK_MARGIN).toBeGreaterThanOrEqual(60 + 30); // systemd's stop timeout plus the completion retries
  });
});

describe("AWS orchestrator: drain on Terminated, then complete the lifecycle action", () => {
  const script = drainAgentScript(O, AWS);
  test("sessions reach 0: readiness fails first, go-livepeer stops, the action completes early", () => {
    const r = runAgent(script, { states: lines("InService", "InService", "Terminated"), sessions: lines("3", "2", "0") });
    expect(r.status).toBe(0);
    expect(fs.existsSync(path.join(r.dir, "state", "draining"))).toBe(true);
    const at = (l: string) => r.calls.indexOf(l);
    expect(r.calls.filter((c) => c.startsWith("metrics"))).toEqual(["metrics 3", "metrics 2", "metrics 0"]);
    expect(at(STOP)).toBeGreaterThan(at("metrics 0"));
    expect(at(COMPLETE)).toBeGreaterThan(at(STOP));
    expect(r.calls.filter((c) => c.includes("complete-lifecycle-action"))).toHaveLength(1);
    expect(r.clock).toBeLessThan(60); // well before the 600 s bound
    expect(r.out).toContain("no session left");
    expect(r.out).toContain("completed lifecycle action");
  });

  test("the bound passes with sessions left: stops and completes anyway, at the bound", () => {
    const r = runAgent(drainAgentScript({ ...O, seconds: 30 }, AWS), { states: "Terminated\n", sessions: "5\n" });
    expect(r.status).toBe(0);
    expect(r.out).toContain("drain bound of 30 s reached with 5 session(s) left");
    expect(r.clock).toBeGreaterThanOrEqual(30);
    expect(r.clock).toBeLessThan(30 + 10);
    expect(r.calls.slice(-3)).toEqual([STOP, "aws autoscaling describe-auto-scaling-instances --region us-east-1 --instance-ids i-0123456789abcdef0 --query AutoScalingInstances[0].AutoScalingGroupName --output text", COMPLETE]);
  });

  test("drainSeconds 0: does not wait for sessions", () => {
    const r = runAgent(drainAgentScript({ ...O, seconds: 0 }, AWS), { states: "Terminated\n", sessions: "7\n" });
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("metrics"))).toEqual(["metrics 7"]);
    expect(r.calls).toContain(COMPLETE);
  });

  test("go-livepeer never answers (a failed boot): nothing to drain after 3 tries, completes quickly", () => {
    const r = runAgent(script, { states: "Terminated\n", sessions: "fail\n" });
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("metrics"))).toHaveLength(3);
    expect(r.out).toContain("did not answer 3 times");
    expect(r.calls).toContain(COMPLETE);
    expect(r.clock).toBeLessThan(30);
  });

  test("completing keeps failing: bounded attempts, then the hook's own timeout decides", () => {
    const r = runAgent(script, { states: "Terminated\n", sessions: "0\n" }, { AWS_FAILS: "1" });
    expect(r.status).toBe(1);
    expect(r.calls.filter((c) => c.includes("complete-lifecycle-action"))).toHaveLength(10);
    expect(r.out).toContain("the group continues when the hook times out");
  });

  test("the script is strict, names only its own group's hook and never touches secrets", () => {
    expect(bashOk(script)).toBe(true);
    expect(script).toContain("set -euo pipefail");
    expect(script).toContain(`HOOK=${LIFECYCLE_HOOK_NAME}\n`);
    expect(script).not.toMatch(/secret|keystore|password/i);
  });
});

describe("AWS worker: on Terminated, stop the containers (systemd: docker stop --time 30), then complete", () => {
  test("stops every container unit, reads no metrics, writes no draining file", () => {
    const r = runAgent(drainAgentScript(W, AWS), { states: lines("InService", "Terminated") });
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c.startsWith("systemctl"))).toEqual([STOP, "systemctl stop livepeer-fleet-sidecar.service"]);
    expect(r.calls.filter((c) => c.startsWith("metrics"))).toEqual([]);
    expect(r.calls[r.calls.length - 1]).toBe(COMPLETE);
    expect(fs.existsSync(path.join(r.dir, "state"))).toBe(false);
  });
});

describe("GCP orchestrator: drain when the instance metadata flag is set, then report a guest attribute", () => {
  const script = drainAgentScript(O, GCP);
  test("waits on the metadata server, drains, stops go-livepeer, writes livepeer-fleet/drained = 1", () => {
    const r = runAgent(script, { flag: "1", "flag-after": "2", sessions: lines("1", "0") });
    expect(r.status).toBe(0);
    expect(r.calls.filter((c) => c === "metadata wait")).toHaveLength(2);
    expect(r.calls[0]).toBe(`guest delete ${GCE_METADATA}/instance/guest-attributes/${GCP_DRAINED_ATTRIBUTE}`); // a stale mark is forgotten
    expect(fs.existsSync(path.join(r.dir, "state", "draining"))).toBe(true);
    const put = `guest put ${GCE_METADATA}/instance/guest-attributes/${GCP_DRAINED_ATTRIBUTE} 1`;
    expect(r.calls.indexOf(put)).toBeGreaterThan(r.calls.indexOf(STOP));
    expect(r.calls.indexOf(STOP)).toBeGreaterThan(r.calls.indexOf("metrics 0"));
    expect(r.calls.filter((c) => c.startsWith("aws"))).toEqual([]);
  });

  test("a flag of 0 does not drain (nothing is stopped while it stays 0)", () => {
    // the flag stays 0: the agent would wait forever, so cut it off with the timeout and look at what it did
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-drain-"));
    TEMP.push(dir);
    const bin = path.join(dir, "bin");
    fs.mkdirSync(bin);
    for (const [name, body] of Object.entries(SHIMS)) fs.writeFileSync(path.join(bin, name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
    for (const [name, text] of Object.entries({ uptime: "1000 1\n", calls: "", flag: "0", "flag-after": "0", sessions: "0\n" })) fs.writeFileSync(path.join(dir, name), text);
    const r = spawnSync("bash", ["-c", script], { encoding: "utf8", timeout: 1500, env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, FAKE: dir } });
    const calls = fs.readFileSync(path.join(dir, "calls"), "utf8").split("\n").filter(Boolean);
    expect(r.status).toBeNull(); // still watching when cut off
    expect(calls.filter((c) => c === "metadata wait").length).toBeGreaterThan(1);
    expect(calls.filter((c) => c.startsWith("systemctl") || c.startsWith("guest put"))).toEqual([]);
  });

  test("the guest attribute cannot be written: bounded attempts, exits non-zero (the rollout's bound then decides)", () => {
    const r = runAgent(script, { flag: "1", "flag-after": "0", sessions: "0\n" }, { PUT_FAILS: "1" });
    expect(r.status).toBe(1);
    expect(r.calls.filter((c) => c.startsWith("guest put"))).toHaveLength(10);
  });
});

describe("GCP worker shutdown script", () => {
  test("the metadata shutdown-script runs the installed script only when boot installed it", () => {
    const s = gcpShutdownScript();
    expect(bashOk(s)).toBe(true);
    expect(s).toContain(`if [ -x ${DRAIN_PATHS.shutdown} ]; then exec ${DRAIN_PATHS.shutdown}; fi`);
    expect(spawnSync("bash", ["-c", s], { encoding: "utf8" }).status).toBe(0); // not installed here: nothing, no error
  });

  test("stops every container unit through systemd and exits 0", () => {
    const r = runAgent(workerShutdownScript(W), {});
    expect(r.status).toBe(0);
    expect(r.calls).toEqual([STOP, "systemctl stop livepeer-fleet-sidecar.service"]);
  });
});

// ---- reward catch-up against a fake JSON-RPC endpoint and a fake go-livepeer CLI ----------------------
const CONTROLLER = "0xd8e8328501e9645d16cf49539efc04f734606ee4";
const RM = "0x" + "11".repeat(20);
const BM = "0x" + "22".repeat(20);
const TRANSCODER = "0x254047e5Bb2e8D0B84Ad98753257251014BEc3aD";
const word = (n: number | bigint | string) => (typeof n === "string" ? n.toLowerCase().replace(/^0x/, "") : BigInt(n).toString(16)).padStart(64, "0");

interface Chain { current: number; last: number; initialized: boolean; active: boolean; rpcFails?: boolean; rewardWorks: boolean; rewards: number; transcoderArgs: string[] }
async function catchUp(chain: Chain, extra: string[] = []): Promise<{ code: number | null; out: string }> {
  const a = REWARD_CATCHUP_ABI;
  const server = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      if (req.url === "/cli/status") return void res.end("{}");
      if (req.url === "/cli/reward" && req.method === "POST") {
        chain.rewards++;
        if (chain.rewardWorks) chain.last = chain.current;
        return void res.end();
      }
      if (req.url !== "/rpc" || chain.rpcFails) return void (res.statusCode = 500, res.end());
      const { id, params } = JSON.parse(body);
      const { to, data } = params[0] as { to: string; data: string };
      const sel = data.slice(0, 10);
      let result: string | undefined;
      if (to === CONTROLLER && sel === a.getContract) result = data.slice(10) === a.roundsManagerKey.slice(2) ? word(RM) : data.slice(10) === a.bondingManagerKey.slice(2) ? word(BM) : word(0);
      else if (to === RM && sel === a.currentRound) result = word(chain.current);
      else if (to === RM && sel === a.currentRoundInitialized) result = word(chain.initialized ? 1 : 0);
      else if (to === BM && sel === a.getTranscoder) (chain.transcoderArgs.push(data.slice(10)), (result = [chain.last, 5, 6, 7, 8, 9, 0, 0, 0, 0].map(word).join("")));
      else if (to === BM && sel === a.isActiveTranscoder) result = word(chain.active ? 1 : 0);
      res.setHeader("Content-Type", "application/json");
      res.end(JSON.stringify(result === undefined ? { jsonrpc: "2.0", id, error: { code: -32000, message: "execution reverted" } } : { jsonrpc: "2.0", id, result: "0x" + result }));
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  const port = (server.address() as net.AddressInfo).port;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-reward-"));
  TEMP.push(dir);
  fs.writeFileSync(path.join(dir, "catchup.py"), rewardCatchUpPy());
  try {
    return await new Promise((resolve) => {
      const p = spawn("python3", ["-I", path.join(dir, "catchup.py"), "--rpc-url", `http://127.0.0.1:${port}/rpc`, "--cli-url", `http://127.0.0.1:${port}/cli`,
        "--controller", CONTROLLER, "--transcoder", TRANSCODER, "--delay", "0", "--interval", "0", "--attempts", "3", "--wait-tries", "2", ...extra]);
      let out = "";
      p.stdout.on("data", (d) => (out += d));
      p.stderr.on("data", (d) => (out += d));
      p.on("close", (code) => resolve({ code, out }));
    });
  } finally {
    server.close();
  }
}
const chain = (c: Partial<Chain>): Chain => ({ current: 4000, last: 3999, initialized: true, active: true, rewardWorks: true, rewards: 0, transcoderArgs: [], ...c });

describe("reward catch-up at boot (python3 against a fake chain and CLI)", () => {
  test("missed round: calls the loopback CLI's /reward exactly once and confirms it on chain", async () => {
    const c = chain({});
    const r = await catchUp(c);
    expect(r.code).toBe(0);
    expect(c.rewards).toBe(1);
    expect(r.out).toContain("last reward round 3999 < current round 4000");
    expect(r.out).toContain("reward called for round 4000");
    expect(new Set(c.transcoderArgs)).toEqual(new Set([word(TRANSCODER)])); // the registered orchestrator's record
  });

  test.each<[string, Partial<Chain>, RegExp]>([
    ["already called this round", { last: 4000 }, /reward already called for round 4000/],
    ["not active", { active: false }, /not active in round 4000/],
    ["round not initialized", { initialized: false }, /round 4000 is not initialized/],
  ])("%s: no call", async (_n, c0, msg) => {
    const c = chain(c0);
    const r = await catchUp(c);
    expect(r.code).toBe(0);
    expect(c.rewards).toBe(0);
    expect(r.out).toMatch(msg);
  });

  test("the chain cannot be read: bounded retries, no call, exit 0 (never fatal)", async () => {
    const c = chain({ rpcFails: true });
    const r = await catchUp(c);
    expect(r.code).toBe(0);
    expect(c.rewards).toBe(0);
    expect(r.out.match(/reading the chain failed/g)).toHaveLength(3);
    expect(r.out).toContain("gave up reading the chain after 3 attempts");
  });

  test("the call does not land: still only one call (no retry loop spending gas)", async () => {
    const c = chain({ rewardWorks: false });
    const r = await catchUp(c);
    expect(r.code).toBe(0);
    expect(c.rewards).toBe(1);
    expect(r.out).toContain("reward not confirmed on chain yet");
  });

  test("the CLI never comes up: no chain reads, no call, exit 0", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-reward-"));
    TEMP.push(dir);
    fs.writeFileSync(path.join(dir, "catchup.py"), rewardCatchUpPy());
    const dead = await new Promise<{ code: number | null; out: string }>((resolve) => {
      // port 9 (discard) on loopback: nothing listens
      const p = spawn("python3", ["-I", path.join(dir, "catchup.py"), "--rpc-url", "http://127.0.0.1:9/rpc", "--cli-url", "http://127.0.0.1:9/cli", "--controller", CONTROLLER, "--transcoder", TRANSCODER, "--interval", "0", "--wait-tries", "2"]);
      let out = "";
      p.stderr.on("data", (d) => (out += d));
      p.on("close", (code) => resolve({ code, out }));
    });
    expect(dead.code).toBe(0);
    expect(dead.out).toContain("go-livepeer's CLI did not answer; no catch-up");
    expect(dead.out).not.toContain("calling reward");
  });
});
