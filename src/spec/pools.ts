/**
 * Cross-field rules of worker pools (transcoder and AI) that zod cannot express: sizes, mixed instance
 * types, AI models, runner images and the model cache. Pure.
 */
import type { WorkerPool } from "./schema";
import { LIMITS } from "./schema";
import { checkMachineType, checkGcpGpu, checkAwsGpu } from "./clouds";
import { checkImagePinned, parseImageReference } from "./validate";

/** Pool and node names must not end like a suffix the components add to derived names (`<name>-ssm` …). */
export const RESERVED_SUFFIXES = ["ssm", "spot", "drain", "track", "scale-in", "at-max", "models", "internal", "external", "data", "monitoring", "alerts", "lb-unhealthy", "version-drift"] as const;
export function reservedSuffixProblem(name: string): string | undefined {
  const hit = RESERVED_SUFFIXES.find((x) => name.endsWith(`-${x}`));
  return hit ? `must not end in \`-${hit}\`: livepeer-fleet derives names with that suffix (they would collide); reserved endings: ${RESERVED_SUFFIXES.map((x) => `-${x}`).join(", ")}` : undefined;
}
/** AWS weighted capacity accepts 1–999 per instance type. */
export const AWS_MAX_WEIGHT = 999;
/** go-livepeer runs one ai-runner container per GPU (-aiRunnerContainersPerGPU, default 1). */
export const AI_CONTAINERS_PER_GPU = 1;
const PRICE = /^\d+$|^\d+(\.\d+)?USD$/;

type Add = (path: string, value: unknown, message: string) => void;

/** Memory of one GPU by model, GiB (for the AI ≥ 16 GiB rule when the spec does not say). */
export const GPU_MEMORY_GB: Record<string, number> = {
  T4: 16, A10G: 24, A10: 24, L4: 24, L40S: 48, L40: 48, A100: 40, "A100-80GB": 80, H100: 80, H200: 141, V100: 16, K80: 12, M60: 8, P4: 8, P100: 16,
  "RTX 3090": 24, "RTX 4090": 24, "RTX A6000": 48,
};
/** Most AI pipelines need at least this much GPU memory (livepeer.md §7). */
export const AI_MIN_GPU_MEMORY_GB = 16;

const GPU_MODEL = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,31}$/;
/** An image pinned by digest: `repo[:tag]@sha256:<64 hex>`. */
const DIGEST = /^[^@\s]+@sha256:[0-9a-f]{64}$/;
/** go-livepeer AI pipelines (core/capabilities.go); live-video-to-video is the one "live" pipeline. */
export const AI_PIPELINES = [
  "text-to-image", "image-to-image", "image-to-video", "upscale", "audio-to-text", "segment-anything-2", "llm", "image-to-text", "text-to-speech", "live-video-to-video",
] as const;
const HF_MODEL = /^[A-Za-z0-9][A-Za-z0-9._-]{0,95}(\/[A-Za-z0-9][A-Za-z0-9._-]{0,95})?$/;
/** A models directory baked into the image: under /opt, /srv, /data or /var/lib, no dot segments. */
const MODELS_PATH = /^\/(opt|srv|data|var\/lib)(\/(?!\.{1,2}(\/|$))[A-Za-z0-9_.-]+)+$/;
/** optimization_flags keys (they become environment variables of the runner containers). */
const OPT_FLAG = /^[A-Z][A-Z0-9_]{0,63}$/;

export function gpuMemoryGb(gpu: { model: string; memoryGb?: number }): number | undefined {
  return gpu.memoryGb ?? GPU_MEMORY_GB[gpu.model.toUpperCase()] ?? GPU_MEMORY_GB[gpu.model];
}

/** Checks one pool of a region on `cloud`; `wp` is its path, e.g. `regions[0].workers[1]`. */
export function checkPool(cloud: "aws" | "gcp", w: WorkerPool, wp: string, add: Add): void {
  if (!GPU_MODEL.test(w.gpu.model)) add(`${wp}.gpu.model`, w.gpu.model, "must be a GPU model name like `T4` or `L4` (letters, digits, space, `.`, `_`, `-`; at most 32, starting with a letter or digit)");
  if (cloud === "aws" && w.gpu.type !== undefined) add(`${wp}.gpu.type`, w.gpu.type, "is a GCP accelerator type; on AWS the instance type fixes the GPU (remove it)");
  const wtMsg = checkMachineType(cloud, w.instanceType);
  if (wtMsg) add(`${wp}.instanceType`, w.instanceType, wtMsg);
  else if (cloud === "gcp") checkGcpGpu(w.instanceType, w.gpu, wp, add);
  else if (GPU_MODEL.test(w.gpu.model)) checkAwsGpu(w.instanceType, w.gpu, wp, add);

  if (w.kind === "transcoder" && w.extraInstanceTypes) {
    if (cloud === "gcp") {
      add(`${wp}.extraInstanceTypes`, "(set)", "is AWS only: a GCP managed instance group runs one machine type (declare another pool for another GPU)");
    } else {
      if (w.sizeUnit === undefined) add(`${wp}.sizeUnit`, undefined, "must be stated (`instances` or `sessions`) when a pool mixes instance types: say whether minSize and maxSize count instances or sessions");
      const seen = new Set([w.instanceType]);
      w.extraInstanceTypes.forEach((x, i) => {
        const xp = `${wp}.extraInstanceTypes[${i}]`;
        if (seen.has(x.instanceType)) add(`${xp}.instanceType`, x.instanceType, "is listed twice in this pool (instanceType and extraInstanceTypes must all differ)");
        seen.add(x.instanceType);
        const m = checkMachineType("aws", x.instanceType);
        if (m) add(`${xp}.instanceType`, x.instanceType, m);
        if (!GPU_MODEL.test(x.gpu.model)) add(`${xp}.gpu.model`, x.gpu.model, "must be a GPU model name like `T4` or `A10G`");
        else if (!m) checkAwsGpu(x.instanceType, x.gpu, xp, add);
        if (x.gpu.type !== undefined) add(`${xp}.gpu.type`, x.gpu.type, "is a GCP accelerator type; on AWS the instance type fixes the GPU (remove it)");
      });
    }
  }
  if (w.kind === "ai") checkAiPool(cloud, w, wp, add);
  checkSizes(cloud, w, wp, add);
  const nameProblem = reservedSuffixProblem(w.name);
  if (nameProblem) add(`${wp}.name`, w.name, nameProblem);
}

/**
 * Rules across a region's pools: each worker group follows its O's whole load, so at most one pool of each
 * kind may scale per region (two would each size themselves for all of it); one model has one price.
 */
export function checkRegionPools(pools: WorkerPool[], rp: string, add: Add): void {
  for (const kind of ["transcoder", "ai"] as const) {
    const scaling = pools.map((w, i) => [w, i] as const).filter(([w]) => w.kind === kind && w.scaling?.enabled !== false && w.minSize < w.maxSize);
    for (const [w, i] of scaling.slice(1)) {
      add(`${rp}.workers[${i}].scaling`, "(on)", `is the second ${kind} pool of this region that scales (after ${scaling[0][0].name}); both would follow the same orchestrators' whole load and each size itself for all of it: set \`scaling: false\` on all but one (or merge the pools with extraInstanceTypes)`);
    }
  }
  const prices = new Map<string, { price?: string; pixels?: string; at: string }>();
  pools.forEach((w, i) => {
    if (w.kind !== "ai") return;
    w.models.forEach((m, j) => {
      const key = `${m.pipeline} ${m.modelId}`;
      const seen = prices.get(key);
      if (seen && (seen.price !== m.pricePerUnit || seen.pixels !== m.pixelsPerUnit)) {
        add(`${rp}.workers[${i}].models[${j}].pricePerUnit`, m.pricePerUnit, `differs from ${seen.at} for ${m.modelId} (${m.pipeline}): the region's orchestrators advertise one price per model`);
      } else if (!seen) prices.set(key, { price: m.pricePerUnit, pixels: m.pixelsPerUnit, at: `workers[${i}].models[${j}]` });
    });
  });
}

/** One instance of each type offers this much (sessions, or AI runner containers). */
function perInstanceOf(w: WorkerPool): number[] {
  if (w.kind === "ai") return [w.models.reduce((a, m) => a + m.capacity, 0)];
  return [w.gpu.count * w.sessionsPerGpu, ...(w.extraInstanceTypes ?? []).map((x) => x.gpu.count * x.sessionsPerGpu)];
}

/** Bounds in sessions fit whole instances; a scaling group keeps at least one worker to measure its O's load. */
function checkSizes(cloud: "aws" | "gcp", w: WorkerPool, wp: string, add: Add): void {
  const per = perInstanceOf(w);
  // At most LIMITS.groupSize instances: counted directly, or that many of the largest type in sessions.
  const cap = w.sizeUnit === "sessions" ? LIMITS.groupSize * Math.max(...per) : LIMITS.groupSize;
  for (const k of ["minSize", "maxSize", "desiredSize"] as const) {
    const v = w[k];
    if (v !== undefined && v > cap) add(`${wp}.${k}`, v, `must be ≤ ${cap} (${LIMITS.groupSize} instances${w.sizeUnit === "sessions" ? ` of ${Math.max(...per)} sessions` : ""})`);
  }
  const scales = w.scaling?.enabled !== false && w.minSize < w.maxSize;
  const unit = w.sizeUnit === "sessions" ? (w.kind === "ai" ? "runner containers" : "sessions") : "instances";
  if (scales && w.minSize === 0) {
    add(`${wp}.minSize`, 0, `must be ≥ 1 ${unit === "instances" ? "instance" : unit} while the pool scales: with no worker attached its O offers no capacity and reports no load, so the group could never scale out (set scaling: false for a pool that may be empty)`);
  }
  if (cloud === "gcp" && scales && w.spot && w.spot.onDemandBase >= (w.sizeUnit === "sessions" ? Math.floor(w.maxSize / per[0]) : w.maxSize)) {
    add(`${wp}.spot.onDemandBase`, w.spot.onDemandBase, "must be below the pool's maximum (in instances) while it scales on GCP: the on-demand group stays at its base and the spot group's autoscaler adds the rest up to the maximum");
  }
  if (w.sizeUnit === "sessions") {
    if (cloud === "aws" && Math.max(...per) > AWS_MAX_WEIGHT) {
      add(`${wp}.sessionsPerGpu`, Math.max(...per), `gives ${Math.max(...per)} sessions per instance; with sizeUnit: sessions each type is weighted by that, and AWS weights go up to ${AWS_MAX_WEIGHT} (count instances instead)`);
    }
    if (cloud === "gcp" && Math.ceil(w.minSize / per[0]) > Math.floor(w.maxSize / per[0]) && w.maxSize >= per[0]) {
      add(`${wp}.maxSize`, w.maxSize, `with minSize ${w.minSize} fits no whole number of ${per[0]}-session instances (a GCP group counts instances): make the bounds multiples of ${per[0]}, or count instances`);
    }
    const largest = Math.max(...per);
    if (w.maxSize < largest) add(`${wp}.maxSize`, w.maxSize, `counts ${unit}; one instance offers up to ${largest}, so maxSize must be ≥ ${largest}`);
    if (w.spot && w.spot.onDemandBase * per[0] > w.maxSize) {
      add(`${wp}.spot.onDemandBase`, w.spot.onDemandBase, `counts instances (${per[0]} ${unit} each): ${w.spot.onDemandBase * per[0]} is above maxSize (${w.maxSize} ${unit})`);
    }
  }
}

function checkAiPool(cloud: "aws" | "gcp", w: Extract<WorkerPool, { kind: "ai" }>, wp: string, add: Add): void {
  const mem = gpuMemoryGb(w.gpu);
  if (mem === undefined) add(`${wp}.gpu.memoryGb`, undefined, `is required for GPU model ${w.gpu.model} (unknown to livepeer-fleet): AI pools need ≥ ${AI_MIN_GPU_MEMORY_GB} GiB per GPU`);
  else if (mem < AI_MIN_GPU_MEMORY_GB) add(w.gpu.memoryGb !== undefined ? `${wp}.gpu.memoryGb` : `${wp}.gpu.model`, w.gpu.memoryGb ?? w.gpu.model, `gives ${mem} GiB per GPU; AI pipelines need ≥ ${AI_MIN_GPU_MEMORY_GB} GiB (choose a larger GPU)`);

  const seen = new Map<string, number>();
  const warmness = new Map<string, boolean>();
  let warmContainers = 0;
  w.models.forEach((m, i) => {
    const mp = `${wp}.models[${i}]`;
    if (!(AI_PIPELINES as readonly string[]).includes(m.pipeline)) add(`${mp}.pipeline`, m.pipeline, `must be a go-livepeer AI pipeline: ${AI_PIPELINES.join(", ")}`);
    if (!HF_MODEL.test(m.modelId)) add(`${mp}.modelId`, m.modelId, "must be a Hugging Face model id like `ByteDance/SDXL-Lightning`");
    const key = `${m.pipeline} ${m.modelId}`;
    if (seen.has(key)) add(`${mp}.modelId`, m.modelId, `is listed twice for pipeline ${m.pipeline} (also models[${seen.get(key)}])`);
    else seen.set(key, i);
    const before = warmness.get(m.modelId);
    if (before !== undefined && before !== m.warm) add(`${mp}.warm`, m.warm, `conflicts with another entry of ${m.modelId}: go-livepeer cannot hold one model both warm and cold on a worker`);
    warmness.set(m.modelId, m.warm);
    if (m.warm) warmContainers += m.capacity;
    if (m.pricePerUnit !== undefined && !PRICE.test(m.pricePerUnit)) add(`${mp}.pricePerUnit`, m.pricePerUnit, "must be a non-negative integer wei amount (e.g. `4768371`) or a USD amount (e.g. `0.005USD`)");
    if (m.pixelsPerUnit !== undefined && !/^[1-9]\d*$/.test(m.pixelsPerUnit)) add(`${mp}.pixelsPerUnit`, m.pixelsPerUnit, "must be an integer > 0");
    for (const k of Object.keys(m.optimizationFlags ?? {})) {
      if (!OPT_FLAG.test(k) || /^(LD_|PATH$|PYTHON)/.test(k)) add(`${mp}.optimizationFlags.${k}`, k, "must be an upper-case flag name like `SFAST` or `DEEPCACHE` (letters, digits, `_`; not LD_*, PATH or PYTHON*: flags become the runner's environment variables)");
    }
    if (!w.runnerImages[m.pipeline]) add(`${wp}.runnerImages.${m.pipeline}`, undefined, `is required: models[${i}] uses pipeline ${m.pipeline}; give its ai-runner image pinned by digest (livepeer/ai-runner@sha256:…)`);
  });
  const containers = w.models.reduce((a, m) => a + m.capacity, 0);
  if (containers > w.gpu.count * AI_CONTAINERS_PER_GPU) {
    add(`${wp}.models`, `${containers} containers`, `ask for ${containers} runner container(s) on ${w.gpu.count} GPU(s); go-livepeer runs one container per GPU, so the models' capacities must add up to ≤ ${w.gpu.count * AI_CONTAINERS_PER_GPU}`);
  }
  else if (warmContainers > w.gpu.count) {
    add(`${wp}.models`, `${warmContainers} warm`, `holds ${warmContainers} warm runner container(s) on ${w.gpu.count} GPU(s); at most one warm model per GPU`);
  }
  const used = new Set(w.models.map((m) => m.pipeline));
  for (const [pipeline, image] of Object.entries(w.runnerImages)) {
    const rp = `${wp}.runnerImages.${pipeline}`;
    if (!used.has(pipeline)) add(rp, image, `names a pipeline no model of this pool uses (used: ${[...used].join(", ")})`);
    else {
      const ref = parseImageReference(image);
      const bad = checkImagePinned(image);
      if (bad || "error" in ref || ref.digest === undefined || !DIGEST.test(image)) add(rp, image, `must be a well-formed image pinned by digest: \`livepeer/ai-runner@sha256:<64 hex>\` (a tag can move under a running fleet)${bad ? `; ${bad}` : ""}`);
    }
  }
  const c = w.modelCache;
  if (c.source === "image" && !MODELS_PATH.test(c.path)) {
    add(`${wp}.modelCache.path`, c.path, "must be a directory of the machine image under /opt, /srv, /data or /var/lib (absolute, segments of letters, digits, `._-`, no `.` or `..`): go-livepeer mounts it into every runner container");
  }
  if (c.source === "bucket") {
    const scheme = cloud === "aws" ? "s3://" : "gs://";
    const m = /^([a-z0-9]+):\/\/([^/]+)(\/.*)?$/.exec(c.uri);
    const bucketOk = !!m && `${m[1]}://` === scheme && /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(m[2]) && !m[2].includes("..") && !/^\d+\.\d+\.\d+\.\d+$/.test(m[2]);
    const prefixOk = !m?.[3] || /^(\/[A-Za-z0-9_-][A-Za-z0-9._-]*)*\/?$/.test(m[3]) && !m[3].split("/").some((x) => x === "." || x === "..");
    if (!bucketOk || !prefixOk) add(`${wp}.modelCache.uri`, c.uri, `must be a ${cloud === "aws" ? "S3" : "Cloud Storage"} location in this region's cloud: ${scheme}<bucket>[/prefix] (a bucket name, not an address; prefix segments of letters, digits, \`._-\`, no \`..\`)`);
  }
  if (c.source !== "image" && w.rootVolumeGb + c.sizeGb > LIMITS.volumeGb) {
    add(`${wp}.modelCache.sizeGb`, c.sizeGb, `with rootVolumeGb (${w.rootVolumeGb}) makes a ${w.rootVolumeGb + c.sizeGb} GiB root volume; the cache lives there and a volume holds at most ${LIMITS.volumeGb} GiB`);
  }
  if (c.source === "download") {
    w.models.forEach((m, i) => {
      if (m.pipeline === "live-video-to-video") add(`${wp}.models[${i}].pipeline`, m.pipeline, "cannot use a `download` model cache: live pipelines' models are not Hugging Face repositories; bake them into the machine image (`source: image`) or copy them from a bucket");
    });
  }
}

/** The bucket name of a model cache URI (`s3://b/p` → `b`). */
export const bucketOf = (uri: string) => uri.replace(/^[a-z0-9]+:\/\//, "").split("/")[0];
/** The prefix (without leading or trailing slash) of a model cache URI, "" for the whole bucket. */
export const prefixOf = (uri: string) => uri.replace(/^[a-z0-9]+:\/\/[^/]+\/?/, "").replace(/\/$/, "");
