/** Worker pool rules: AI pools (models, GPU memory, runner images by digest, model cache), mixed types, scaling. */
import { expectIssues, load, mutated, Mutation, loadError, secretPlaintexts } from "../helpers/spec";

const AI = "regions[0].workers[1]";
const T = "regions[0].workers[0]";
const ai = (patch: Record<string, unknown>): Mutation => (r) => Object.assign(r.regions[0].workers[1], patch);
const t4 = (patch: Record<string, unknown>): Mutation => (r) => Object.assign(r.regions[0].workers[0], patch);
const DIGEST = "livepeer/ai-runner@sha256:" + "a".repeat(64);
const model = (m: Record<string, unknown> = {}) => ({ pipeline: "text-to-image", modelId: "ByteDance/SDXL-Lightning", warm: true, ...m });

describe("AI pools", () => {
  test("the reference AI pool loads with defaults (capacity 1, cold unless warm)", () => {
    const w = load(mutated(ai({ instanceType: "g5.12xlarge", gpu: { model: "A10G", count: 4 }, models: [model(), { pipeline: "image-to-video", modelId: "stabilityai/svd", capacity: 2 }], runnerImages: { "text-to-image": DIGEST, "image-to-video": DIGEST } }))).spec.regions[0].workers[1] as any;
    expect(w.kind).toBe("ai");
    expect(w.models.map((m: any) => [m.modelId, m.warm, m.capacity])).toEqual([["ByteDance/SDXL-Lightning", true, 1], ["stabilityai/svd", false, 2]]);
  });

  test.each<[string, Mutation, [string, RegExp][]]>([
    ["a GPU under 16 GiB (T4 is 16: fine; M60 is 8)", ai({ instanceType: "g3.4xlarge", gpu: { model: "M60", count: 1 } }), [[`${AI}.gpu.model`, /gives 8 GiB per GPU; AI pipelines need ≥ 16 GiB/]]],
    ["an unknown GPU model without memoryGb", ai({ gpu: { model: "X9", count: 1 } }), [[`${AI}.gpu.model`, /must be A10G: g5\.xlarge carries A10G GPUs/], [`${AI}.gpu.memoryGb`, /is required for GPU model X9/]]],
    ["memoryGb stated too small", ai({ gpu: { model: "A10G", count: 1, memoryGb: 12 } }), [[`${AI}.gpu.memoryGb`, /gives 12 GiB per GPU/]]],
    ["two models on one GPU", ai({ models: [model(), model({ modelId: "stabilityai/sd-turbo", warm: false })] }), [[`${AI}.models`, /ask for 2 runner container\(s\) on 1 GPU\(s\); go-livepeer runs one container per GPU/]]],
    ["a warm model with capacity 2 on one GPU", ai({ models: [model({ capacity: 2 })] }), [[`${AI}.models`, /ask for 2 runner container/]]],
    ["one model both warm and cold", ai({ gpu: { model: "A10G", count: 4 }, instanceType: "g5.12xlarge", models: [model(), model({ pipeline: "image-to-image", warm: false })], runnerImages: { "text-to-image": DIGEST, "image-to-image": DIGEST } }), [[`${AI}.models[1].warm`, /cannot hold one model both warm and cold/]]],
    ["the same model twice for a pipeline", ai({ instanceType: "g5.12xlarge", gpu: { model: "A10G", count: 4 }, models: [model(), model({ warm: true })] }), [[`${AI}.models[1].modelId`, /listed twice for pipeline text-to-image/]]],
    ["an unknown pipeline", ai({ models: [model({ pipeline: "text-to-pizza" })], runnerImages: { "text-to-pizza": DIGEST } }), [[`${AI}.models[0].pipeline`, /must be a go-livepeer AI pipeline: text-to-image, /]]],
    ["a model id that is not a Hugging Face id", ai({ models: [model({ modelId: "../../etc/passwd" })] }), [[`${AI}.models[0].modelId`, /Hugging Face model id/]]],
    ["a pipeline without a runner image", ai({ runnerImages: {} }), [[`${AI}.runnerImages.text-to-image`, /is required: models\[0\] uses pipeline text-to-image/]]],
    ["a runner image by tag", ai({ runnerImages: { "text-to-image": "livepeer/ai-runner:v0.14.0" } }), [[`${AI}.runnerImages.text-to-image`, /pinned by digest/]]],
    ["a runner image for a pipeline no model uses", ai({ runnerImages: { "text-to-image": DIGEST, upscale: DIGEST } }), [[`${AI}.runnerImages.upscale`, /names a pipeline no model of this pool uses/]]],
    ["no models", ai({ models: [] }), [[`${AI}.models`, /at least 1|too small|>=1|≥ ?1/i]]],
    ["a GCS bucket on AWS", ai({ modelCache: { source: "bucket", uri: "gs://models" } }), [[`${AI}.modelCache.uri`, /must be a S3 location in this region's cloud: s3:\/\/<bucket>/]]],
    ["a relative image path", ai({ modelCache: { source: "image", path: "models" } }), [[`${AI}.modelCache.path`, /must be a directory of the machine image under \/opt, \/srv, \/data or \/var\/lib/]]],
    ["an unstated model source", ai({ modelCache: { source: "huggingface" } }), [[`${AI}.modelCache.source`, /must be one of: "image", "bucket", "download"/]]],
    ["no price anywhere", (r) => { delete r.pricing.pricePerUnit; delete r.regions[0].workers[1].models[0].pricePerUnit; }, [[`${AI}.models[0].pricePerUnit`, /go-livepeer panics without a price/], ["pricing.pricePerUnit", /is required for an on-chain orchestrator/]]],
    ["sessionsPerGpu on an AI pool", ai({ sessionsPerGpu: 2 }), [[`${AI}.sessionsPerGpu`, /unknown field/]]],
    ["a models path of `/.` (the whole host into every runner)", ai({ modelCache: { source: "image", path: "/." } }), [[`${AI}.modelCache.path`, /under \/opt, \/srv, \/data or \/var\/lib/]]],
    ["a models path climbing out", ai({ modelCache: { source: "image", path: "/opt/../../etc" } }), [[`${AI}.modelCache.path`, /no `\.` or `\.\.`/]]],
    ["the secrets tmpfs as models path", ai({ modelCache: { source: "image", path: "/run/livepeer-fleet/secrets" } }), [[`${AI}.modelCache.path`, /under \/opt/]]],
    ["a runner image smuggling a docker option", ai({ runnerImages: { "text-to-image": "--privileged@sha256:" + "a".repeat(64) } }), [[`${AI}.runnerImages.text-to-image`, /well-formed image pinned by digest/]]],
    ["a runner image with shell text", ai({ runnerImages: { "text-to-image": "$(reboot)x@sha256:" + "a".repeat(64) } }), [[`${AI}.runnerImages.text-to-image`, /well-formed image/]]],
    ["a bucket prefix climbing out", ai({ modelCache: { source: "bucket", uri: "s3://models/../other" } }), [[`${AI}.modelCache.uri`, /no `\.\.`/]]],
    ["a bucket named by an address", ai({ modelCache: { source: "bucket", uri: "s3://192.168.1.1/x" } }), [[`${AI}.modelCache.uri`, /a bucket name, not an address/]]],
    ["a cache that overflows the root volume", ai({ modelCache: { source: "bucket", uri: "s3://models/x", sizeGb: 16384 } }), [[`${AI}.modelCache.sizeGb`, /makes a 16484 GiB root volume/]]],
    ["a price that is not wei or USD", ai({ models: [model({ pricePerUnit: "0.5EUR" })] }), [[`${AI}.models[0].pricePerUnit`, /integer wei amount .* or a USD amount/]]],
    ["pixelsPerUnit 0", ai({ models: [model({ pixelsPerUnit: "0" })] }), [[`${AI}.models[0].pixelsPerUnit`, /integer > 0/]]],
    ["an optimization flag that would set LD_PRELOAD", ai({ models: [model({ optimizationFlags: { LD_PRELOAD: "/x.so" } })] }), [[`${AI}.models[0].optimizationFlags.LD_PRELOAD`, /upper-case flag name/]]],
    ["an optimization flag with odd characters", ai({ models: [model({ optimizationFlags: { "A B=C": true } })] }), [[`${AI}.models[0].optimizationFlags.A B=C`, /upper-case flag name/]]],
    ["a live pipeline with a download cache", ai({ models: [model({ pipeline: "live-video-to-video", modelId: "comfyui" })], runnerImages: { "live-video-to-video": DIGEST }, modelCache: { source: "download", token: "hf_x-throwaway-0000" } }), [[`${AI}.models[0].pipeline`, /cannot use a `download` model cache/]]],
    ["a second scaling AI pool", (r) => r.regions[0].workers.push({ ...r.regions[0].workers[1], name: "sdxl2" }), [["regions[0].workers[2].scaling", /second ai pool of this region that scales \(after sdxl\)/]]],
    ["one model priced twice in a region", (r) => r.regions[0].workers.push({ ...r.regions[0].workers[1], name: "sdxl2", scaling: false, models: [{ ...r.regions[0].workers[1].models[0], pricePerUnit: "1" }] }), [["regions[0].workers[2].models[0].pricePerUnit", /differs from workers\[1\]\.models\[0\]/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test("a download token never appears in an error", () => {
    const raw = mutated(ai({ modelCache: { source: "download", token: "hf_throwaway-secret-token-value", sizeGb: 0 } }));
    const err = loadError(raw);
    expect(err.issues.map((i) => i.path)).toEqual([`${AI}.modelCache.sizeGb`]);
    expect(secretPlaintexts(raw)).toContain("hf_throwaway-secret-token-value");
  });
});

describe("names", () => {
  test.each(["o1-ssm", "o1-spot", "x-monitoring", "a-drain"])("an orchestrator named %s is refused (a derived name would collide)", (n) => {
    expectIssues(mutated((r) => (r.regions[0].orchestrators[0].name = n)), [["regions[0].orchestrators[0].name", /must not end in `-/]]);
  });
  test.each([["a newline", "hf_abc\nLD_PRELOAD=/tmp/x.so"], ["a space", "hf_abc def"], ["a tab", "hf_abc\t"]])("a download token with %s is refused, never echoed (it goes into an env file)", (_n, token) => {
    const err = loadError(mutated(ai({ modelCache: { source: "download", sizeGb: 60, token } })));
    expect(err.issues.map((i) => [i.path, i.message])).toEqual([[`${AI}.modelCache.token`, expect.stringMatching(/must be one line of printable ASCII without spaces/)]]);
    expect(err.message).not.toContain("hf_abc");
  });
  test("a numeric download token is never echoed", () => {
    const raw = mutated(ai({ modelCache: { source: "download", token: 9876543210 } }));
    const err = loadError(raw);
    expect(err.message).not.toContain("9876543210");
    expect(err.issues.map((i) => i.path)).toEqual([`${AI}.modelCache.token`]);
  });
});

describe("transcoder pools: mixed instance types, size units, scaling", () => {
  const extra = { extraInstanceTypes: [{ instanceType: "g4dn.2xlarge", gpu: { model: "T4", count: 1 }, sessionsPerGpu: 24 }] };
  test("mixed types with sizes in sessions load", () => {
    const w = load(mutated(t4({ ...extra, sizeUnit: "sessions", minSize: 20, maxSize: 96 }))).spec.regions[0].workers[0] as any;
    expect([w.sizeUnit, w.extraInstanceTypes[0].instanceType]).toEqual(["sessions", "g4dn.2xlarge"]);
  });
  test.each<[string, Mutation, [string, RegExp][]]>([
    ["mixed types without a size unit", t4(extra), [[`${T}.sizeUnit`, /must be stated \(`instances` or `sessions`\) when a pool mixes instance types/]]],
    ["the primary type repeated", t4({ sizeUnit: "instances", extraInstanceTypes: [{ instanceType: "g4dn.xlarge", gpu: { model: "T4", count: 1 }, sessionsPerGpu: 20 }] }), [[`${T}.extraInstanceTypes[0].instanceType`, /is listed twice in this pool/]]],
    ["a bad extra type", t4({ sizeUnit: "instances", extraInstanceTypes: [{ instanceType: "g4dn", gpu: { model: "T4", count: 1 }, sessionsPerGpu: 20 }] }), [[`${T}.extraInstanceTypes[0].instanceType`, /must be an EC2 instance type/]]],
    ["a GCP accelerator type on an extra AWS type", t4({ sizeUnit: "instances", extraInstanceTypes: [{ instanceType: "g5.xlarge", gpu: { model: "A10G", count: 1, type: "nvidia-l4" }, sessionsPerGpu: 20 }] }), [[`${T}.extraInstanceTypes[0].gpu.type`, /is a GCP accelerator type/]]],
    ["an unknown size unit", t4({ sizeUnit: "gpus" }), [[`${T}.sizeUnit`, /must be one of: "instances", "sessions"/]]],
    ["a target utilisation of 100%", t4({ scaling: { targetUtilization: 100 } }), [[`${T}.scaling.targetUtilization`, /≤ ?95|must be (at most|less than or equal to) 95/]]],
    ["a target utilisation of 5%", t4({ scaling: { targetUtilization: 5 } }), [[`${T}.scaling.targetUtilization`, /10/]]],
    ["a scale-in cooldown under a minute", t4({ scaling: { scaleInCooldownSeconds: 30 } }), [[`${T}.scaling.scaleInCooldownSeconds`, /60/]]],
    ["scaling: true (only false or a block)", t4({ scaling: true }), [[`${T}.scaling`, /.+/]]],
    ["a target utilisation with a fraction", t4({ scaling: { targetUtilization: 70.5 } }), [[`${T}.scaling.targetUtilization`, /expected int/]]],
    ["a second scaling transcoder pool", (r) => r.regions[0].workers.push({ ...r.regions[0].workers[0], name: "t4-big" }), [["regions[0].workers[2].scaling", /second transcoder pool of this region that scales \(after t4\); .*set `scaling: false`/]]],
    ["a pool named like a derived suffix", t4({ name: "t4-ssm" }), [[`${T}.name`, /must not end in `-ssm`/]]],
    ["a weight above AWS's 999", t4({ sizeUnit: "sessions", sessionsPerGpu: 1000, minSize: 1000, maxSize: 2000 }), [[`${T}.sessionsPerGpu`, /AWS weights go up to 999/]]],
    ["sizes in sessions below one instance", t4({ sizeUnit: "sessions", minSize: 5, maxSize: 10 }), [[`${T}.maxSize`, /counts sessions; one instance offers up to 20, so maxSize must be ≥ 20/]]],
    ["an on-demand base (instances) above a maximum in sessions", t4({ sizeUnit: "sessions", minSize: 20, maxSize: 40, spot: { onDemandBase: 3 } }), [[`${T}.spot.onDemandBase`, /counts instances \(20 sessions each\): 60 is above maxSize \(40 sessions\)/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test("mixed instance types are refused on GCP", () => {
    const { euRegion } = require("../helpers/spec");
    const raw = mutated((r) => {
      const eu = euRegion();
      Object.assign(eu, { cloud: "gcp", region: "europe-west4", project: "lpf-example-eu", machineImages: { cpu: "projects/lpf-example-eu/global/images/cpu-1", gpu: "projects/lpf-example-eu/global/images/gpu-1" }, network: { managed: { cidr: "10.60.0.0/20", zones: ["europe-west4-a", "europe-west4-b"] } } });
      eu.orchestrators[0].zone = "europe-west4-a";
      eu.workers = [{ name: "l4", kind: "transcoder", instanceType: "g2-standard-8", gpu: { model: "L4", count: 1 }, sessionsPerGpu: 30, minSize: 1, maxSize: 3, sizeUnit: "sessions", ...extra }];
      r.regions.push(eu);
    });
    const issues = expectIssues(raw, [["regions[1].workers[0].extraInstanceTypes", /is AWS only: a GCP managed instance group runs one machine type/], ["regions[1].workers[0].maxSize", /counts sessions; one instance offers up to 30, so maxSize must be ≥ 30/]]);
    expect(issues).toHaveLength(2);
  });

  test.each<[string, Record<string, unknown>, [string, RegExp][]]>([
    ["sessions that fit no whole instance (40–50 at 30)", { sizeUnit: "sessions", minSize: 40, maxSize: 50 }, [["regions[1].workers[0].maxSize", /fits no whole number of 30-session instances/]]],
    ["a spot base at the maximum while scaling", { minSize: 1, maxSize: 3, spot: { onDemandBase: 3 } }, [["regions[1].workers[0].spot.onDemandBase", /must be below the pool's maximum/]]],
  ])("GCP: refused: %s", (_n, patch, expected) => {
    const { euRegion } = require("../helpers/spec");
    const raw = mutated((r) => {
      const eu = euRegion();
      Object.assign(eu, { cloud: "gcp", region: "europe-west4", project: "lpf-example-eu", machineImages: { cpu: "projects/lpf-example-eu/global/images/cpu-1", gpu: "projects/lpf-example-eu/global/images/gpu-1" }, network: { managed: { cidr: "10.60.0.0/20", zones: ["europe-west4-a", "europe-west4-b"] } } });
      eu.orchestrators[0].zone = "europe-west4-a";
      eu.workers = [{ name: "l4", kind: "transcoder", instanceType: "g2-standard-8", gpu: { model: "L4", count: 1 }, sessionsPerGpu: 30, minSize: 1, maxSize: 3, ...patch }];
      r.regions.push(eu);
    });
    expectIssues(raw, expected);
  });
});
