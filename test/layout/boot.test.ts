/**
 * Boot scripts: rendered for every node of the reference fleet, then checked statically (syntax, what is
 * and is not in them) and run for real under bash / python3 with shimmed cloud tools (aws, curl, mount,
 * docker, systemctl…) in a temp directory: secret fetch fails closed, attach loops, format-only-if-blank,
 * the readiness endpoint's answers, and what the user-data itself installs and starts, in which order.
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
  AwsBootContext, BOOT_PATHS, BootContext, GcpBootContext, METADATA_IP, READINESS_PY, READY_GAUGE_PATH, STARTUP_SCRIPT_LIMIT, UNHEALTHY_ATTEMPTS, UNHEALTHY_MIN_UPTIME, UNITS,
  bootPlan, dockerRunArgv, renderBootScript, shellQuote, systemdQuote, unitName,
} from "../../src/layout/boot";
import { USER_DATA_LIMIT, encodeUserData, gzipUserData } from "../../src/aws/userData";
import { DRAIN_PATHS, DRAIN_UNITS } from "../../src/layout/drain";
import { decodeUserData } from "../helpers/userData";

import { ROOT, REF_FILE, REF_KEYS, RAW, layoutOf, LAYOUT, Kind, Case, arn, ENI, VOL, cases, CASES, render, byKind, fileOf, unitOf, keyLines, words, plaintexts, tempDir, sandbox, sanitize, Sandbox } from "../helpers/boot";


describe("helpers", () => {
  test("shellQuote round-trips every string through bash", () => {
    const samples = ["", "plain-word_1.2:3/4", "a b", "it's", "$HOME", "`id`", "a\nb", "*", "x;y", "ü", "-v", "'", "\\"];
    const r = spawnSync("bash", ["-c", `printf '%s\\0' ${samples.map(shellQuote).join(" ")}`], { encoding: "utf8" });
    expect(r.stdout.split("\0").slice(0, -1)).toEqual(samples);
    expect(shellQuote("/run/livepeer-fleet/secrets")).toBe("/run/livepeer-fleet/secrets");
  });

  test("systemdQuote disables % specifiers and $ expansion and quotes spaces", () => {
    expect(systemdQuote("-maxSessions")).toBe("-maxSessions");
    expect(systemdQuote("a b")).toBe('"a b"');
    expect(systemdQuote("100%")).toBe('"100%%"');
    expect(systemdQuote("$HOME")).toBe('"$$HOME"');
    expect(systemdQuote('say "hi"\\')).toBe('"say \\"hi\\"\\\\"');
    expect(systemdQuote(";")).toBe('";"');
    expect(systemdQuote("")).toBe('""');
  });

  test("dockerRunArgv: the container's network, mounts, GPUs only when asked, args right after the image", () => {
    const c = { name: "livepeer", image: "livepeer/go-livepeer:v0.9.1", args: ["-transcoder"], mounts: ["/a:/b:ro"], gpus: true, network: "host" as const };
    expect(dockerRunArgv(c)).toEqual(["run", "--rm", "--name", "livepeer", "--network", "host", "--pull", "never", "--gpus", "all", "-v", "/a:/b:ro", "livepeer/go-livepeer:v0.9.1", "-transcoder"]);
    expect(dockerRunArgv({ ...c, gpus: false })).not.toContain("--gpus");
    const bridged = { ...c, gpus: false, network: { publish: ["127.0.0.1:4000:4000"] } };
    expect(dockerRunArgv(bridged)).toEqual(["run", "--rm", "--name", "livepeer", "--network", "bridge", "--publish", "127.0.0.1:4000:4000", "--pull", "never", "-v", "/a:/b:ro", "livepeer/go-livepeer:v0.9.1", "-transcoder"]);
  });
});

describe("rendered boot scripts (reference fleet)", () => {
  test("the reference fleet covers every kind of node", () => {
    expect(new Set(CASES.map((c) => c.kind))).toEqual(new Set(["orchestrator", "redeemer", "reward", "worker"]));
  });

  test.each(CASES.map((c) => [c.node.name, c] as const))("%s: bash -n passes for the user-data and every installed script", (_n, c) => {
    const scripts = [render(c), ...bootPlan(c.node, c.ctx).files.filter((f) => f.content.startsWith("#!/bin/bash")).map((f) => f.content)];
    expect(scripts.length).toBeGreaterThanOrEqual(2);
    for (const s of scripts) {
      const r = spawnSync("bash", ["-n"], { input: s, encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(0);
    }
  });

  test.each(CASES.map((c) => [c.node.name, c] as const))("%s: no secret plaintext, no xtrace, strict mode, under the user-data limit once compressed", (_n, c) => {
    const s = render(c);
    for (const p of plaintexts()) expect(s).not.toContain(p);
    expect(s).not.toMatch(/set\s+-[a-zA-Z]*x|xtrace|bash\s+-x/);
    expect(s.split("\n").slice(0, 4)).toContain("set -euo pipefail");
    for (const f of bootPlan(c.node, c.ctx).files.filter((f) => f.content.startsWith("#!/bin/bash"))) expect(f.content).toContain("set -euo pipefail");
    expect(gzipUserData(s).length).toBeLessThan(USER_DATA_LIMIT);
    expect(decodeUserData(encodeUserData(c.node.name, s))).toBe(s);
    expect(s).not.toMatch(/\b20\d\d-\d\d-\d\d|date \+/); // no timestamps
  });

  test.each(CASES.map((c) => [c.node.name, c] as const))("%s: every secret is fetched by ARN and checked non-empty; keystore address checked on wallet nodes only", (_n, c) => {
    const script = fileOf(c, BOOT_PATHS.secretsScript)!;
    expect(script.mode).toBe("0700");
    for (const s of c.node.boot.secrets) {
      expect(script.content).toContain(`fetch_one ${s.id} ${c.ctx.secretLocators[s.id]} ${s.file}`);
      expect(script.content).toContain(`check_one ${s.id} "$DIR"/${s.file}`);
    }
    expect(script.content).toContain('[ -f "$2" ] && [ -s "$2" ] || die');
    expect(script.content).toContain("--query SecretString --output text >");
    const ks = script.content.split("\n").filter((l) => l.startsWith("  check_keystore "));
    if (c.kind === "worker") {
      expect(ks).toEqual([]);
      expect(c.node.boot.secrets.map((s) => s.id)).toEqual(["orch-secret"]);
    } else {
      const want = c.node.boot.keystoreAddress!.toLowerCase().replace(/^0x/, "");
      expect(ks).toEqual([`  check_keystore ${c.node.name}-keystore "$DIR"/keystore/keyfile.json ${want}`]);
    }
  });

  test.each(CASES.map((c) => [c.node.name, c] as const))("%s: GPUs only for workers; every container unit fails closed and restarts", (_n, c) => {
    for (const ct of c.node.boot.containers) {
      const u = unitOf(c, ct.name);
      const start = keyLines(u, "ExecStart")[0];
      const network = ct.name === "rpc-proxy" ? "--network bridge --publish 127.0.0.1:4000:4000" : "--network host";
      expect(start.startsWith(`/usr/bin/docker run --rm --name ${ct.name} ${network} --pull never`)).toBe(true);
      expect(start.includes("--gpus all")).toBe(c.kind === "worker" && ct.name === "livepeer");
      expect(start).toContain(` ${ct.image} ${ct.args.map(systemdQuote).join(" ")}`.trimEnd());
      expect(keyLines(u, "ExecStartPre")).toEqual([`-/usr/bin/docker rm -f ${ct.name}`, `${BOOT_PATHS.secretsScript} check`]);
      expect(u).toMatch(/^Restart=always$/m);
      expect(u).toMatch(/^RestartSec=5$/m);
      expect(words(u, "Requires")).toEqual(expect.arrayContaining(["docker.service", UNITS.secrets]));
    }
    expect(c.node.boot.containers.some((ct) => ct.gpus)).toBe(c.kind === "worker");
  });

  test("unit ordering: livepeer after the RPC proxy; every container after secrets, interface and volume when present", () => {
    const o = byKind("orchestrator");
    const lp = unitOf(o, "livepeer");
    expect(words(lp, "After")).toEqual(expect.arrayContaining([UNITS.secrets, UNITS.networkInterface, unitName("rpc-proxy"), "docker.service"]));
    expect(words(lp, "Requires")).toEqual(expect.arrayContaining([UNITS.secrets, UNITS.networkInterface]));
    expect(words(lp, "Requires")).not.toContain(UNITS.dataVolume);
    expect(words(unitOf(o, "rpc-proxy"), "After")).not.toContain(unitName("livepeer"));
    for (const k of ["redeemer", "reward"] as const) {
      const u = unitOf(byKind(k), "livepeer");
      expect(words(u, "Requires")).toEqual(expect.arrayContaining([UNITS.secrets, UNITS.networkInterface, UNITS.dataVolume]));
      expect(words(u, "After")).toEqual(expect.arrayContaining([UNITS.dataVolume, unitName("rpc-proxy")]));
    }
    const w = unitOf(byKind("worker"), "livepeer");
    expect(words(w, "Requires").sort()).toEqual(["docker.service", UNITS.secrets]);
    for (const u of [UNITS.secrets, UNITS.networkInterface, UNITS.dataVolume]) {
      const unit = fileOf(byKind("redeemer"), `${BOOT_PATHS.units}/${u}`)!.content;
      expect(unit).toMatch(/^Type=oneshot$/m);
      expect(unit).toMatch(/^RemainAfterExit=yes$/m);
      expect(unit).toMatch(/^WantedBy=multi-user.target$/m);
    }
  });

  test("network interface and data volume steps appear only when their ids are given", () => {
    const has = (c: Case, p: string) => fileOf(c, p) !== undefined;
    const o = byKind("orchestrator"), rd = byKind("redeemer"), w = byKind("worker");
    expect([has(o, BOOT_PATHS.networkInterfaceScript), has(o, BOOT_PATHS.dataVolumeScript)]).toEqual([true, false]);
    expect([has(rd, BOOT_PATHS.networkInterfaceScript), has(rd, BOOT_PATHS.dataVolumeScript)]).toEqual([true, true]);
    expect([has(w, BOOT_PATHS.networkInterfaceScript), has(w, BOOT_PATHS.dataVolumeScript)]).toEqual([false, false]);
    expect(render(w)).not.toMatch(/eni-|vol-|attach-/);
    // a worker reads IMDS for its instance id, to mark itself Unhealthy after a failed boot,
    const imds = bootPlan(w.node, w.ctx).files.filter((f) => f.content.includes(METADATA_IP)).map((f) => f.path);
    // and its drain agent polls its target lifecycle state (and its instance id, to complete the action)
    expect(imds).toEqual([BOOT_PATHS.unhealthyScript, DRAIN_PATHS.agent]);
    const eni = fileOf(o, BOOT_PATHS.networkInterfaceScript)!.content;
    expect(eni).toContain(`RES=${ENI}`);
    expect(eni).toContain("--device-index 1");
    expect(eni).toContain("X-aws-ec2-metadata-token-ttl-seconds");
    const vol = fileOf(rd, BOOT_PATHS.dataVolumeScript)!.content;
    expect(vol).toContain(`DEV=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${VOL.replace("-", "")}`);
    expect(vol).toContain(`MNT=${PATHS.dataDir}`);
    expect(vol).toContain("DEVICE=/dev/sdf\n");
    expect(vol).toContain('--device "$DEVICE"');
  });

  test("the readiness endpoint is installed on orchestrators only, on its port, reading the CLI metrics and the drain file", () => {
    for (const c of CASES) expect(fileOf(c, BOOT_PATHS.readiness) !== undefined).toBe(c.kind === "orchestrator");
    const o = byKind("orchestrator");
    const r = o.node.boot.readiness!;
    expect(keyLines(unitOf(o, "readiness"), "ExecStart")).toEqual([
      `/usr/bin/python3 -I ${BOOT_PATHS.readiness} --port ${r.port} --metrics-port ${r.cliPort} --draining-file ${PATHS.stateDir}/draining`,
    ]);
    expect(READINESS_PY).toContain('"livepeer_transcoders_number"');
    expect(READINESS_PY).toContain("os.stat(a.draining_file)");
    const ast = spawnSync("python3", ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], { input: READINESS_PY, encoding: "utf8" });
    expect(ast.stderr).toBe("");
    expect(ast.status).toBe(0);
  });

  test("deterministic: the same input gives the same string, also from a freshly built layout", () => {
    const again = cases(layoutOf());
    CASES.forEach((c, i) => {
      expect(render(c)).toBe(render(c));
      expect(render(again[i])).toBe(render(c));
    });
  });

  test("refuses inconsistent input instead of rendering a node that would fail open", () => {
    const o = byKind("orchestrator"), rd = byKind("redeemer");
    const { "orch-secret": _drop, ...fewer } = o.ctx.secretLocators;
    expect(() => render({ ...o, ctx: { ...o.ctx, secretLocators: fewer } })).toThrow(/no secret ARN given for secret orch-secret/);
    expect(() => render({ ...rd, ctx: { ...rd.ctx, dataVolumeId: undefined } })).toThrow(/needs a data volume/);
    expect(() => render({ ...o, ctx: { ...o.ctx, dataVolumeId: VOL } })).toThrow(/without a data volume/);
    expect(() => render({ ...o, node: { ...o.node, boot: { ...o.node.boot, keystoreAddress: undefined } } })).toThrow(/keystoreAddress is not set/);
    const withProxy = (network: unknown) => ({ ...o, node: { ...o.node, boot: { ...o.node.boot, containers: o.node.boot.containers.map((c) => (c.name === "rpc-proxy" ? { ...c, network: network as any } : c)) } } });
    expect(() => render(withProxy({ publish: ["4000:4000"] }))).toThrow(/container rpc-proxy publishes "4000:4000"; accepted: 127\.0\.0\.1:/);
    expect(() => render(withProxy({ publish: ["0.0.0.0:4000:4000"] }))).toThrow(/loopback only/);
    expect(() => render(withProxy({ publish: ["127.0.0.1:70000:4000"] }))).toThrow(/loopback only/);
    expect(() => render(withProxy(undefined))).toThrow(/container rpc-proxy has network undefined/);
    expect(() => render(withProxy("bridge"))).toThrow(/accepted: "host" or \{ publish/);
  });

  test("size: the AWS script is not limited raw (EC2 stores it gzip-compressed, checked by encodeUserData); GCP's metadata value is", () => {
    const o = byKind("orchestrator");
    // random, so it does not compress: over the limit even gzip-compressed
    const noise = Array.from({ length: 1200 }, (_, i) => require("crypto").createHash("sha256").update(String(i)).digest("hex")).join("");
    const huge = { ...o.node.boot, containers: o.node.boot.containers.map((c) => ({ ...c, args: [...c.args, noise] })) };
    const script = render({ ...o, node: { ...o.node, boot: huge } });
    expect(() => encodeUserData("o1", script)).toThrow(/^the boot script of node o1 is \d+ bytes gzip-compressed \(\d+ raw\); EC2 user-data is limited to 16384 bytes$/);
    // repetitive: far over 16 KB raw, well under once compressed
    const long = { ...o.node.boot, containers: o.node.boot.containers.map((c) => ({ ...c, args: [...c.args, "x".repeat(4 * USER_DATA_LIMIT)] })) };
    const compressible = render({ ...o, node: { ...o.node, boot: long } });
    expect(Buffer.byteLength(compressible)).toBeGreaterThan(4 * USER_DATA_LIMIT);
    expect(decodeUserData(encodeUserData("o1", compressible))).toBe(compressible);
  });

  test("gzip: deterministic, with a fixed header whatever the platform (MTIME 0, XFL 2, OS 3)", () => {
    const s = render(byKind("orchestrator"));
    const a = gzipUserData(s);
    expect(gzipUserData(s).equals(a)).toBe(true);
    expect([...a.subarray(0, 10)]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 2, 3]);
    expect(require("zlib").gunzipSync(a).toString("utf8")).toBe(s);
  });

  const shellcheck = spawnSync("sh", ["-c", "command -v shellcheck"]).status === 0;
  (shellcheck ? test : test.skip)("shellcheck passes for every AWS script (skipped when shellcheck is not installed)", () => {
    for (const c of CASES) {
      for (const f of [{ path: "user-data", content: render(c) }, ...bootPlan(c.node, c.ctx).files.filter((f) => f.content.startsWith("#!/bin/bash"))]) {
        const r = spawnSync("shellcheck", ["-s", "bash", "-S", "warning", "-"], { input: f.content, encoding: "utf8" });
        expect([c.ctx.cloud, c.node.name, f.path, r.stdout]).toEqual([c.ctx.cloud, c.node.name, f.path, ""]);
        expect(r.status).toBe(0);
      }
    }
  });

  const analyze = spawnSync("sh", ["-c", "command -v systemd-analyze"]).status === 0;
  (analyze ? test : test.skip)("systemd-analyze verify finds no problem in any unit (skipped without systemd-analyze)", () => {
    for (const c of CASES) {
      const dir = tempDir("lpf-units-");
      const units = bootPlan(c.node, c.ctx).files.filter((f) => f.path.startsWith(BOOT_PATHS.units));
      for (const u of units) fs.writeFileSync(path.join(dir, path.basename(u.path)), u.content);
      const r = spawnSync("systemd-analyze", ["verify", ...units.map((u) => path.join(dir, path.basename(u.path)))], { encoding: "utf8" });
      // Only complaints about binaries and units that exist on the AMI but not here are expected.
      const problems = `${r.stdout}${r.stderr}`.split("\n").filter((l) => l && !/is not executable|Unit docker\.service not found/.test(l));
      expect(problems).toEqual([]);
    }
  });
});

describe("the user-data, run under bash with shimmed system tools", () => {
  const shims = {
    install: String.raw`dir=0; mode=
while [ $# -gt 0 ]; do case "$1" in -d) dir=1; shift;; -m) mode=$2; shift 2;; *) break;; esac; done
if [ $dir = 1 ]; then for d in "$@"; do mkdir -p "$FAKE/root$d"; echo "dir $mode $d" >> "$FAKE/calls"; done; exit 0; fi
mkdir -p "$(dirname "$FAKE/root$2")"; cat "$1" > "$FAKE/root$2"; chmod "$mode" "$FAKE/root$2"; echo "file $mode $2" >> "$FAKE/calls"`,
    systemctl: String.raw`echo "systemctl $*" >> "$FAKE/calls"; [ "$*" != "enable --now docker.service" ] || [ -z "$NO_DOCKER" ]`,
    docker: String.raw`echo "docker $*" >> "$FAKE/calls"; [ "$1" != pull ] || [ -z "$FAIL_PULL" ]`,
  };

  test.each(CASES.map((c) => [c.node.name, c] as const))("%s: installs exactly the planned files, pulls images, then enables and starts units in order", (_n, c) => {
    const sb = sandbox(shims);
    const r = sb.run(render(c));
    expect(r.status).toBe(0);
    const plan = bootPlan(c.node, c.ctx);
    for (const f of plan.files) {
      expect(sb.read(`root${f.path}`)).toBe(f.content);
      expect((fs.statSync(path.join(sb.dir, "root", f.path)).mode & 0o777).toString(8)).toBe(f.mode.replace(/^0/, ""));
    }
    const calls = sb.read("calls").split("\n");
    const at = (line: string) => calls.indexOf(line);
    const images = [...new Set(c.node.boot.containers.map((x) => x.image))];
    for (const i of images) expect(at(`docker pull --quiet ${i}`)).toBeGreaterThan(at("systemctl enable --now docker.service"));
    const enable = at(`systemctl enable ${plan.units.join(" ")}`);
    expect(enable).toBeGreaterThan(Math.max(...images.map((i) => at(`docker pull --quiet ${i}`))));
    const starts = plan.units.map((u) => at(`systemctl start ${u}`));
    expect(starts.every((s, i) => s > enable && (i === 0 || s > starts[i - 1]))).toBe(true);
    const expectedOrder = [DRAIN_UNITS.agent, UNITS.networkInterface, UNITS.dataVolume, UNITS.secrets, UNITS.capacity, UNITS.modelCache, unitName("rpc-proxy"), unitName("livepeer"), unitName("metrics-agent"), UNITS.readiness, DRAIN_UNITS.rewardCatchUp, UNITS.metricsProxy];
    expect(plan.units).toEqual(expectedOrder.filter((u) => plan.units.includes(u)));
    expect(plan.units.includes(DRAIN_UNITS.agent)).toBe(c.kind === "orchestrator" || c.kind === "worker");
    expect(plan.units.includes(DRAIN_UNITS.rewardCatchUp)).toBe(c.kind === "reward");
    expect(plan.units.includes(UNITS.readiness)).toBe(c.kind === "orchestrator");
    // every chain node runs the metrics agent and (the reference fleet has monitoring) the metrics-only listener;
    // AI workers run the agent too (runner containers are reported there), transcoders neither
    expect(plan.units.includes(UNITS.metricsProxy)).toBe(c.kind !== "worker");
    expect(plan.units.includes(unitName("metrics-agent"))).toBe(c.kind !== "worker" || c.node.name.startsWith("sdxl-"));
  });

  test("a failed image pull stops boot before any unit is enabled, with a clear log line", () => {
    const sb = sandbox(shims);
    const r = sb.run(render(byKind("orchestrator")), [], { FAIL_PULL: "1" });
    expect(r.status).not.toBe(0);
    expect(r.out).toMatch(/could not pull \S+/);
    expect(r.out).toContain("FAILED");
    expect(sb.read("calls")).not.toMatch(/systemctl (enable|start) livepeer-fleet/);
    expect(sb.read("calls").match(/docker pull/g)!.length).toBe(8); // bounded retries
  });

  test.each<[string, Record<string, string>, RegExp]>([
    ["an image that would not pull", { FAIL_PULL: "1" }, /could not pull/],
    ["docker missing", { NO_DOCKER: "1" }, /FAILED \(exit 1\) at line \d+/],
  ])("%s: the instance hands off to the unhealthy unit (non-blocking) so its group replaces it", (_what, env, msg) => {
    for (const c of [byKind("orchestrator"), byKind("worker")]) {
      const sb = sandbox(shims);
      const r = sb.run(render(c), [], env);
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(msg);
      const calls = sb.read("calls").split("\n");
      const start = calls.indexOf(`systemctl start --no-block ${UNITS.unhealthy}`);
      expect(start).toBeGreaterThan(0);
      expect(calls[start - 1]).toBe("systemctl daemon-reload");
      expect(r.out).toContain(`started ${UNITS.unhealthy}: this instance will be marked Unhealthy`);
      // the unit and its script were installed before anything that can fail
      expect(sb.read(`root${BOOT_PATHS.unhealthyScript}`)).toBe(fileOf(c, BOOT_PATHS.unhealthyScript)!.content);
      expect(sb.read(`root${BOOT_PATHS.units}/${UNITS.unhealthy}`)).toContain(`ExecStart=${BOOT_PATHS.unhealthyScript}\n`);
    }
  });

  test("a successful boot never reports the instance unhealthy", () => {
    const sb = sandbox(shims);
    expect(sb.run(render(byKind("redeemer"))).status).toBe(0);
    expect(sb.read("calls").split("\n").filter((l) => l.startsWith("systemctl") && l.includes(UNITS.unhealthy))).toEqual([]);
    expect(sb.read("calls")).not.toContain("--no-block");
  });
});

describe("AWS: a failed boot step marks the instance Unhealthy", () => {
  test("every boot oneshot (secrets, network interface, data volume) starts the unhealthy unit on failure; it is never enabled", () => {
    for (const c of CASES) {
      const plan = bootPlan(c.node, c.ctx);
      const oneshots = plan.units.filter((u) => [UNITS.secrets, UNITS.networkInterface, UNITS.dataVolume].includes(u as any));
      expect(oneshots.length).toBeGreaterThanOrEqual(1);
      for (const u of oneshots) expect(keyLines(fileOf(c, `${BOOT_PATHS.units}/${u}`)!.content, "OnFailure")).toEqual([UNITS.unhealthy]);
      expect(plan.units).not.toContain(UNITS.unhealthy);
      const unit = fileOf(c, `${BOOT_PATHS.units}/${UNITS.unhealthy}`)!.content;
      expect(unit).toMatch(/^Type=oneshot$/m);
      expect(unit).not.toContain("[Install]");
      expect(keyLines(unit, "ExecStart")).toEqual([BOOT_PATHS.unhealthyScript]);
      // installed first: the user-data's ERR trap can start it whatever fails later
      expect(plan.files.slice(0, 2).map((f) => f.path)).toEqual([BOOT_PATHS.unhealthyScript, `${BOOT_PATHS.units}/${UNITS.unhealthy}`]);
      // containers restart on their own (Restart=always): they do not report
      for (const ct of c.node.boot.containers) expect(keyLines(unitOf(c, ct.name), "OnFailure")).toEqual([]);
    }
  });

  test("the minimum uptime covers every group's health check grace period (pinned 300 s, workers 600 s)", () => {
    expect(UNHEALTHY_MIN_UPTIME).toBeGreaterThanOrEqual(600);
  });

  /** curl shim: IMDSv2 (token, then the instance id with it); aws shim: set-instance-health, failing while $AWS_FAILS. */
  const imds = String.raw`case "$*" in *"-X PUT"*api/token*) echo TOKEN;; *"X-aws-ec2-metadata-token: TOKEN"*instance-id*) echo i-0123456789abcdef0;; *) exit 22;; esac`;
  const aws = String.raw`echo "aws $*" >> "$FAKE/calls"; [ -z "$AWS_FAILS" ]`;
  function unhealthyRun(uptime: string, env: Record<string, string> = {}, marked = false) {
    const sb = sandbox({ curl: imds, aws, sleep: String.raw`echo "sleep $*" >> "$FAKE/calls"` });
    fs.writeFileSync(path.join(sb.dir, "uptime"), `${uptime} 1234.56\n`);
    fs.writeFileSync(path.join(sb.dir, "calls"), "");
    if (marked) fs.writeFileSync(path.join(sb.dir, "marker"), "");
    const text = fileOf(byKind("worker"), BOOT_PATHS.unhealthyScript)!.content;
    for (const v of [`MARKER=${BOOT_PATHS.unhealthyMarker}\n`, "UPTIME_FILE=/proc/uptime\n"]) expect(text).toContain(v);
    const script = text.replace(`MARKER=${BOOT_PATHS.unhealthyMarker}\n`, `MARKER=${sb.dir}/marker\n`).replace("UPTIME_FILE=/proc/uptime\n", `UPTIME_FILE=${sb.dir}/uptime\n`);
    const r = sb.run(script, [], env);
    return { sb, r, calls: sb.read("calls").split("\n").filter(Boolean) };
  }
  const call = "aws autoscaling set-instance-health --region us-east-1 --instance-id i-0123456789abcdef0 --health-status Unhealthy --no-should-respect-grace-period";

  test("early failure: waits until the instance has been up the minimum time, then marks it Unhealthy once (IMDSv2 instance id)", () => {
    const { sb, r, calls } = unhealthyRun("42.17");
    expect(r.status).toBe(0);
    expect(calls).toEqual([`sleep ${UNHEALTHY_MIN_UPTIME - 42}`, call]);
    expect(r.out).toContain("marked i-0123456789abcdef0 Unhealthy");
    expect(fs.existsSync(path.join(sb.dir, "marker"))).toBe(true);
  });

  test("later failure: no wait", () => {
    const { r, calls } = unhealthyRun(String(UNHEALTHY_MIN_UPTIME + 1));
    expect(r.status).toBe(0);
    expect(calls).toEqual([call]);
  });

  test("at most once per instance: a second failure (another unit, a reboot) does not call again", () => {
    const { r, calls } = unhealthyRun("5000", {}, true);
    expect(r.status).toBe(0);
    expect(calls).toEqual([]);
    expect(r.out).toContain("already marked Unhealthy");
  });

  test("bounded attempts: gives up (the instance stays, logged) when the call keeps failing", () => {
    const { sb, r, calls } = unhealthyRun("5000", { AWS_FAILS: "1" });
    expect(r.status).not.toBe(0);
    expect(calls.filter((l) => l.startsWith("aws ")).length).toBe(UNHEALTHY_ATTEMPTS);
    expect(r.out).toContain(`set-instance-health failed (attempt ${UNHEALTHY_ATTEMPTS}/${UNHEALTHY_ATTEMPTS})`);
    expect(r.out).toContain("could not mark i-0123456789abcdef0 Unhealthy");
    expect(fs.existsSync(path.join(sb.dir, "marker"))).toBe(false);
  });
});

describe("the secrets script, run for real against a fake Secrets Manager", () => {
  const o = byKind("orchestrator");
  const w = byKind("worker");
  const values = (c: Case, keystoreFile = `${c.node.name}.json`): Record<string, string> => ({
    "orch-secret": RAW.orchSecret,
    "rpc-proxy-config": renderRpcProxyConfig(RAW.network, RAW.rpcUrls),
    [`${c.node.name}-keystore`]: fs.readFileSync(path.join(REF_KEYS, keystoreFile), "utf8"),
    [`${c.node.name}-password`]: RAW.regions[0].orchestrators.find((x: any) => x.name === c.node.name)?.password ?? "",
  });
  function setup(c: Case, store: Record<string, string | undefined>) {
    const sb = sandbox({
      aws: String.raw`echo "$*" >> "$FAKE/aws.args"
while [ $# -gt 0 ]; do if [ "$1" = --secret-id ]; then id=$2; fi; shift; done
f="$FAKE/store/$(printf %s "$id" | tr -c 'A-Za-z0-9' _)"
[ -f "$f" ] || { echo "An error occurred (ResourceNotFoundException) when calling the GetSecretValue operation" >&2; exit 254; }
cat "$f"; echo`,
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
    expect(text).toContain(`DIR=${PATHS.secretsDir}\n`);
    const script = text.replace(`DIR=${PATHS.secretsDir}\n`, `DIR=${shellQuote(secrets)}\n`);
    return { sb, secrets, run: (mode: string) => sb.run(script, [mode]) };
  }
  const noLeak = (out: string) => { for (const p of plaintexts()) expect(out).not.toContain(p); };

  test("all secrets present: files in the tmpfs, mode 0600, keystore alone in its directory; check passes", () => {
    const h = setup(o, values(o));
    const r = h.run("fetch");
    expect(r.status).toBe(0);
    noLeak(r.out);
    expect(h.sb.read("mount.args")).toMatch(/^-t tmpfs -o mode=0700,noexec,nosuid,nodev,size=\d+m \S+ \S+\n$/);
    for (const s of o.node.boot.secrets) {
      const f = path.join(h.secrets, s.file);
      expect(fs.readFileSync(f, "utf8").trim()).toBe(values(o)[s.id].trim());
      expect((fs.statSync(f).mode & 0o777).toString(8)).toBe("600");
    }
    expect(fs.readdirSync(path.join(h.secrets, PATHS.keystoreSubdir))).toEqual(["keyfile.json"]);
    expect(fs.readdirSync(h.secrets).filter((f) => f.startsWith("."))).toEqual([]); // staging cleaned up
    for (const line of h.sb.read("aws.args").trim().split("\n")) expect(line).toMatch(/^secretsmanager get-secret-value --region us-east-1 --secret-id arn:aws:secretsmanager:\S+ --query SecretString --output text$/);
    expect(h.run("check").status).toBe(0);
  });

  test.each<[string, string | undefined]>([
    ["missing", undefined],
    ["empty", ""],
    ["blank", "  \n\t"],
    ["a binary secret (aws prints None)", "None"],
  ])("a %s secret fails the fetch, naming the secret id only", (_what, value) => {
    const h = setup(o, { ...values(o), [`${o.node.name}-password`]: value });
    const r = h.run("fetch");
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(`secret ${o.node.name}-password`);
    noLeak(r.out);
    expect(fs.existsSync(path.join(h.secrets, "eth-password"))).toBe(false);
    expect(h.run("check").status).not.toBe(0);
  });

  test("a keystore for another account fails (go-livepeer would silently make a new account)", () => {
    const other = LAYOUT.regions[0].orchestrators[1];
    const h = setup(o, values(o, `${other.name}.json`));
    const r = h.run("fetch");
    expect(r.status).not.toBe(0);
    expect(r.out).toContain(`0x${other.walletAddress!.toLowerCase().slice(2)}, not 0x${o.node.boot.keystoreAddress!.toLowerCase().slice(2)}`);
    noLeak(r.out);
  });

  test("a keystore that is not an encrypted V3 JSON fails", () => {
    const h = setup(o, { ...values(o), [`${o.node.name}-keystore`]: JSON.stringify({ address: o.node.boot.keystoreAddress, privateKey: "00" }) });
    const r = h.run("fetch");
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("not an encrypted (V3) keystore");
  });

  test("check (before every container start) fails closed when a file was emptied, removed or the keystore dir gained a file", () => {
    const tamper: [string, (dir: string) => void, RegExp][] = [
      ["emptied", (d) => fs.writeFileSync(path.join(d, "orch-secret"), ""), /secret orch-secret is missing or empty/],
      ["removed", (d) => fs.rmSync(path.join(d, "eth-password")), /secret o1-password is missing or empty/],
      ["second keyfile", (d) => fs.writeFileSync(path.join(d, "keystore", "other.json"), "{}"), /must hold exactly one file/],
    ];
    for (const [_what, act, msg] of tamper) {
      const h = setup(o, values(o));
      expect(h.run("fetch").status).toBe(0);
      act(h.secrets);
      const r = h.run("check");
      expect(r.status).not.toBe(0);
      expect(r.out).toMatch(msg);
    }
  });

  test("a worker fetches only the orch secret and has no keystore check", () => {
    const h = setup(w, { "orch-secret": RAW.orchSecret });
    const r = h.run("fetch");
    expect(r.status).toBe(0);
    expect(fs.readdirSync(h.secrets)).toEqual(["orch-secret"]);
    expect(h.run("check").status).toBe(0);
  });
});

describe("attach scripts, run with a fake EC2 API", () => {
  const imds = String.raw`case "$*" in *api/token*) echo TOKEN;; *instance-id*) echo i-self;; *) exit 22;; esac`;
  /** aws shim: describe answers come from $FAKE/state (one line: owner astate state); attach makes it ours. */
  const aws = String.raw`echo "$*" >> "$FAKE/aws.args"
case "$2" in
  describe-network-interfaces) case "$*" in *MacAddress*) echo "0a:00:00:00:00:01 10.40.1.10";; *) cat "$FAKE/state";; esac;;
  describe-volumes) cat "$FAKE/state";;
  attach-*) n=$(cat "$FAKE/attach-fails" 2>/dev/null || echo 0); if [ "$n" -gt 0 ]; then echo $((n-1)) > "$FAKE/attach-fails"; exit 1; fi; echo "i-self attached in-use" > "$FAKE/state";;
esac`;
  /** The state sequence an old instance goes through while it is being terminated: held, then released. */
  const released = String.raw`c=$(cat "$FAKE/n" 2>/dev/null || echo 0); echo $((c+1)) > "$FAKE/n"; [ "$c" -ne 3 ] || echo "None None available" > "$FAKE/state"; exit 0`;

  function eniRun(initial: string, extra: Record<string, string> = {}, attachFailures = 0) {
    const sb = sandbox({ curl: imds, aws, sleep: released, ip: String.raw`echo "3: ens6    inet 10.40.1.10/24 brd 10.40.1.255 scope global ens6"`, ...extra });
    fs.writeFileSync(path.join(sb.dir, "state"), `${initial}\n`);
    fs.writeFileSync(path.join(sb.dir, "attach-fails"), `${attachFailures}\n`);
    const sys = path.join(sb.dir, "sys", "ens6");
    fs.mkdirSync(sys, { recursive: true });
    fs.writeFileSync(path.join(sys, "address"), "0a:00:00:00:00:01\n");
    fs.writeFileSync(path.join(sys, "operstate"), "up\n");
    const text = fileOf(byKind("orchestrator"), BOOT_PATHS.networkInterfaceScript)!.content;
    expect(text).toContain("/sys/class/net/*");
    return { sb, r: sb.run(text.replace("/sys/class/net/*", `${sb.dir}/sys/*`)) };
  }

  test("ENI held by an old instance: waits until it is released, attaches as device index 1, waits for the interface", () => {
    const { sb, r } = eniRun("i-old attached in-use");
    expect(r.status).toBe(0);
    expect(r.out).toContain("waiting for it to be released");
    expect(r.out).toContain(`${ENI} is up as ens6 with 10.40.1.10`);
    const attaches = sb.read("aws.args").split("\n").filter((l) => l.startsWith("ec2 attach-network-interface"));
    expect(attaches).toEqual([`ec2 attach-network-interface --region us-east-1 --network-interface-id ${ENI} --instance-id i-self --device-index 1`]);
  });

  test("ENI already attached to this instance (a reboot): no attach call", () => {
    const { sb, r } = eniRun("i-self attached in-use");
    expect(r.status).toBe(0);
    expect(sb.read("aws.args")).not.toContain("attach-network-interface");
  });

  test("ENI never released: gives up after bounded retries with a non-zero exit", () => {
    const { r } = eniRun("i-old attached in-use", { sleep: "exit 0" });
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("did not attach");
    expect(r.out.match(/waiting for it to be released/g)!.length).toBe(120);
  });

  test("ENI attach call failing transiently is retried", () => {
    const { sb, r } = eniRun("None None available", {}, 2);
    expect(r.status).toBe(0);
    expect(sb.read("aws.args").match(/attach-network-interface/g)!.length).toBe(3);
  });

  function volumeRun(blkid: { rc: number; type: string }, mounted = false) {
    const sb = sandbox({
      curl: imds, aws,
      udevadm: "exit 0",
      mountpoint: mounted ? "exit 0" : "exit 1",
      findmnt: String.raw`echo "$FAKE/dev"`,
      blkid: String.raw`if [ -e "$FAKE/formatted" ]; then [ "$2" = -o ] && echo xfs; exit 0; fi
[ "$2" = -o ] && { [ -n "$BLKID_TYPE" ] && echo "$BLKID_TYPE"; exit 0; }
exit "$BLKID_RC"`,
      "mkfs.xfs": String.raw`echo "mkfs.xfs $*" >> "$FAKE/disk"; touch "$FAKE/formatted"`,
      mount: String.raw`echo "mount $*" >> "$FAKE/disk"`,
    });
    fs.writeFileSync(path.join(sb.dir, "state"), "None None available\n");
    fs.writeFileSync(path.join(sb.dir, "dev"), "");
    const text = fileOf(byKind("redeemer"), BOOT_PATHS.dataVolumeScript)!.content;
    const dev = `DEV=/dev/disk/by-id/nvme-Amazon_Elastic_Block_Store_${VOL.replace("-", "")}`;
    expect(text).toContain(dev);
    expect(text).toContain('[ -b "$DEV" ]');
    // A regular file stands in for the NVMe block device; a temp dir for PATHS.dataDir.
    const script = text.replace(dev, `DEV=${sb.dir}/dev`).replace(/\[ -b "\$DEV" \]/g, '[ -e "$DEV" ]').replace(`MNT=${PATHS.dataDir}`, `MNT=${sb.dir}/data`);
    const r = sb.run(script, [], { BLKID_RC: String(blkid.rc), BLKID_TYPE: blkid.type });
    const disk = fs.existsSync(path.join(sb.dir, "disk")) ? sb.read("disk") : "";
    return { sb, r, disk };
  }

  test("a blank volume (blkid finds nothing, exit 2) is formatted once and mounted", () => {
    const { sb, r, disk } = volumeRun({ rc: 2, type: "" });
    expect(r.status).toBe(0);
    expect(disk).toBe(`mkfs.xfs -q ${sb.dir}/dev\nmount -t xfs -o noatime,nodev,nosuid ${sb.dir}/dev ${sb.dir}/data\n`);
    expect(sb.read("aws.args")).toContain(`ec2 attach-volume --region us-east-1 --volume-id ${VOL} --instance-id i-self --device /dev/sdf`);
  });

  test("a volume with a filesystem is mounted, never formatted", () => {
    const { r, disk } = volumeRun({ rc: 0, type: "xfs" });
    expect(r.status).toBe(0);
    expect(disk).not.toContain("mkfs");
    expect(disk).toContain("mount -t xfs");
  });

  test.each<[string, number, string]>([
    ["something that is not a filesystem (e.g. a partition table)", 0, ""],
    ["a probe error", 4, ""],
  ])("%s: neither formatted nor mounted; the unit fails", (_what, rc, type) => {
    const { r, disk } = volumeRun({ rc, type });
    expect(r.status).not.toBe(0);
    expect(disk).toBe("");
  });

  test("already mounted from this volume (a re-run): nothing to do", () => {
    const { r, disk } = volumeRun({ rc: 0, type: "xfs" }, true);
    expect(r.status).toBe(0);
    expect(disk).toBe("");
  });
});

describe("the readiness endpoint, run under python3", () => {
  let cli: http.Server;
  let proc: ChildProcess;
  let port = 0;
  let metrics = "";
  let metricsStatus = 200;
  const seen: string[] = [];
  const dir = tempDir("lpf-ready-");
  const draining = path.join(dir, "draining");

  const freePort = () => new Promise<number>((resolve, reject) => {
    const s = net.createServer();
    s.on("error", reject);
    s.listen(0, "127.0.0.1", () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
  });
  const get = async (p: string, method = "GET") => {
    const r = await fetch(`http://127.0.0.1:${port}${p}`, { method });
    return { status: r.status, body: await r.text() };
  };

  beforeAll(async () => {
    cli = http.createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.statusCode = metricsStatus;
      res.end(metrics);
    });
    await new Promise<void>((r) => cli.listen(0, "127.0.0.1", () => r()));
    const cliPort = (cli.address() as net.AddressInfo).port;
    port = await freePort();
    fs.writeFileSync(path.join(dir, "readiness.py"), READINESS_PY);
    proc = spawn("python3", ["-I", path.join(dir, "readiness.py"), "--port", String(port), "--metrics-port", String(cliPort), "--draining-file", draining], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      try { await get("/ready"); return; } catch { await new Promise((r) => setTimeout(r, 50)); }
    }
    throw new Error("readiness server did not start");
  });
  afterAll(async () => {
    proc?.kill();
    await new Promise<void>((r) => cli.close(() => r()));
  });
  beforeEach(() => {
    metricsStatus = 200;
    if (fs.existsSync(draining)) fs.rmSync(draining);
  });

  const orch = 'livepeer_versions{livepeerversion="0.9.1",node_id="x",node_type="orch"} 1\n';
  test.each<[string, string, number, string]>([
    ["no worker attached", `${orch}livepeer_transcoders_number{node_id="x",node_type="orch"} 0\n`, 503, "no workers attached"],
    ["one worker", `# TYPE livepeer_transcoders_number gauge\nlivepeer_transcoders_number{node_id="x",node_type="orch"} 1\n`, 200, "ready"],
    ["summed over label sets", 'livepeer_transcoders_number{node_id="a"} 0\nlivepeer_transcoders_number{node_id="b"} 1\n', 200, "ready"],
    ["labels holding braces and escaped quotes", 'livepeer_transcoders_number{node_id="a} 9 \\"x\\""} 2\n', 200, "ready"],
    ["labels holding braces, zero workers", 'livepeer_transcoders_number{node_id="a} 9"} 0\n', 503, "no workers attached"],
    ["only a metric that shares the prefix", "livepeer_transcoders_number_total 5\nlivepeer_transcoders_capacity 10\n", 503, "no workers attached"],
    ["metric absent", orch, 503, "no workers attached"],
    ["unlabelled gauge", "livepeer_transcoders_number 3\n", 200, "ready"],

  ])("%s", async (_what, body, status, reason) => {
    metrics = body;
    expect(await get("/ready")).toEqual({ status, body: `${reason}\n` });
  });

  test("draining wins even with workers attached", async () => {
    metrics = "livepeer_transcoders_number 3\n";
    fs.writeFileSync(draining, "");
    expect(await get("/ready")).toEqual({ status: 503, body: "draining\n" });
  });

  test("metrics failing or unreachable is not ready", async () => {
    metrics = "livepeer_transcoders_number 3\n";
    metricsStatus = 500;
    expect(await get("/ready")).toEqual({ status: 503, body: "metrics unavailable\n" });
  });

  const gauges = (body: string) => Object.fromEntries(body.split("\n").filter((l) => l && !l.startsWith("#")).map((l) => [l.split(" ")[0], Number(l.split(" ")[1])]));
  test.each<[string, string, boolean, Record<string, number>]>([
    ["ready", "livepeer_transcoders_number 2\n", false, { livepeer_fleet_unready: 0, livepeer_fleet_draining: 0 }],
    ["no worker attached: unready", "livepeer_transcoders_number 0\n", false, { livepeer_fleet_unready: 1, livepeer_fleet_draining: 0 }],
    ["a drain is planned, not unready", "livepeer_transcoders_number 0\n", true, { livepeer_fleet_unready: 0, livepeer_fleet_draining: 1 }],
  ])(`${READY_GAUGE_PATH} as gauges: %s`, async (_what, body, drain, want) => {
    metrics = body;
    if (drain) fs.writeFileSync(draining, "");
    const r = await get(READY_GAUGE_PATH);
    expect(r.status).toBe(200);
    expect(gauges(r.body)).toEqual(want);
    expect(r.body).toContain("# TYPE livepeer_fleet_unready gauge");
  });
  test(`${READY_GAUGE_PATH}: the CLI down is unready, and the gauge path is the only other one answered`, async () => {
    metricsStatus = 500;
    expect(gauges((await get(READY_GAUGE_PATH)).body)).toEqual({ livepeer_fleet_unready: 1, livepeer_fleet_draining: 0 });
    expect((await get(`${READY_GAUGE_PATH}x`)).status).toBe(404);
  });

  test("only GET /ready: other paths are 404 and never reach the CLI port", async () => {
    metrics = "livepeer_transcoders_number 3\nsecret_wallet_stuff 1\n";
    const before = seen.length;
    for (const p of ["/metrics", "/reward", "/", "/ready/../metrics", "/signMessage?x=1"]) {
      const r = await get(p);
      expect(r.status).toBe(404);
      expect(r.body).not.toContain("livepeer_");
    }
    expect(seen.length).toBe(before);
    expect((await get("/ready", "POST")).status).not.toBe(200);
    expect(seen.length).toBe(before);
    expect((await get("/ready?probe=1")).status).toBe(200);
    expect(seen.slice(before)).toEqual(["GET /metrics"]);
  });
});

describe("the readiness endpoint of an AI-only region's O (--no-workers-needed)", () => {
  test("ready while its CLI answers and it is not draining, whatever its transcoders; draining or a dead CLI is 503", async () => {
    const http = require("http") as typeof import("http");
    let up = true;
    const cli = http.createServer((_q, res) => { if (!up) { res.statusCode = 500; } res.end("livepeer_transcoders_number 0\n"); });
    await new Promise<void>((r) => cli.listen(0, "127.0.0.1", () => r()));
    const dir = tempDir("lpf-ready-ai-");
    fs.writeFileSync(path.join(dir, "readiness.py"), READINESS_PY);
    const port = await new Promise<number>((resolve) => { const s = require("net").createServer(); s.listen(0, "127.0.0.1", () => { const p = s.address().port; s.close(() => resolve(p)); }); });
    const draining = path.join(dir, "draining");
    const proc = require("child_process").spawn("python3", ["-I", path.join(dir, "readiness.py"), "--port", String(port), "--metrics-port", String((cli.address() as any).port), "--draining-file", draining, "--no-workers-needed"], { stdio: "ignore" });
    const status = () => new Promise<number>((resolve) => http.get({ host: "127.0.0.1", port, path: "/ready" }, (r) => { r.resume(); resolve(r.statusCode!); }).on("error", () => resolve(0)));
    try {
      for (let i = 0; i < 100 && (await status()) === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(await status()).toBe(200);
      fs.writeFileSync(draining, "");
      expect(await status()).toBe(503);
      fs.rmSync(draining);
      up = false;
      expect(await status()).toBe(503);
    } finally {
      proc.kill();
      cli.close();
    }
  });
  test("only AI-only regions get the flag", () => {
    const ref = buildLayout(loadFleetFile(path.join(ROOT, "examples", "reference", "fleet.yaml")));
    expect(ref.regions[0].orchestrators[0].boot.readiness!.requireWorkers).toBeUndefined();
    const { load, mutated } = require("../helpers/spec");
    const aiOnly = buildLayout(load(mutated((r: any) => (r.regions[0].workers = [r.regions[0].workers[1]]))));
    expect(aiOnly.regions[0].orchestrators[0].boot.readiness!.requireWorkers).toBe(false);
  });
});

describe("non-root containers", () => {
  test("the RPC proxy runs as eRPC's nonroot uid and its config file is handed to that uid (mode stays 0600)", () => {
    const { buildLayout } = require("../../src/layout/layout");
    const { loadFleetFile } = require("../../src/spec/load");
    const l = buildLayout(loadFleetFile(require("path").join(__dirname, "../../examples/reference/fleet.yaml")));
    const o1 = l.regions[0].orchestrators[0];
    const locators = Object.fromEntries(o1.boot.secrets.map((s: any) => [s.id, `arn:aws:secretsmanager:us-east-1:123456789012:secret:${s.id}-AbCdEf`]));
    const script: string = require("../../src/layout/boot").renderBootScript(o1, { cloud: "aws", region: "us-east-1", secretLocators: locators, networkInterfaceId: "eni-0123456789abcdef0", privateIp: "10.40.0.204" });
    expect(script).toMatch(/docker run --rm --name rpc-proxy --network bridge --publish 127\.0\.0\.1:4000:4000 --pull never --user 65532:65532 /);
    expect(script).toMatch(/fetch_one rpc-proxy-config \S+ rpc-proxy\.yaml 65532\n/);
    expect(script).toMatch(/fetch_one o1-password \S+ eth-password\n/);
    expect(script).toContain('if [ "$#" -ge 4 ]; then chown "$4:$4" "$out"; fi');
    expect(script).not.toMatch(/--name livepeer [^\n]*--user/);
  });
});
