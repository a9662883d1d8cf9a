/**
 * The layout: every node and group of a fleet with its names, addresses, ports, argv and the secrets it
 * needs. Pure data computed from a validated spec; cloud adapters map it onto resources and decide no
 * Livepeer semantics themselves.
 */

/** Where things live on every node (host paths). */
export const PATHS = {
  /** tmpfs holding fetched secrets (mode 0700, files 0600). Mounted read-only into containers at /secrets. */
  secretsDir: "/run/livepeer-fleet/secrets",
  /** The keystore directory inside secretsDir: holds exactly one keyfile. */
  keystoreSubdir: "keystore",
  /** AI workers: model weights the runner containers mount (host path: the worker drives the host's Docker). */
  modelsDir: "/var/lib/livepeer-fleet/models",
  /** Plain config files boot installs (aiModels JSON, agent configs). */
  configDir: "/etc/livepeer-fleet" as const,
  /** Persistent data (go-livepeer -dataDir) on the host; a dedicated volume on redeemer/reward nodes. */
  dataDir: "/var/lib/livepeer",
  /** Readiness/drain state. */
  stateDir: "/var/lib/livepeer-fleet",
  /** Paths as the go-livepeer container sees them. */
  container: { secrets: "/secrets", data: "/data" },
} as const;

/** Ports, fixed fleet-wide. */
export const PORTS = {
  /** go-livepeer O / redeemer service port (TLS, gRPC + HTTPS). The only public port. */
  service: 8935,
  /** CLI listeners, loopback only (they are a wallet API). */
  cliOrchestrator: 7935,
  cliTranscoder: 6935,
  cliAiWorker: 4935,
  cliRedeemer: 7935,
  cliReward: 7935,
  /** Per-O readiness endpoint (HTTP GET /ready), for load balancer and group health checks. VPC only. */
  readiness: 8936,
  /** Loopback RPC proxy (eRPC) that go-livepeer's -ethUrl points at. */
  rpcProxy: 4000,
  /**
   * Metrics-only listener on a pinned node's private address: serves only `GET /metrics`, fetched from the
   * loopback CLI (src/layout/metricsProxy.ts). Reachable only from the region's monitoring node.
   */
  metrics: 8937,
  /** Grafana on the monitoring node (SSM port forwarding / IAP TCP forwarding; optional CIDRs). */
  grafana: 3000,
} as const;

/** The chain id of each supported network. */
export const CHAIN_IDS = { "arbitrum-one-mainnet": 42161 } as const;

/**
 * A secret a node needs at boot. `id` names it in the region's secret store (one store per region);
 * `file` is its file name under PATHS.secretsDir (keystore files go under the keystore subdirectory).
 */
export interface SecretNeed {
  id: SecretId;
  file: string;
  /** uid (and gid) owning the file when a container reads it as a non-root user; default root. Mode stays 0600. */
  owner?: number;
}

/**
 * Secret ids in a region's store:
 *  - `orch-secret`: the shared O↔worker secret;
 *  - `rpc-proxy-config`: the RPC proxy's config file holding the keyed upstream URLs;
 *  - `<node>-keystore`, `<node>-password`: a wallet node's keystore JSON and its password
 *    (`<node>` is an orchestrator name, `redeemer` or `reward`).
 */
export type SecretId = string;

export type SecretSource =
  | { kind: "orch-secret" }
  | { kind: "rpc-proxy-config" }
  | { kind: "keystore"; node: string }
  | { kind: "password"; node: string }
  /** An AI pool's model download token (modelCache.source `download`). */
  | { kind: "model-token"; region: string; pool: string };

/** A secret the region's store must hold, and which nodes read it (least privilege). */
export interface SecretEntry {
  id: SecretId;
  source: SecretSource;
  /** Names of the nodes / worker groups allowed to read it. */
  readers: string[];
  /**
   * Format revision of a value the fleet renders itself (the RPC proxy config): added to the spec's
   * `secretsVersion` as the write-only version, so a changed format reaches existing stores at the next
   * `pulumi up` without a manual bump (write-only values are never diffed). Absent: 0.
   */
  revision?: number;
}

export type PinnedRole = "orchestrator" | "redeemer" | "reward" | "monitoring";

/**
 * A container's network: `host` (the host's namespace: go-livepeer, which listens on the node's
 * addresses), or the default docker bridge with ports published on the host's loopback only
 * (`127.0.0.1:<host port>:<container port>`). A bridged container cannot reach the instance metadata
 * service on AWS (IMDSv2 with hop limit 1) and, on GCP, is cut off from the metadata server by an
 * iptables rule the boot installs; on the host network it could read the node's cloud credentials.
 */
export type ContainerNetwork = "host" | { publish: string[] };

/** A container the boot script runs as a systemd unit. */
export interface ContainerUnit {
  /** systemd unit / container name, e.g. `livepeer`. */
  name: string;
  image: string;
  /** Arguments after the image (go-livepeer argv, or the proxy's). */
  args: string[];
  /** Host paths mounted into the container: host → container path, `:ro` suffix for read-only. */
  mounts: string[];
  /** Pass `--gpus all`. */
  gpus: boolean;
  /** `uid:gid` to run as (`docker run --user`); default: the image's user. */
  user?: string;
  network: ContainerNetwork;
  /** Where docker sends the container's output (`--log-driver`, `--log-opt`); default: docker's own (journald/json-file). */
  logging?: ContainerLogging;
}

/** A docker log driver and its options (never a secret: values are names, regions and projects). */
export interface ContainerLogging {
  driver: "awslogs" | "gcplogs";
  options: Record<string, string>;
}

/** A plain (non-secret) config file boot installs, mode 0644, under CONFIG_DIR. */
export interface ConfigFile {
  /** Absolute path under CONFIG_DIR. */
  path: string;
  content: string;
}

/** Where boot installs plain config files (BootSpec.files). */
export const CONFIG_DIR = "/etc/livepeer-fleet";

/** What every node's boot needs, whatever the role. */
export interface BootSpec {
  /** Secrets to fetch into tmpfs; boot refuses to start if any is missing or empty. */
  secrets: SecretNeed[];
  /** Account the keystore must hold (lowercase hex without 0x is compared); checked before start. */
  keystoreAddress?: string;
  /** Containers, started in order: the RPC proxy (if any) then go-livepeer. */
  containers: ContainerUnit[];
  /** Serve the readiness endpoint (orchestrators). */
  readiness?: {
    port: number;
    cliPort: number;
    /**
     * Ready only with ≥ 1 worker attached (default). false in an AI-only region: a standalone O exports no
     * metric of its remote AI workers, so it is ready when its CLI answers and it is not draining.
     */
    requireWorkers?: boolean;
  };
  /** A persistent data volume to mount at PATHS.dataDir before anything starts. */
  dataVolume?: boolean;
  /** Plain config files (agent configs): installed mode 0644 under CONFIG_DIR before any container starts. */
  files?: ConfigFile[];
  /**
   * Serve the metrics-only listener (GET /metrics from the loopback CLI) on the node's stable private
   * address (given by the cloud at render time: BootContext.privateIp).
   */
  metricsProxy?: { port: number; cliPort: number; balance?: { account: string; rpcUrl: string } };
  /** Images boot pulls besides the containers' own (AI runner images the worker starts itself). */
  extraImages?: string[];
  /**
   * AWS mixed instance types: the worker's -maxSessions by instance type, resolved at boot from the
   * instance's type into MAX_SESSIONS_VAR (the argv carries `${MAX_SESSIONS_VAR}`). Boot refuses a type
   * not listed.
   */
  maxSessionsByInstanceType?: Record<string, number>;
  /**
   * go-livepeer itself starts containers on the docker bridge (an AI worker's ai-runner containers): on GCP
   * the metadata guard runs before it starts, as for the node's own bridged containers.
   */
  startsBridgedContainers?: boolean;
  /** AI workers: fill the model cache before go-livepeer starts. */
  modelCache?: AiWorkerLayout["modelCache"] & { dir: string };
  /** The on-instance drain agent (src/layout/drain.ts): orchestrators and workers. */
  drain?: DrainSpec;
  /** The reward node: call reward once at boot if this round's call was missed (src/layout/drain.ts). */
  rewardCatchUp?: RewardCatchUpSpec;
}

/**
 * What a node does before it is replaced. An orchestrator fails its readiness, waits until its sessions
 * end or `seconds` pass, then stops go-livepeer; a worker stops its containers. Then it tells the cloud
 * (AWS: completes its group's terminate lifecycle action; GCP orchestrators: a guest attribute).
 */
export interface DrainSpec {
  role: "orchestrator" | "worker";
  /** Orchestrators: the drain bound (spec `rollout.drainSeconds`). Workers: 0. */
  seconds: number;
  /** Orchestrators: go-livepeer's loopback CLI port, whose /metrics gives livepeer_current_sessions_total. */
  cliPort?: number;
  /** systemd units stopped (in this order) once drained. */
  stopUnits: string[];
}

/** Reward catch-up at boot: reads the chain through the loopback RPC proxy, calls the loopback CLI's /reward. */
export interface RewardCatchUpSpec {
  /** go-livepeer's loopback CLI port. */
  cliPort: number;
  /** The loopback RPC proxy URL (the same as go-livepeer's -ethUrl; no API key in it). */
  rpcUrl: string;
  /** The protocol Controller (contracts are resolved through it, as go-livepeer does). */
  controller: string;
  /** The registered orchestrator address whose lastRewardRound is compared with the current round. */
  transcoder: string;
}

/** The variable a mixed-type worker's -maxSessions is read from (systemd EnvironmentFile). */
export const MAX_SESSIONS_VAR = "LPF_MAX_SESSIONS";

/** A node that must keep its identity across replacement: an auto-healing group of one. */
export interface PinnedNodeLayout {
  /** Node name, unique in the fleet: an orchestrator's name, `redeemer` or `reward`. */
  name: string;
  role: PinnedRole;
  /** Stem for logical resource names: `<fleet>-<region>-<node>`. */
  resourceName: string;
  zone: string;
  /** Subnet tier of its network interface: public (O, with a static public IP) or private. */
  subnet: "public" | "private";
  /**
   * Stable private IPv4 of its network interface (what workers / Os dial). Always set for orchestrators
   * and the redeemer; the reward node (no ingress) may leave it to the cloud.
   */
  privateIp?: string;
  /** DNS record to its static public IP: orchestrators (their -serviceAddr), and the redeemer when Os of other regions dial it. */
  publicHostname?: string;
  /**
   * Holds a static public address: every node with a publicHostname, and on GCP the redeemer from the start
   * (adding an address to a stateful VM later would recreate it; on AWS it is added to the persistent
   * interface without replacing anything).
   */
  staticPublicIp: boolean;
  instanceType: string;
  imageId: string;
  rootVolumeGb: number;
  /** Persistent data volume size (redeemer / reward). */
  dataVolumeGb?: number;
  /** Hot-wallet address this node signs with (checksummed); none on the monitoring node. */
  walletAddress?: string;
  /** Ports this node listens on beyond loopback, and who may connect (for firewall rules). */
  ingress: IngressRule[];
  /** The exact go-livepeer argv (after the binary name). Secrets appear only as file paths. Empty on the monitoring node. */
  argv: string[];
  boot: BootSpec;
  /**
   * Monitoring node only: the nodes it scrapes (names of this region's pinned nodes), on PORTS.metrics.
   * Their private addresses are filled in by the cloud component (withScrapeTargets, src/layout/monitoring.ts).
   */
  scrapeTargets?: string[];
}

export interface IngressRule {
  port: number;
  /**
   * `internet` (0.0.0.0/0), `vpc` (the region's network), `orchestrators` (this region's O nodes),
   * `remote-orchestrators` (other regions' O egress addresses: one /32 rule each, added by the fleet),
   * `monitoring` (this region's monitoring node: its security group / service account), `iap` (GCP's IAP
   * TCP forwarding range), `cidrs` (the listed ranges, one rule each on AWS).
   */
  from: "internet" | "vpc" | "orchestrators" | "remote-orchestrators" | "monitoring" | "iap" | "cidrs";
  /** With `from: cidrs`. */
  cidrs?: string[];
  description: string;
}

/** An instance type a worker group may launch, and what one instance of it offers. */
export interface WorkerInstanceType {
  instanceType: string;
  gpuModel: string;
  gpus: number;
  /** Sessions (AI: runner containers) one instance offers. */
  perInstance: number;
}

/**
 * How a group scales on its O's load. The metric names and labels come from `metrics.ts`: the same
 * module renders the agent configuration that publishes them.
 */
export interface GroupScaling {
  targetUtilization: number;
  scaleInCooldownSeconds: number;
  warmupSeconds: number;
  /** The O whose series the group follows (stable labels: fleet, region name, node name). */
  series: { fleet: string; region: string; node: string };
  /** Transcoders: sessions loaded / offered by the O's workers. AI: runner containers in use / idle. */
  signal: "transcoder-sessions" | "ai-containers";
}

/** What an AI group runs: the worker's aiModels file, runner images and where model weights come from. */
export interface AiWorkerLayout {
  /** The worker's aiModels JSON (go-livepeer core/ai.go AIModelConfig[]), as installed at boot. */
  aiModelsJson: string;
  /** -aiRunnerImageOverrides JSON. */
  runnerImageOverrides: string;
  runnerImages: string[];
  /** Host directory the runner containers mount (-aiModelsDir; a host path, the worker drives the host's Docker). */
  modelsDir: string;
  modelCache:
    | { source: "image"; path: string }
    | { source: "bucket"; uri: string; bucket: string; prefix: string; sizeGb: number }
    | { source: "download"; sizeGb: number; tokenSecretId: string; modelIds: string[] };
}

/** One worker group: a pool bound to one orchestrator. */
export interface WorkerGroupLayout {
  /** `<pool>-<orchestrator>` */
  name: string;
  pool: string;
  orchestrator: string;
  kind: "transcoder" | "ai";
  resourceName: string;
  /** The primary instance type (and on AWS, `instanceTypes` may list more, weighted by what they offer). */
  instanceType: string;
  instanceTypes: WorkerInstanceType[];
  imageId: string;
  rootVolumeGb: number;
  /**
   * Group bounds in the group's capacity unit: instances, or (AWS, `sizeUnit: sessions`) sessions, each
   * instance type then weighted by what one instance offers. GCP bounds are always instances.
   */
  capacityUnit: "instances" | "sessions";
  minSize: number;
  maxSize: number;
  desiredSize: number;
  spot?: { onDemandBase: number; onDemandPercentAboveBase: number };
  capacity: { gpuModel: string; gpusPerInstance: number; sessionsPerInstance: number; maxSessions: number };
  /** Absent: fixed size. */
  scaling?: GroupScaling;
  ai?: AiWorkerLayout;
  /** GCP accelerator type (e.g. `nvidia-l4`). */
  acceleratorType?: string;
  argv: string[];
  boot: BootSpec;
}

export interface NetworkLayout {
  zones: string[];
  /** AWS managed: the VPC CIDR and per-zone subnet CIDRs we create. */
  managed?: { cidr: string; subnets: { zone: string; public: string; private: string }[]; natGateways: "perZone" | "single" };
  /** AWS existing: ids to use as they are. */
  existing?: { vpcId: string; cidr: string; publicSubnetIds: Record<string, string>; privateSubnetIds: Record<string, string>; egressIps?: Record<string, string> };
  /** GCP: one regional subnetwork (created with `cidr`, or an existing network + subnetwork). */
  gcp?: { cidr: string; existing?: { network: string; subnetwork: string } };
}

export interface LoadBalancerLayout {
  /** Physical name (≤ 32 characters). */
  name: string;
  targetGroupName: string;
  port: number;
  healthCheck: { port: number; path: string; intervalSeconds: number; healthyThreshold: number; unhealthyThreshold: number };
  deregistrationDelaySeconds: number;
  /** Orchestrator names behind it (targets: their stable private IPs). */
  targets: string[];
}

export interface RegionLayout {
  name: string;
  cloud: "aws" | "gcp";
  /** Cloud region, e.g. `us-east-1` or `europe-west4`. */
  region: string;
  /** GCP project of the region's resources. */
  project?: string;
  /** How the region's default provider is built (when the library user passes none). */
  provider: { assumeRoleArn?: string; impersonateServiceAccount?: string };
  resourceName: string;
  network: NetworkLayout;
  orchestrators: PinnedNodeLayout[];
  redeemer?: PinnedNodeLayout;
  reward?: PinnedNodeLayout;
  workerGroups: WorkerGroupLayout[];
  loadBalancer: LoadBalancerLayout;
  /** Secrets the region's store holds and who reads each. */
  secrets: SecretEntry[];
  /** The region's monitoring node (spec `monitoring`): scrapes every pinned node's metrics-only listener. */
  monitoring?: PinnedNodeLayout;
  /** Logs, metrics and alerts of the region (src/layout/monitoring.ts withObservability; absent: none). */
  observability?: ObservabilityLayout;
}

/** One alarm / alert policy on one node's series of a catalog metric (src/layout/metrics.ts ALERTS). */
export interface NodeAlertLayout {
  /** Logical-name stem: `<region resource>-<node>-<alert>`. */
  name: string;
  alert: string;
  node: string;
  description: string;
  /** Overrides the alert's catalog threshold (the low-balance alert's wei amount). */
  threshold?: number;
}

export interface ObservabilityLayout {
  /** AWS: CloudWatch log group of every container's output (docker awslogs); retention logRetentionDays. */
  logGroup?: string;
  /** AWS: CloudWatch log group of the agents' EMF events (the metrics); retention metricsLogRetentionDays. */
  metricsLogGroup?: string;
  logRetentionDays: number;
  metricsLogRetentionDays: number;
  /** Alerts (spec monitoring.alerts): where they go and one entry per node and alert. */
  /**
   * `loadBalancerUnhealthyMinutes`: AWS only, the NLB's UnHealthyHostCount alarm window (src/layout/monitoring.ts
   * lbUnhealthyMinutes). `versionDriftHours`: the region's go-livepeer drift alert (regions with two chain nodes or more).
   */
  alerts?: { emails: string[]; nodeAlerts: NodeAlertLayout[]; loadBalancerUnhealthyMinutes?: number; versionDriftHours?: number };
}

export interface DnsRecordLayout {
  /** FQDN without trailing dot. */
  name: string;
  /** Per-node A record to a node's static IP, or the routed service record to a region's load balancer. */
  kind: "node" | "service";
  region: string;
  node?: string;
}

export interface FleetLayout {
  name: string;
  network: "arbitrum-one-mainnet";
  chainId: number;
  registeredAddress: string;
  serviceUri: string;
  serviceHost: string;
  dns:
    | { provider: "route53"; zone: string; zoneId: string; ttl: number; awsRegion?: string; assumeRoleArn?: string }
    | { provider: "clouddns"; zone: string; managedZone: string; project: string; ttl: number };
  rewardMode: "node" | "delegated" | "external";
  regions: RegionLayout[];
  dnsRecords: DnsRecordLayout[];
  tags: Record<string, string>;
  /** Things an operator should know before deploying (printed by `plan`). */
  warnings: string[];
}
