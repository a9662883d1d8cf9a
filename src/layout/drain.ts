/**
 * Draining and reward catch-up on the instance (issue #6). Pure: a node's BootSpec → extra files and
 * systemd units for its boot script (wired into bootPlan in boot.ts), plus the layout step that decides
 * which nodes get them and the figures the cloud components use (lifecycle hook timeout, hook name).
 *
 * go-livepeer has no drain mode and gateways keep talking to an O's own -serviceAddr after discovery
 * (livepeer.md §9, §10), so draining an O = fail its readiness (the draining file: the load balancer and
 * DNS drop it), wait until livepeer_current_sessions_total is 0 or the bound passes, stop go-livepeer, and
 * only then let the cloud replace it:
 *  - AWS (O and worker groups): a terminate lifecycle hook holds the instance in Terminating:Wait; the
 *    agent polls IMDSv2 `autoscaling/target-lifecycle-state`, drains (O) or stops its containers
 *    (workers), then completes the lifecycle action of its own group (IAM allows only that group).
 *  - GCP (O): the agent watches its own instance metadata key `livepeer-fleet-drain` (set by
 *    `livepeer-fleet rollout`), drains, stops go-livepeer and writes the guest attribute
 *    `livepeer-fleet/drained` = 1, which the rollout waits for before it recreates the VM.
 *  - GCP (workers): a shutdown-script stops the worker containers inside GCE's shutdown window.
 * The agent starts first at boot, before anything that can fail, so an instance whose boot failed still
 * completes its lifecycle action quickly (its metrics never answer: nothing to drain).
 */
import { id } from "ethers";
import { PORTS, BootSpec, DrainSpec, RegionLayout, RewardCatchUpSpec } from "./types";
import type { BootContext, BootFile } from "./boot";
import { BOOT_PATHS, GCE_METADATA, shellQuote, systemdQuote, unitName } from "./boot";
import { rpcProxyUrl } from "./argv";
import { NETWORK_CONTRACTS } from "../chain/contracts";
import type { FleetSpec } from "../spec/validate";
import { LIFECYCLE_HOOK_MARGIN } from "./budget";

/** Where the drain pieces are installed. (Literal strings: boot.ts imports this module.) */
export const DRAIN_PATHS = {
  agent: "/usr/local/sbin/livepeer-fleet-drain",
  /** GCP workers: run by the metadata shutdown-script (gcpShutdownScript). */
  shutdown: "/usr/local/sbin/livepeer-fleet-shutdown",
  rewardCatchUp: "/usr/local/lib/livepeer-fleet/reward-catchup.py",
} as const;
export const DRAIN_UNITS = { agent: "livepeer-fleet-drain.service", rewardCatchUp: "livepeer-fleet-reward-catchup.service" } as const;

/** Name of the terminate lifecycle hook on every AWS O and worker group (the agent completes it by name). */
export const LIFECYCLE_HOOK_NAME = "livepeer-fleet-drain";
export { LIFECYCLE_HOOK_MARGIN };
/** The lifecycle hook's heartbeat timeout for a node (AWS allows 30–7200 s). */
export function lifecycleHookTimeout(d: DrainSpec): number {
  return Math.min(7200, Math.max(30, (d.role === "orchestrator" ? d.seconds : 0) + LIFECYCLE_HOOK_MARGIN));
}

/** Instance metadata key `livepeer-fleet rollout` sets on a GCP orchestrator to drain it. */
export const GCP_DRAIN_KEY = "livepeer-fleet-drain";
/** Guest attribute namespace/key the GCP agent writes once drained. */
export const GCP_DRAINED_ATTRIBUTE = "livepeer-fleet/drained";
/** Seconds between the agent's polls (IMDS lifecycle state, metrics). */
export const DRAIN_POLL_SECONDS = 5;
/** Reward catch-up: wait this long after go-livepeer answers, so its own reward service acts first. */
export const REWARD_CATCHUP_DELAY = 600;
/** Reward catch-up: chain reads tried this many times (30 s apart) before giving up (never fatal). */
export const REWARD_CATCHUP_ATTEMPTS = 10;

/**
 * The layout step: every orchestrator drains (bound: `rollout.drainSeconds`), every worker group stops its
 * containers before it goes, and the reward node (mode node / delegated) catches up a missed reward call.
 */
export function withDrain(spec: FleetSpec, r: RegionLayout): RegionLayout {
  const seconds = spec.rollout.drainSeconds;
  const drainOf = (o: RegionLayout["orchestrators"][number]): DrainSpec => ({
    role: "orchestrator",
    seconds,
    cliPort: o.boot.readiness?.cliPort ?? PORTS.cliOrchestrator,
    stopUnits: o.boot.containers.filter((c) => c.name === "livepeer").map((c) => unitName(c.name)),
  });
  const catchUp = (): RewardCatchUpSpec => ({
    cliPort: PORTS.cliReward,
    rpcUrl: rpcProxyUrl(spec.network),
    controller: NETWORK_CONTRACTS[spec.network].controller,
    transcoder: spec.registeredAddress,
  });
  return {
    ...r,
    orchestrators: r.orchestrators.map((o) => ({ ...o, boot: { ...o.boot, drain: drainOf(o) } })),
    workerGroups: r.workerGroups.map((g) => ({
      ...g,
      boot: { ...g.boot, drain: { role: "worker", seconds: 0, stopUnits: g.boot.containers.map((c) => unitName(c.name)).reverse() } },
    })),
    ...(r.reward ? { reward: { ...r.reward, boot: { ...r.reward.boot, rewardCatchUp: catchUp() } } } : {}),
  };
}

const LOG = String.raw`log() { printf '%s: %s\n' "$TAG" "$*" >&2; }
die() { log "ERROR: $*"; exit 1; }
`;

/** Stops the node's containers through systemd (their ExecStop is `docker stop --time 30`; no restart). */
const STOP_LIB = String.raw`stop_units() {
  local u
  for u in "${"$"}{STOP_UNITS[@]}"; do
    if systemctl stop "$u"; then log "stopped $u"; else log "stopping $u failed"; fi
  done
}
`;

/** Orchestrators: fail readiness, then wait until no session is left or the bound passes. */
const DRAIN_LIB = String.raw`now() { cut -d. -f1 "$UPTIME_FILE"; }
sessions() { # livepeer_current_sessions_total summed over label sets (0 when absent); fails when metrics do not answer
  local text
  text=$(curl -fsS --noproxy '*' --max-time 5 "$METRICS_URL") || return 1
  awk '$1 ~ /^livepeer_current_sessions_total($|[{])/ { s += $NF } END { printf "%d\n", s }' <<< "$text"
}
drain_sessions() {
  local deadline n last='' fails=0
  install -d -m 0755 "$(dirname "$DRAINING_FILE")"
  touch "$DRAINING_FILE"
  log "draining: readiness fails from now on (the load balancer and DNS drop this orchestrator); waiting up to $DRAIN_SECONDS s for its sessions to end"
  deadline=$(( $(now) + DRAIN_SECONDS ))
  while :; do
    if n=$(sessions); then
      fails=0
      if [ "$n" -le 0 ]; then log "no session left"; return 0; fi
    else
      fails=$((fails + 1)); n=unknown
      if [ "$fails" -ge 3 ]; then log "go-livepeer's metrics did not answer 3 times in a row: it serves nothing, nothing left to drain"; return 0; fi
    fi
    if [ "$(now)" -ge "$deadline" ]; then log "drain bound of $DRAIN_SECONDS s reached with $n session(s) left; stopping anyway"; return 0; fi
    if [ "$n" != "$last" ]; then log "$n session(s) left"; last=$n; fi
    sleep "$POLL"
  done
}
`;

/** AWS: IMDSv2 reads; the termination signal; completing the lifecycle action of this instance's own group. */
const AWS_LIB = String.raw`export AWS_PAGER=''
imds() { # path under /latest/meta-data/
  local token
  token=$(curl -fsS --max-time 5 -X PUT -H 'X-aws-ec2-metadata-token-ttl-seconds: 300' http://169.254.169.254/latest/api/token) || return 1
  curl -fsS --max-time 5 -H "X-aws-ec2-metadata-token: $token" "http://169.254.169.254/latest/meta-data/$1"
}
wait_for_signal() {
  local state last=''
  while :; do
    state=$(imds autoscaling/target-lifecycle-state 2> /dev/null) || state=unknown
    if [ "$state" = Terminated ]; then log "this instance is being terminated by its Auto Scaling group (lifecycle hook $HOOK holds it)"; return 0; fi
    if [ "$state" != "$last" ]; then log "target lifecycle state: $state"; last=$state; fi
    sleep "$POLL"
  done
}
signal_done() {
  local iid group attempt
  iid=$(imds instance-id) || die "cannot read the instance id from IMDSv2; the group continues when the hook times out"
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if group=$(aws autoscaling describe-auto-scaling-instances --region "$REGION" --instance-ids "$iid" --query 'AutoScalingInstances[0].AutoScalingGroupName' --output text) \
      && [ -n "$group" ] && [ "$group" != None ] \
      && aws autoscaling complete-lifecycle-action --region "$REGION" --auto-scaling-group-name "$group" --lifecycle-hook-name "$HOOK" --instance-id "$iid" --lifecycle-action-result CONTINUE; then
      log "completed lifecycle action $HOOK of $iid in $group: the group may terminate it now"
      return 0
    fi
    log "completing the lifecycle action failed (attempt $attempt/10)"
    sleep 10
  done
  die "could not complete the lifecycle action; the group continues when the hook times out"
}
`;

/** GCP: the drain flag in this instance's own metadata; the drained guest attribute. */
const GCP_LIB = String.raw`flag() { curl -fsS --max-time 5 -H 'Metadata-Flavor: Google' "$METADATA/instance/attributes/$DRAIN_KEY" 2> /dev/null; }
wait_for_signal() {
  local v first=1
  while :; do
    v=$(flag) || v=''
    if [ -n "$v" ] && [ "$v" != 0 ]; then log "instance metadata $DRAIN_KEY is set: draining"; return 0; fi
    if [ "$first" = 1 ]; then
      # Not asked to drain: forget a drained mark from before a reboot.
      curl -fsS --max-time 5 -X DELETE -H 'Metadata-Flavor: Google' "$METADATA/instance/guest-attributes/$DRAINED_ATTRIBUTE" > /dev/null 2>&1 || true
      log "watching instance metadata $DRAIN_KEY"
      first=0
    fi
    # Blocks until any instance attribute changes, or a minute passes.
    curl -fsS -o /dev/null --max-time 75 -H 'Metadata-Flavor: Google' "$METADATA/instance/attributes/?recursive=true&wait_for_change=true&timeout_sec=60" 2> /dev/null || sleep "$POLL"
  done
}
signal_done() {
  local attempt
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    if printf 1 | curl -fsS --max-time 5 -X PUT --data-binary @- -H 'Metadata-Flavor: Google' "$METADATA/instance/guest-attributes/$DRAINED_ATTRIBUTE" > /dev/null; then
      log "wrote guest attribute $DRAINED_ATTRIBUTE=1: this instance may be recreated now"
      return 0
    fi
    log "writing guest attribute $DRAINED_ATTRIBUTE failed (attempt $attempt/10)"
    sleep 5
  done
  die "could not write guest attribute $DRAINED_ATTRIBUTE; the rollout recreates the instance when its bound passes"
}
`;

/** The drain agent (a long-running unit): waits for the cloud's signal, drains, stops, reports. */
export function drainAgentScript(d: DrainSpec, ctx: BootContext): string {
  const q = shellQuote;
  const o = d.role === "orchestrator";
  const vars = [
    `ROLE=${d.role}`,
    `STOP_UNITS=(${d.stopUnits.map(q).join(" ")})`,
    `POLL=${DRAIN_POLL_SECONDS}`,
    ...(o ? [`DRAIN_SECONDS=${d.seconds}`, `METRICS_URL=${q(`http://127.0.0.1:${d.cliPort ?? PORTS.cliOrchestrator}/metrics`)}`, `DRAINING_FILE=${q(BOOT_PATHS.drainingFile)}`, "UPTIME_FILE=/proc/uptime"] : []),
    ...(ctx.cloud === "aws" ? [`REGION=${q(ctx.region)}`, `HOOK=${LIFECYCLE_HOOK_NAME}`] : [`METADATA=${q(GCE_METADATA)}`, `DRAIN_KEY=${GCP_DRAIN_KEY}`, `DRAINED_ATTRIBUTE=${GCP_DRAINED_ATTRIBUTE}`]),
  ];
  const steps = o ? ["wait_for_signal", "drain_sessions", "stop_units", "signal_done"] : ["wait_for_signal", "stop_units", "signal_done"];
  return [
    "#!/bin/bash",
    `# livepeer-fleet drain agent (${d.role}, ${ctx.cloud}; generated): waits for the cloud's signal that this`,
    `# instance is to be replaced, ${o ? "drains it (readiness fails, sessions end or the bound passes), " : ""}stops its containers, then tells the cloud.`,
    "set -euo pipefail", "TAG=livepeer-fleet-drain", ...vars,
    LOG + STOP_LIB + (o ? DRAIN_LIB : "") + (ctx.cloud === "aws" ? AWS_LIB : GCP_LIB) + 'log "drain agent of this $ROLE started"\n' + steps.join("\n"),
    "",
  ].join("\n");
}

/** GCP workers: stop the containers (SIGTERM, 30 s, then SIGKILL) inside GCE's shutdown window. */
export function workerShutdownScript(d: DrainSpec): string {
  return [
    "#!/bin/bash",
    "# livepeer-fleet (GCP worker; generated): run by the guest agent's shutdown-script when the VM stops, is",
    "# deleted or preempted. GCE powers the VM off about 90 s later (30 s for spot), so this must be quick.",
    "set -euo pipefail", "TAG=livepeer-fleet-shutdown", `STOP_UNITS=(${d.stopUnits.map(shellQuote).join(" ")})`,
    LOG + STOP_LIB + "log 'the VM is shutting down: stopping the worker containers'\nstop_units",
    "",
  ].join("\n");
}

/** The GCE `shutdown-script` metadata value of a worker template: runs the installed script (if boot got that far). */
export function gcpShutdownScript(): string {
  return ["#!/bin/bash", `# livepeer-fleet: stop the worker containers (installed at boot: ${DRAIN_PATHS.shutdown}).`, `if [ -x ${DRAIN_PATHS.shutdown} ]; then exec ${DRAIN_PATHS.shutdown}; fi`, ""].join("\n");
}

function agentUnit(d: DrainSpec): string {
  return [
    "[Unit]", `Description=livepeer-fleet drain agent (${d.role}): drain and stop before the cloud replaces this instance`,
    "Wants=network-online.target", "After=network-online.target", "StartLimitIntervalSec=0", "",
    "[Service]", "Type=simple", `ExecStart=${DRAIN_PATHS.agent}`, "Restart=on-failure", "RestartSec=10", "",
    "[Install]", "WantedBy=multi-user.target", "",
  ].join("\n");
}

/** ABI words the catch-up script sends (selectors and Controller keys, computed here once). */
const sel = (sig: string) => id(sig).slice(0, 10);
export const REWARD_CATCHUP_ABI = {
  getContract: sel("getContract(bytes32)"),
  currentRound: sel("currentRound()"),
  currentRoundInitialized: sel("currentRoundInitialized()"),
  getTranscoder: sel("getTranscoder(address)"),
  isActiveTranscoder: sel("isActiveTranscoder(address)"),
  roundsManagerKey: id("RoundsManager"),
  bondingManagerKey: id("BondingManager"),
} as const;

/**
 * The reward catch-up: after go-livepeer's CLI answers and a delay (its own reward service acts on the
 * round first), read the current round and the orchestrator's last reward round through the loopback RPC
 * proxy; if the round is initialized, the orchestrator active and lastRewardRound < currentRound, POST the
 * loopback CLI's /reward ONCE and read the result back. Bounded retries for the reads; always exits 0.
 */
export function rewardCatchUpPy(): string {
  const a = REWARD_CATCHUP_ABI;
  return String.raw`# livepeer-fleet reward catch-up (generated): a reward node that was down at the round boundary calls
# reward once at boot if this round's call is still missing. Never fatal; reads through the loopback RPC
# proxy, calls only the loopback CLI.
import argparse, json, sys, time, urllib.request

GET_CONTRACT, CURRENT_ROUND, ROUND_INITIALIZED = "${a.getContract}", "${a.currentRound}", "${a.currentRoundInitialized}"
GET_TRANSCODER, IS_ACTIVE = "${a.getTranscoder}", "${a.isActiveTranscoder}"
ROUNDS_MANAGER_KEY, BONDING_MANAGER_KEY = "${a.roundsManagerKey}", "${a.bondingManagerKey}"
OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))

def log(msg):
    print("livepeer-fleet-reward-catchup: " + msg, file=sys.stderr, flush=True)

def rpc(url, method, params):
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).encode()
    req = urllib.request.Request(url, data=body, headers={"Content-Type": "application/json"})
    with OPENER.open(req, timeout=20) as r:
        out = json.loads(r.read(1 << 20))
    if "error" in out or not isinstance(out.get("result"), str):
        raise RuntimeError("%s failed: %s" % (method, str(out.get("error"))[:200]))
    return out["result"]

def words(hexdata):
    h = hexdata[2:] if hexdata.startswith("0x") else hexdata
    if len(h) < 64 or len(h) % 64:
        raise RuntimeError("unexpected eth_call result of %d hex digits" % len(h))
    return [int(h[i:i + 64], 16) for i in range(0, len(h), 64)]

def call(a, to, data):
    return words(rpc(a.rpc_url, "eth_call", [{"to": to, "data": data}, "latest"]))

def address_word(addr):
    return addr.lower().replace("0x", "").rjust(64, "0")

def resolve(a, key):
    addr = call(a, a.controller, GET_CONTRACT + key[2:])[0]
    if addr == 0:
        raise RuntimeError("the Controller has no entry " + key)
    return "0x%040x" % addr

def state(a):
    rounds, bonding = resolve(a, ROUNDS_MANAGER_KEY), resolve(a, BONDING_MANAGER_KEY)
    t = address_word(a.transcoder)
    return {
        "initialized": call(a, rounds, ROUND_INITIALIZED)[0] != 0,
        "current": call(a, rounds, CURRENT_ROUND)[0],
        "last": call(a, bonding, GET_TRANSCODER + t)[0],
        "active": call(a, bonding, IS_ACTIVE + t)[0] != 0,
    }

def cli_up(a):
    try:
        with OPENER.open(a.cli_url + "/status", timeout=5) as r:
            return r.status == 200
    except Exception:
        return False

def main():
    p = argparse.ArgumentParser()
    for flag in ("--rpc-url", "--cli-url", "--controller", "--transcoder"):
        p.add_argument(flag, required=True)
    p.add_argument("--delay", type=float, default=${REWARD_CATCHUP_DELAY})
    p.add_argument("--interval", type=float, default=30)
    p.add_argument("--attempts", type=int, default=${REWARD_CATCHUP_ATTEMPTS})
    p.add_argument("--wait-tries", type=int, default=60)
    a = p.parse_args()
    for _ in range(a.wait_tries):
        if cli_up(a):
            break
        time.sleep(a.interval)
    else:
        log("go-livepeer's CLI did not answer; no catch-up (its reward service still runs when it comes up)")
        return
    time.sleep(a.delay)  # go-livepeer's own reward service acts on the round first
    for attempt in range(1, a.attempts + 1):
        try:
            s = state(a)
        except Exception as e:
            log("reading the chain failed (attempt %d/%d): %s" % (attempt, a.attempts, str(e)[:300]))
            time.sleep(a.interval)
            continue
        if not s["initialized"]:
            log("round %d is not initialized; go-livepeer's reward service calls reward after initialization" % s["current"])
        elif s["last"] >= s["current"]:
            log("reward already called for round %d" % s["current"])
        elif not s["active"]:
            log("the orchestrator is not active in round %d: nothing to call" % s["current"])
        else:
            log("last reward round %d < current round %d: calling reward once through the loopback CLI" % (s["last"], s["current"]))
            try:
                with OPENER.open(urllib.request.Request(a.cli_url + "/reward", data=b"", method="POST"), timeout=900) as r:
                    r.read(1 << 16)
            except Exception as e:
                log("the CLI's /reward failed: %s" % str(e)[:300])
            try:
                after = state(a)["last"]
                log(("reward called for round %d" % after) if after >= s["current"] else "reward not confirmed on chain yet; see go-livepeer's log")
            except Exception as e:
                log("could not read the result back: %s" % str(e)[:300])
        return
    log("gave up reading the chain after %d attempts; go-livepeer's reward service still runs" % a.attempts)

if __name__ == "__main__":
    try:
        main()
    except Exception as e:  # never fatal to the node
        log("unexpected error: %s" % str(e)[:300])
    sys.exit(0)
`;
}

function rewardCatchUpUnit(r: RewardCatchUpSpec): string {
  const argv = ["/usr/bin/python3", "-I", DRAIN_PATHS.rewardCatchUp, "--rpc-url", r.rpcUrl, "--cli-url", `http://127.0.0.1:${r.cliPort}`, "--controller", r.controller, "--transcoder", r.transcoder];
  return [
    "[Unit]", "Description=livepeer-fleet: call reward once if this round's call was missed (after go-livepeer is up)",
    `Wants=${unitName("livepeer")}`, `After=network-online.target ${unitName("livepeer")}`, "",
    // simple, not oneshot: the boot script's `systemctl start` must not wait for it.
    "[Service]", "Type=simple", `ExecStart=${argv.map(systemdQuote).join(" ")}`, "Restart=no",
    "DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "",
    "[Install]", "WantedBy=multi-user.target", "",
  ].join("\n");
}

type AddUnit = (name: string, content: string) => void;

/** bootPlan: the drain agent, installed and started first (before anything that can fail). */
export function addDrainAgent(b: BootSpec, ctx: BootContext, files: BootFile[], unit: AddUnit): void {
  const d = b.drain;
  if (!d) return;
  if (d.role === "worker" && ctx.cloud === "gcp") {
    // GCE has no lifecycle hook: its shutdown-script (gcpShutdownScript) runs this.
    files.push({ path: DRAIN_PATHS.shutdown, mode: "0700", content: workerShutdownScript(d) });
    return;
  }
  files.push({ path: DRAIN_PATHS.agent, mode: "0700", content: drainAgentScript(d, ctx) });
  unit(DRAIN_UNITS.agent, agentUnit(d));
}

/** bootPlan: the reward catch-up, started last (after go-livepeer). */
export function addRewardCatchUp(b: BootSpec, files: BootFile[], unit: AddUnit): void {
  if (!b.rewardCatchUp) return;
  files.push({ path: DRAIN_PATHS.rewardCatchUp, mode: "0644", content: rewardCatchUpPy() });
  unit(DRAIN_UNITS.rewardCatchUp, rewardCatchUpUnit(b.rewardCatchUp));
}

