/**
 * livepeer-fleet:index:OrchestratorFleet — the whole fleet: validates the spec before registering
 * anything, computes the layout, and builds every region through its own explicit provider.
 */
import * as pulumi from "@pulumi/pulumi";
import * as aws from "@pulumi/aws";
import * as random from "@pulumi/random";
import { Fleet, loadFleet } from "./spec/validate";
import { buildLayout, renderRpcProxyConfig } from "./layout/layout";
import type { FleetLayout, SecretSource } from "./layout/types";
import * as gcp from "@pulumi/gcp";
import { AwsRegion } from "./aws/region";
import { GcpRegion } from "./gcp/region";
import type { NodeOutputs, RegionComponent } from "./regionTypes";
import { cloudDnsWriter, DnsWriter, route53Writer } from "./dns/writer";
import { SecretValue } from "./spec/secret";

export interface OrchestratorFleetArgs {
  /** A validated fleet (from `loadFleet` / `loadFleetFile`), or a raw spec object validated here. */
  fleet?: Fleet;
  spec?: unknown;
  /** Directory keystore paths in a raw spec are relative to. Default: the working directory. */
  baseDir?: string;
  /**
   * Explicit provider per region name (your own credentials: assume-role, profiles, impersonation).
   * Regions without one get an `aws.Provider` (region, optional assumeRoleArn) or a `gcp.Provider`
   * (project, region, optional impersonateServiceAccount), created as children of the fleet.
   */
  providers?: Record<string, pulumi.ProviderResource>;
  /**
   * Provider for the fleet's DNS zone (an AWS provider for Route 53, a GCP one for Cloud DNS). Default:
   * Route 53 → a new `aws.Provider` `<fleet>-dns` in dns.awsRegion (us-east-1), assuming dns.assumeRoleArn if
   * given; Cloud DNS → a new
   * `gcp.Provider` for dns.project.
   */
  dnsProvider?: pulumi.ProviderResource;
}

export interface FleetNodeOutput {
  role: string;
  region: string;
  hostname?: string;
  publicIp?: pulumi.Output<string>;
  privateIp: pulumi.Output<string>;
  walletAddress?: string;
  groupName: pulumi.Output<string>;
}

export class OrchestratorFleet extends pulumi.ComponentResource {
  readonly layout: FleetLayout;
  readonly serviceUri: string;
  readonly nodes: Record<string, FleetNodeOutput> = {};
  /** Every node's own wallet (node name → address). */
  readonly hotWallets: Record<string, string> = {};
  /** Accounts that send transactions and need ETH for gas: redeemer and reward caller, or each O when there is no redeemer. */
  readonly walletsToFund: Record<string, string> = {};
  /** Worker group name → autoscaling group name. */
  readonly workerGroups: Record<string, pulumi.Output<string>> = {};
  /** Region name → its monitoring node (spec `monitoring`): the group to find for SSM / IAP forwarding to Grafana. */
  readonly monitoring: Record<string, FleetNodeOutput> = {};
  readonly regions: Record<string, RegionComponent> = {};

  constructor(name: string, args: OrchestratorFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    // Validate first: a bad spec throws before any resource (this component included) is registered.
    const fleet = args.fleet ?? loadFleet(args.spec, { baseDir: args.baseDir ?? process.cwd() });
    const layout = buildLayout(fleet);
    super("livepeer-fleet:index:OrchestratorFleet", name, {}, opts);
    this.layout = layout;
    this.serviceUri = layout.serviceUri;
    const { spec } = fleet;

    const fleetTag = { "livepeer-fleet:fleet": spec.name };
    const providers: Record<string, pulumi.ProviderResource> = {};
    for (const r of layout.regions) {
      const given = args.providers?.[r.name];
      if (given) providers[r.name] = given;
      else if (r.cloud === "aws") {
        providers[r.name] = new aws.Provider(`${spec.name}-${r.name}`, {
          region: r.region as aws.Region,
          defaultTags: { tags: fleetTag },
          ...(r.provider.assumeRoleArn ? { assumeRoles: [{ roleArn: r.provider.assumeRoleArn, sessionName: `livepeer-fleet-${spec.name}` }] } : {}),
        }, { parent: this });
      } else {
        providers[r.name] = new gcp.Provider(`${spec.name}-${r.name}`, {
          project: r.project!,
          region: r.region,
          defaultLabels: { "livepeer-fleet-fleet": spec.name },
          ...(r.provider.impersonateServiceAccount ? { impersonateServiceAccount: r.provider.impersonateServiceAccount } : {}),
        }, { parent: this });
      }
    }
    let dns: DnsWriter;
    if (layout.dns.provider === "route53") {
      // A provider of its own: region order or membership never moves the records to another provider.
      const d = layout.dns;
      const p = args.dnsProvider ?? new aws.Provider(`${spec.name}-dns`, {
        region: (d.awsRegion ?? "us-east-1") as aws.Region,
        defaultTags: { tags: fleetTag },
        ...(d.assumeRoleArn ? { assumeRoles: [{ roleArn: d.assumeRoleArn, sessionName: `livepeer-fleet-${spec.name}-dns` }] } : {}),
      }, { parent: this });
      dns = route53Writer(layout, p);
    } else {
      const p = args.dnsProvider ?? new gcp.Provider(`${spec.name}-dns`, { project: layout.dns.project }, { parent: this });
      dns = cloudDnsWriter(layout, p);
    }

    // The O↔worker secret: given in the spec, or generated once and kept (as a secret) in state.
    let orchSecret: pulumi.Output<string>;
    if (spec.orchSecret) {
      orchSecret = pulumi.secret(spec.orchSecret.reveal());
    } else {
      const randomProvider = new random.Provider(`${spec.name}-random`, {}, { parent: this });
      orchSecret = new random.RandomPassword(`${spec.name}-orch-secret`, { length: 48, special: false }, { parent: this, provider: randomProvider }).result;
    }
    const rpcConfig = pulumi.secret(renderRpcProxyConfig(spec.network, spec.rpcUrls.map((u) => u.reveal())));
    const passwords: Record<string, SecretValue> = {};
    for (const r of spec.regions) for (const o of r.orchestrators) passwords[o.name] = o.password;
    if (spec.redeemer) passwords.redeemer = spec.redeemer.password;
    if (spec.reward.mode !== "external") passwords.reward = spec.reward.password;

    const resolveSecret = (s: SecretSource): pulumi.Output<string> => {
      switch (s.kind) {
        case "orch-secret":
          return orchSecret;
        case "rpc-proxy-config":
          return rpcConfig;
        case "keystore":
          return pulumi.secret(fleet.keystores[s.node].json);
        case "password":
          return pulumi.secret(passwords[s.node].reveal());
        case "model-token": {
          const pool = spec.regions.find((r) => r.name === s.region)?.workers.find((w) => w.name === s.pool);
          if (pool?.kind !== "ai" || pool.modelCache.source !== "download") throw new Error(`no model token for pool ${s.pool} of region ${s.region}`);
          return pulumi.secret(pool.modelCache.token.reveal());
        }
      }
    };

    for (const r of layout.regions) {
      const regionArgs = { fleet: layout, region: r, resolveSecret, secretsVersion: spec.secretsVersion, dns };
      const opts = { parent: this, provider: providers[r.name] };
      const region: RegionComponent = r.cloud === "aws" ? new AwsRegion(r.resourceName, regionArgs, opts) : new GcpRegion(r.resourceName, regionArgs, opts);
      this.regions[r.name] = region;
      for (const [node, out] of Object.entries(region.nodes) as [string, NodeOutputs][]) {
        // Every region has its own monitoring node, all named `monitoring`: reported by region.
        if (out.role === "monitoring") {
          this.monitoring[r.name] = { region: r.name, ...out };
          continue;
        }
        this.nodes[node] = { region: r.name, ...out };
        if (out.walletAddress) this.hotWallets[node] = out.walletAddress;
      }
      Object.assign(this.workerGroups, region.workerGroups);
    }
    // A redeemer serving Os of other regions admits each of their egress addresses, one rule each:
    // adding a region only adds rules.
    const redeemerRegion = layout.regions.find((r) => r.redeemer);
    if (redeemerRegion?.redeemer?.publicHostname) {
      const host = this.regions[redeemerRegion.name];
      for (const r of layout.regions) {
        if (r.name === redeemerRegion.name) continue;
        for (const [key, ip] of Object.entries(this.regions[r.name].orchestratorEgressIps)) {
          host.allowRedeemerClient!(`${r.name}-${key}`, ip);
        }
      }
    }
    dns.finish(this);
    for (const [node, n] of Object.entries(this.nodes)) {
      if (n.walletAddress && (n.role !== "orchestrator" || !spec.redeemer)) this.walletsToFund[node] = n.walletAddress;
    }

    this.registerOutputs({ serviceUri: this.serviceUri, nodes: this.nodes, hotWallets: this.hotWallets, walletsToFund: this.walletsToFund, workerGroups: this.workerGroups, monitoring: this.monitoring });
  }
}
