/** GCP pure builders: firewall rules, secret readers, scheduling, worker group split, update policies, labels, names. */
import * as path from "path";
import { buildLayout } from "../../src/layout/layout";
import { loadFleetFile } from "../../src/spec/load";
import type { PinnedNodeLayout } from "../../src/layout/types";
import {
  ALLOW_PRIORITY, DENY_PRIORITY, IAP_RANGE, LB_HEALTH_CHECK_RANGES, gcpLabels, instanceMetadata, nodeFirewallRules, pinnedScheduling, pinnedUpdatePolicy,
  regionFirewallRules, regionIdentities, remoteClientRule, secretReaderBindings, workerMigs, workerScheduling, workerUpdatePolicy,
} from "../../src/gcp/policies";
import { networkProject } from "../../src/gcp/network";
import { GCP_NAME, NAME_LIMITS, gcpNames, names } from "../../src/naming";

const LAYOUT = buildLayout(loadFleetFile(path.join(__dirname, "../../examples/gcp/fleet.yaml")));
const R = LAYOUT.regions[0];
const ctx = { subnetCidr: "10.60.0.0/20", orchestrators: R.orchestrators.map((o) => o.name) };
const summary = (node: PinnedNodeLayout) => nodeFirewallRules(node, ctx).map((r) => [r.name, r.tcpPorts, r.source, r.target]);

describe("firewall rules from the layout's ingress", () => {
  test("an orchestrator: 8935 from anywhere, readiness only from the LB health-check ranges, both on its own service account", () => {
    expect(summary(R.orchestrators[0])).toEqual([
      ["gref-euw4-o1-in-8935-internet", [8935], { kind: "ranges", ranges: ["0.0.0.0/0"] }, { kind: "serviceAccount", of: "o1" }],
      ["gref-euw4-o1-in-8936-health-checks", [8936], { kind: "ranges", ranges: [...LB_HEALTH_CHECK_RANGES] }, { kind: "serviceAccount", of: "o1" }],
    ]);
    expect(LB_HEALTH_CHECK_RANGES).toEqual(["35.191.0.0/16", "209.85.152.0/22", "209.85.204.0/22"]);
  });

  test("the redeemer: 8935 only from this region's orchestrators' service accounts", () => {
    expect(summary(R.redeemer!)).toEqual([
      ["gref-euw4-redeemer-in-8935-orchestrators", [8935], { kind: "serviceAccounts", of: ["o1", "o2"] }, { kind: "serviceAccount", of: "redeemer" }],
    ]);
  });

  test("the reward node: nothing", () => expect(summary(R.reward!)).toEqual([]));

  test("remote orchestrators are not in the node's rules: one /32 rule per address, added by the fleet", () => {
    const rd: PinnedNodeLayout = { ...R.redeemer!, ingress: [...R.redeemer!.ingress, { port: 8935, from: "remote-orchestrators", description: "x" }] };
    expect(nodeFirewallRules(rd, ctx)).toHaveLength(1);
    expect(remoteClientRule("gref-euw4", "use1-us-east-1a", "redeemer", "198.51.100.7")).toEqual({
      name: "gref-euw4-redeemer-from-use1-us-east-1a",
      description: "livepeer-fleet redeemer gRPC from orchestrators of use1-us-east-1a",
      action: "allow",
      tcpPorts: [8935],
      source: { kind: "ranges", ranges: ["198.51.100.7/32"] },
      target: { kind: "serviceAccount", of: "redeemer" },
      priority: ALLOW_PRIORITY,
    });
  });

  test("another `vpc` rule (not the readiness port) admits the region's subnetwork", () => {
    const n: PinnedNodeLayout = { ...R.orchestrators[0], ingress: [{ port: 9000, from: "vpc", description: "x" }] };
    expect(nodeFirewallRules(n, ctx)[0].source).toEqual({ kind: "ranges", ranges: ["10.60.0.0/20"] });
  });

  test("region-wide: SSH only from IAP, then deny everything else below the allows and above a default network's rules", () => {
    const [iap, deny] = regionFirewallRules("gref-euw4", "gref-euw4-fleet");
    expect(iap).toMatchObject({ action: "allow", tcpPorts: [22], source: { kind: "ranges", ranges: [IAP_RANGE] }, target: { kind: "tag", tag: "gref-euw4-fleet" } });
    expect(IAP_RANGE).toBe("35.235.240.0/20");
    expect(deny).toMatchObject({ action: "deny", tcpPorts: [], source: { kind: "ranges", ranges: ["0.0.0.0/0"] }, priority: DENY_PRIORITY });
    expect(ALLOW_PRIORITY).toBeLessThan(DENY_PRIORITY);
    expect(DENY_PRIORITY).toBeLessThan(65534);
  });

  test.each([
    ["f".repeat(20) + "-" + "r".repeat(9) + "-" + "n".repeat(9), "use1-" + "o".repeat(60)],
    ["a-b-c", "x"],
  ])("rule names stay valid GCP names (%s)", (stem, key) => {
    const n: PinnedNodeLayout = { ...R.orchestrators[0], resourceName: stem };
    for (const r of [...nodeFirewallRules(n, ctx), remoteClientRule(stem, key, "redeemer", "1.2.3.4"), ...regionFirewallRules(stem, "t")]) {
      expect(r.name).toMatch(GCP_NAME);
    }
  });
});

describe("secret readers and identities", () => {
  test("one binding per (secret, reader), exactly the layout's readers", () => {
    const b = secretReaderBindings(R.secrets);
    expect(b).toHaveLength(R.secrets.reduce((n, s) => n + s.readers.length, 0));
    const readersOf = (id: string) => b.filter((x) => x.secretId === id).map((x) => x.reader).sort();
    expect(readersOf("orch-secret")).toEqual(["l4-o1", "l4-o2", "o1", "o2"]);
    expect(readersOf("rpc-proxy-config")).toEqual(["o1", "o2", "redeemer", "reward"]);
    expect(readersOf("o1-keystore")).toEqual(["o1"]);
    expect(readersOf("reward-password")).toEqual(["reward"]);
    expect(b.filter((x) => x.reader === "l4-o1").map((x) => x.secretId)).toEqual(["orch-secret"]);
    expect(secretReaderBindings([{ id: "s", source: { kind: "orch-secret" }, readers: ["a", "a"] }])).toEqual([{ secretId: "s", reader: "a" }]);
  });

  test("one identity per pinned node and per worker group; a reader without one is refused", () => {
    const pinned = [...R.orchestrators, R.redeemer!, R.reward!];
    expect(regionIdentities(pinned, R.workerGroups, R.secrets)).toEqual(["o1", "o2", "redeemer", "reward", "l4-o1", "l4-o2"]);
    expect(() => regionIdentities(pinned, [], R.secrets)).toThrow(/l4-o1, l4-o2/);
  });

  test.each<[string, string, string]>([
    ["gref", "euw4", "o1"],
    ["a", "b", "c"],
    ["production-fleet", "europe-west", "orchestrator-one"],
    ["f".repeat(20), "r".repeat(10), "n".repeat(9)],
  ])("service account id of %s/%s/%s: 6–30 characters, a letter first", (f, r, n) => {
    const id = names.gcpServiceAccountId(f, r, n);
    expect(id.length).toBeGreaterThanOrEqual(NAME_LIMITS.gcpServiceAccountMin);
    expect(id.length).toBeLessThanOrEqual(NAME_LIMITS.gcpServiceAccountMax);
    expect(id).toMatch(/^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/);
  });
});

describe("instances", () => {
  test("metadata: OS Login on, project SSH keys blocked, serial port off; nothing else", () => {
    expect(instanceMetadata()).toEqual({ "enable-oslogin": "TRUE", "block-project-ssh-keys": "TRUE", "serial-port-enable": "FALSE" });
  });

  test.each<[string, ReturnType<typeof workerScheduling>, object]>([
    ["pinned (live-migrated)", pinnedScheduling(), { onHostMaintenance: "MIGRATE", automaticRestart: true, provisioningModel: "STANDARD" }],
    ["on-demand worker (GPUs cannot migrate)", workerScheduling(false), { onHostMaintenance: "TERMINATE", automaticRestart: true, provisioningModel: "STANDARD" }],
    ["spot worker (deleted when preempted)", workerScheduling(true), { onHostMaintenance: "TERMINATE", automaticRestart: false, provisioningModel: "SPOT", preemptible: true, instanceTerminationAction: "DELETE" }],
  ])("scheduling: %s", (_what, got, want) => expect(got).toEqual(want));

  test.each<[string, { desiredSize: number; spot?: { onDemandBase: number; onDemandPercentAboveBase: number } }, { suffix: string; spot: boolean; targetSize: number; scaled: boolean }[]]>([
    ["no spot: one on-demand group", { desiredSize: 3 }, [{ suffix: "", spot: false, targetSize: 3, scaled: true }]],
    ["base 1 of 2", { desiredSize: 2, spot: { onDemandBase: 1, onDemandPercentAboveBase: 0 } }, [{ suffix: "", spot: false, targetSize: 1, scaled: false }, { suffix: "-spot", spot: true, targetSize: 1, scaled: true }]],
    ["base 0: all spot, no on-demand group", { desiredSize: 4, spot: { onDemandBase: 0, onDemandPercentAboveBase: 0 } }, [{ suffix: "-spot", spot: true, targetSize: 4, scaled: true }]],
    ["base above desired: all on demand, spot group empty", { desiredSize: 1, spot: { onDemandBase: 3, onDemandPercentAboveBase: 0 } }, [{ suffix: "", spot: false, targetSize: 1, scaled: false }, { suffix: "-spot", spot: true, targetSize: 0, scaled: true }]],
    ["desired 0", { desiredSize: 0, spot: { onDemandBase: 1, onDemandPercentAboveBase: 0 } }, [{ suffix: "", spot: false, targetSize: 0, scaled: false }, { suffix: "-spot", spot: true, targetSize: 0, scaled: true }]],
  ])("worker groups: %s", (_what, g, want) => expect(workerMigs(g)).toEqual(want));

  test.each([1, 2, 3, 4])("worker rollout across %d zone(s): surge one per zone, nothing unavailable, BALANCED-compatible", (zones) => {
    expect(workerUpdatePolicy(zones)).toEqual({
      type: "PROACTIVE", minimalAction: "REPLACE", replacementMethod: "SUBSTITUTE", maxSurgeFixed: zones, maxUnavailableFixed: 0, instanceRedistributionType: "NONE", minReadySec: 300,
    });
  });

  test("pinned groups recreate in place (the VM keeps its name, addresses and disk), at the next recreation", () => {
    expect(pinnedUpdatePolicy()).toEqual({ type: "OPPORTUNISTIC", minimalAction: "REPLACE", replacementMethod: "RECREATE", maxSurgeFixed: 0, maxUnavailableFixed: 1 });
  });
});

describe("labels, names, projects", () => {
  test.each<[Record<string, string>, Record<string, string>]>([
    [{ team: "video" }, { team: "video" }],
    [{ Owner: "Ops Team" }, { owner: "ops_team" }],
    [{ "livepeer-fleet:env": "prod/eu" }, { "livepeer-fleet_env": "prod_eu" }],
    [{ "1st": "x" }, { k_1st: "x" }],
    [{ k: "v".repeat(80) }, { k: expect.stringMatching(/^v{56}-[0-9a-f]{6}$/) as unknown as string }],
  ])("labels %j", (tags, want) => {
    const got = gcpLabels(tags);
    expect(got).toEqual(want);
    for (const [k, v] of Object.entries(got)) {
      expect(k).toMatch(/^[a-z][a-z0-9_-]{0,62}$/);
      expect(v).toMatch(/^[a-z0-9_-]{0,63}$/);
    }
  });

  test.each([
    [["gref", "euw4", "o1", "internal"], "gref-euw4-o1-internal"],
    [["x".repeat(40), "y".repeat(30)], undefined],
  ])("resource names %j: ≤ 63, valid", (parts, exact) => {
    const n = gcpNames.resource(...(parts as string[]));
    expect(n).toMatch(GCP_NAME);
    if (exact) expect(n).toBe(exact);
    expect(gcpNames.baseInstanceName(...(parts as string[])).length).toBeLessThanOrEqual(58);
  });

  test.each<[string, string]>([
    ["projects/host-project/global/networks/shared", "host-project"],
    ["https://www.googleapis.com/compute/v1/projects/host-project/global/networks/shared", "host-project"],
    ["shared", "svc-project"],
  ])("firewall rules of network %s live in project %s", (network, project) => expect(networkProject(network, "svc-project")).toBe(project));
});
