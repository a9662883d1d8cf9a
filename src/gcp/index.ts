/** The GCP components (livepeer-fleet:gcp:*) and their pure policy builders. */
export { GcpRegion, GcpRegionArgs } from "./region";
export { Network, NetworkArgs, firewall, networkProject } from "./network";
export { KeyVault, KeyVaultArgs } from "./vault";
export { PinnedNode, PinnedNodeArgs, DATA_DISK_DEVICE } from "./pinnedNode";
export { WorkerGroup, WorkerGroupArgs } from "./workerGroup";
export { LoadBalancer, LoadBalancerArgs } from "./loadBalancer";
export { instanceTemplate, TemplateArgs } from "./instance";
export * as policies from "./policies";
