/**
 * A real local EVM for the chain tests: ganache (npm devDependency) started in-process on loopback, with
 * the Livepeer test doubles (test/fixtures/chain/LivepeerStubs.sol, compiled here with the `solc` npm
 * package: nothing is downloaded) deployed and the Controller placed at the real Arbitrum One Controller
 * address, so the CLI runs exactly as it would against Arbitrum One.
 */
import * as fs from "fs";
import * as net from "net";
import * as path from "path";
import { id, Interface, toBeHex, getAddress } from "ethers";
import { NETWORK_CONTRACTS } from "../../src/chain/contracts";

// eslint-disable-next-line @typescript-eslint/no-var-requires
const ganache = require("ganache");
// eslint-disable-next-line @typescript-eslint/no-var-requires
const solc = require("solc");

export const STUBS_SOL = path.join(__dirname, "..", "fixtures", "chain", "LivepeerStubs.sol");

interface Artifact {
  abi: Interface;
  bytecode: string;
}
let compiled: Record<"Controller" | "ServiceRegistry" | "BondingManager", Artifact> | undefined;

/** Compiles the stubs once per test file (~1 s, offline). */
export function compileStubs(): NonNullable<typeof compiled> {
  if (compiled) return compiled;
  const input = {
    language: "Solidity",
    sources: { "LivepeerStubs.sol": { content: fs.readFileSync(STUBS_SOL, "utf8") } },
    settings: { evmVersion: "paris", optimizer: { enabled: true, runs: 200 }, outputSelection: { "*": { "*": ["abi", "evm.bytecode.object"] } } },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input)));
  const errors = (out.errors ?? []).filter((e: any) => e.severity === "error");
  if (errors.length > 0) throw new Error(`solc: ${errors.map((e: any) => e.formattedMessage).join("\n")}`);
  const c = out.contracts["LivepeerStubs.sol"];
  const art = (n: string): Artifact => ({ abi: new Interface(c[n].abi), bytecode: `0x${c[n].evm.bytecode.object}` });
  compiled = { Controller: art("Controller"), ServiceRegistry: art("ServiceRegistry"), BondingManager: art("BondingManager") };
  return compiled;
}

export interface LocalChain {
  /** http://127.0.0.1:<port> */
  url: string;
  chainId: number;
  controller: string;
  serviceRegistry: string;
  bondingManager: string;
  rpc: (method: string, params?: unknown[]) => Promise<any>;
  setBalance: (address: string, wei: bigint) => Promise<void>;
  /** setServiceURI sent from `from` (an unlocked account: the registered address). */
  setServiceUri: (from: string, uri: string) => Promise<void>;
  /** BondingManager status (0 NotRegistered, 1 Registered) and active flag of `address`. */
  setTranscoder: (address: string, status: number, active: boolean) => Promise<void>;
  snapshot: () => Promise<string>;
  revert: (id: string) => Promise<void>;
  close: () => Promise<void>;
}

export interface ChainOptions {
  chainId: number;
  /** Accounts ganache lets the test send from without their keys (e.g. the registered address). */
  unlocked?: string[];
  /** Place the Controller at the real Arbitrum One address (default true). */
  realController?: boolean;
}

/** Starts ganache on 127.0.0.1 (random port) and deploys the stubs. */
export async function startChain(opts: ChainOptions): Promise<LocalChain> {
  const art = compileStubs();
  const server = ganache.server({
    logging: { quiet: true },
    chain: { chainId: opts.chainId },
    wallet: { totalAccounts: 1, unlockedAccounts: opts.unlocked ?? [] },
  });
  await server.listen(0, "127.0.0.1");
  const port = (server.address() as { port: number }).port;
  const rpc = (method: string, params: unknown[] = []) => server.provider.request({ method, params });
  const [deployer] = await rpc("eth_accounts");

  const send = async (from: string, tx: { to?: string; data: string }) => {
    const hash = await rpc("eth_sendTransaction", [{ from, ...tx, gas: toBeHex(3_000_000) }]);
    const receipt = await rpc("eth_getTransactionReceipt", [hash]);
    if (!receipt || receipt.status !== "0x1") throw new Error(`transaction failed: ${JSON.stringify(receipt)}`);
    return receipt;
  };
  const deploy = async (a: Artifact) => getAddress((await send(deployer, { data: a.bytecode })).contractAddress);

  let controller = await deploy(art.Controller);
  if (opts.realController ?? true) {
    const real = NETWORK_CONTRACTS["arbitrum-one-mainnet"].controller;
    await rpc("evm_setAccountCode", [real, await rpc("eth_getCode", [controller, "latest"])]);
    controller = real;
  }
  const serviceRegistry = await deploy(art.ServiceRegistry);
  const bondingManager = await deploy(art.BondingManager);
  for (const [name, addr] of [["ServiceRegistry", serviceRegistry], ["BondingManager", bondingManager]]) {
    await send(deployer, { to: controller, data: art.Controller.abi.encodeFunctionData("setContract", [id(name), addr]) });
  }

  const setBalance = async (address: string, wei: bigint) => {
    await rpc("evm_setAccountBalance", [address, toBeHex(wei)]);
  };
  return {
    url: `http://127.0.0.1:${port}`,
    chainId: opts.chainId,
    controller,
    serviceRegistry,
    bondingManager,
    rpc,
    setBalance,
    async setServiceUri(from, uri) {
      const before = BigInt(await rpc("eth_getBalance", [from, "latest"]));
      await setBalance(from, before + 10n ** 18n); // gas, then put the balance back
      await send(from, { to: serviceRegistry, data: art.ServiceRegistry.abi.encodeFunctionData("setServiceURI", [uri]) });
      await setBalance(from, before);
    },
    async setTranscoder(address, status, active) {
      await send(deployer, { to: bondingManager, data: art.BondingManager.abi.encodeFunctionData("setTranscoder", [address, status, active]) });
    },
    snapshot: () => rpc("evm_snapshot"),
    async revert(snap) {
      await rpc("evm_revert", [snap]);
    },
    close: () => server.close(),
  };
}

/** A loopback port with nothing listening on it. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

/** A loopback server that accepts connections and never answers (for timeouts). */
export async function silentServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) => {
        for (const s of sockets) s.destroy();
        srv.close(() => r());
      }),
  };
}
