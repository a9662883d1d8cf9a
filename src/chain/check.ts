/**
 * `chain check`: read the fleet's on-chain state (service URI, registration, balances of the accounts
 * that send transactions) and compare it with the spec. Reading (`readChain`, through an RPC client) and
 * judging (`evaluate`, pure) are separate so the rules are table-testable.
 */
import { formatEther, getAddress, parseEther } from "ethers";
import type { FleetSpec } from "../spec/validate";
import { Funding } from "../spec/schema";
import { CHAIN_IDS } from "../layout/types";
import { LivepeerReader, NETWORK_CONTRACTS } from "./contracts";
import { RpcError } from "./rpc";
import { escapeControls } from "../spec/errors";

/** An account that sends transactions and so needs ETH for gas. */
export interface FundedAccount {
  /** Node name: an orchestrator's name, `redeemer` or `reward`. */
  node: string;
  role: "reward" | "redeemer" | "orchestrator";
  address: string;
  /** Minimum balance, wei, and as written (ETH). */
  min: bigint;
  minEth: string;
  /** The spec field setting it, e.g. `funding.minEthRedeemer`. */
  field: string;
}

/** The spec's thresholds with defaults applied. */
export function fundingThresholds(spec: FleetSpec): Funding {
  return Funding.parse(spec.funding ?? {});
}

/**
 * Accounts that send transactions: the reward caller (modes node/delegated), the redeemer, or each O when
 * there is no redeemer (each O then redeems its own winning tickets). Same rule as the `walletsToFund`
 * stack output.
 */
export function fundedAccounts(spec: FleetSpec): FundedAccount[] {
  const f = fundingThresholds(spec);
  const out: FundedAccount[] = [];
  const add = (node: string, role: FundedAccount["role"], address: string, key: keyof Funding) =>
    out.push({ node, role, address: getAddress(address), min: parseEther(f[key]), minEth: f[key], field: `funding.${key}` });
  if (spec.reward.mode !== "external") add("reward", "reward", spec.reward.address, "minEthReward");
  if (spec.redeemer) add("redeemer", "redeemer", spec.redeemer.address, "minEthRedeemer");
  else for (const r of spec.regions) for (const o of r.orchestrators) add(o.name, "orchestrator", o.address, "minEthOrchestrator");
  return out;
}

/** Everything `chain check` reads from the chain. */
export interface ChainReadings {
  chainId: number;
  controller: string;
  serviceRegistry: string;
  bondingManager: string;
  /** The registered address's URI in the ServiceRegistry ("" when unset). */
  serviceUri: string;
  transcoder: { status: string; active: boolean };
  /** Balance in wei by checksummed address. */
  balances: Record<string, bigint>;
}

/** Chain id of the spec's network. */
export const expectedChainId = (spec: FleetSpec): number => CHAIN_IDS[spec.network];

/**
 * Verifies the endpoint serves the fleet's chain; throws RpcError otherwise (nothing else is read from
 * a wrong chain).
 */
export async function assertChain(reader: LivepeerReader, spec: FleetSpec): Promise<number> {
  const chainId = await reader.chainId();
  const want = expectedChainId(spec);
  if (chainId !== want) {
    throw new RpcError(
      `wrong chain: the RPC endpoint ${reader.rpc.endpoint.redacted} (from ${reader.rpc.endpoint.source}) serves chain id ${chainId}, ` +
        `but the fleet's network ${spec.network} is chain id ${want}; give an endpoint of that network`,
    );
  }
  return chainId;
}

/** Resolves a protocol contract through the network's Controller, refusing a chain without one. */
export async function resolveThroughController(reader: LivepeerReader, spec: FleetSpec, name: string): Promise<{ controller: string; address: string }> {
  const controller = NETWORK_CONTRACTS[spec.network].controller;
  if (!(await reader.hasCode(controller))) {
    throw new RpcError(`there is no contract at the Livepeer Controller address ${controller} on chain ${expectedChainId(spec)}; is the RPC endpoint an up-to-date ${spec.network} node?`);
  }
  return { controller, address: await reader.resolve(controller, name) };
}

/** Reads everything `evaluate` needs. Throws RpcError when the chain cannot be read. */
export async function readChain(reader: LivepeerReader, spec: FleetSpec): Promise<ChainReadings> {
  const chainId = await assertChain(reader, spec);
  const { controller, address: serviceRegistry } = await resolveThroughController(reader, spec, "ServiceRegistry");
  const bondingManager = await reader.resolve(controller, "BondingManager");
  const accounts = fundedAccounts(spec);
  const [serviceUri, transcoder, ...balances] = await Promise.all([
    reader.serviceUri(serviceRegistry, spec.registeredAddress),
    reader.transcoderStatus(bondingManager, spec.registeredAddress),
    ...accounts.map((a) => reader.balance(a.address)),
  ]);
  return {
    chainId,
    controller,
    serviceRegistry,
    bondingManager,
    serviceUri: serviceUri as string,
    transcoder: transcoder as ChainReadings["transcoder"],
    balances: Object.fromEntries(accounts.map((a, i) => [a.address, balances[i] as bigint])),
  };
}

/** A URI reduced to what gateways use: scheme, lowercase host, explicit port, path. */
export function normalizeServiceUri(uri: string): string | undefined {
  let u: URL;
  try {
    u = new URL(uri.trim());
  } catch {
    return undefined;
  }
  const port = u.port || (u.protocol === "https:" ? "443" : u.protocol === "http:" ? "80" : "");
  return `${u.protocol}//${u.hostname.toLowerCase()}:${port}${u.pathname === "/" ? "" : u.pathname}${u.search}`;
}

export interface CheckLine {
  ok: boolean;
  /** What was checked, e.g. `service URI`, `balance redeemer`. */
  what: string;
  detail: string;
  /** What to do about a failure. */
  fix?: string;
}

/** Judges the readings against the spec. Pure. */
export function evaluate(spec: FleetSpec, r: ChainReadings): { lines: CheckLine[]; notes: string[] } {
  const lines: CheckLine[] = [];
  const notes: string[] = [];
  const reg = spec.registeredAddress;
  const published = NETWORK_CONTRACTS[spec.network].serviceRegistry;

  lines.push({ ok: true, what: "chain", detail: `chain id ${r.chainId} (${spec.network}); Controller ${r.controller} → ServiceRegistry ${r.serviceRegistry}, BondingManager ${r.bondingManager}` });
  if (getAddress(r.serviceRegistry) !== getAddress(published)) {
    notes.push(`the Controller resolves ServiceRegistry to ${r.serviceRegistry}, not the published ${published}; the Controller's is used`);
  }

  const fixUri = "sign and send the transaction `livepeer-fleet chain service-uri` prints, with the registered wallet";
  if (r.serviceUri === "") {
    lines.push({ ok: false, what: "service URI", detail: `no service URI is registered for ${reg}; the fleet's is ${spec.serviceUri}`, fix: fixUri });
  } else if (normalizeServiceUri(r.serviceUri) !== normalizeServiceUri(spec.serviceUri)) {
    lines.push({ ok: false, what: "service URI", detail: `on chain ${JSON.stringify(r.serviceUri)} for ${reg}, but the fleet's is ${JSON.stringify(spec.serviceUri)}: gateways are sent elsewhere`, fix: fixUri });
  } else {
    lines.push({ ok: true, what: "service URI", detail: `${r.serviceUri} is registered for ${reg}` });
  }

  const t = r.transcoder;
  if (t.status !== "Registered") {
    lines.push({ ok: false, what: "registration", detail: `${reg} is not a registered orchestrator (status ${t.status})`, fix: "bond and register (`transcoder`) with the registered wallet, e.g. through livepeer_cli on the reward node" });
  } else if (!t.active) {
    lines.push({ ok: false, what: "registration", detail: `${reg} is registered but not in the active set this round: gateways do not select it`, fix: "wait for its activation round, or raise its stake above the smallest active orchestrator's" });
  } else {
    lines.push({ ok: true, what: "registration", detail: `${reg} is registered and active` });
  }

  if (spec.reward.mode === "external") {
    notes.push(`reward is called outside the fleet (${escapeControls(spec.reward.description)}); that caller's balance is not checked here`);
  }
  for (const a of fundedAccounts(spec)) {
    const bal = r.balances[a.address] ?? 0n;
    const label = `balance ${a.node}`;
    const have = `${formatEther(bal)} ETH`;
    if (bal < a.min) {
      lines.push({ ok: false, what: label, detail: `${a.address} holds ${have}, below ${a.field} ${a.minEth} ETH (the ${a.role} pays gas from it)`, fix: `send ETH on ${spec.network} to ${a.address}` });
    } else {
      lines.push({ ok: true, what: label, detail: `${a.address} holds ${have} (≥ ${a.minEth} ETH)` });
    }
  }
  return { lines, notes };
}
