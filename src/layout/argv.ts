/**
 * go-livepeer command lines per role (livepeer.md §1–3, §9, §10). Pure. Secrets appear only as file
 * paths; every CLI listener is on 127.0.0.1; -ethUrl is the loopback RPC proxy, never a keyed URL.
 */
import { CHAIN_IDS, PATHS, PORTS } from "./types";
import type { FleetSpec } from "../spec/validate";

const S = PATHS.container.secrets;

/** Container paths of the secret files, as go-livepeer sees them. */
export const SECRET_FILES = {
  orchSecret: "orch-secret",
  password: "eth-password",
  rpcProxyConfig: "rpc-proxy.yaml",
  /** The keyfile's name inside the keystore directory. */
  keystore: "keyfile.json",
} as const;

export const containerSecretPath = (file: string) => `${S}/${file}`;
export const keystoreDir = () => `${S}/${PATHS.keystoreSubdir}`;

/** The loopback RPC proxy URL go-livepeer's -ethUrl points at (eRPC's project/architecture/chain path). */
export function rpcProxyUrl(network: keyof typeof CHAIN_IDS): string {
  return `http://127.0.0.1:${PORTS.rpcProxy}/livepeer/evm/${CHAIN_IDS[network]}`;
}

/** Flags every chain-connected role (O, redeemer, reward) shares. */
function chainFlags(spec: FleetSpec, walletAddress: string): string[] {
  return [
    "-network", spec.network,
    "-ethUrl", rpcProxyUrl(spec.network),
    "-ethAcctAddr", walletAddress,
    "-ethKeystorePath", keystoreDir(),
    "-ethPassword", containerSecretPath(SECRET_FILES.password),
    "-dataDir", PATHS.container.data,
  ];
}

const common = (spec: FleetSpec) => ["-monitor", "-v", String(spec.logVerbosity)];

/** go-livepeer's -pricePerGateway JSON (`{"gateways":[{ethaddress, priceperunit, currency?, pixelsperunit}]}`). */
export function pricePerGatewayJson(p: FleetSpec["pricing"]): string | undefined {
  if (!p.pricePerGateway || p.pricePerGateway.length === 0) return undefined;
  // Amounts are inserted as JSON number literals from their decimal text: no float rounding of wei.
  const items = p.pricePerGateway.map((g) =>
    `{"ethaddress":${JSON.stringify(g.address)},"priceperunit":${g.pricePerUnit}${g.currency ? `,"currency":${JSON.stringify(g.currency)}` : ""},"pixelsperunit":${g.pixelsPerUnit ?? p.pixelsPerUnit}}`,
  );
  return `{"gateways":[${items.join(",")}]}`;
}

export interface OrchestratorArgvInput {
  walletAddress: string;
  /** Public host:port this O advertises (its own hostname, not the load balancer's). */
  serviceAddr: string;
  /** host:port of the fleet's redeemer, if it has one. */
  redeemerAddr?: string;
  /** The region's effective pricing. */
  pricing: FleetSpec["pricing"];
  /** Container path of the O's aiModels file (prices of the AI models its workers serve), when the region has AI pools. */
  aiModelsPath?: string;
}

/** A standalone workload O: remote workers set its capacity; never a reward caller. */
export function orchestratorArgv(spec: FleetSpec, o: OrchestratorArgvInput): string[] {
  const p = o.pricing;
  const perGateway = pricePerGatewayJson(p);
  return [
    "-orchestrator",
    ...chainFlags(spec, o.walletAddress),
    "-ethOrchAddr", spec.registeredAddress,
    "-serviceAddr", o.serviceAddr,
    "-httpAddr", `0.0.0.0:${PORTS.service}`,
    "-cliAddr", `127.0.0.1:${PORTS.cliOrchestrator}`,
    "-orchSecret", containerSecretPath(SECRET_FILES.orchSecret),
    "-maxSessions", "auto",
    "-reward=false",
    ...(o.redeemerAddr ? ["-redeemerAddr", o.redeemerAddr] : []),
    "-pricePerUnit", p.pricePerUnit!,
    "-pixelsPerUnit", p.pixelsPerUnit,
    `-autoAdjustPrice=${p.autoAdjustPrice}`,
    ...(p.ticketEV !== undefined ? ["-ticketEV", p.ticketEV] : []),
    ...(p.maxFaceValue !== undefined ? ["-maxFaceValue", p.maxFaceValue] : []),
    ...(perGateway ? ["-pricePerGateway", perGateway] : []),
    ...(o.aiModelsPath ? ["-aiModels", o.aiModelsPath] : []),
    ...common(spec),
  ];
}

/** A remote transcoder bound to one O (a worker uses only its first -orchAddr). No chain credentials. */
export function transcoderArgv(spec: FleetSpec, w: { orchAddr: string; maxSessions: number | string }): string[] {
  return [
    "-transcoder",
    "-orchAddr", w.orchAddr,
    "-orchSecret", containerSecretPath(SECRET_FILES.orchSecret),
    "-cliAddr", `127.0.0.1:${PORTS.cliTranscoder}`,
    "-nvidia", "all",
    "-maxSessions", String(w.maxSessions),
    "-dataDir", PATHS.container.data,
    ...common(spec),
  ];
}

/**
 * A remote AI worker bound to one O. It drives the host's Docker to start ai-runner containers, so its
 * -aiModelsDir is a host path (mounted at the same path); runner images are pinned by digest through
 * -aiRunnerImageOverrides. No chain credentials.
 */
export function aiWorkerArgv(spec: FleetSpec, w: { orchAddr: string; aiModelsPath: string; modelsDir: string; runnerImageOverrides: string }): string[] {
  return [
    "-aiWorker",
    "-orchAddr", w.orchAddr,
    "-orchSecret", containerSecretPath(SECRET_FILES.orchSecret),
    "-cliAddr", `127.0.0.1:${PORTS.cliAiWorker}`,
    "-nvidia", "all",
    "-aiModels", w.aiModelsPath,
    "-aiModelsDir", w.modelsDir,
    "-aiRunnerImageOverrides", w.runnerImageOverrides,
    "-dataDir", PATHS.container.data,
    ...common(spec),
  ];
}

/** The redeemer: own hot key, tickets for the registered address, reachable by the fleet's Os only. */
export function redeemerArgv(spec: FleetSpec, walletAddress: string): string[] {
  return [
    "-redeemer",
    ...chainFlags(spec, walletAddress),
    "-ethOrchAddr", spec.registeredAddress,
    "-httpAddr", `0.0.0.0:${PORTS.service}`,
    "-cliAddr", `127.0.0.1:${PORTS.cliRedeemer}`,
    "-reward=false",
    ...common(spec),
  ];
}

/**
 * The fleet's one reward caller. Mode `node`: holds the registered key. Mode `delegated`: a LIP-118
 * reward-caller key acting for -ethOrchAddr. It serves nothing; its CLI stays on loopback.
 */
export function rewardArgv(spec: FleetSpec, walletAddress: string, maxGasPrice: string, delegated: boolean): string[] {
  return [
    "-reward=true",
    ...chainFlags(spec, walletAddress),
    ...(delegated ? ["-ethOrchAddr", spec.registeredAddress] : []),
    "-cliAddr", `127.0.0.1:${PORTS.cliReward}`,
    "-maxGasPrice", maxGasPrice,
    ...common(spec),
  ];
}

/** Renders argv for display: one flag per line would be nicer, but plan text wants one line. */
export const formatArgv = (argv: string[]) => argv.map((a) => (/[\s"'$`\\]/.test(a) ? JSON.stringify(a) : a)).join(" ");
