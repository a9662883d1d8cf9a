/**
 * `livepeer-fleet chain check|service-uri`. The RPC URL (it carries API keys) comes from --rpc-file or
 * $LIVEPEER_FLEET_RPC_URL, never from an argument, and is only ever printed redacted.
 *
 * Exit status: 0 all good; 1 a finding (mismatch, unset URI, not registered/active, low balance) or an
 * invalid spec; 2 usage or input (no RPC URL, unreadable file); 4 the chain could not be read
 * (unreachable, timeout, HTTP/JSON-RPC error, wrong chain id, no Livepeer contracts there).
 */
import { loadFleetFile } from "../spec/load";
import { CommandError, CommandIo, parseCommandArgs, requireFleetFile, runCommand } from "./keys";
import { DEFAULT_TIMEOUT_MS, RPC_URL_ENV, RpcClient, RpcError, RpcInputError, resolveRpcEndpoint, RpcEndpoint } from "../chain/rpc";
import { LivepeerReader, NETWORK_CONTRACTS } from "../chain/contracts";
import { assertChain, evaluate, readChain, resolveThroughController, normalizeServiceUri } from "../chain/check";
import { serviceUriTransaction } from "../chain/serviceUri";
import { AI_SERVICE_REGISTRY } from "../chain/contracts";

export const CHAIN_USAGE = `usage: livepeer-fleet chain check --fleet <config> [--rpc-file <file>] [--timeout <seconds>]
       livepeer-fleet chain service-uri --fleet <config> [--registry main|ai] [--rpc-file <file>] [--timeout <seconds>]

  The RPC URL comes from --rpc-file (first line) or $${RPC_URL_ENV}, never from an argument.
  chain check        Resolve the ServiceRegistry and BondingManager through the Controller and compare
                     the registered address's service URI, its registration/active status and the ETH
                     balances of the accounts that send transactions with the spec (funding.*).
                     Exit 0 all good, 1 a finding, 2 usage, 4 the chain could not be read.
  chain service-uri  Print the unsigned setServiceURI transaction (JSON on stdout) for the registered
                     wallet to sign; with an RPC URL the ServiceRegistry is resolved on chain.
                     --registry ai: the same call on the AI ServiceRegistry (${AI_SERVICE_REGISTRY}),
                     where AI gateways discover orchestrators (register the same URI in both).
`;

/** Exit status when the chain cannot be read. */
export const EXIT_CHAIN_UNREADABLE = 4;

const FLAGS = { fleet: { type: "string" }, "rpc-file": { type: "string" }, timeout: { type: "string" }, registry: { type: "string" } } as const;

function timeoutMs(v: unknown): number {
  if (v === undefined) return DEFAULT_TIMEOUT_MS;
  const n = Number(v);
  if (typeof v !== "string" || !Number.isFinite(n) || n <= 0 || n > 600) throw new CommandError(`--timeout must be a number of seconds between 0 and 600 (got ${JSON.stringify(v)})`, 2);
  return Math.round(n * 1000);
}

function endpoint(flags: Record<string, unknown>, io: CommandIo): RpcEndpoint | undefined {
  try {
    return resolveRpcEndpoint({ rpcFile: flags["rpc-file"] as string | undefined, env: io.env ?? process.env });
  } catch (e) {
    if (e instanceof RpcInputError) throw new CommandError(e.message, 2);
    throw e;
  }
}

/** `livepeer-fleet chain …`: resolves to the exit status. FleetConfigError propagates (exit 1 in main). */
export async function chainCommand(argv: string[], io: CommandIo): Promise<number> {
  return runCommand(io, CHAIN_USAGE, async () => {
    const [sub, ...rest] = argv;
    if (!sub || sub === "--help" || sub === "help") {
      io.out(CHAIN_USAGE);
      return sub ? 0 : 2;
    }
    if (sub !== "check" && sub !== "service-uri") throw new CommandError(`unknown chain command ${JSON.stringify(sub)}`, 2);
    const flags = parseCommandArgs(rest, FLAGS);
    if (flags.help) {
      io.out(CHAIN_USAGE);
      return 0;
    }
    const config = requireFleetFile(flags);
    const ms = timeoutMs(flags.timeout);
    const ep = endpoint(flags, io);
    const fleet = loadFleetFile(config);
    try {
      const registry = flags.registry ?? "main";
      if (registry !== "main" && registry !== "ai") throw new CommandError(`--registry must be main or ai (got ${JSON.stringify(registry)})`, 2);
      if (sub === "check" && flags.registry !== undefined) throw new CommandError("--registry applies to chain service-uri only", 2);
      return sub === "check" ? await check(fleet.spec, ep, ms, io) : await serviceUri(fleet.spec, ep, ms, io, config, registry === "ai");
    } catch (e) {
      if (e instanceof RpcError) {
        io.err(`livepeer-fleet: chain ${sub}: ${e.message}\n`);
        return EXIT_CHAIN_UNREADABLE;
      }
      throw e;
    }
  });
}

type Spec = ReturnType<typeof loadFleetFile>["spec"];

async function check(spec: Spec, ep: RpcEndpoint | undefined, ms: number, io: CommandIo): Promise<number> {
  if (!ep) throw new CommandError(`no RPC URL: give --rpc-file <file> (the URL on its first line) or set $${RPC_URL_ENV}`, 2);
  io.err(`chain check: fleet ${spec.name} on ${spec.network} via ${ep.redacted} (from ${ep.source})\n`);
  const reader = new LivepeerReader(new RpcClient(ep, { timeoutMs: ms }));
  const readings = await readChain(reader, spec);
  const { lines, notes } = evaluate(spec, readings);
  const w = Math.max(...lines.map((l) => l.what.length));
  for (const l of lines) {
    io.out(`${l.ok ? "ok  " : "FAIL"}  ${l.what.padEnd(w)}  ${l.detail}\n`);
    if (!l.ok && l.fix) io.out(`      ${"".padEnd(w)}  fix: ${l.fix}\n`);
  }
  for (const n of notes) io.out(`note  ${n}\n`);
  const bad = lines.filter((l) => !l.ok).length;
  io.out(bad === 0 ? `chain check: all ${lines.length} checks passed\n` : `chain check: ${bad} of ${lines.length} checks failed\n`);
  return bad === 0 ? 0 : 1;
}

async function serviceUri(spec: Spec, ep: RpcEndpoint | undefined, ms: number, io: CommandIo, config: string, ai = false): Promise<number> {
  let registry: string | undefined = ai ? AI_SERVICE_REGISTRY : undefined;
  let current: string | undefined;
  if (ep) {
    const reader = new LivepeerReader(new RpcClient(ep, { timeoutMs: ms }));
    await assertChain(reader, spec);
    // The AI registry is a standalone contract (go-livepeer starter.go), not one the Controller names.
    if (!ai) registry = (await resolveThroughController(reader, spec, "ServiceRegistry")).address;
    current = await reader.serviceUri(registry!, spec.registeredAddress);
  }
  const tx = serviceUriTransaction(spec, registry);
  io.out(JSON.stringify(tx, null, 2) + "\n");
  const published = NETWORK_CONTRACTS[spec.network].serviceRegistry;
  const lines = [
    `Unsigned transaction: setServiceURI(${JSON.stringify(spec.serviceUri)}) on the ${ai ? "AI ServiceRegistry" : "ServiceRegistry"} ${tx.to}`,
    ai ? "  (the AI ServiceRegistry's published address, as go-livepeer uses it)" : ep
      ? `  (resolved through the Controller ${NETWORK_CONTRACTS[spec.network].controller} via ${ep.redacted})`
      : `  (the published address; give --rpc-file or $${RPC_URL_ENV} to resolve it through the Controller)`,
    `Sign and send it from the registered wallet ${tx.from} on chain ${tx.chainId}; this tool never holds that key.`,
    `With Foundry, for example (ETH_RPC_URL in the environment): cast send --keystore <registered keystore> ${tx.to} 'setServiceURI(string)' '${spec.serviceUri}'`,
    `Then run: livepeer-fleet chain check --fleet ${config}`,
  ];
  if (!ai && ep && registry && registry.toLowerCase() !== published.toLowerCase()) lines.push(`note: the Controller's ServiceRegistry differs from the published ${published}; use ${registry}`);
  if (current !== undefined) {
    if (current === "") lines.push(`On chain now: no service URI is registered for ${tx.from}.`);
    else if (normalizeServiceUri(current) === normalizeServiceUri(spec.serviceUri)) lines.push(`On chain now: ${JSON.stringify(current)}, already the fleet's; nothing to send.`);
    else lines.push(`On chain now: ${JSON.stringify(current)}; this transaction replaces it.`);
  }
  io.err(lines.join("\n") + "\n");
  return 0;
}
