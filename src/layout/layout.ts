/**
 * spec → layout. Pure: every Livepeer decision (roles, argv, who reads which secret, which ports open
 * to whom, capacity) is made here once, for every cloud.
 */
import { regionRolloutSecondsOf, VERSION_DRIFT } from "../spec/monitoring";
import { CHAIN_IDS, PATHS, PORTS, BootSpec, ContainerUnit, FleetLayout, PinnedNodeLayout, RegionLayout, SecretEntry, SecretNeed, WorkerGroupLayout, DnsRecordLayout } from "./types";
import { orchestratorArgv, redeemerArgv, rewardArgv, SECRET_FILES } from "./argv";
import { workerGroups, orchestratorAiModels, O_AI_MODELS_FILE, modelTokenSecretId } from "./workers";
import type { Fleet, FleetSpec, RegionSpec } from "../spec/validate";
import { effectivePricing, nodePrivateIp, regionZones, serviceHost } from "../spec/validate";
import { managedSubnets, zoneIndex } from "../spec/net";
import { names } from "../naming";
import { DEFAULT_MACHINE_TYPES } from "../spec/clouds";
import type { NetworkLayout } from "./types";
import { withDrain } from "./drain";
import { withObservability } from "./monitoring";

const RPC_PROXY_CONTAINER_CONFIG = "/erpc.yaml";

/** Secret ids in a region's store. */
export const secretIds = {
  orchSecret: "orch-secret",
  rpcProxyConfig: "rpc-proxy-config",
  keystore: (node: string) => `${node}-keystore`,
  password: (node: string) => `${node}-password`,
};

const keystoreNeed = (node: string): SecretNeed => ({ id: secretIds.keystore(node), file: `${PATHS.keystoreSubdir}/${SECRET_FILES.keystore}` });
const passwordNeed = (node: string): SecretNeed => ({ id: secretIds.password(node), file: SECRET_FILES.password });
const orchSecretNeed: SecretNeed = { id: secretIds.orchSecret, file: SECRET_FILES.orchSecret };
/** eRPC's images run as the distroless `nonroot` user; the proxy runs as that uid whatever the tag. */
const RPC_PROXY_UID = 65532;
const rpcNeed: SecretNeed = { id: secretIds.rpcProxyConfig, file: SECRET_FILES.rpcProxyConfig, owner: RPC_PROXY_UID };

const secretsMount = `${PATHS.secretsDir}:${PATHS.container.secrets}:ro`;
const dataMount = `${PATHS.dataDir}:${PATHS.container.data}`;

function rpcProxyUnit(spec: FleetSpec): ContainerUnit {
  return {
    name: "rpc-proxy",
    image: spec.images.rpcProxy,
    // The eRPC image has no ENTRYPOINT (CMD ["/erpc-server"]), so args replace the whole command:
    // they must start with the binary. A config path argument makes eRPC refuse to start without it.
    args: ["/erpc-server", RPC_PROXY_CONTAINER_CONFIG],
    mounts: [`${PATHS.secretsDir}/${SECRET_FILES.rpcProxyConfig}:${RPC_PROXY_CONTAINER_CONFIG}:ro`],
    gpus: false,
    user: `${RPC_PROXY_UID}:${RPC_PROXY_UID}`,
    // A third-party image holding the keyed RPC URLs: never in the host's network namespace (there it could
    // reach the metadata service and take the instance role's credentials, which read the keystore and its
    // password). On the bridge, published on the host's loopback only, where go-livepeer's -ethUrl points.
    network: { publish: [`127.0.0.1:${PORTS.rpcProxy}:${PORTS.rpcProxy}`] },
  };
}

function livepeerUnit(spec: FleetSpec, argv: string[], gpus: boolean): ContainerUnit {
  return { name: "livepeer", image: spec.images.livepeer, args: argv, mounts: [secretsMount, dataMount], gpus, network: "host" };
}

/**
 * Format revision of the RPC proxy config (SecretEntry.revision). 1: eRPC listens on 0.0.0.0 inside its
 * bridged container (revision 0 listened on 127.0.0.1, which a published port cannot reach).
 */
export const RPC_PROXY_CONFIG_REVISION = 1;

/** The eRPC config file holding the keyed upstream URLs, in failover order. Rendered inside a secret. */
export function renderRpcProxyConfig(network: keyof typeof CHAIN_IDS, upstreams: string[]): string {
  const chainId = CHAIN_IDS[network];
  const lines = [
    "# livepeer-fleet: JSON-RPC proxy for go-livepeer's -ethUrl (keyed upstream URLs live only here). It listens on",
    "# every address of its own container; docker publishes the port on the host's loopback only.",
    "logLevel: warn",
    "server:",
    "  listenV4: true",
    "  httpHostV4: 0.0.0.0",
    `  httpPortV4: ${PORTS.rpcProxy}`,
    "metrics:",
    "  enabled: false",
    "projects:",
    "  - id: livepeer",
    "    networks:",
    "      - architecture: evm",
    "        evm:",
    `          chainId: ${chainId}`,
    "    upstreams:",
    ...upstreams.flatMap((u, i) => [`      - id: upstream-${i + 1}`, `        endpoint: ${JSON.stringify(u)}`, "        evm:", `          chainId: ${chainId}`]),
  ];
  return lines.join("\n") + "\n";
}

export { sessionsPerInstance } from "./capacity";

export function buildLayout(fleet: Fleet): FleetLayout {
  const { spec } = fleet;
  const zone = spec.dns.zone.replace(/\.$/, "").toLowerCase();
  const redeemerRegion = spec.redeemer?.region;
  const redeemerIp = spec.redeemer
    ? nodePrivateIp(spec.regions.find((r) => r.name === redeemerRegion)!, spec.redeemer.zone, "redeemer", "public", spec.redeemer.privateIp)!
    : undefined;
  // Os of the redeemer's region dial its stable private address; Os elsewhere its public hostname, from
  // their region's egress addresses, which the redeemer's firewall allowlists one by one.
  const crossRegion = !!spec.redeemer && spec.regions.some((r) => r.name !== redeemerRegion);
  const redeemer: RedeemerPlacement | undefined = spec.redeemer
    ? {
        region: redeemerRegion!,
        privateAddr: `${redeemerIp}:${PORTS.service}`,
        ...(crossRegion ? { hostname: `${REDEEMER_HOST_LABEL}.${zone}`, publicAddr: `${REDEEMER_HOST_LABEL}.${zone}:${PORTS.service}` } : {}),
      }
    : undefined;

  const regions = spec.regions.map((r) => withDrain(spec, regionLayout(spec, r, zone, redeemer)));
  const dnsRecords: DnsRecordLayout[] = [];
  for (const r of regions) {
    for (const o of r.orchestrators) dnsRecords.push({ name: o.publicHostname!, kind: "node", region: r.name, node: o.name });
    // the redeemer's public name, which orchestrators of other regions dial
    if (r.redeemer?.publicHostname) dnsRecords.push({ name: r.redeemer.publicHostname, kind: "node", region: r.name, node: r.redeemer.name });
    dnsRecords.push({ name: serviceHost(spec), kind: "service", region: r.name });
  }
  return withObservability(spec, {
    name: spec.name,
    network: spec.network,
    chainId: CHAIN_IDS[spec.network],
    registeredAddress: spec.registeredAddress,
    serviceUri: spec.serviceUri,
    serviceHost: serviceHost(spec),
    dns: spec.dns.provider === "route53"
      ? { provider: "route53", zone, zoneId: spec.dns.zoneId, ttl: spec.dns.ttl, ...(spec.dns.awsRegion ? { awsRegion: spec.dns.awsRegion } : {}), ...(spec.dns.assumeRoleArn ? { assumeRoleArn: spec.dns.assumeRoleArn } : {}) }
      : { provider: "clouddns", zone, managedZone: spec.dns.managedZone, project: spec.dns.project, ttl: spec.dns.ttl },
    rewardMode: spec.reward.mode,
    regions,
    dnsRecords,
    tags: spec.tags,
    warnings: fleetWarnings(spec),
  });
}

/** Hostname label of the redeemer when Os of other regions reach it over the internet. */
export const REDEEMER_HOST_LABEL = "redeemer";

interface RedeemerPlacement {
  region: string;
  privateAddr: string;
  hostname?: string;
  publicAddr?: string;
}

/** What an operator should know before deploying this spec (not errors: the fleet works). */
export function fleetWarnings(spec: FleetSpec): string[] {
  const out: string[] = [];
  for (const r of spec.regions) {
    const p = effectivePricing(spec, r);
    if (p.pricePerUnit && /[A-Za-z]/.test(p.pricePerUnit) && BigInt(p.pixelsPerUnit) < 1_000_000_000n) {
      out.push(`region ${r.name} prices ${p.pricePerUnit} per ${p.pixelsPerUnit} pixel(s): currency prices are usually quoted per 10^12 pixels (pixelsPerUnit 1000000000000); check the amount`);
    }
    if (r.workers.length === 0) {
      out.push(`region ${r.name} has no worker pools: its orchestrators count as ready (load balancer, DNS) only while workers you run elsewhere are attached with the orchestrator secret`);
    }
    for (const w of r.workers) {
      if (w.scaling && w.scaling.enabled !== false && w.minSize === w.maxSize) {
        out.push(`pool ${w.name} of region ${r.name} has a scaling block but minSize = maxSize (${w.minSize}): its groups keep that size and do not scale`);
      }
      if (w.kind === "ai") {
        for (const m of w.models.filter((x) => x.pricePerUnit === undefined)) {
          out.push(`model ${m.modelId} (${m.pipeline}) of pool ${w.name} in region ${r.name} has no pricePerUnit: go-livepeer prices it at the region's transcoding price (${p.pricePerUnit} per ${m.pixelsPerUnit ?? p.pixelsPerUnit} pixels); set the model's own price`);
        }
      }
    }
    if (r.orchestrators.length === 1) {
      out.push(`region ${r.name} has one orchestrator: replacing it (an update, a failure) drops its sessions; two or more allow rolling updates`);
    }
    const rollout = regionRolloutSecondsOf(spec, r.name);
    if (spec.monitoring?.alerts && rollout.seconds >= VERSION_DRIFT.maxHours * 3600) {
      out.push(`a whole rollout of region ${r.name} (${rollout.chainNodes} chain nodes one at a time) takes about ${Math.ceil(rollout.seconds / 3600)} hours, longer than the alerts' longest window (a day): the version-drift and load-balancer alerts fire during its rollouts; lower rollout.drainSeconds or split the region`);
    }
  }
  return out;
}

function regionLayout(spec: FleetSpec, r: RegionSpec, zone: string, rdm: RedeemerPlacement | undefined): RegionLayout {
  const redeemerAddr = rdm ? (rdm.region === r.name ? rdm.privateAddr : rdm.publicAddr) : undefined;
  const zones = regionZones(r);
  const network: NetworkLayout =
    r.cloud === "gcp"
      ? {
          zones,
          gcp: "managed" in r.network
            ? { cidr: r.network.managed.cidr }
            : { cidr: r.network.existing.cidr, existing: { network: r.network.existing.network, subnetwork: r.network.existing.subnetwork } },
        }
      : "managed" in r.network
        ? {
            zones,
            managed: {
              cidr: r.network.managed.cidr,
              subnets: zones.map((z) => ({ zone: z, ...managedSubnets((r.network as any).managed.cidr, zoneIndex(r.region, z)!)! })),
              natGateways: (r.network as any).managed.natGateways ?? "perZone",
            },
          }
        : { zones, existing: { ...r.network.existing } };
  const types = DEFAULT_MACHINE_TYPES[r.cloud];

  const pricing = effectivePricing(spec, r);
  const oAiModels = orchestratorAiModels(spec, r, pricing);
  const aiOnly = r.workers.length > 0 && r.workers.every((w) => w.kind === "ai");
  const orchestrators: PinnedNodeLayout[] = r.orchestrators.map((o) => {
    const hostname = `${o.hostname ?? o.name}.${zone}`;
    const argv = orchestratorArgv(spec, {
      walletAddress: o.address, serviceAddr: `${hostname}:${PORTS.service}`, redeemerAddr, pricing, ...(oAiModels ? { aiModelsPath: O_AI_MODELS_FILE.container } : {}),
    });
    const lp = livepeerUnit(spec, argv, false);
    if (oAiModels) lp.mounts.push(`${O_AI_MODELS_FILE.host}:${O_AI_MODELS_FILE.container}:ro`);
    return {
      name: o.name,
      role: "orchestrator",
      resourceName: names.node(spec.name, r.name, o.name),
      zone: o.zone,
      subnet: "public",
      privateIp: nodePrivateIp(r, o.zone, o.name, "public", o.privateIp)!,
      publicHostname: hostname,
      staticPublicIp: true,
      instanceType: o.instanceType ?? types.orchestrator,
      imageId: r.machineImages.cpu,
      rootVolumeGb: o.rootVolumeGb,
      walletAddress: o.address,
      ingress: [
        { port: PORTS.service, from: "internet", description: "go-livepeer service (gateways, workers)" },
        { port: PORTS.readiness, from: "vpc", description: "readiness endpoint (load balancer health checks)" },
      ],
      argv,
      boot: {
        secrets: [orchSecretNeed, rpcNeed, keystoreNeed(o.name), passwordNeed(o.name)],
        keystoreAddress: o.address,
        containers: [rpcProxyUnit(spec), lp],
        readiness: { port: PORTS.readiness, cliPort: PORTS.cliOrchestrator, ...(aiOnly ? { requireWorkers: false } : {}) },
        ...(oAiModels ? { files: [{ path: O_AI_MODELS_FILE.host, content: oAiModels }] } : {}),
      },
    };
  });

  const workerGroupList: WorkerGroupLayout[] = workerGroups({ spec, region: r, orchestrators, pricing, orchSecretNeed, secretsMount, dataMount });

  let redeemer: PinnedNodeLayout | undefined;
  if (spec.redeemer && spec.redeemer.region === r.name) {
    const rd = spec.redeemer;
    const argv = redeemerArgv(spec, rd.address);
    redeemer = {
      name: "redeemer",
      role: "redeemer",
      resourceName: names.node(spec.name, r.name, "redeemer"),
      zone: rd.zone,
      // Its persistent interface sits in the public subnet from the start, so giving it a public address
      // when a second region arrives adds resources and replaces none.
      subnet: "public",
      privateIp: nodePrivateIp(r, rd.zone, "redeemer", "public", rd.privateIp)!,
      ...(rdm?.hostname ? { publicHostname: rdm.hostname } : {}),
      staticPublicIp: !!rdm?.hostname || r.cloud === "gcp",
      instanceType: rd.instanceType ?? types.pinned,
      imageId: r.machineImages.cpu,
      rootVolumeGb: rd.rootVolumeGb,
      dataVolumeGb: rd.dataVolumeGb,
      walletAddress: rd.address,
      ingress: [
        { port: PORTS.service, from: "orchestrators", description: "redeemer gRPC (ticket queue), this region's orchestrators" },
        ...(rdm?.hostname ? [{ port: PORTS.service, from: "remote-orchestrators" as const, description: "redeemer gRPC from other regions' orchestrator egress addresses, one rule each" }] : []),
      ],
      argv,
      boot: {
        secrets: [rpcNeed, keystoreNeed("redeemer"), passwordNeed("redeemer")],
        keystoreAddress: rd.address,
        containers: [rpcProxyUnit(spec), livepeerUnit(spec, argv, false)],
        dataVolume: true,
      },
    };
  }

  let reward: PinnedNodeLayout | undefined;
  const rw = spec.reward;
  if (rw.mode !== "external" && rw.region === r.name) {
    const argv = rewardArgv(spec, rw.address, rw.maxGasPrice, rw.mode === "delegated");
    reward = {
      name: "reward",
      role: "reward",
      resourceName: names.node(spec.name, r.name, "reward"),
      zone: rw.zone,
      subnet: "private",
      staticPublicIp: false,
      // no ingress: the cloud picks its address
      instanceType: rw.instanceType ?? types.pinned,
      imageId: r.machineImages.cpu,
      rootVolumeGb: rw.rootVolumeGb,
      dataVolumeGb: rw.dataVolumeGb,
      walletAddress: rw.address,
      ingress: [],
      argv,
      boot: {
        secrets: [rpcNeed, keystoreNeed("reward"), passwordNeed("reward")],
        keystoreAddress: rw.address,
        containers: [rpcProxyUnit(spec), livepeerUnit(spec, argv, false)],
        dataVolume: true,
      },
    };
  }

  // Who reads which secret: each wallet node its own pair; the shared ones by role.
  const chainNodes = [...orchestrators, ...(redeemer ? [redeemer] : []), ...(reward ? [reward] : [])];
  const secrets: SecretEntry[] = [
    { id: secretIds.orchSecret, source: { kind: "orch-secret" }, readers: [...orchestrators.map((o) => o.name), ...workerGroupList.map((g) => g.name)] },
    { id: secretIds.rpcProxyConfig, source: { kind: "rpc-proxy-config" }, readers: chainNodes.map((n) => n.name), revision: RPC_PROXY_CONFIG_REVISION },
    ...chainNodes.flatMap((n): SecretEntry[] => [
      { id: secretIds.keystore(n.name), source: { kind: "keystore", node: n.name }, readers: [n.name] },
      { id: secretIds.password(n.name), source: { kind: "password", node: n.name }, readers: [n.name] },
    ]),
    ...r.workers.flatMap((w): SecretEntry[] =>
      w.kind === "ai" && w.modelCache.source === "download"
        ? [{ id: modelTokenSecretId(w.name), source: { kind: "model-token", region: r.name, pool: w.name }, readers: workerGroupList.filter((g) => g.pool === w.name).map((g) => g.name) }]
        : [],
    ),
  ];

  return {
    name: r.name,
    cloud: r.cloud,
    region: r.region,
    ...(r.cloud === "gcp" ? { project: r.project } : {}),
    provider: r.cloud === "gcp"
      ? (r.impersonateServiceAccount ? { impersonateServiceAccount: r.impersonateServiceAccount } : {})
      : (r.assumeRoleArn ? { assumeRoleArn: r.assumeRoleArn } : {}),
    resourceName: names.region(spec.name, r.name),
    network,
    orchestrators,
    redeemer,
    reward,
    workerGroups: workerGroupList,
    loadBalancer: {
      name: names.loadBalancerPhysical(spec.name, r.name),
      targetGroupName: names.targetGroupPhysical(spec.name, r.name),
      port: PORTS.service,
      healthCheck: { port: PORTS.readiness, path: "/ready", intervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2 },
      deregistrationDelaySeconds: r.deregistrationDelaySeconds,
      targets: orchestrators.map((o) => o.name),
    },
    secrets,
  };
}

export type { BootSpec };
