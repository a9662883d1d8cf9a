/** Worker boot steps run under bash with fake tools: -maxSessions from the instance type, the AI model cache. */
import * as fs from "fs";
import * as path from "path";
import { capacityScript, modelCacheScript, CAPACITY_ENV, MODEL_CACHE_MARKER } from "../../src/layout/workerBoot";
import { bootPlan, UNITS } from "../../src/layout/boot";
import { MAX_SESSIONS_VAR, PATHS } from "../../src/layout/types";
import { sandbox } from "../helpers/sandbox";

/** IMDSv2 fake: a token, then the instance type from $FAKE_TYPE. */
const imds = String.raw`case "$*" in
  *api/token*) echo tok;;
  *meta-data/instance-type*) case "$*" in *"X-aws-ec2-metadata-token: tok"*) echo "$FAKE_TYPE";; *) exit 22;; esac;;
  *) exit 22;;
esac`;

describe("capacity: -maxSessions from the instance type (AWS mixed types)", () => {
  const table = { "g4dn.xlarge": 20, "g4dn.2xlarge": 24 };
  const run = (type: string) => {
    const sb = sandbox({ curl: imds });
    const env = path.join(sb.dir, "capacity.env");
    const script = capacityScript(table).replace(`ENV_FILE=${CAPACITY_ENV}`, `ENV_FILE=${env}`);
    return { r: sb.run(script, [], { FAKE_TYPE: type }), env };
  };
  test.each(Object.entries(table))("%s → %d", (type, n) => {
    const { r, env } = run(type);
    expect(r.status).toBe(0);
    expect(fs.readFileSync(env, "utf8")).toBe(`${MAX_SESSIONS_VAR}=${n}\n`);
  });
  test("a type the pool does not list refuses to start (no guessed capacity)", () => {
    const { r, env } = run("p3.2xlarge");
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("instance type p3.2xlarge is not one of this pool's types");
    expect(fs.existsSync(env)).toBe(false);
  });
  test("the unit reads the variable: systemd expands it in ExecStart, nowhere else", () => {
    const node = {
      name: "t4-o1",
      boot: {
        secrets: [{ id: "orch-secret", file: "orch-secret" }],
        containers: [{ name: "livepeer", image: "livepeer/go-livepeer:v0.9.1", args: ["-transcoder", "-maxSessions", `\${${MAX_SESSIONS_VAR}}`, "-x", "$HOME"], mounts: [], gpus: true, network: "host" as const }],
        maxSessionsByInstanceType: table,
      },
    };
    const plan = bootPlan(node, { cloud: "aws", region: "ap-southeast-1", secretLocators: { "orch-secret": "arn:aws:secretsmanager:ap-southeast-1:123456789012:secret:x-AbCdEf" } });
    expect(plan.units.indexOf(UNITS.capacity)).toBeLessThan(plan.units.indexOf("livepeer-fleet-livepeer.service"));
    const unit = plan.files.find((f) => f.path.endsWith("livepeer-fleet-livepeer.service"))!.content;
    expect(unit).toContain(`EnvironmentFile=${CAPACITY_ENV}`);
    expect(unit).toMatch(new RegExp(`-maxSessions \\$\\{${MAX_SESSIONS_VAR}\\} -x "\\$\\$HOME"`));
    expect(unit).toContain(`Requires=docker.service livepeer-fleet-secrets.service ${UNITS.capacity}`);
    expect(() => bootPlan({ ...node, boot: { ...node.boot, maxSessionsByInstanceType: undefined } }, { cloud: "aws", region: "ap-southeast-1", secretLocators: { "orch-secret": "arn:x" } })).toThrow(/reads LPF_MAX_SESSIONS but no capacity table/);
  });
});

describe("the AI model cache", () => {
  const IMAGE = "livepeer/ai-runner@sha256:" + "b".repeat(64);
  const setup = (shims: Record<string, string> = {}) => {
    const sb = sandbox({ docker: String.raw`echo "docker $*" >> "$FAKE/calls"; cat "$FAKE/secrets/.model-token.env" >> "$FAKE/envfile-seen" 2>/dev/null; mkdir -p "$FAKE/models/models--x"`, aws: String.raw`echo "aws $*" >> "$FAKE/calls"; [ -z "$AWS_FAILS" ] || exit 1; touch "$FAKE/models/weights"`, gcloud: String.raw`echo "gcloud $*" >> "$FAKE/calls"`, ...shims });
    const dir = path.join(sb.dir, "models");
    const secrets = path.join(sb.dir, "secrets");
    fs.mkdirSync(secrets);
    const fix = (s: string) => s.split(PATHS.secretsDir).join(secrets);
    return { sb, dir, secrets, fix, calls: () => (fs.existsSync(path.join(sb.dir, "calls")) ? sb.read("calls").trim().split("\n") : []) };
  };

  test("image: an existing non-empty directory passes; an empty or missing one refuses to start", () => {
    const h = setup();
    const script = (p: string) => modelCacheScript({ source: "image", path: p, dir: p }, "aws", "us-east-1", undefined, undefined);
    expect(h.sb.run(script(path.join(h.sb.dir, "nope"))).out).toContain("is not on this machine image");
    fs.mkdirSync(h.dir);
    expect(h.sb.run(script(h.dir)).status).not.toBe(0);
    fs.writeFileSync(path.join(h.dir, "w"), "x");
    expect(h.sb.run(script(h.dir)).status).toBe(0);
  });

  test("bucket (AWS): s3 sync into the cache once, then a mark; later boots skip it; failures retried then fatal", () => {
    const h = setup();
    const script = modelCacheScript({ source: "bucket", uri: "s3://ref-livepeer-models/huggingface", bucket: "ref-livepeer-models", prefix: "huggingface", sizeGb: 100, dir: h.dir }, "aws", "us-east-1", undefined, undefined);
    expect(h.sb.run(script).status).toBe(0);
    expect(h.calls()).toEqual([`aws s3 sync --only-show-errors --region us-east-1 s3://ref-livepeer-models/huggingface ${h.dir}`]);
    expect(fs.existsSync(path.join(h.dir, MODEL_CACHE_MARKER))).toBe(true);
    expect(h.sb.run(script).status).toBe(0);
    expect(h.calls()).toHaveLength(1);
    const bad = setup();
    const r = bad.sb.run(modelCacheScript({ source: "bucket", uri: "s3://b/p", bucket: "b", prefix: "p", sizeGb: 1, dir: bad.dir }, "aws", "us-east-1", undefined, undefined), [], { AWS_FAILS: "1" });
    expect(r.status).not.toBe(0);
    expect(bad.calls()).toHaveLength(5);
    expect(fs.existsSync(path.join(bad.dir, MODEL_CACHE_MARKER))).toBe(false);
  });

  test("bucket (GCP): gcloud storage rsync", () => {
    const h = setup();
    expect(h.sb.run(modelCacheScript({ source: "bucket", uri: "gs://m/hf", bucket: "m", prefix: "hf", sizeGb: 1, dir: h.dir }, "gcp", "", undefined, undefined)).status).toBe(0);
    expect(h.calls()).toEqual([`gcloud storage rsync --recursive gs://m/hf ${h.dir}`]);
  });

  test("download: each model by the pinned runner image, the token only through a 0600 env file that is removed afterwards", () => {
    const h = setup();
    const TOKEN = "hf_throwaway-token-value";
    fs.writeFileSync(path.join(h.secrets, "model-token"), TOKEN);
    const script = h.fix(modelCacheScript({ source: "download", sizeGb: 10, tokenSecretId: "sdxl-model-token", modelIds: ["ByteDance/SDXL-Lightning", "a/b"], dir: h.dir }, "gcp", "", IMAGE, "/bin/true"));
    const r = h.sb.run(script);
    expect(r.status).toBe(0);
    const calls = h.calls();
    expect(calls).toEqual(["ByteDance/SDXL-Lightning", "a/b"].map((m) => `docker run --rm --network bridge --env-file ${h.secrets}/.model-token.env -v ${h.dir}:/models --entrypoint huggingface-cli ${IMAGE} download ${m} --cache-dir /models`));
    expect(calls.join("\n")).not.toContain(TOKEN);
    expect(r.out).not.toContain(TOKEN);
    expect(h.sb.read("envfile-seen")).toContain(`HF_TOKEN=${TOKEN}`);
    expect(fs.existsSync(path.join(h.secrets, ".model-token.env"))).toBe(false);
  });

  test("download with a token of two lines (changed in the secret store) refuses to start: no env file, no download", () => {
    const h = setup();
    fs.writeFileSync(path.join(h.secrets, "model-token"), "hf_abc\nLD_PRELOAD=/tmp/x.so\n");
    const r = h.sb.run(h.fix(modelCacheScript({ source: "download", sizeGb: 10, tokenSecretId: "t", modelIds: ["a/b"], dir: h.dir }, "aws", "us-east-1", IMAGE, undefined)));
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("the model download token holds spaces or control characters");
    expect(r.out).not.toContain("LD_PRELOAD");
    expect(h.calls()).toEqual([]);
    expect(fs.existsSync(path.join(h.secrets, ".model-token.env"))).toBe(false);
  });

  test("download without a fetched token refuses to start", () => {
    const h = setup();
    const r = h.sb.run(h.fix(modelCacheScript({ source: "download", sizeGb: 10, tokenSecretId: "t", modelIds: ["a/b"], dir: h.dir }, "aws", "us-east-1", IMAGE, undefined)));
    expect(r.status).not.toBe(0);
    expect(r.out).toContain("the model download token was not fetched");
    expect(h.calls()).toEqual([]);
  });
});

describe("static checks", () => {
  const shellcheck = require("child_process").spawnSync("sh", ["-c", "command -v shellcheck"]).status === 0;
  (shellcheck ? test : test.skip)("shellcheck passes for every variant (skipped when shellcheck is not installed)", () => {
    const IMAGE = "livepeer/ai-runner@sha256:" + "c".repeat(64);
    const scripts = {
      capacity: capacityScript({ "g4dn.xlarge": 20, "g4dn.2xlarge": 24 }),
      image: modelCacheScript({ source: "image", path: "/opt/models", dir: "/opt/models" }, "aws", "us-east-1", undefined, undefined),
      s3: modelCacheScript({ source: "bucket", uri: "s3://b/p", bucket: "b", prefix: "p", sizeGb: 1, dir: "/m" }, "aws", "us-east-1", undefined, undefined),
      gcs: modelCacheScript({ source: "bucket", uri: "gs://b", bucket: "b", prefix: "", sizeGb: 1, dir: "/m" }, "gcp", "", undefined, undefined),
      download: modelCacheScript({ source: "download", sizeGb: 1, tokenSecretId: "t", modelIds: ["a/b", "c/d"], dir: "/m" }, "gcp", "", IMAGE, "/usr/local/sbin/livepeer-fleet-metadata-guard"),
    };
    for (const [name, text] of Object.entries(scripts)) {
      const r = require("child_process").spawnSync("shellcheck", ["-s", "bash", "-S", "warning", "-"], { input: text, encoding: "utf8" });
      expect([name, r.stdout]).toEqual([name, ""]);
    }
  });
});

describe("GCP AI workers: the runner containers go-livepeer starts on the bridge never reach the metadata server", () => {
  const { buildLayout } = require("../../src/layout/layout");
  const { loadFleetFile } = require("../../src/spec/load");
  const { BOOT_PATHS } = require("../../src/layout/boot");
  const l = buildLayout(loadFleetFile(path.join(__dirname, "..", "..", "examples", "multi-region", "fleet.yaml")));
  const eu = l.regions.find((r: any) => r.name === "euw4");
  const ctx = (g: any) => ({ cloud: "gcp" as const, secretLocators: Object.fromEntries(g.boot.secrets.map((s: any) => [s.id, `projects/lpf-example-eu/secrets/lpf-euw4-${s.id}`])) });
  const livepeerUnit = (g: any) => bootPlan(g, ctx(g)).files.find((f) => f.path.endsWith("livepeer-fleet-livepeer.service"))!.content;
  test("the AI worker's go-livepeer unit installs the guard before every start; a transcoder's has none to install", () => {
    const ai = eu.workerGroups.find((g: any) => g.kind === "ai");
    const t = eu.workerGroups.find((g: any) => g.kind === "transcoder");
    expect(livepeerUnit(ai)).toContain(`ExecStartPre=${BOOT_PATHS.metadataGuardScript}`);
    expect(bootPlan(ai, ctx(ai)).files.map((f) => f.path)).toContain(BOOT_PATHS.metadataGuardScript);
    expect(livepeerUnit(t)).not.toContain(BOOT_PATHS.metadataGuardScript);
  });
});
