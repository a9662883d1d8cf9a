/**
 * The fleet spec: the shape of the stack config value `livepeer-fleet:fleet` (or a plain fleet YAML file).
 * Pure: no Pulumi, no cloud SDK. Structural checks live here (zod); cross-field rules in `validate.ts`.
 */
import { z } from "zod";
import { SecretValue } from "./secret";

/**
 * A secret value. In a running Pulumi program it is the decrypted string of a `secure:` config value.
 * When the CLI reads a stack YAML it cannot decrypt, the value is `{ secure: "<ciphertext>" }`.
 */
export const SecretInput = z
  .union([z.string().min(1, "must not be empty"), z.object({ secure: z.string().min(1) }).strict()], {
    error: "must be a secret string: plain text in a fleet file, a `secure:` value in a Pulumi stack file",
  })
  .transform((v) =>
    typeof v === "string" ? new SecretValue(v) : new SecretValue(`[encrypted:${v.secure.slice(0, 12)}]`, true),
  );
export type SecretInput = z.input<typeof SecretInput>;

const name = z
  .string()
  .regex(/^[a-z][a-z0-9-]*[a-z0-9]$|^[a-z]$/, "must be lowercase letters, digits and '-', starting with a letter and not ending with '-'");

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().min(0);
/** Upper bounds: far above any real fleet, low enough that a typo (or a YAML float) cannot size one. */
export const LIMITS = { gpusPerInstance: 8, sessionsPerGpu: 1000, groupSize: 1000, volumeGb: 16384, groupSessions: 1_000_000 } as const;
const groupSize = nonNegativeInt.max(LIMITS.groupSize);
/** A pool's bounds: instances (≤ groupSize, checked in pools.ts) or sessions (≤ groupSize instances' worth). */
const poolSize = nonNegativeInt.max(LIMITS.groupSessions);
const volumeGb = positiveInt.max(LIMITS.volumeGb);

/** What a YAML number that cannot be kept exactly is told. */
export const QUOTE_NUMBER =
  "must be written as a quoted string: YAML reads this number as floating point (above 2^53, fractional, hex or in exponent form), which loses digits; write it as a quoted string of an integer wei amount, e.g. \"1000000000000000000\"";

/**
 * A wei amount (or a currency amount like `0.50USD`) as go-livepeer's flags take it: a string, or a YAML
 * number only when it is a safe integer (anything else was already rounded by the YAML parser).
 */
const priceString = z
  .union([z.string(), z.number()])
  .superRefine((v, ctx) => {
    if (typeof v === "number" && !Number.isSafeInteger(v)) ctx.addIssue({ code: "custom", message: QUOTE_NUMBER });
  })
  .transform((v) => String(v));

/** A decimal amount (wei, or units of a currency): a string, or a YAML number that prints exactly as written. */
const decimalString = z
  .union([z.string(), z.number()])
  .superRefine((v, ctx) => {
    if (typeof v === "number" && !(Number.isSafeInteger(v) || (Number.isFinite(v) && Math.abs(v) < 2 ** 53 && /^-?\d+\.\d+$/.test(String(v))))) {
      ctx.addIssue({ code: "custom", message: QUOTE_NUMBER });
    }
  })
  .transform((v) => String(v));

export const Pricing = z
  .object({
    /** -pricePerUnit: wei per pixelsPerUnit pixels, or a currency such as `0.50USD`. Required on chain. */
    pricePerUnit: priceString.optional(),
    /** -pixelsPerUnit, integer > 0. Default 1. */
    pixelsPerUnit: priceString.default("1"),
    /** -autoAdjustPrice. Default true (go-livepeer's default). */
    autoAdjustPrice: z.boolean().default(true),
    /** -ticketEV in wei. Omitted → go-livepeer default. */
    ticketEV: priceString.optional(),
    /** -maxFaceValue in wei. Omitted → go-livepeer default. */
    maxFaceValue: priceString.optional(),
    /** -pricePerGateway: prices for named gateways (rendered as go-livepeer's JSON list). */
    pricePerGateway: z.array(z.lazy(() => GatewayPrice)).optional(),
  })
  .strict();
export type Pricing = z.infer<typeof Pricing>;

export const GatewayPrice = z
  .object({
    /** The gateway's Ethereum address (checksummed). */
    address: z.string(),
    /** A decimal amount: wei, or `currency` units when a currency is given. */
    pricePerUnit: decimalString,
    /** Pixels the price buys (integer > 0). Default: the pricing's pixelsPerUnit. */
    pixelsPerUnit: priceString.optional(),
    /** `USD` only (go-livepeer's price feed is ETH/USD); omitted → wei. */
    currency: z.string().optional(),
  })
  .strict();

/** A region's pricing: any field set here replaces the fleet's for that region's orchestrators. */
export const RegionPricing = z
  .object({
    pricePerUnit: priceString.optional(),
    pixelsPerUnit: priceString.optional(),
    autoAdjustPrice: z.boolean().optional(),
    ticketEV: priceString.optional(),
    maxFaceValue: priceString.optional(),
    pricePerGateway: z.array(GatewayPrice).optional(),
  })
  .strict();

/** Default pinned images of the metrics agents (override in `images`). */
export const DEFAULT_IMAGES = {
  cloudwatchAgent: "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300059.0b1207",
  otelCollector: "us-docker.pkg.dev/cloud-ops-agents-artifacts/google-cloud-opentelemetry-collector/otelcol-google:0.151.0",
} as const;

/** CloudWatch Logs accepts only these retention periods (days). */
export const LOG_RETENTION_DAYS = [1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653] as const;

export const Images = z
  .object({
    /** go-livepeer container image, pinned by version tag or digest, e.g. `livepeer/go-livepeer:v0.9.1`. */
    livepeer: z.string(),
    /** Loopback RPC proxy image (eRPC), pinned, e.g. `ghcr.io/erpc/erpc:0.0.62`. */
    rpcProxy: z.string(),
    /** AWS pinned nodes' metrics agent (CloudWatch agent), pinned. */
    cloudwatchAgent: z.string().default(DEFAULT_IMAGES.cloudwatchAgent),
    /** GCP pinned nodes' metrics agent (Google-built OpenTelemetry collector), pinned. */
    otelCollector: z.string().default(DEFAULT_IMAGES.otelCollector),
  })
  .strict();

const dnsCommon = {
  /** The DNS zone every record lives in, e.g. `fleet.example.com`. */
  zone: z.string(),
  /** TTL of per-node records, seconds. Default 60. */
  ttl: positiveInt.default(60),
};

/** The fleet's one DNS provider and zone: every record lives there, whatever cloud a region runs on. */
export const Dns = z.discriminatedUnion("provider", [
  z
    .object({
      provider: z.literal("route53"),
      ...dnsCommon,
      /** Route 53 hosted zone id of that zone (it must already exist). */
      zoneId: z.string(),
      /** Region of the fleet's own Route 53 provider (Route 53 is global; default us-east-1). */
      awsRegion: z.string().optional(),
      /** Role that provider assumes (the zone's account); default: your own credentials. */
      assumeRoleArn: z.string().optional(),
    })
    .strict(),
  z
    .object({
      provider: z.literal("clouddns"),
      ...dnsCommon,
      /** Cloud DNS managed zone name (it must already exist). */
      managedZone: z.string(),
      /** Project holding the managed zone. */
      project: z.string(),
    })
    .strict(),
]);

/** A hot-wallet identity: its address and the encrypted V3 keystore file holding it. */
const walletFields = {
  /** Checksummed address of the keystore's account. */
  address: z.string(),
  /** Path to an encrypted V3 keystore JSON (relative to the config file / Pulumi project). */
  keystore: z.string(),
  /** The keystore's password (a `secure:` config value). */
  password: SecretInput,
};

export const Orchestrator = z
  .object({
    name,
    ...walletFields,
    /** Availability zone of this node (its group of one, its network interface and its address). */
    zone: z.string(),
    /** Hostname label under the DNS zone; default: the node name. Its FQDN is the node's -serviceAddr. */
    hostname: name.optional(),
    /** Stable private IPv4 its workers dial. Required with an existing network; derived otherwise. */
    privateIp: z.string().optional(),
    /** Machine type. Default: c6i.large (AWS), n2-standard-2 (GCP). */
    instanceType: z.string().optional(),
    rootVolumeGb: volumeGb.default(30),
  })
  .strict();
export type Orchestrator = z.infer<typeof Orchestrator>;

export const Spot = z
  .object({
    /** Instances always on demand. */
    onDemandBase: groupSize.default(0),
    /** Percentage of instances above the base that are on demand (0 = all spot). */
    onDemandPercentAboveBase: z.number().int().min(0).max(100).default(0),
  })
  .strict();

const GpuSpec = z
  .object({
    /** GPU model, for capacity figures and docs (e.g. `T4`). */
    model: z.string(),
    /** GPUs per instance. */
    count: positiveInt.max(LIMITS.gpusPerInstance),
    /** GCP accelerator type (e.g. `nvidia-l4`); default derived from the model. */
    type: z.string().optional(),
    /** Memory of one GPU in GiB; default from the model (T4 16, A10G 24, L4 24, …). AI pools need ≥ 16. */
    memoryGb: positiveInt.max(1024).optional(),
  })
  .strict();

/** Session-based scaling of each group of the pool (one group per O, scaled on that O's load). */
export const Scaling = z
  .object({
    /** `scaling: false` is read as `{ enabled: false }`: the group keeps its desired size. */
    enabled: z.boolean().default(true),
    /** Utilisation to hold, percent: sessions (AI: runner containers) in use over offered. Default 70. */
    targetUtilization: z.number().int().min(10).max(95).default(70),
    /** Seconds utilisation must stay low before one instance is removed, and between removals. Default 600. */
    scaleInCooldownSeconds: z.number().int().min(60).max(3600).default(600),
    /** Seconds a new worker needs before its capacity counts (image pull, GPU init, attach). Default 300. */
    warmupSeconds: z.number().int().min(30).max(3600).default(300),
  })
  .strict();

/** Another instance type an AWS transcoder pool may launch (mixed instances, weighted by sessions). */
export const ExtraInstanceType = z
  .object({
    instanceType: z.string(),
    gpu: GpuSpec,
    sessionsPerGpu: positiveInt.max(LIMITS.sessionsPerGpu),
  })
  .strict();

const poolCommon = {
  name,
  instanceType: z.string(),
  gpu: GpuSpec,
  /** Group bounds (each O gets its own group with these bounds). */
  minSize: poolSize,
  maxSize: positiveInt.max(LIMITS.groupSessions),
  desiredSize: poolSize.optional(),
  /**
   * Whether minSize/maxSize/desiredSize count instances or sessions (AI: runner containers). Default
   * `instances`; must be stated when a pool mixes instance types.
   */
  sizeUnit: z.enum(["instances", "sessions"]).optional(),
  /** Scaling on the O's load (defaults apply); `false` keeps the group at its desired size. */
  scaling: z.preprocess((v) => (v === false ? { enabled: false } : v), Scaling).optional(),
  spot: Spot.optional(),
  rootVolumeGb: volumeGb.default(100),
};

export const TranscoderPool = z
  .object({
    kind: z.literal("transcoder"),
    ...poolCommon,
    /** Concurrent sessions one GPU sustains (from your own livepeer_bench run). Worker -maxSessions = count × this. */
    sessionsPerGpu: positiveInt.max(LIMITS.sessionsPerGpu),
    /** AWS only: more instance types the group may launch; -maxSessions is then computed at boot from the type. */
    extraInstanceTypes: z.array(ExtraInstanceType).max(19).optional(),
  })
  .strict();

/** One model an AI pool serves: an entry of the aiModels JSON (go-livepeer core/ai.go AIModelConfig). */
export const AiModel = z
  .object({
    pipeline: z.string(),
    /** Hugging Face model id, e.g. `ByteDance/SDXL-Lightning`. */
    modelId: z.string(),
    /** Preload on a GPU (at most one warm model per GPU). */
    warm: z.boolean().default(false),
    /** Runner containers for this model on one worker. Default 1. */
    capacity: positiveInt.max(LIMITS.gpusPerInstance).default(1),
    /** Price per unit (wei, or a currency such as `0.005USD`); falls back to the fleet's pricePerUnit. */
    pricePerUnit: priceString.optional(),
    pixelsPerUnit: priceString.optional(),
    /** Extra runner flags, e.g. `{ SFAST: true }`. */
    optimizationFlags: z.record(z.string(), z.union([z.boolean(), z.string(), z.number()])).optional(),
  })
  .strict();

/** Where an AI worker's model weights come from; never an unstated download. */
export const ModelCache = z.discriminatedUnion("source", [
  /** Weights already on the machine image at `path`. */
  z.object({ source: z.literal("image"), path: z.string() }).strict(),
  /** Copied at boot from a bucket (`s3://…` on AWS, `gs://…` on GCP) the workers may read. */
  z.object({ source: z.literal("bucket"), uri: z.string(), sizeGb: positiveInt.max(LIMITS.volumeGb).default(200) }).strict(),
  /** Downloaded at boot from Hugging Face with a read token kept as a secret. */
  z.object({ source: z.literal("download"), token: SecretInput, sizeGb: positiveInt.max(LIMITS.volumeGb).default(200) }).strict(),
]);

export const AiPool = z
  .object({
    kind: z.literal("ai"),
    ...poolCommon,
    models: z.array(AiModel).min(1),
    /** ai-runner image per pipeline, pinned by digest (`livepeer/ai-runner@sha256:…`). Every pipeline of `models` needs one. */
    runnerImages: z.record(z.string(), z.string()),
    modelCache: ModelCache,
  })
  .strict();

export const WorkerPool = z.discriminatedUnion("kind", [TranscoderPool, AiPool]);
export type WorkerPool = z.infer<typeof WorkerPool>;

export const ManagedNetwork = z
  .object({
    /** VPC CIDR, a /16. Public subnets get 10.x.<zone index>.0/24, private ones /20 blocks from x.16.0. */
    cidr: z.string().default("10.40.0.0/16"),
    /** Availability zones to spread over (≥ 2), named like `us-east-1a`. */
    zones: z.array(z.string()),
    /** NAT gateways for the private subnets: one per zone (survives a zone outage) or one for the region (cheaper). */
    natGateways: z.enum(["perZone", "single"]).default("perZone"),
  })
  .strict();

export const ExistingNetwork = z
  .object({
    vpcId: z.string(),
    /** CIDR of the VPC, for the security group rules that admit in-VPC traffic. */
    cidr: z.string(),
    /** zone → public subnet id (routes to an internet gateway). */
    publicSubnetIds: z.record(z.string(), z.string()),
    /** zone → private subnet id (egress through NAT). */
    privateSubnetIds: z.record(z.string(), z.string()),
    /** zone → public IPv4 the private subnet's traffic leaves from (its NAT). Needed when a redeemer in another region allowlists this region's orchestrators. */
    egressIps: z.record(z.string(), z.string()).optional(),
  })
  .strict();

const regionCommon = {
  /** Region name used in resource names, DNS set identifiers and paths, e.g. `use1`. */
  name,
  /** Cloud region, e.g. `us-east-1` or `europe-west4`. */
  region: z.string(),
  /** Pinned machine images for this region: `cpu` for O/redeemer/reward nodes, `gpu` for worker pools. */
  machineImages: z.object({ cpu: z.string(), gpu: z.string().optional() }).strict(),
  orchestrators: z.array(Orchestrator),
  workers: z.array(WorkerPool).default([]),
  /** Seconds the load balancer waits before it forgets a deregistered O (discovery only). Default 30. */
  deregistrationDelaySeconds: z.number().int().min(0).max(3600).default(30),
  /** Pricing for this region's orchestrators; unset fields come from the fleet's `pricing`. */
  pricing: RegionPricing.optional(),
};

export const AwsRegion = z
  .object({
    cloud: z.literal("aws"),
    ...regionCommon,
    network: z.union([z.object({ managed: ManagedNetwork }).strict(), z.object({ existing: ExistingNetwork }).strict()]),
    /** Role the region's provider assumes (your own credentials otherwise). */
    assumeRoleArn: z.string().optional(),
  })
  .strict();

export const GcpManagedNetwork = z
  .object({
    /** The region's subnetwork range (a /16–/24). Nodes get stable internal addresses inside it. */
    cidr: z.string().default("10.60.0.0/20"),
    /** Zones to spread worker groups over (≥ 2), named like `europe-west4-a`. */
    zones: z.array(z.string()),
  })
  .strict();

export const GcpExistingNetwork = z
  .object({
    /** VPC network self link or name. */
    network: z.string(),
    /** Regional subnetwork self link or name (with Cloud NAT or another egress). */
    subnetwork: z.string(),
    /** The subnetwork's primary range. */
    cidr: z.string(),
    zones: z.array(z.string()),
  })
  .strict();

export const GcpRegion = z
  .object({
    cloud: z.literal("gcp"),
    ...regionCommon,
    /** Project id the region's resources live in. */
    project: z.string(),
    network: z.union([z.object({ managed: GcpManagedNetwork }).strict(), z.object({ existing: GcpExistingNetwork }).strict()]),
    /** Service account the region's provider impersonates (your own credentials otherwise). */
    impersonateServiceAccount: z.string().optional(),
  })
  .strict();

export const Region = z.discriminatedUnion("cloud", [AwsRegion, GcpRegion]);
export type Region = z.infer<typeof Region>;

const pinnedNodeFields = {
  /** Region (by `regions[].name`) the node runs in. */
  region: name,
  /** Availability zone; its persistent data volume lives there. */
  zone: z.string(),
  /** Machine type. Default: t3.medium (AWS), e2-medium (GCP). */
  instanceType: z.string().optional(),
  /** Persistent data volume (go-livepeer -dataDir), GiB. */
  dataVolumeGb: volumeGb.default(20),
  rootVolumeGb: volumeGb.default(30),
};

export const Redeemer = z
  .object({
    ...walletFields,
    ...pinnedNodeFields,
    privateIp: z.string().optional(),
  })
  .strict();

export const Reward = z.discriminatedUnion("mode", [
  z
    .object({
      mode: z.literal("node"),
      /** Must be the registered address: this node holds the registered key. */
      ...walletFields,
      ...pinnedNodeFields,
      /** -maxGasPrice in wei: the reward call is skipped while gas is above it. */
      maxGasPrice: priceString,
    })
    .strict(),
  z
    .object({
      mode: z.literal("delegated"),
      /** A LIP-118 reward-caller key set with setRewardCaller (not the registered key). */
      ...walletFields,
      ...pinnedNodeFields,
      maxGasPrice: priceString,
    })
    .strict(),
  z
    .object({
      mode: z.literal("external"),
      /** Free text naming what calls reward (e.g. "OrchestratorSiphon on the cold host"). */
      description: z.string().refine((d) => d.trim() !== "", "must not be empty or blank: say what calls reward (e.g. \"OrchestratorSiphon on the cold host\")"),
    })
    .strict(),
]);
export type Reward = z.infer<typeof Reward>;

/** An ETH amount as a decimal string or number, e.g. `"0.02"`. */
const ethAmount = z.union([z.string(), z.number()]).transform((v) => String(v));

/**
 * Minimum ETH balances `livepeer-fleet chain check` expects on the accounts that send transactions
 * (gas on Arbitrum One). Omitted → these defaults.
 */
export const Funding = z
  .object({
    /** The reward caller (mode node/delegated). */
    minEthReward: ethAmount.default("0.01"),
    /** The redeemer (it redeems every winning ticket). */
    minEthRedeemer: ethAmount.default("0.02"),
    /** Each orchestrator, checked only when there is no redeemer (then each O redeems its own tickets). */
    minEthOrchestrator: ethAmount.default("0.02"),
  })
  .strict();
export type Funding = z.infer<typeof Funding>;

/** Bounds of `rollout.drainSeconds`: up to an hour per orchestrator (AWS lifecycle hooks allow two). */
export const DRAIN_SECONDS = { min: 0, max: 3600, default: 600 } as const;
const drainAccepted = `accepted: a whole number of seconds from ${DRAIN_SECONDS.min} to ${DRAIN_SECONDS.max} (default ${DRAIN_SECONDS.default}; 0 = do not wait for sessions)`;

/** How orchestrators are replaced (`livepeer-fleet rollout`, AWS lifecycle hooks): the drain bound. */
export const Rollout = z
  .object({
    /** Longest wait for an orchestrator's sessions to end before it is stopped and replaced. */
    drainSeconds: z
      .number({ error: `must be a number; ${drainAccepted}` })
      .int(`must be a whole number; ${drainAccepted}`)
      .min(DRAIN_SECONDS.min, `is below ${DRAIN_SECONDS.min}; ${drainAccepted}`)
      .max(DRAIN_SECONDS.max, `is above ${DRAIN_SECONDS.max}; ${drainAccepted}`)
      .default(DRAIN_SECONDS.default),
  })
  .strict();

/** Fleet monitoring: a monitoring node per region, log retention, alerts (src/layout/monitoring.ts). */
export const Monitoring = z
  .object({
    /** The `livepeer/monitoring` image (Prometheus, Grafana, Alertmanager), pinned by tag or digest. */
    image: z.string(),
    /** Machine type of the monitoring nodes. Default: t3.medium (AWS), e2-standard-2 (GCP). */
    instanceType: z.string().optional(),
    /** Persistent Prometheus data volume, GiB (kept when the node is replaced or removed). */
    dataVolumeGb: volumeGb.default(50),
    /** Retention of container logs (CloudWatch Logs), days. Default 30. */
    logRetentionDays: z.number().int().default(30),
    /** Ranges (besides SSM / IAP forwarding) that may reach Grafana on 3000. Default none. */
    grafanaAllowedCidrs: z.array(z.string()).optional(),
    alerts: z
      .object({
        /** Addresses notified (SNS e-mail subscriptions / Cloud Monitoring e-mail channels). */
        email: z.array(z.string()),
        /** ETH thresholds of the balance alerts; default from `funding`. */
        minEth: z.object({ reward: z.union([z.string(), z.number()]).transform(String).optional(), redeemer: z.union([z.string(), z.number()]).transform(String).optional() }).strict().optional(),
        /** Hours a region's chain nodes may run different go-livepeer builds before the drift alert (1–24, default 6). */
        versionDriftHours: z.number().optional(),
      })
      .strict()
      .optional(),
  })
  .strict();
export type Monitoring = z.infer<typeof Monitoring>;

export const FleetSpecSchema = z
  .object({
    /** Fleet name: prefix of every resource name. */
    name,
    network: z.enum(["arbitrum-one-mainnet"]),
    /** The on-chain registered orchestrator address (checksummed). */
    registeredAddress: z.string(),
    /** Public service URI registered on chain, `https://<host>:8935`, host inside the DNS zone. */
    serviceUri: z.string(),
    dns: Dns,
    /** Upstream Ethereum (Arbitrum) JSON-RPC URLs, carrying API keys: `secure:` values. ≥ 1, failover order. */
    rpcUrls: z.array(SecretInput),
    /** Shared O↔worker secret (≥ 32 characters). Omitted → a random one is generated and kept as a secret. */
    orchSecret: SecretInput.optional(),
    images: Images,
    pricing: Pricing,
    /** go-livepeer log verbosity (-v). Default 3. */
    logVerbosity: z.number().int().min(1).max(6).default(3),
    /** Bump to push changed secret values to the secret stores (write-only fields do not diff). */
    secretsVersion: positiveInt.default(1),
    /** Who calls reward: exactly one caller, stated explicitly. */
    reward: Reward,
    redeemer: Redeemer.optional(),
    /** Balance thresholds for `chain check`. */
    funding: Funding.optional(),
    /** Monitoring node per region, log retention and alerts. Omitted: no monitoring node, logs kept 30 days. */
    monitoring: Monitoring.optional(),
    regions: z.array(Region),
    /** Rolling updates: the drain bound of each orchestrator. Default `{ drainSeconds: 600 }`. */
    rollout: Rollout.default({ drainSeconds: DRAIN_SECONDS.default }),
    /** Extra tags on every resource that takes them. */
    tags: z.record(z.string(), z.string()).default({}),
  })
  .strict();

/** The raw spec as written (before defaults). */
export type FleetSpecInput = z.input<typeof FleetSpecSchema>;
/** The parsed spec, defaults applied, secrets still inline (see `validate.ts` for the split). */
export type ParsedFleetSpec = z.output<typeof FleetSpecSchema>;
