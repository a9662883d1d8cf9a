/** Worker groups from pools: AI workers (argv, aiModels files, runner images), mixed types, size units, scaling. */
import { buildLayout } from "../../src/layout/layout";
import { aiModelsJson, runnerImageOverrides, orchestratorAiModels, AI_MODELS_FILE, O_AI_MODELS_FILE } from "../../src/layout/workers";
import { MAX_SESSIONS_VAR, PATHS } from "../../src/layout/types";
import { loadFleetFile } from "../../src/spec/load";
import { load, mutated, ROOT } from "../helpers/spec";
import * as path from "path";

const REF = buildLayout(load(mutated(() => undefined)));
const r0 = REF.regions[0];
const MULTI = buildLayout(loadFleetFile(path.join(ROOT, "examples", "multi-region", "fleet.yaml")));
const byName = <T extends { name: string }>(xs: T[], n: string) => xs.find((x) => x.name === n)!;
const flag = (argv: string[], f: string) => argv[argv.indexOf(f) + 1];

describe("AI groups (reference sdxl pool)", () => {
  const g = byName(r0.workerGroups, "sdxl-o1");
  const o1 = byName(r0.orchestrators, "o1");

  test("exact argv: remote AI worker bound to its O, models file, host models dir, runner image by digest, loopback CLI", () => {
    expect(g.argv).toEqual([
      "-aiWorker",
      "-orchAddr", `${o1.privateIp}:8935`,
      "-orchSecret", "/secrets/orch-secret",
      "-cliAddr", "127.0.0.1:4935",
      "-nvidia", "all",
      "-aiModels", "/etc/livepeer/ai-models.json",
      "-aiModelsDir", PATHS.modelsDir,
      "-aiRunnerImageOverrides", `{"batch":{"text-to-image":"livepeer/ai-runner@sha256:3f4c9a1e2b7d8c6f5a4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a"}}`,
      "-dataDir", "/data",
      "-monitor", "-v", "3",
    ]);
  });

  test("the container drives the host's Docker: socket, models dir at the same path, the models file read-only; GPUs", () => {
    const [c, agent] = g.boot.containers;
    // its own metrics agent publishes the runner containers go-livepeer reports on the worker, labelled with its O
    expect([agent.name, agent.network, agent.gpus]).toEqual(["metrics-agent", "host", false]);
    const scrape = g.boot.files!.find((f) => f.path.endsWith("prometheus-scrape.yaml"))!.content;
    expect(scrape).toContain("127.0.0.1:4935");
    expect(scrape).toMatch(/node: o1\b/);
    expect(scrape).toContain("livepeer_ai_container_in_use|livepeer_ai_container_idle");
    expect(c.mounts).toEqual([
      "/run/livepeer-fleet/secrets:/secrets:ro", "/var/lib/livepeer:/data",
      "/var/run/docker.sock:/var/run/docker.sock", `${PATHS.modelsDir}:${PATHS.modelsDir}`, `${AI_MODELS_FILE.host}:${AI_MODELS_FILE.container}:ro`,
    ]);
    expect([c.gpus, c.network]).toEqual([true, "host"]);
    expect(g.boot.extraImages).toEqual(["livepeer/ai-runner@sha256:3f4c9a1e2b7d8c6f5a4e3d2c1b0a9f8e7d6c5b4a3f2e1d0c9b8a7f6e5d4c3b2a"]);
    expect(g.boot.files!.filter((f) => f.path === AI_MODELS_FILE.host)).toEqual([{ path: AI_MODELS_FILE.host, content: g.ai!.aiModelsJson }]);
    expect(g.boot.modelCache).toEqual({ source: "bucket", uri: "s3://ref-livepeer-models/huggingface", bucket: "ref-livepeer-models", prefix: "huggingface", sizeGb: 100, dir: PATHS.modelsDir });
    expect(g.boot.secrets.map((s) => s.id)).toEqual(["orch-secret"]);
  });

  test("the worker's aiModels file: warm, capacity and prices as go-livepeer's AIModelConfig", () => {
    expect(JSON.parse(g.ai!.aiModelsJson)).toEqual([
      { pipeline: "text-to-image", model_id: "ByteDance/SDXL-Lightning", warm: true, capacity: 1, price_per_unit: 4768371, pixels_per_unit: 1 },
    ]);
  });

  test("capacity: runner containers per instance; the root volume holds the model cache", () => {
    expect(g.capacity).toEqual({ gpuModel: "A10G", gpusPerInstance: 1, sessionsPerInstance: 1, maxSessions: 3 });
    expect(g.rootVolumeGb).toBe(100 + 100);
    expect(g.scaling).toEqual({ targetUtilization: 70, scaleInCooldownSeconds: 600, warmupSeconds: 300, series: { fleet: "ref", region: "use1", node: "o1" }, signal: "ai-containers" });
  });

  test("the region's Os price the AI models from their own file (no warm/capacity: they run none)", () => {
    expect(o1.argv.slice(o1.argv.indexOf("-aiModels"), o1.argv.indexOf("-aiModels") + 2)).toEqual(["-aiModels", O_AI_MODELS_FILE.container]);
    const file = o1.boot.files!.filter((f) => f.path === O_AI_MODELS_FILE.host);
    expect(file).toHaveLength(1);
    expect(JSON.parse(file[0].content)).toEqual([{ pipeline: "text-to-image", model_id: "ByteDance/SDXL-Lightning", price_per_unit: 4768371, pixels_per_unit: 1 }]);
    const lp = o1.boot.containers.find((c) => c.name === "livepeer")!;
    expect(lp.mounts).toContain(`${O_AI_MODELS_FILE.host}:${O_AI_MODELS_FILE.container}:ro`);
  });

  test("a region without AI pools: no -aiModels on its Os", () => {
    const l = buildLayout(load(mutated((r) => (r.regions[0].workers = [r.regions[0].workers[0]]))));
    for (const o of l.regions[0].orchestrators) {
      expect(o.argv).not.toContain("-aiModels");
      expect((o.boot.files ?? []).map((f) => f.path)).not.toContain(O_AI_MODELS_FILE.host);
    }
  });

  test("a download cache: the token is a secret only the pool's groups read, fetched as a file", () => {
    const eu = MULTI.regions.find((r) => r.name === "euw4")!;
    const ai = eu.workerGroups.filter((x) => x.kind === "ai");
    expect(ai.map((x) => x.name)).toEqual(["sdxl-euw4-a", "sdxl-euw4-b"]);
    expect(eu.secrets.find((s) => s.id === "sdxl-model-token")).toEqual({ id: "sdxl-model-token", source: { kind: "model-token", region: "euw4", pool: "sdxl" }, readers: ["sdxl-euw4-a", "sdxl-euw4-b"] });
    for (const x of ai) {
      expect(x.boot.secrets).toEqual([{ id: "orch-secret", file: "orch-secret" }, { id: "sdxl-model-token", file: "model-token" }]);
      expect(x.boot.modelCache).toMatchObject({ source: "download", modelIds: ["ByteDance/SDXL-Lightning"], sizeGb: 60 });
      expect(x.argv.join(" ")).not.toContain("throwaway-test-hf-token");
    }
  });
});

describe("aiModels and runner image rendering", () => {
  const pricing = { pricePerUnit: "1200", pixelsPerUnit: "1", autoAdjustPrice: true } as any;
  test("prices: wei as an exact number, a currency split into price and currency, fallback to the fleet's", () => {
    const out = JSON.parse(aiModelsJson([
      { pipeline: "llm", modelId: "meta-llama/Meta-Llama-3.1-8B-Instruct", warm: false, capacity: 2, pricePerUnit: "0.005USD", pixelsPerUnit: "1000000" },
      { pipeline: "upscale", modelId: "stabilityai/stable-diffusion-x4-upscaler", warm: true, capacity: 1, optimizationFlags: { SFAST: true, DEEPCACHE: false } },
    ] as any, pricing, true));
    expect(out).toEqual([
      { pipeline: "llm", model_id: "meta-llama/Meta-Llama-3.1-8B-Instruct", warm: false, capacity: 2, price_per_unit: 0.005, pixels_per_unit: 1000000, currency: "USD" },
      { pipeline: "upscale", model_id: "stabilityai/stable-diffusion-x4-upscaler", warm: true, capacity: 1, optimization_flags: { DEEPCACHE: false, SFAST: true }, price_per_unit: 1200, pixels_per_unit: 1 },
    ]);
  });
  test("a wei price beyond 2^53 keeps every digit (a JSON number literal from its decimal text)", () => {
    const text = aiModelsJson([{ pipeline: "llm", modelId: "a/b", warm: false, capacity: 1, pricePerUnit: "123456789012345678901" }] as any, pricing, false);
    expect(text).toContain('"price_per_unit":123456789012345678901');
  });
  test("runner images: batch ones by pipeline; live-video-to-video ones by model id (go-livepeer's lookup); sorted", () => {
    const models = [{ pipeline: "upscale", modelId: "a/u" }, { pipeline: "live-video-to-video", modelId: "streamdiffusion" }, { pipeline: "live-video-to-video", modelId: "comfyui" }, { pipeline: "audio-to-text", modelId: "a/w" }];
    expect(JSON.parse(runnerImageOverrides({ upscale: "u@sha256:1", "live-video-to-video": "l@sha256:2", "audio-to-text": "a@sha256:3" }, models))).toEqual({
      batch: { "audio-to-text": "a@sha256:3", upscale: "u@sha256:1" },
      live: { comfyui: "l@sha256:2", streamdiffusion: "l@sha256:2" },
    });
    expect(runnerImageOverrides({ "text-to-image": "t@sha256:4" }, [{ pipeline: "text-to-image", modelId: "x/y" }])).toBe('{"batch":{"text-to-image":"t@sha256:4"}}');
  });
  test("the O's file lists each model once across the region's AI pools", () => {
    const raw = mutated((r) => {
      const sd = r.regions[0].workers[1];
      r.regions[0].workers.push({ ...sd, name: "sdxl2", scaling: false });
    });
    const fleet = load(raw);
    expect(JSON.parse(orchestratorAiModels(fleet.spec, fleet.spec.regions[0], fleet.spec.pricing)!)).toHaveLength(1);
  });
});

describe("mixed instance types and size units", () => {
  const apse1 = MULTI.regions.find((r) => r.name === "apse1")!;
  const g = apse1.workerGroups[0];
  test("AWS, sizes in sessions: each type weighs what it offers; bounds stay sessions; -maxSessions from the type at boot", () => {
    expect(g.instanceTypes).toEqual([
      { instanceType: "g4dn.xlarge", gpuModel: "T4", gpus: 1, perInstance: 20 },
      { instanceType: "g4dn.2xlarge", gpuModel: "T4", gpus: 1, perInstance: 24 },
    ]);
    expect([g.capacityUnit, g.minSize, g.maxSize, g.desiredSize]).toEqual(["sessions", 20, 96, 20]);
    expect(flag(g.argv, "-maxSessions")).toBe(`\${${MAX_SESSIONS_VAR}}`);
    expect(g.boot.maxSessionsByInstanceType).toEqual({ "g4dn.xlarge": 20, "g4dn.2xlarge": 24 });
    expect(g.capacity.maxSessions).toBe(96);
  });
  test("GCP, sizes in sessions: converted to instances (min rounds up, max down)", () => {
    const l = buildLayout(loadFleetFile(path.join(ROOT, "examples", "gcp", "fleet.yaml")));
    const base = l.regions[0].workerGroups[0];
    expect(base.capacityUnit).toBe("instances");
    const { loadFleet } = require("../../src/spec/validate");
    const { parse } = require("yaml");
    const fs = require("fs");
    const dir = path.join(ROOT, "examples", "gcp");
    const raw = parse(fs.readFileSync(path.join(dir, "fleet.yaml"), "utf8"));
    Object.assign(raw.regions[0].workers[0], { sizeUnit: "sessions", minSize: 30, maxSize: 90, desiredSize: 30 });
    const g2 = buildLayout(loadFleet(raw, { baseDir: dir })).regions[0].workerGroups[0];
    expect([g2.capacityUnit, g2.minSize, g2.maxSize, g2.desiredSize]).toEqual(["instances", 2, 4, 2]);
  });
  test("a single type keeps an exact -maxSessions and no capacity table", () => {
    const t4 = byName(r0.workerGroups, "t4-o1");
    expect(flag(t4.argv, "-maxSessions")).toBe("20");
    expect(t4.boot.maxSessionsByInstanceType).toBeUndefined();
  });
});

describe("scaling", () => {
  test("defaults when a pool says nothing; the O whose series the group follows", () => {
    const l = buildLayout(load(mutated((r) => delete r.regions[0].workers[0].scaling)));
    expect(byName(l.regions[0].workerGroups, "t4-o2").scaling).toEqual({
      targetUtilization: 70, scaleInCooldownSeconds: 600, warmupSeconds: 300, series: { fleet: "ref", region: "use1", node: "o2" }, signal: "transcoder-sessions",
    });
  });
  test.each<[string, (r: any) => void]>([
    ["scaling: false", (r) => (r.regions[0].workers[0].scaling = false)],
    ["minSize = maxSize", (r) => Object.assign(r.regions[0].workers[0], { minSize: 2, maxSize: 2 })],
  ])("fixed size with %s", (_n, m) => {
    const l = buildLayout(load(mutated(m)));
    expect(byName(l.regions[0].workerGroups, "t4-o1").scaling).toBeUndefined();
  });
});

describe("the fleet's capacity summary", () => {
  const { capacityOf } = require("../../src/cli/plan");
  test("sizes in sessions count as sessions (never multiplied again); AI runner containers apart from transcoding sessions", () => {
    // use1 t4: 2 × 1–4 × 20; euw4 l4: 2 × 1–4 × 30; apse1 t4: 2 × 20–96 sessions (1–5 instances of 1 GPU); euw4 sdxl: 2 × 1–2 × 1 container
    expect(capacityOf(MULTI.regions.flatMap((r) => r.workerGroups))).toEqual({ minGpus: 8, maxGpus: 30, minSessions: 140, maxSessions: 592, minAiContainers: 2, maxAiContainers: 4 });
    expect(capacityOf(r0.workerGroups)).toEqual({ minGpus: 4, maxGpus: 14, minSessions: 40, maxSessions: 160, minAiContainers: 2, maxAiContainers: 6 });
  });
});

describe("AI-only regions", () => {
  test("their Os get no 'no transcoder attached' alert (they never have transcoders); the readiness counts AI runner containers", () => {
    const raw = mutated((r) => {
      r.regions[0].workers = [r.regions[0].workers[1]];
      r.monitoring = { image: "livepeer/monitoring:sha-0072bc4", alerts: { email: ["ops@fleet.example.com"] } };
    });
    const l = buildLayout(load(raw));
    const alerts = l.regions[0].observability!.alerts!.nodeAlerts.map((a) => a.alert);
    expect(alerts).not.toContain("noTranscoders");
    expect(alerts).toContain("redemptionErrors");
    // silence is caught by the readiness heartbeat instead, per O
    const of = (layout: typeof l, k: string) => layout.regions[0].observability!.alerts!.nodeAlerts.filter((a) => a.alert === k).map((a) => a.node);
    expect([of(l, "silent"), of(l, "notReady")]).toEqual([["o1", "o2"], ["o1", "o2"]]);
    const withT4 = buildLayout(load(mutated((r) => (r.monitoring = { image: "livepeer/monitoring:sha-0072bc4", alerts: { email: ["ops@fleet.example.com"] } }))));
    expect([of(withT4, "noTranscoders"), of(withT4, "silent"), of(withT4, "notReady")]).toEqual([["o1", "o2"], [], ["o1", "o2"]]);
  });
});

describe("plan warnings for pools", () => {
  test("a scaling block on a fixed-size pool, and an AI model priced at the transcoding price, are pointed out", () => {
    const l = buildLayout(load(mutated((r) => {
      Object.assign(r.regions[0].workers[0], { minSize: 2, maxSize: 2 });
      delete r.regions[0].workers[1].models[0].pricePerUnit;
    })));
    expect(l.warnings).toEqual(expect.arrayContaining([
      "pool t4 of region use1 has a scaling block but minSize = maxSize (2): its groups keep that size and do not scale",
      "model ByteDance/SDXL-Lightning (text-to-image) of pool sdxl in region use1 has no pricePerUnit: go-livepeer prices it at the region's transcoding price (1200 per 1 pixels); set the model's own price",
    ]));
    expect(REF.warnings.filter((w) => /pool|model/.test(w))).toEqual([]);
  });
});
