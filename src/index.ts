/** livepeer-fleet: Pulumi components describing a whole Livepeer orchestrator fleet. */
export { OrchestratorFleet, OrchestratorFleetArgs, FleetNodeOutput } from "./fleet";
export { fleetFromStackConfig, fleetOutputs, main } from "./program";
export { loadFleet, Fleet, FleetSpec, LoadOptions } from "./spec/validate";
export { loadFleetFile, readSpecFile } from "./spec/load";
export { FleetConfigError, SpecIssue } from "./spec/errors";
export { SecretValue } from "./spec/secret";
export { buildLayout } from "./layout/layout";
export * as layout from "./layout/types";
export { AwsRegion } from "./aws/region";
export { Network } from "./aws/network";
export { KeyVault } from "./aws/vault";
export { PinnedNode } from "./aws/pinnedNode";
export { WorkerGroup } from "./aws/workerGroup";
export { LoadBalancer } from "./aws/loadBalancer";
export { runPlan, Plan, PlannedResource } from "./plan/engine";
export { planFile, planSpec } from "./cli/plan";
export * as gcp from "./gcp";
