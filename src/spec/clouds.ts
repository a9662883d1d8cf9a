/**
 * Cloud-specific facts and checks for regions: name formats, zones, machine images, machine types and
 * GPUs. Pure. Everything that differs between AWS and GCP in the spec is decided here.
 */

export type Cloud = "aws" | "gcp";
type Add = (path: string, value: unknown, message: string) => void;

/** Default machine types per role and cloud. */
export const DEFAULT_MACHINE_TYPES: Record<Cloud, { orchestrator: string; pinned: string }> = {
  aws: { orchestrator: "c6i.large", pinned: "t3.medium" },
  gcp: { orchestrator: "n2-standard-2", pinned: "e2-medium" },
};

const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
const GCP_REGION = /^[a-z]+-[a-z]+\d+$/;
const AMI = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;
/** A pinned GCE image: `projects/<p>/global/images/<name>` (a family would float), optionally as a full URL. */
const GCE_IMAGE = /^(https:\/\/www\.googleapis\.com\/compute\/v1\/)?projects\/[a-z][a-z0-9-]{4,28}[a-z0-9]\/global\/images\/[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
const GCP_PROJECT = /^[a-z][a-z0-9-]{4,28}[a-z0-9]$/;
/** `c6i.large`, `g4dn.xlarge`, `u-6tb1.112xlarge`, and metal sizes like `c7i.metal-24xl`, `g6.metal-48xl`. */
const EC2_TYPE = /^[a-z0-9]+[a-z0-9-]*\.[a-z0-9]+(-[a-z0-9]+)*$/;
const GCE_TYPE = /^[a-z][a-z0-9]*-[a-z]+(-\d+)?(-[a-z0-9]+)*$/;

export function checkRegionName(cloud: Cloud, region: string): string | undefined {
  if (cloud === "aws") return AWS_REGION.test(region) ? undefined : "must be an AWS region like `us-east-1`";
  return GCP_REGION.test(region) ? undefined : "must be a GCP region like `europe-west4`";
}

/** True when `zone` is a zone of `region`: AWS `us-east-1a`, GCP `europe-west4-a`. */
export function isZoneOf(cloud: Cloud, region: string, zone: string): boolean {
  if (cloud === "aws") return zone.length === region.length + 1 && zone.startsWith(region) && /[a-z]$/.test(zone);
  return zone.length === region.length + 2 && zone.startsWith(`${region}-`) && /[a-z]$/.test(zone);
}

export const zoneExample = (cloud: Cloud, region: string) => (cloud === "aws" ? `${region}a` : `${region}-a`);

export function checkMachineImage(cloud: Cloud, image: string): string | undefined {
  if (cloud === "aws") {
    return AMI.test(image) ? undefined : "must be a pinned AMI id like `ami-0123456789abcdef0` (no lookups: they cause endless diffs)";
  }
  if (/\/family\//.test(image)) return "names an image family, which floats; pin one image: `projects/<project>/global/images/<name>`";
  return GCE_IMAGE.test(image) ? undefined : "must be a pinned image `projects/<project>/global/images/<name>` (no families, no lookups)";
}

export function checkMachineType(cloud: Cloud, type: string): string | undefined {
  if (cloud === "aws") return EC2_TYPE.test(type) ? undefined : "must be an EC2 instance type like `c6i.large`";
  return GCE_TYPE.test(type) ? undefined : "must be a GCE machine type like `n2-standard-2` or `g2-standard-8`";
}

export function checkGcpProject(project: string): string | undefined {
  return GCP_PROJECT.test(project) ? undefined : "must be a GCP project id: 6–30 lowercase letters, digits or '-', starting with a letter, not ending with '-'";
}

/** GCP accelerator types by GPU model, and the machine family each attaches to. */
export const GCP_GPUS: Record<string, { type: string; family: string; memoryGb: number }> = {
  T4: { type: "nvidia-tesla-t4", family: "n1", memoryGb: 16 },
  L4: { type: "nvidia-l4", family: "g2", memoryGb: 24 },
};

/** G2 machine types carry a fixed number of L4 GPUs. */
const G2_GPU_COUNT: Record<string, number> = {
  "g2-standard-4": 1, "g2-standard-8": 1, "g2-standard-12": 1, "g2-standard-16": 1, "g2-standard-32": 1,
  "g2-standard-24": 2, "g2-standard-48": 4, "g2-standard-96": 8,
};
/** N1 machine types accept 1, 2 or 4 T4s. */
const N1_T4_COUNTS = [1, 2, 4];

/** Sizes of the common AWS GPU families: 1 GPU up to 16xlarge, 4 at 12xlarge/24xlarge, 8 at 48xlarge. */
const AWS_G_SIZES = { xlarge: 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4, "24xlarge": 4, "48xlarge": 8 };
/**
 * NVIDIA GPU instance families on EC2: the GPU model (aliases accepted in `gpu.model`) and GPUs per size.
 * A worker pool's instance types must be one of these (AMD and Graviton GPU types cannot run go-livepeer's
 * NVIDIA transcoding or the ai-runner images).
 */
export const AWS_GPUS: Record<string, { models: string[]; counts: Record<string, number> }> = {
  g3: { models: ["M60"], counts: { "4xlarge": 1, "8xlarge": 2, "16xlarge": 4 } },
  g3s: { models: ["M60"], counts: { xlarge: 1 } },
  g4dn: { models: ["T4"], counts: { xlarge: 1, "2xlarge": 1, "4xlarge": 1, "8xlarge": 1, "16xlarge": 1, "12xlarge": 4, metal: 8 } },
  g5: { models: ["A10G"], counts: AWS_G_SIZES },
  g6: { models: ["L4"], counts: AWS_G_SIZES },
  g6e: { models: ["L40S"], counts: AWS_G_SIZES },
  p3: { models: ["V100"], counts: { "2xlarge": 1, "8xlarge": 4, "16xlarge": 8 } },
  p3dn: { models: ["V100"], counts: { "24xlarge": 8 } },
  p4d: { models: ["A100"], counts: { "24xlarge": 8 } },
  p4de: { models: ["A100-80GB", "A100"], counts: { "24xlarge": 8 } },
  p5: { models: ["H100"], counts: { "4xlarge": 1, "48xlarge": 8 } },
  p5e: { models: ["H200"], counts: { "48xlarge": 8 } },
  p5en: { models: ["H200"], counts: { "48xlarge": 8 } },
};

/** Checks an AWS worker instance type against its declared GPU model and count; `where` is the pool (or extra type) path. */
export function checkAwsGpu(instanceType: string, gpu: { model: string; count: number }, where: string, add: Add): void {
  const [family, size] = instanceType.split(".");
  const f = AWS_GPUS[family];
  if (!f) {
    add(`${where}.instanceType`, instanceType, `is not an NVIDIA GPU instance type; accepted families: ${Object.entries(AWS_GPUS).map(([k, v]) => `${k}.* (${v.models[0]})`).join(", ")}`);
    return;
  }
  const n = f.counts[size];
  if (n === undefined) {
    add(`${where}.instanceType`, instanceType, `is not a ${family} size; accepted: ${Object.keys(f.counts).map((x) => `${family}.${x}`).join(", ")}`);
    return;
  }
  if (!f.models.includes(gpu.model.toUpperCase())) add(`${where}.gpu.model`, gpu.model, `must be ${f.models.join(" or ")}: ${instanceType} carries ${f.models[0]} GPUs`);
  if (gpu.count !== n) add(`${where}.gpu.count`, gpu.count, `must be ${n}: ${instanceType} comes with ${n} ${f.models[0]} GPU${n > 1 ? "s" : ""}`);
}

/** The accelerator type of a GCP worker pool (explicit or from the model). */
export function gcpAcceleratorType(gpu: { model: string; type?: string }): string | undefined {
  return gpu.type ?? GCP_GPUS[gpu.model.toUpperCase()]?.type;
}

/** Checks a GCP worker pool's machine type, accelerator type and count. */
export function checkGcpGpu(machineType: string, gpu: { model: string; count: number; type?: string }, where: string, add: Add): void {
  const known = Object.entries(GCP_GPUS);
  const entry = gpu.type ? known.find(([, g]) => g.type === gpu.type) : known.find(([m]) => m === gpu.model.toUpperCase());
  if (!entry) {
    add(gpu.type ? `${where}.gpu.type` : `${where}.gpu.model`, gpu.type ?? gpu.model, `is not a supported GCP GPU; accepted: ${known.map(([m, g]) => `${m} (${g.type}, on ${g.family}-*)`).join(", ")}`);
    return;
  }
  const [model, g] = entry;
  const family = machineType.split("-")[0];
  if (family !== g.family) {
    add(`${where}.instanceType`, machineType, `cannot carry ${model} GPUs (${g.type}); ${model} attaches only to ${g.family}-* machine types`);
    return;
  }
  if (g.family === "g2") {
    const n = G2_GPU_COUNT[machineType];
    if (n === undefined) add(`${where}.instanceType`, machineType, `is not a G2 machine type; accepted: ${Object.keys(G2_GPU_COUNT).join(", ")}`);
    else if (gpu.count !== n) add(`${where}.gpu.count`, gpu.count, `must be ${n}: ${machineType} comes with ${n} L4 GPU${n > 1 ? "s" : ""}`);
  } else if (g.family === "n1" && !N1_T4_COUNTS.includes(gpu.count)) {
    add(`${where}.gpu.count`, gpu.count, `must be one of ${N1_T4_COUNTS.join(", ")} T4 GPUs on an N1 machine type`);
  }
}

/** GCP reserves the first two and last two addresses of a subnetwork's primary range. */
export const GCP_RESERVED = { head: 2, tail: 2 };
/** AWS reserves the first four and the last address of a subnet. */
export const AWS_RESERVED = { head: 4, tail: 1 };
