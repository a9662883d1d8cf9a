/**
 * The Livepeer protocol contracts this tool reads, their ABI fragments and the Arbitrum One addresses
 * (livepeer.md §4). Reading goes through the Controller, as go-livepeer does: published proxy addresses
 * are only a fallback for building an unsigned transaction offline.
 */
import { getAddress, id, Interface, ZeroAddress } from "ethers";
import { CHAIN_IDS } from "../layout/types";
import { RpcClient, RpcError } from "./rpc";

export type NetworkName = keyof typeof CHAIN_IDS;

/** Per network: the Controller go-livepeer hard-codes, and the published ServiceRegistry proxy. */
export const NETWORK_CONTRACTS: Record<NetworkName, { controller: string; serviceRegistry: string }> = {
  "arbitrum-one-mainnet": {
    controller: "0xD8E8328501E9645d16Cf49539efC04f734606ee4",
    serviceRegistry: "0xC92d3A360b8f9e083bA64DE15d95Cf8180897431",
  },
};

/** The AI ServiceRegistry on Arbitrum One (go-livepeer starter.go, `-aiServiceRegistry`): where AI gateways find orchestrators. */
export const AI_SERVICE_REGISTRY = "0x04C0b249740175999E5BF5c9ac1dA92431EF34C5";

export const controllerAbi = new Interface(["function getContract(bytes32 id) view returns (address)"]);
export const serviceRegistryAbi = new Interface([
  "function getServiceURI(address addr) view returns (string)",
  "function setServiceURI(string serviceURI)",
]);
/** The two BondingManager getters go-livepeer's GetTranscoder uses for status (eth/client.go). */
export const bondingManagerAbi = new Interface([
  "function transcoderStatus(address transcoder) view returns (uint8)",
  "function isActiveTranscoder(address transcoder) view returns (bool)",
]);

/** BondingManager's TranscoderStatus enum. */
export const TRANSCODER_STATUS = ["NotRegistered", "Registered"] as const;

/** Controller key of a protocol contract: keccak256 of its name. */
export const contractKey = (name: string) => id(name);

/** Reads the protocol on one chain through an RPC client. */
export class LivepeerReader {
  constructor(readonly rpc: RpcClient) {}

  async chainId(): Promise<number> {
    const hex = await this.rpc.request<string>("eth_chainId", []);
    const n = typeof hex === "string" && /^0x[0-9a-f]+$/i.test(hex) ? Number(BigInt(hex)) : NaN;
    if (!Number.isSafeInteger(n)) throw new RpcError(`the RPC endpoint ${this.rpc.endpoint.redacted} answered eth_chainId with ${JSON.stringify(hex)}, not a chain id`);
    return n;
  }

  async hasCode(address: string): Promise<boolean> {
    const code = await this.rpc.request<string>("eth_getCode", [address, "latest"]);
    return typeof code === "string" && code !== "0x" && code !== "";
  }

  async balance(address: string): Promise<bigint> {
    const hex = await this.rpc.request<string>("eth_getBalance", [address, "latest"]);
    if (typeof hex !== "string" || !/^0x[0-9a-f]*$/i.test(hex)) throw new RpcError(`the RPC endpoint answered eth_getBalance with ${JSON.stringify(hex)}, not an amount`);
    return hex === "0x" ? 0n : BigInt(hex);
  }

  /** eth_call of `fn(args)` on `to`, decoded. `what` names the contract in messages. */
  async call(iface: Interface, to: string, fn: string, args: unknown[], what: string): Promise<any> {
    const data = iface.encodeFunctionData(fn, args);
    const out = await this.rpc.request<string>("eth_call", [{ to, data }, "latest"]);
    if (typeof out !== "string" || out === "0x") {
      throw new RpcError(`${what} at ${to} returned nothing for ${fn}(); there is no such contract at that address on this chain`);
    }
    try {
      return iface.decodeFunctionResult(fn, out)[0];
    } catch {
      throw new RpcError(`${what} at ${to} returned data ${fn}() cannot decode; it is not the expected contract`);
    }
  }

  /** A protocol contract's address as the Controller has it; throws when the Controller or the entry is missing. */
  async resolve(controller: string, name: string): Promise<string> {
    const addr = await this.call(controllerAbi, controller, "getContract", [contractKey(name)], "the Controller");
    if (typeof addr !== "string" || addr === ZeroAddress) {
      throw new RpcError(`the Controller at ${controller} has no ${name} registered; is the RPC endpoint an Arbitrum One node?`);
    }
    return getAddress(addr);
  }

  async serviceUri(registry: string, orchestrator: string): Promise<string> {
    return String(await this.call(serviceRegistryAbi, registry, "getServiceURI", [orchestrator], "the ServiceRegistry"));
  }

  async transcoderStatus(bondingManager: string, orchestrator: string): Promise<{ status: string; active: boolean }> {
    const [s, active] = await Promise.all([
      this.call(bondingManagerAbi, bondingManager, "transcoderStatus", [orchestrator], "the BondingManager"),
      this.call(bondingManagerAbi, bondingManager, "isActiveTranscoder", [orchestrator], "the BondingManager"),
    ]);
    const n = Number(s);
    return { status: TRANSCODER_STATUS[n] ?? `unknown (${n})`, active: Boolean(active) };
  }
}
