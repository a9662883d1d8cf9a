/**
 * Boot scripts on GCP (the examples/gcp fleet): rendered with Secret Manager names and the stateful data
 * disk's device name, then run under bash with shimmed tools (metadata guard, secrets, data disk, the
 * startup-script run twice). The AWS side is boot.test.ts; shared helpers in test/helpers/boot.ts.
 */
import { spawn, spawnSync, ChildProcess } from "child_process";
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { buildLayout, renderRpcProxyConfig } from "../../src/layout/layout";
import { loadFleetFile } from "../../src/spec/load";
import { BootSpec, FleetLayout, PATHS } from "../../src/layout/types";
import {
  AwsBootContext, BOOT_PATHS, BootContext, GcpBootContext, METADATA_IP, READINESS_PY, STARTUP_SCRIPT_LIMIT, UNHEALTHY_ATTEMPTS, UNHEALTHY_MIN_UPTIME, UNITS,
  bootPlan, dockerRunArgv, renderBootScript, shellQuote, systemdQuote, unitName,
} from "../../src/layout/boot";
import { USER_DATA_LIMIT, encodeUserData, gzipUserData } from "../../src/aws/userData";
import { DRAIN_PATHS, DRAIN_UNITS } from "../../src/layout/drain";
import { decodeUserData } from "../helpers/userData";

import { ROOT, REF_FILE, REF_KEYS, RAW, layoutOf, LAYOUT, Kind, Case, arn, ENI, VOL, cases, CASES, render, byKind, fileOf, unitOf, keyLines, words, plaintexts, tempDir, sandbox, sanitize, Sandbox } from "../helpers/boot";

// ---- GCP ---------------------------------------------------------------------------------------------
// The GCP example fleet (examples/gcp): the same BootSpecs, rendered with Secret Manager names and the
// stateful data disk's device name instead of ARNs, an ENI and an EBS volume.

const GCP_FILE = path.join(ROOT, "examples", "gcp", "fleet.yaml");
const GCP_KEYS = path.join(ROOT, "examples", "gcp", "keys");
const GCP_RAW = parse(fs.readFileSync(GCP_FILE, "utf8"));
const GCP_LAYOUT = buildLayout(loadFleetFile(GCP_FILE));
const GCP_PROJECT = "livepeer-fleet-example";
const secretName = (id: string) => `projects/${GCP_PROJECT}/secrets/gref-euw4-${id}`;
const FAKE_TOKEN = "ya29.FAKE-metadata-token_0123456789";

interface GcpCase { kind: Kind; node: { name: string; boot: BootSpec }; ctx: GcpBootContext }
function gcpCases(l: FleetLayout): GcpCase[] {
  return l.regions.flatMap((r) => {
    const secretLocators = Object.fromEntries(r.secrets.map((s) => [s.id, secretName(s.id)]));
    const pinned = (kind: Kind, n: { name: string; boot: BootSpec }): GcpCase => ({
      kind, node: n, ctx: { cloud: "gcp", secretLocators, privateIp: "10.60.0.9", ...(n.boot.dataVolume ? { dataDiskDeviceName: "data" } : {}) },
    });
    return [
      ...r.orchestrators.map((o) => pinned("orchestrator", o)),
      ...(r.redeemer ? [pinned("redeemer", r.redeemer)] : []),
      ...(r.reward ? [pinned("reward", r.reward)] : []),
      ...r.workerGroups.map((g): GcpCase => ({ kind: "worker", node: { name: g.name, boot: g.boot }, ctx: { cloud: "gcp", secretLocators } })),
    ];
  });
}
const GCP_CASES = gcpCases(GCP_LAYOUT);
const gcpByKind = (k: Kind) => GCP_CASES.find((c) => c.kind === k)!;

/** Every plaintext secret of the GCP example, its RPC proxy config and the keystores' ciphertexts. */
function gcpPlaintexts(): string[] {
  const out: string[] = [GCP_RAW.orchSecret, ...GCP_RAW.rpcUrls, renderRpcProxyConfig(GCP_RAW.network, GCP_RAW.rpcUrls)];
  const walk = (v: any): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) (k === "password" ? out.push(x as string) : walk(x));
  };
  walk(GCP_RAW);
  for (const f of fs.readdirSync(GCP_KEYS).filter((f) => f.endsWith(".json"))) {
    const k = JSON.parse(fs.readFileSync(path.join(GCP_KEYS, f), "utf8"));
    out.push((k.Crypto ?? k.crypto).ciphertext, (k.Crypto ?? k.crypto).mac);
  }
  return out;
}

describe("rendered boot scripts (GCP example fleet)", () => {
  test("the GCP example covers every kind of node", () => {
    expect(new Set(GCP_CASES.map((c) => c.kind))).toEqual(new Set(["orchestrator", "redeemer", "reward", "worker"]));
  });

  test.each(GCP_CASES.map((c) => [c.node.name, c] as const))("%s: bash -n passes; no secret, no AWS, no attach call; strict mode", (_n, c) => {
    const scripts = [render(c), ...bootPlan(c.node, c.ctx).files.filter((f) => f.content.startsWith("#!/bin/bash")).map((f) => f.content)];
    for (const s of scripts) {
      const r = spawnSync("bash", ["-n"], { input: s, encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
      expect(s).toContain("set -euo pipefail");
      for (const p of gcpPlaintexts()) expect(s).not.toContain(p);
      expect(s).not.toMatch(/\baws\b|AWS_PAGER|eni-|vol-|attach-|gcloud|unhealthy/i);
      expect(s).not.toMatch(/set\s+-[a-zA-Z]*x|xtrace|bash\s+-x/);
    }
    expect(fileOf(c, BOOT_PATHS.networkInterfaceScript)).toBeUndefined();
    expect(fileOf(c, BOOT_PATHS.unhealthyScript)).toBeUndefined();
    // the metadata server's address only in the guard that keeps containers away from it
    const withIp = bootPlan(c.node, c.ctx).files.filter((f) => f.content.includes(METADATA_IP)).map((f) => f.path);
    expect(withIp).toEqual(c.kind === "worker" ? [] : [BOOT_PATHS.metadataGuardScript]);
    expect(render(c).split("\n").filter((l) => l.includes(METADATA_IP) && !l.startsWith("METADATA_IP="))).toEqual([]);
  });

  test.each(GCP_CASES.map((c) => [c.node.name, c] as const))("%s: a bridged container (the RPC proxy) starts only behind the metadata guard; host-network ones need none", (_n, c) => {
    for (const ct of c.node.boot.containers) {
      const pre = keyLines(unitOf(c, ct.name), "ExecStartPre");
      expect(pre).toEqual([`-/usr/bin/docker rm -f ${ct.name}`, `${BOOT_PATHS.secretsScript} check`, ...(ct.network === "host" ? [] : [BOOT_PATHS.metadataGuardScript])]);
    }
    expect(fileOf(c, BOOT_PATHS.metadataGuardScript)?.mode).toBe(c.kind === "worker" ? undefined : "0700");
    const aws = CASES.find((x) => x.kind === c.kind)!;
    expect(fileOf(aws, BOOT_PATHS.metadataGuardScript)).toBeUndefined(); // AWS: IMDSv2 hop limit 1 refuses bridged containers
  });

  test.each(GCP_CASES.map((c) => [c.node.name, c] as const))("%s: every secret is read by its Secret Manager name and checked; keystore account checked on wallet nodes", (_n, c) => {
    const script = fileOf(c, BOOT_PATHS.secretsScript)!;
    expect(script.mode).toBe("0700");
    for (const s of c.node.boot.secrets) {
      expect(script.content).toContain(`fetch_one ${s.id} ${secretName(s.id)} ${s.file}${s.owner !== undefined ? ` ${s.owner}` : ""}\n`);
      expect(script.content).toContain(`check_one ${s.id} "$DIR"/${s.file}`);
    }
    expect(script.content).toContain("METADATA=http://metadata.google.internal/computeMetadata/v1\n");
    expect(script.content).toContain("API=https://secretmanager.googleapis.com/v1\n");
    expect(script.content).toContain("-H 'Metadata-Flavor: Google' \"$METADATA/instance/service-accounts/default/token\"");
    expect(script.content).toContain('"$API/$2/versions/latest:access"');
    // the token reaches curl on stdin, never on its command line
    expect(script.content).toContain("curl -fsS --max-time 20 -K - ");
    expect(script.content).not.toMatch(/-H "Authorization/);
    const ks = script.content.split("\n").filter((l) => l.startsWith("  check_keystore "));
    expect(ks.length).toBe(c.kind === "worker" ? 0 : 1);
    if (c.kind === "worker") expect(c.node.boot.secrets.map((s) => s.id)).toEqual(["orch-secret"]);
  });

  test("the data disk is mounted from its stable device path, only on redeemer and reward; units wait for it", () => {
    for (const c of GCP_CASES) expect(fileOf(c, BOOT_PATHS.dataVolumeScript) !== undefined).toBe(c.kind === "redeemer" || c.kind === "reward");
    const rd = gcpByKind("redeemer");
    const disk = fileOf(rd, BOOT_PATHS.dataVolumeScript)!.content;
    expect(disk).toContain("DEV=/dev/disk/by-id/google-data\n");
    expect(disk).toContain(`MNT=${PATHS.dataDir}\n`);
    expect(disk).toContain('blkid -p "$DEV"');
    const lp = unitOf(rd, "livepeer");
    expect(words(lp, "Requires")).toEqual(expect.arrayContaining([UNITS.secrets, UNITS.dataVolume]));
    expect(words(lp, "Requires")).not.toContain(UNITS.networkInterface);
    expect(bootPlan(rd.node, rd.ctx).units).toEqual([UNITS.dataVolume, UNITS.secrets, unitName("rpc-proxy"), unitName("livepeer"), unitName("metrics-agent")]);
    const o = gcpByKind("orchestrator");
    expect(bootPlan(o.node, o.ctx).units).toEqual([DRAIN_UNITS.agent, UNITS.secrets, unitName("rpc-proxy"), unitName("livepeer"), unitName("metrics-agent"), UNITS.readiness]);
  });

  test("the containers run exactly as on AWS: same docker argv and go-livepeer argv per unit", () => {
    for (const c of GCP_CASES) {
      for (const ct of c.node.boot.containers) {
        expect(keyLines(unitOf(c, ct.name), "ExecStart")).toEqual([["/usr/bin/docker", ...dockerRunArgv(ct)].map(systemdQuote).join(" ")]);
      }
    }
  });

  test("the startup-script installs once: a later boot (the guest agent runs it every time) exits early", () => {
    const s = render(gcpByKind("orchestrator"));
    const lines = s.split("\n");
    const guard = lines.findIndex((l) => l.startsWith(`if [ -e ${BOOT_PATHS.installedMarker} ]; then`));
    expect(guard).toBeGreaterThan(0);
    expect(guard).toBeLessThan(lines.findIndex((l) => l.startsWith("install -d")));
    expect(lines.at(-3)).toBe(`touch ${BOOT_PATHS.installedMarker}`);
    expect(render(byKind("orchestrator"))).not.toContain("boot-installed");
  });

  test("deterministic, and refuses inconsistent input", () => {
    const again = gcpCases(buildLayout(loadFleetFile(GCP_FILE)));
    GCP_CASES.forEach((c, i) => expect(render(again[i])).toBe(render(c)));
    const o = gcpByKind("orchestrator"), rd = gcpByKind("redeemer");
    const { "orch-secret": _drop, ...fewer } = o.ctx.secretLocators;
    expect(() => render({ ...o, ctx: { ...o.ctx, secretLocators: fewer } })).toThrow(/no secret name given for secret orch-secret/);
    expect(() => render({ ...o, ctx: { ...o.ctx, secretLocators: { ...o.ctx.secretLocators, "orch-secret": "arn:aws:secretsmanager:x" } } })).toThrow(/projects\/<project>\/secrets\/<secret id>/);
    expect(() => render({ ...rd, ctx: { cloud: "gcp", secretLocators: rd.ctx.secretLocators } })).toThrow(/no dataDiskDeviceName was given/);
    expect(() => render({ ...o, ctx: { ...o.ctx, dataDiskDeviceName: "data" } })).toThrow(/without a data volume/);
    expect(() => render({ ...rd, ctx: { ...rd.ctx, dataDiskDeviceName: "Data Disk" } })).toThrow(/not a device name/);
  });
});

describe("the GCP metadata guard, run with a fake iptables", () => {
  /** iptables shim: DOCKER-USER exists when $FAKE/chain does; its rules are the lines of that file. */
  const iptables = String.raw`echo "iptables $*" >> "$FAKE/calls"
[ "$1" = -w ] || exit 2; shift
if [ "$1" = -n ]; then shift; fi
op=$1; chain=$2; shift 2
[ "$chain" = DOCKER-USER ] || exit 2
[ -f "$FAKE/chain" ] || { echo "iptables: No chain/target/match by that name." >&2; exit 1; }
case "$op" in
  -L) exit 0;;
  -C) grep -qxF -- "$*" "$FAKE/chain";;
  -I) [ "$1" = 1 ] || exit 2; shift; { echo "$*"; cat "$FAKE/chain"; } > "$FAKE/chain.new"; mv "$FAKE/chain.new" "$FAKE/chain";;
  *) exit 2;;
esac`;
  const rule = `-d ${METADATA_IP}/32 -j DROP`;
  function guardRun(chain: string[] | undefined) {
    const sb = sandbox({ iptables });
    fs.writeFileSync(path.join(sb.dir, "calls"), "");
    if (chain) fs.writeFileSync(path.join(sb.dir, "chain"), chain.map((l) => `${l}\n`).join(""));
    const r = sb.run(fileOf(gcpByKind("orchestrator"), BOOT_PATHS.metadataGuardScript)!.content);
    return { r, calls: sb.read("calls").split("\n").filter(Boolean), rules: chain ? sb.read("chain").split("\n").filter(Boolean) : [] };
  }

  test("inserts the rule dropping forwarded (container) traffic to the metadata server first in DOCKER-USER", () => {
    const { r, calls, rules } = guardRun(["-j RETURN"]);
    expect(r.status).toBe(0);
    expect(rules).toEqual([rule, "-j RETURN"]);
    expect(calls).toContain(`iptables -w -I DOCKER-USER 1 ${rule}`);
    expect(r.out).toContain(`dropping containers' traffic to the metadata server (${METADATA_IP})`);
  });

  test("idempotent: a rule already in place (a container restart) is not added twice", () => {
    const { r, calls, rules } = guardRun([rule, "-j RETURN"]);
    expect(r.status).toBe(0);
    expect(rules).toEqual([rule, "-j RETURN"]);
    expect(calls.filter((l) => l.includes(" -I "))).toEqual([]);
  });

  test("no DOCKER-USER chain: refuses (the container does not start unguarded)", () => {
    const { r, calls } = guardRun(undefined);
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("no DOCKER-USER chain");
    expect(calls.filter((l) => l.includes(" -I "))).toEqual([]);
  });
});

describe("the GCP secrets script, run for real against a fake metadata server and Secret Manager", () => {
  const o = gcpByKind("orchestrator");
  const w = gcpByKind("worker");
  const values = (c: GcpCase, keystoreFile = `${c.node.name}.json`): Record<string, string> => ({
    "orch-secret": GCP_RAW.orchSecret,
    "rpc-proxy-config": renderRpcProxyConfig(GCP_RAW.network, GCP_RAW.rpcUrls),
    [`${c.node.name}-keystore`]: fs.readFileSync(path.join(GCP_KEYS, keystoreFile), "utf8"),
    [`${c.node.name}-password`]: GCP_RAW.regions[0].orchestrators.find((x: any) => x.name === c.node.name)?.password ?? "",
  });
  /** curl shim: the metadata token (only with Metadata-Flavor), and secret versions (only with the bearer token, read from stdin). */
  const curl = String.raw`printf '%s\n' "$*" >> "$FAKE/curl.args"
url="${"$"}{@: -1}"
case "$url" in
  http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token)
    case "$*" in *"Metadata-Flavor: Google"*) ;; *) exit 22;; esac
    [ -z "$TOKEN_FAILS" ] || exit 7
    printf '{"access_token":"%s","expires_in":3599,"token_type":"Bearer"}' "$FAKE_TOKEN";;
  https://secretmanager.googleapis.com/v1/*/versions/latest:access)
    cfg=$(cat)
    [ "$cfg" = "header = \"Authorization: Bearer $FAKE_TOKEN\"" ] || { echo "curl: (22) The requested URL returned error: 401" >&2; exit 22; }
    name=${"$"}{url#https://secretmanager.googleapis.com/v1/}; name=${"$"}{name%/versions/latest:access}
    f="$FAKE/store/$(printf %s "$name" | tr -c 'A-Za-z0-9' _)"
    [ -f "$f" ] || { echo "curl: (22) The requested URL returned error: 404" >&2; exit 22; }
    python3 -c 'import base64, json, sys; d = open(sys.argv[2], "rb").read(); print(json.dumps({"name": sys.argv[1] + "/versions/3", "payload": ({"data": base64.b64encode(d).decode(), "dataCrc32c": "1"} if d else {})}))' "$name" "$f";;
  *) exit 22;;
esac`;
  function setup(c: GcpCase, store: Record<string, string | undefined>) {
    const sb = sandbox({
      curl,
      mountpoint: String.raw`[ -e "$FAKE/mounted" ]`,
      mount: String.raw`echo "$*" >> "$FAKE/mount.args"; touch "$FAKE/mounted"`,
      findmnt: "echo tmpfs",
    });
    fs.mkdirSync(path.join(sb.dir, "store"));
    for (const s of c.node.boot.secrets) {
      const v = store[s.id];
      if (v !== undefined) fs.writeFileSync(path.join(sb.dir, "store", sanitize(c.ctx.secretLocators[s.id])), v);
    }
    const secrets = path.join(sb.dir, "run", "secrets");
    const text = fileOf(c, BOOT_PATHS.secretsScript)!.content;
    const script = text.replace(`DIR=${PATHS.secretsDir}\n`, `DIR=${shellQuote(secrets)}\n`);
    return { sb, secrets, run: (mode: string, env: Record<string, string> = {}) => sb.run(script, [mode], { FAKE_TOKEN, ...env }) };
  }
  const noLeak = (out: string) => { for (const p of [...gcpPlaintexts(), FAKE_TOKEN]) expect(out).not.toContain(p); };

  test("all secrets present: decoded into the tmpfs, mode 0600, keystore alone; the token never on a command line", () => {
    const h = setup(o, values(o));
    const r = h.run("fetch");
    expect(r.status).toBe(0);
    noLeak(r.out);
    for (const s of o.node.boot.secrets) {
      const f = path.join(h.secrets, s.file);
      expect(fs.readFileSync(f, "utf8")).toBe(values(o)[s.id]);
      expect((fs.statSync(f).mode & 0o777).toString(8)).toBe("600");
    }
    expect(fs.readdirSync(path.join(h.secrets, PATHS.keystoreSubdir))).toEqual(["keyfile.json"]);
    expect(fs.readdirSync(h.secrets).filter((f) => f.startsWith("."))).toEqual([]);
    const calls = h.sb.read("curl.args");
    expect(calls).not.toContain(FAKE_TOKEN);
    const access = calls.trim().split("\n").filter((l) => l.includes("secretmanager"));
    expect(access).toHaveLength(o.node.boot.secrets.length);
    for (const l of access) expect(l).toMatch(/^-fsS --max-time 20 -K - https:\/\/secretmanager\.googleapis\.com\/v1\/projects\/livepeer-fleet-example\/secrets\/gref-euw4-[a-z0-9-]+\/versions\/latest:access$/);
    expect(h.run("check").status).toBe(0);
  });

  test.each<[string, string | undefined]>([
    ["missing (404)", undefined],
    ["empty (no payload data)", ""],
    ["blank", "  \n\t"],
  ])("a %s secret fails the fetch, naming the secret id only", (_what, value) => {
    const h = setup(o, { ...values(o), [`${o.node.name}-password`]: value });
    const r = h.run("fetch");
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(`secret ${o.node.name}-password`);
    noLeak(r.out);
    expect(fs.existsSync(path.join(h.secrets, "eth-password"))).toBe(false);
    expect(h.run("check").status).not.toBe(0);
  });

  test("no access token from the metadata server: bounded retries (about 10 minutes, for IAM to apply), then refuses to start", () => {
    const h = setup(w, { "orch-secret": GCP_RAW.orchSecret });
    const r = h.run("fetch", { TOKEN_FAILS: "1" });
    expect(r.status).not.toBe(0);
    expect(r.out.match(/fetching secret orch-secret failed/g)!.length).toBe(20);
    expect(r.out).toContain("could not fetch secret orch-secret");
    expect(h.sb.read("curl.args")).not.toContain("secretmanager");
  });

  test("a keystore for another account fails (go-livepeer would silently make a new account)", () => {
    const other = GCP_LAYOUT.regions[0].orchestrators[1];
    const h = setup(o, values(o, `${other.name}.json`));
    const r = h.run("fetch");
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(`0x${other.walletAddress!.toLowerCase().slice(2)}, not 0x${o.node.boot.keystoreAddress!.toLowerCase().slice(2)}`);
    noLeak(r.out);
  });

  test("a worker fetches only the orch secret", () => {
    const h = setup(w, { "orch-secret": GCP_RAW.orchSecret });
    expect(h.run("fetch").status).toBe(0);
    expect(fs.readdirSync(h.secrets)).toEqual(["orch-secret"]);
    expect(h.run("check").status).toBe(0);
  });
});

describe("the GCP data disk script, run with fake disk tools", () => {
  function diskRun(blkid: { rc: number; type: string }, mounted = false) {
    const sb = sandbox({
      udevadm: "exit 0",
      mountpoint: mounted ? "exit 0" : "exit 1",
      findmnt: String.raw`echo "$FAKE/dev"`,
      blkid: String.raw`if [ -e "$FAKE/formatted" ]; then [ "$2" = -o ] && echo xfs; exit 0; fi
[ "$2" = -o ] && { [ -n "$BLKID_TYPE" ] && echo "$BLKID_TYPE"; exit 0; }
exit "$BLKID_RC"`,
      "mkfs.xfs": String.raw`echo "mkfs.xfs $*" >> "$FAKE/disk"; touch "$FAKE/formatted"`,
      mount: String.raw`echo "mount $*" >> "$FAKE/disk"`,
    });
    fs.writeFileSync(path.join(sb.dir, "dev"), "");
    const text = fileOf(gcpByKind("reward"), BOOT_PATHS.dataVolumeScript)!.content;
    const dev = "DEV=/dev/disk/by-id/google-data";
    const script = text.replace(dev, `DEV=${sb.dir}/dev`).replace(/\[ -b "\$DEV" \]/g, '[ -e "$DEV" ]').replace(`MNT=${PATHS.dataDir}`, `MNT=${sb.dir}/data`);
    const r = sb.run(script, [], { BLKID_RC: String(blkid.rc), BLKID_TYPE: blkid.type });
    return { sb, r, disk: fs.existsSync(path.join(sb.dir, "disk")) ? sb.read("disk") : "" };
  }

  test("a blank disk is formatted once and mounted; no attach call (the group keeps it attached)", () => {
    const { sb, r, disk } = diskRun({ rc: 2, type: "" });
    expect(r.status).toBe(0);
    expect(disk).toBe(`mkfs.xfs -q ${sb.dir}/dev\nmount -t xfs -o noatime,nodev,nosuid ${sb.dir}/dev ${sb.dir}/data\n`);
    expect(fs.existsSync(path.join(sb.dir, "aws.args"))).toBe(false);
  });

  test("a disk with a filesystem is mounted, never formatted", () => {
    const { sb, r, disk } = diskRun({ rc: 0, type: "xfs" });
    expect(r.status).toBe(0);
    expect(disk).toBe(`mount -t xfs -o noatime,nodev,nosuid ${sb.dir}/dev ${sb.dir}/data\n`);
  });

  test.each<[string, number]>([
    ["something that is not a filesystem", 0],
    ["a probe error", 4],
  ])("%s: neither formatted nor mounted; the unit fails", (_what, rc) => {
    const { r, disk } = diskRun({ rc, type: "" });
    expect(r.status).not.toBe(0);
    expect(disk).toBe("");
  });

  test("already mounted (a re-run): nothing to do", () => {
    const { r, disk } = diskRun({ rc: 0, type: "xfs" }, true);
    expect(r.status).toBe(0);
    expect(disk).toBe("");
  });
});

describe("the GCP startup-script, run twice under bash with shimmed system tools", () => {
  test("first boot installs the planned files and starts the units, then marks itself; the next boot stops at the mark", () => {
    const shims = {
      install: String.raw`dir=0; mode=
while [ $# -gt 0 ]; do case "$1" in -d) dir=1; shift;; -m) mode=$2; shift 2;; *) break;; esac; done
if [ $dir = 1 ]; then for d in "$@"; do mkdir -p "$FAKE/root$d"; done; exit 0; fi
mkdir -p "$(dirname "$FAKE/root$2")"; cat "$1" > "$FAKE/root$2"; chmod "$mode" "$FAKE/root$2"; echo "file $mode $2" >> "$FAKE/calls"`,
      systemctl: String.raw`echo "systemctl $*" >> "$FAKE/calls"`,
      docker: String.raw`echo "docker $*" >> "$FAKE/calls"`,
      touch: String.raw`echo "touch $*" >> "$FAKE/calls"; mkdir -p "$(dirname "$FAKE/root$1")"; : > "$FAKE/root$1"`,
    };
    for (const c of GCP_CASES) {
      const sb = sandbox(shims);
      const marker = BOOT_PATHS.installedMarker;
      // The guard tests the real path; point it into the sandbox.
      const script = render(c).split(`[ -e ${marker} ]`).join(`[ -e "$FAKE/root${marker}" ]`);
      const first = sb.run(script);
      expect(first.status).toBe(0);
      const plan = bootPlan(c.node, c.ctx);
      for (const f of plan.files) expect(sb.read(`root${f.path}`)).toBe(f.content);
      const calls = sb.read("calls").split("\n");
      const starts = plan.units.map((u) => calls.indexOf(`systemctl start ${u}`));
      expect(starts.every((x, i) => x > 0 && (i === 0 || x > starts[i - 1]))).toBe(true);
      expect(calls.indexOf(`touch ${marker}`)).toBeGreaterThan(starts[starts.length - 1]);
      fs.writeFileSync(path.join(sb.dir, "calls"), "");
      const second = sb.run(script);
      expect(second.status).toBe(0);
      expect(second.out).toContain("installed at an earlier boot");
      expect(sb.read("calls")).toBe("");
    }
  });

  test("a failed first boot is logged (serial console) and the VM stays: GCP has no unhealthy report without an autohealing health check", () => {
    const sb = sandbox({
      install: String.raw`exit 0`,
      systemctl: String.raw`echo "systemctl $*" >> "$FAKE/calls"`,
      docker: String.raw`echo "docker $*" >> "$FAKE/calls"; [ "$1" != pull ]`,
      touch: String.raw`echo "touch $*" >> "$FAKE/calls"`,
    });
    const r = sb.run(render(gcpByKind("worker")));
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/FAILED \(exit 1\) at line \d+; see journalctl -u 'livepeer-fleet-\*'/);
    expect(sb.read("calls")).not.toMatch(/unhealthy|systemctl start|touch/);
  });
});


describe("static checks (GCP)", () => {
  test("a startup-script over GCE's metadata limit fails naming the limit", () => {
    const g = gcpByKind("orchestrator");
    const gHuge = { ...g.node.boot, containers: g.node.boot.containers.map((c) => ({ ...c, args: [...c.args, "x".repeat(STARTUP_SCRIPT_LIMIT)] })) };
    expect(() => render({ ...g, node: { ...g.node, boot: gHuge } })).toThrow(/a GCE metadata value is limited to 262144/);
  });

  const shellcheck = spawnSync("sh", ["-c", "command -v shellcheck"]).status === 0;
  (shellcheck ? test : test.skip)("shellcheck passes for every GCP script (skipped when shellcheck is not installed)", () => {
    for (const c of GCP_CASES) {
      for (const f of [{ path: "startup-script", content: render(c) }, ...bootPlan(c.node, c.ctx).files.filter((f) => f.content.startsWith("#!/bin/bash"))]) {
        const r = spawnSync("shellcheck", ["-s", "bash", "-S", "warning", "-"], { input: f.content, encoding: "utf8" });
        expect([c.ctx.cloud, c.node.name, f.path, r.stdout]).toEqual([c.ctx.cloud, c.node.name, f.path, ""]);
        expect(r.status).toBe(0);
      }
    }
  });
});
