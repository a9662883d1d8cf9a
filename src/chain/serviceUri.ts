/**
 * The unsigned `setServiceURI` transaction the operator signs with the registered wallet. This tool
 * never holds that key: it only builds the call.
 */
import type { FleetSpec } from "../spec/validate";
import { CHAIN_IDS } from "../layout/types";
import { NETWORK_CONTRACTS, serviceRegistryAbi } from "./contracts";

export interface UnsignedServiceUriTx {
  /** The account that must sign: the registered orchestrator (the ServiceRegistry keys entries by sender). */
  from: string;
  /** The ServiceRegistry. */
  to: string;
  /** `setServiceURI(<serviceUri>)`, ABI-encoded. */
  data: string;
  value: "0";
  chainId: number;
}

/** Builds the transaction; `registry` defaults to the network's published ServiceRegistry proxy. */
export function serviceUriTransaction(spec: FleetSpec, registry?: string): UnsignedServiceUriTx {
  return {
    from: spec.registeredAddress,
    to: registry ?? NETWORK_CONTRACTS[spec.network].serviceRegistry,
    data: serviceRegistryAbi.encodeFunctionData("setServiceURI", [spec.serviceUri]),
    value: "0",
    chainId: CHAIN_IDS[spec.network],
  };
}
