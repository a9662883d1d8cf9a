/**
 * Worker groups of a region: one group per (pool, O), bound to that O's stable private address and
 * scaled on that O's load. Transcoder groups and AI groups; the aiModels files of AI workers and of the
 * region's Os. Pure.
 */
import { MAX_SESSIONS_VAR, PATHS, PORTS } from "./types";
import type { AiWorkerLayout, BootSpec, ContainerUnit, GroupScaling, PinnedNodeLayout, SecretNeed, WorkerGroupLayout, WorkerInstanceType } from "./types";
import { aiWorkerArgv, transcoderArgv } from "./argv";
import { boundsInInstances, sessionsPerInstance } from "./capacity";
import type { FleetSpec, RegionSpec, WorkerPoolSpec } from "../spec/validate";
import { bucketOf, prefixOf } from "../spec/pools";
import { gcpAcceleratorType } from "../spec/clouds";
import { names } from "../naming";

type AiPoolSpec = Extract<WorkerPoolSpec, { kind: "ai" }>;
type AiModelSpec = AiPoolSpec["models"][number];

/** Where boot installs a worker's aiModels file, and where go-livepeer sees it. */
export const AI_MODELS_FILE = { host: `${PATHS.configDir}/ai-models.json`, container: "/etc/livepeer/ai-models.json" } as const;
/** The O's aiModels file (prices of the models its AI workers serve). */
export const O_AI_MODELS_FILE = { host: `${PATHS.configDir}/orchestrator-ai-models.json`, container: "/etc/livepeer/ai-models.json" } as const;
/** Secret id of an AI pool's model download token. */
export const modelTokenSecretId = (pool: string) => `${pool}-model-token`;
/** Default scaling when a pool says nothing (DESIGN: target 70%). */
export const DEFAULT_SCALING = { targetUtilization: 70, scaleInCooldownSeconds: 600, warmupSeconds: 300 } as const;

const DOCKER_SOCKET = "/var/run/docker.sock";

/** `0.005USD` → ["0.005", "USD"]; `4768371` → ["4768371", undefined]. */
function splitPrice(p: string): [string, string | undefined] {
  const m = /^([0-9.]+)([A-Za-z]+)$/.exec(p);
  return m ? [m[1], m[2]] : [p, undefined];
}

/** A JSON number literal from decimal text (no float rounding of wei amounts). */
const num = (decimal: string) => (/^\d+(\.\d+)?$/.test(decimal) ? decimal : JSON.stringify(decimal));

/** One aiModels entry (go-livepeer core/ai.go AIModelConfig), keys in a fixed order. */
function aiModelEntry(m: AiModelSpec, pricing: FleetSpec["pricing"], forWorker: boolean): string {
  const [price, currency] = splitPrice(m.pricePerUnit ?? pricing.pricePerUnit!);
  const parts = [`"pipeline":${JSON.stringify(m.pipeline)}`, `"model_id":${JSON.stringify(m.modelId)}`];
  if (forWorker) {
    parts.push(`"warm":${m.warm}`, `"capacity":${m.capacity}`);
    if (m.optimizationFlags) parts.push(`"optimization_flags":${JSON.stringify(Object.fromEntries(Object.entries(m.optimizationFlags).sort()))}`);
  }
  parts.push(`"price_per_unit":${num(price)}`, `"pixels_per_unit":${num(m.pixelsPerUnit ?? pricing.pixelsPerUnit)}`);
  if (currency) parts.push(`"currency":${JSON.stringify(currency)}`);
  return `{${parts.join(",")}}`;
}

export function aiModelsJson(models: AiModelSpec[], pricing: FleetSpec["pricing"], forWorker: boolean): string {
  return `[\n${models.map((m) => `  ${aiModelEntry(m, pricing, forWorker)}`).join(",\n")}\n]\n`;
}

/**
 * -aiRunnerImageOverrides: `{"batch":{<pipeline>:image},"live":{<model id>:image}}`. go-livepeer looks batch
 * images up by pipeline and live ones (live-video-to-video) by model id (ai/worker/docker.go).
 */
export function runnerImageOverrides(images: Record<string, string>, models: { pipeline: string; modelId: string }[]): string {
  const batch: Record<string, string> = {};
  const live: Record<string, string> = {};
  for (const [p, img] of Object.entries(images).sort(([a], [b]) => a.localeCompare(b))) {
    if (p !== "live-video-to-video") batch[p] = img;
  }
  for (const m of [...models].sort((a, b) => a.modelId.localeCompare(b.modelId))) {
    if (m.pipeline === "live-video-to-video" && images[m.pipeline]) live[m.modelId] = images[m.pipeline];
  }
  return JSON.stringify({ ...(Object.keys(batch).length ? { batch } : {}), ...(Object.keys(live).length ? { live } : {}) });
}

/**
 * The O's aiModels file for a region with AI pools: every model its workers may serve, with prices (the O
 * prices AI work; workers are offchain). Undefined when the region has no AI pool.
 */
export function orchestratorAiModels(spec: FleetSpec, r: RegionSpec, pricing: FleetSpec["pricing"]): string | undefined {
  const models = new Map<string, AiModelSpec>();
  for (const w of r.workers) if (w.kind === "ai") for (const m of w.models) if (!models.has(`${m.pipeline} ${m.modelId}`)) models.set(`${m.pipeline} ${m.modelId}`, m);
  return models.size ? aiModelsJson([...models.values()], pricing, false) : undefined;
}

function instanceTypes(w: WorkerPoolSpec): WorkerInstanceType[] {
  if (w.kind === "ai") {
    const containers = w.models.reduce((a, m) => a + m.capacity, 0);
    return [{ instanceType: w.instanceType, gpuModel: w.gpu.model, gpus: w.gpu.count, perInstance: containers }];
  }
  return [
    { instanceType: w.instanceType, gpuModel: w.gpu.model, gpus: w.gpu.count, perInstance: sessionsPerInstance(w.gpu.count, w.sessionsPerGpu) },
    ...(w.extraInstanceTypes ?? []).map((x) => ({ instanceType: x.instanceType, gpuModel: x.gpu.model, gpus: x.gpu.count, perInstance: sessionsPerInstance(x.gpu.count, x.sessionsPerGpu) })),
  ];
}

function scalingOf(spec: FleetSpec, r: RegionSpec, w: WorkerPoolSpec, o: PinnedNodeLayout): GroupScaling | undefined {
  if (w.scaling?.enabled === false || w.minSize === w.maxSize) return undefined;
  const s = { ...DEFAULT_SCALING, ...(w.scaling ?? {}) };
  return {
    targetUtilization: s.targetUtilization,
    scaleInCooldownSeconds: s.scaleInCooldownSeconds,
    warmupSeconds: s.warmupSeconds,
    series: { fleet: spec.name, region: r.name, node: o.name },
    signal: w.kind === "ai" ? "ai-containers" : "transcoder-sessions",
  };
}

function aiLayout(w: AiPoolSpec, pricing: FleetSpec["pricing"]): AiWorkerLayout {
  const c = w.modelCache;
  const modelsDir = c.source === "image" ? c.path : PATHS.modelsDir;
  return {
    aiModelsJson: aiModelsJson(w.models, pricing, true),
    runnerImageOverrides: runnerImageOverrides(w.runnerImages, w.models),
    runnerImages: [...new Set(Object.values(w.runnerImages))].sort(),
    modelsDir,
    modelCache:
      c.source === "image" ? { source: "image", path: c.path }
      : c.source === "bucket" ? { source: "bucket", uri: c.uri, bucket: bucketOf(c.uri), prefix: prefixOf(c.uri), sizeGb: c.sizeGb }
      : { source: "download", sizeGb: c.sizeGb, tokenSecretId: modelTokenSecretId(w.name), modelIds: [...new Set(w.models.map((m) => m.modelId))] },
  };
}

export interface WorkerGroupContext {
  spec: FleetSpec;
  region: RegionSpec;
  orchestrators: PinnedNodeLayout[];
  pricing: FleetSpec["pricing"];
  orchSecretNeed: SecretNeed;
  secretsMount: string;
  dataMount: string;
}

/** Every worker group of a region: each pool × each O. */
export function workerGroups(ctx: WorkerGroupContext): WorkerGroupLayout[] {
  const { spec, region: r } = ctx;
  return r.workers.flatMap((w) => ctx.orchestrators.map((o) => workerGroup(ctx, w, o)));
}

function workerGroup(ctx: WorkerGroupContext, w: WorkerPoolSpec, o: PinnedNodeLayout): WorkerGroupLayout {
  const { spec, region: r } = ctx;
  const types = instanceTypes(w);
  const primary = types[0];
  const orchAddr = `${o.privateIp!}:${PORTS.service}`;
  const unit = w.sizeUnit ?? "instances";
  // AWS counts sessions natively (instance weights); GCP groups count instances, so sessions convert.
  const weighted = r.cloud === "aws" && unit === "sessions";
  const bounds = weighted ? { min: w.minSize, max: w.maxSize } : boundsInInstances(unit, w.minSize, w.maxSize, primary.perInstance);
  const desiredRaw = w.desiredSize ?? w.minSize;
  const desired = weighted ? desiredRaw : boundsInInstances(unit, desiredRaw, desiredRaw, primary.perInstance).min;
  const mixed = types.length > 1;
  const maxInstances = weighted ? Math.ceil(w.maxSize / Math.min(...types.map((t) => t.perInstance))) : bounds.max;

  let argv: string[];
  let boot: BootSpec;
  let ai: AiWorkerLayout | undefined;
  const livepeer = (args: string[], extraMounts: string[] = []): ContainerUnit => ({
    name: "livepeer", image: spec.images.livepeer, args, mounts: [ctx.secretsMount, ctx.dataMount, ...extraMounts], gpus: true, network: "host",
  });
  if (w.kind === "ai") {
    ai = aiLayout(w, ctx.pricing);
    argv = aiWorkerArgv(spec, { orchAddr, aiModelsPath: AI_MODELS_FILE.container, modelsDir: ai.modelsDir, runnerImageOverrides: ai.runnerImageOverrides });
    const secrets = [ctx.orchSecretNeed, ...(ai.modelCache.source === "download" ? [{ id: ai.modelCache.tokenSecretId, file: "model-token" }] : [])];
    boot = {
      secrets,
      containers: [livepeer(argv, [`${DOCKER_SOCKET}:${DOCKER_SOCKET}`, `${ai.modelsDir}:${ai.modelsDir}`, `${AI_MODELS_FILE.host}:${AI_MODELS_FILE.container}:ro`])],
      files: [{ path: AI_MODELS_FILE.host, content: ai.aiModelsJson }],
      extraImages: ai.runnerImages,
      startsBridgedContainers: true,
      modelCache: { ...ai.modelCache, dir: ai.modelsDir },
    };
  } else {
    argv = transcoderArgv(spec, { orchAddr, maxSessions: mixed ? `\${${MAX_SESSIONS_VAR}}` : primary.perInstance });
    boot = {
      secrets: [ctx.orchSecretNeed],
      containers: [livepeer(argv)],
      ...(mixed ? { maxSessionsByInstanceType: Object.fromEntries(types.map((t) => [t.instanceType, t.perInstance])) } : {}),
    };
  }
  const modelCacheGb = ai && ai.modelCache.source !== "image" ? ai.modelCache.sizeGb : 0;
  return {
    name: `${w.name}-${o.name}`,
    pool: w.name,
    orchestrator: o.name,
    kind: w.kind,
    resourceName: names.workerGroup(spec.name, r.name, w.name, o.name),
    instanceType: primary.instanceType,
    instanceTypes: types,
    imageId: r.machineImages.gpu!,
    // The model cache lives on the root volume (per instance, filled at boot).
    rootVolumeGb: w.rootVolumeGb + modelCacheGb,
    capacityUnit: weighted ? "sessions" : "instances",
    minSize: bounds.min,
    maxSize: bounds.max,
    desiredSize: Math.min(bounds.max, Math.max(bounds.min, desired)),
    ...(w.spot ? { spot: { ...w.spot } } : {}),
    capacity: {
      gpuModel: primary.gpuModel,
      gpusPerInstance: primary.gpus,
      sessionsPerInstance: primary.perInstance,
      maxSessions: weighted ? w.maxSize : Math.max(...types.map((t) => t.perInstance)) * maxInstances,
    },
    ...(scalingOf(spec, r, w, o) ? { scaling: scalingOf(spec, r, w, o)! } : {}),
    ...(ai ? { ai } : {}),
    ...(r.cloud === "gcp" ? { acceleratorType: gcpAcceleratorType(w.gpu) } : {}),
    argv,
    boot,
  };
}
