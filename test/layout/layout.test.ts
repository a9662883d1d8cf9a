/** spec → layout: stable addresses, one worker group per (pool, O), least-privilege secret readers. */
import { buildLayout, secretIds, renderRpcProxyConfig, sessionsPerInstance } from "../../src/layout/layout";
import type { FleetLayout, RegionLayout } from "../../src/layout/types";
import { cidrContains } from "../../src/spec/net";
import { load, referenceRaw, mutated, o3, euRegion } from "../helpers/spec";

const layoutOf = (raw: any): FleetLayout => buildLayout(load(raw));
const ref = layoutOf(referenceRaw());
const use1 = ref.regions[0];
const byName = <T extends { name: string }>(xs: T[], n: string) => xs.find((x) => x.name === n)!;

describe("reference layout", () => {
  test("fleet-level fields", () => {
    expect({ ...ref, regions: undefined, dnsRecords: undefined }).toEqual({
      name: "ref",
      network: "arbitrum-one-mainnet",
      chainId: 42161,
      registeredAddress: "0x254047e5Bb2e8D0B84Ad98753257251014BEc3aD",
      serviceUri: "https://orch.fleet.example.com:8935",
      serviceHost: "orch.fleet.example.com",
      dns: { provider: "route53", zone: "fleet.example.com", zoneId: "Z0123456789ABCDEFGHIJ", ttl: 60 },
      rewardMode: "node",
      regions: undefined,
      dnsRecords: undefined,
      tags: {},
      warnings: [],
    });
  });

  test("warnings: a region without pools, a region with one orchestrator", () => {
    const raw = referenceRaw();
    raw.regions[0].workers = [];
    raw.regions[0].orchestrators = [raw.regions[0].orchestrators[0]];
    const w = buildLayout(load(raw)).warnings;
    expect(w).toHaveLength(2);
    expect(w[0]).toMatch(/^region use1 has no worker pools/);
    expect(w[1]).toMatch(/^region use1 has one orchestrator: replacing it .* drops its sessions/);
  });

  test("nodes, names, zones and stable private addresses", () => {
    expect(use1.resourceName).toBe("ref-use1");
    expect(use1.orchestrators.map((n) => [n.name, n.resourceName, n.zone, n.subnet, n.privateIp, n.publicHostname])).toEqual([
      ["o1", "ref-use1-o1", "us-east-1a", "public", "10.40.0.204", "o1.fleet.example.com"],
      ["o2", "ref-use1-o2", "us-east-1b", "public", "10.40.1.11", "o2.fleet.example.com"],
    ]);
    expect([use1.redeemer!.resourceName, use1.redeemer!.subnet, use1.redeemer!.privateIp, use1.redeemer!.dataVolumeGb]).toEqual(["ref-use1-redeemer", "public", "10.40.1.243", 20]);
    // the reward node takes nothing but the monitoring node's scrapes of its metrics-only listener
    expect([use1.reward!.resourceName, use1.reward!.subnet, use1.reward!.privateIp, use1.reward!.ingress.map((i) => [i.port, i.from]), use1.reward!.dataVolumeGb]).toEqual(["ref-use1-reward", "private", undefined, [[8937, "monitoring"]], 20]);
  });

  test("every pinned address lies in its zone's subnet of the right tier", () => {
    const subnets = use1.network.managed!.subnets;
    expect(subnets).toEqual([
      { zone: "us-east-1a", public: "10.40.0.0/24", private: "10.40.16.0/20" },
      { zone: "us-east-1b", public: "10.40.1.0/24", private: "10.40.32.0/20" },
    ]);
    for (const n of [...use1.orchestrators, use1.redeemer!]) {
      const s = subnets.find((x) => x.zone === n.zone)!;
      expect([n.name, cidrContains(s[n.subnet], n.privateIp!)]).toEqual([n.name, true]);
    }
  });

  test("only O nodes take internet traffic, only on 8935; the redeemer only from Os", () => {
    for (const n of use1.orchestrators) {
      expect(n.ingress.map((i) => [i.port, i.from])).toEqual([
        [8935, "internet"],
        [8936, "vpc"],
        [8937, "monitoring"],
      ]);
    }
    expect(use1.redeemer!.ingress.map((i) => [i.port, i.from])).toEqual([[8935, "orchestrators"], [8937, "monitoring"]]);
    // the monitoring node: nothing on AWS (Grafana through SSM port forwarding), no CLI port anywhere
    expect(use1.monitoring!.ingress).toEqual([]);
    for (const n of [...use1.orchestrators, use1.redeemer!, use1.reward!]) for (const i of n.ingress) expect([7935, 6935]).not.toContain(i.port);
  });

  test("load balancer and DNS", () => {
    expect(use1.loadBalancer).toEqual({
      name: "ref-use1",
      targetGroupName: "ref-use1-8935",
      port: 8935,
      healthCheck: { port: 8936, path: "/ready", intervalSeconds: 10, healthyThreshold: 2, unhealthyThreshold: 2 },
      deregistrationDelaySeconds: 30,
      targets: ["o1", "o2"],
    });
    expect(ref.dnsRecords).toEqual([
      { name: "o1.fleet.example.com", kind: "node", region: "use1", node: "o1" },
      { name: "o2.fleet.example.com", kind: "node", region: "use1", node: "o2" },
      { name: "orch.fleet.example.com", kind: "service", region: "use1" },
    ]);
  });

  test("containers: the RPC proxy then go-livepeer; GPUs only for workers; pinned images", () => {
    for (const n of [...use1.orchestrators, use1.redeemer!, use1.reward!]) {
      expect(n.boot.containers.map((c) => [c.name, c.image, c.gpus])).toEqual([
        ["rpc-proxy", "ghcr.io/erpc/erpc:0.0.62", false],
        ["livepeer", "livepeer/go-livepeer:v0.9.1", false],
        ["metrics-agent", "public.ecr.aws/cloudwatch-agent/cloudwatch-agent:1.300059.0b1207", false],
      ]);
      expect(n.boot.containers[1].args).toEqual(n.argv);
      expect(n.boot.keystoreAddress).toBe(n.walletAddress);
    }
    // AI workers run a metrics agent too (go-livepeer reports runner containers there), without GPUs
    for (const g of use1.workerGroups) {
      expect(g.boot.containers.map((c) => [c.name, c.gpus, c.args])).toEqual([["livepeer", true, g.argv], ...(g.kind === "ai" ? [["metrics-agent", false, []]] : [])]);
    }
  });

  test("networks: go-livepeer on the host; the third-party RPC proxy on the bridge, published on the host's loopback only", () => {
    for (const r of [use1, layoutOf(mutated((x) => x.regions.push(euRegion()))).regions[1]]) {
      for (const n of [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : [])]) {
        // the metrics agent needs the instance's identity (IMDS): on the host, like go-livepeer
        expect(n.boot.containers.map((c) => [c.name, c.network])).toEqual([
          ["rpc-proxy", { publish: ["127.0.0.1:4000:4000"] }],
          ["livepeer", "host"],
          ["metrics-agent", "host"],
        ]);
        // go-livepeer reaches the proxy at the published loopback port
        expect(n.argv[n.argv.indexOf("-ethUrl") + 1]).toMatch(/^http:\/\/127\.0\.0\.1:4000\//);
      }
      for (const g of r.workerGroups) expect(g.boot.containers.map((c) => c.network)).toEqual(g.kind === "ai" ? ["host", "host"] : ["host"]);
    }
  });
});

describe("stable layout when orchestrators are reordered or added", () => {
  const o1Of = (l: FleetLayout) => ({
    node: byName(l.regions[0].orchestrators, "o1"),
    group: byName(l.regions[0].workerGroups, "t4-o1"),
    secrets: l.regions[0].secrets.filter((s) => s.id.startsWith("o1-")),
  });
  test.each<[string, (r: any) => void]>([
    ["reordered", (r) => r.regions[0].orchestrators.reverse()],
    ["o3 added in o1's zone", (r) => r.regions[0].orchestrators.push(o3("us-east-1a"))],
    ["o3 added first", (r) => r.regions[0].orchestrators.unshift(o3("us-east-1b"))],
    ["o2 removed", (r) => r.regions[0].orchestrators.splice(1, 1)],
    ["a zone added", (r) => r.regions[0].network.managed.zones.unshift("us-east-1c")],
    ["a region added", (r) => r.regions.push(euRegion())],
    ["a second pool added", (r) => r.regions[0].workers.push({ ...r.regions[0].workers[0], name: "t4-big", maxSize: 8, scaling: false })],
  ])("%s: o1's node, its worker group and its secrets are unchanged", (_n, m) => {
    expect(o1Of(layoutOf(mutated(m)))).toEqual(o1Of(ref));
  });

  test("o3's derived address does not collide with o1's", () => {
    const l = layoutOf(mutated((r) => r.regions[0].orchestrators.push(o3("us-east-1a"))));
    expect(byName(l.regions[0].orchestrators, "o3").privateIp).toBe("10.40.0.102");
  });

  test("resource names never depend on position", () => {
    const l = layoutOf(mutated((r) => r.regions[0].orchestrators.reverse()));
    expect(l.regions[0].orchestrators.map((n) => n.resourceName).sort()).toEqual(use1.orchestrators.map((n) => n.resourceName).sort());
    expect(l.regions[0].workerGroups.map((g) => g.resourceName).sort()).toEqual(use1.workerGroups.map((g) => g.resourceName).sort());
  });
});

describe("worker groups: one per (pool, O)", () => {
  const l = layoutOf(
    mutated((r) => {
      r.regions[0].orchestrators.push(o3("us-east-1a"));
      r.regions[0].workers = [r.regions[0].workers[0]];
      r.regions[0].workers.push({ ...r.regions[0].workers[0], name: "l4", instanceType: "g6.12xlarge", gpu: { model: "L4", count: 4 }, sessionsPerGpu: 10, minSize: 0, maxSize: 2, desiredSize: 1, scaling: false, spot: { onDemandBase: 0, onDemandPercentAboveBase: 0 } });
    }),
  );
  const r0 = l.regions[0];
  test("pools × orchestrators groups with distinct names", () => {
    expect(r0.workerGroups.map((g) => [g.pool, g.orchestrator, g.name, g.resourceName])).toEqual([
      ["t4", "o1", "t4-o1", "ref-use1-t4-o1"],
      ["t4", "o2", "t4-o2", "ref-use1-t4-o2"],
      ["t4", "o3", "t4-o3", "ref-use1-t4-o3"],
      ["l4", "o1", "l4-o1", "ref-use1-l4-o1"],
      ["l4", "o2", "l4-o2", "ref-use1-l4-o2"],
      ["l4", "o3", "l4-o3", "ref-use1-l4-o3"],
    ]);
  });
  test("each group keeps its pool's sizes (each O gets the whole pool size)", () => {
    for (const g of r0.workerGroups) {
      expect([g.minSize, g.maxSize, g.desiredSize]).toEqual(g.pool === "t4" ? [1, 4, 1] : [0, 2, 1]);
      expect(g.imageId).toBe("ami-0f1e2d3c4b5a69788");
    }
    expect(byName(r0.workerGroups, "l4-o2").spot).toEqual({ onDemandBase: 0, onDemandPercentAboveBase: 0 });
    expect(byName(r0.workerGroups, "t4-o2").spot).toBeUndefined();
  });
  test("a region's pools bind only to that region's Os", () => {
    const two = layoutOf(mutated((r) => r.regions.push(euRegion())));
    expect(two.regions[1].workerGroups.map((g) => g.name)).toEqual(["t4-o3"]);
    expect(two.regions[1].workerGroups[0].argv[2]).toBe(`${two.regions[1].orchestrators[0].privateIp}:8935`);
    expect(two.regions[0].workerGroups.map((g) => g.name)).toEqual(["t4-o1", "t4-o2", "sdxl-o1", "sdxl-o2"]);
  });
  test("sessionsPerInstance", () => expect(sessionsPerInstance(4, 7)).toBe(28));
});

describe("secrets: who reads what", () => {
  const readersOf = (r: RegionLayout) => Object.fromEntries(r.secrets.map((s) => [s.id, s.readers]));

  test("reference region: exact readers", () => {
    expect(readersOf(use1)).toEqual({
      "orch-secret": ["o1", "o2", "t4-o1", "t4-o2", "sdxl-o1", "sdxl-o2"],
      "rpc-proxy-config": ["o1", "o2", "redeemer", "reward"],
      "o1-keystore": ["o1"],
      "o1-password": ["o1"],
      "o2-keystore": ["o2"],
      "o2-password": ["o2"],
      "redeemer-keystore": ["redeemer"],
      "redeemer-password": ["redeemer"],
      "reward-keystore": ["reward"],
      "reward-password": ["reward"],
    });
    expect(use1.secrets.find((s) => s.id === "o1-keystore")!.source).toEqual({ kind: "keystore", node: "o1" });
    // only the config the fleet renders itself carries a format revision (added to secretsVersion)
    expect(use1.secrets.filter((s) => s.revision !== undefined).map((s) => [s.id, s.revision])).toEqual([["rpc-proxy-config", 1]]);
  });

  test("each wallet node's boot fetches only its own keystore and password", () => {
    for (const n of [...use1.orchestrators, use1.redeemer!, use1.reward!]) {
      const ids = n.boot.secrets.map((s) => s.id);
      expect(ids.filter((id) => /-(keystore|password)$/.test(id)).sort()).toEqual([secretIds.keystore(n.name), secretIds.password(n.name)].sort());
      expect(n.boot.secrets.find((s) => s.id === secretIds.keystore(n.name))!.file).toBe("keystore/keyfile.json");
      expect(n.boot.secrets.find((s) => s.id === secretIds.password(n.name))!.file).toBe("eth-password");
      expect(ids.includes("orch-secret")).toBe(n.role === "orchestrator");
      expect(ids).toContain("rpc-proxy-config");
    }
  });

  test("workers read only the orch secret", () => {
    for (const g of use1.workerGroups) {
      expect(g.boot.secrets).toEqual([{ id: "orch-secret", file: "orch-secret" }]);
      const readable = use1.secrets.filter((s) => s.readers.includes(g.name)).map((s) => s.id);
      expect(readable).toEqual(["orch-secret"]);
    }
  });

  test("every secret a node fetches lists it as a reader (and nothing else does)", () => {
    const region = layoutOf(mutated((r) => r.regions.push(euRegion()))).regions;
    for (const r of region) {
      const nodes = [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : []), ...r.workerGroups];
      for (const n of nodes) {
        const fetched = n.boot.secrets.map((s) => s.id).sort();
        const allowed = r.secrets.filter((s) => s.readers.includes(n.name)).map((s) => s.id).sort();
        expect([n.name, fetched]).toEqual([n.name, allowed]);
      }
    }
  });

  test("a region without redeemer or reward node stores no wallet secrets for them", () => {
    const two = layoutOf(mutated((r) => r.regions.push(euRegion())));
    expect(two.regions[1].secrets.map((s) => s.id)).toEqual(["orch-secret", "rpc-proxy-config", "o3-keystore", "o3-password"]);
    expect(two.regions[1].redeemer).toBeUndefined();
    expect(two.regions[1].reward).toBeUndefined();
  });
});

describe("renderRpcProxyConfig", () => {
  test("listens on every address of its own container (docker publishes it on the host's loopback), upstreams in failover order, values quoted", () => {
    const text = renderRpcProxyConfig("arbitrum-one-mainnet", ["https://a.invalid/K1", 'https://b.invalid/"x"']);
    expect(text).toContain("  httpHostV4: 0.0.0.0\n  httpPortV4: 4000\n");
    expect(text).toContain("      - id: upstream-1\n        endpoint: \"https://a.invalid/K1\"\n");
    expect(text).toContain('      - id: upstream-2\n        endpoint: "https://b.invalid/\\"x\\""\n');
    expect(text.match(/chainId: 42161/g)).toHaveLength(3);
  });
});

test("who holds a static public address is a layout decision: Os always; the redeemer on GCP from the start, on AWS only when other regions dial it; never the reward node", () => {
  const { loadFleetFile } = require("../../src/spec/load");
  const path = require("path");
  const aws = buildLayout(load(referenceRaw())).regions[0];
  const gcp = buildLayout(loadFleetFile(path.join(__dirname, "../../examples/gcp/fleet.yaml"))).regions[0];
  for (const r of [aws, gcp]) {
    expect(r.orchestrators.map((o) => o.staticPublicIp)).toEqual(r.orchestrators.map(() => true));
    expect(r.reward!.staticPublicIp).toBe(false);
  }
  expect([aws.redeemer!.staticPublicIp, gcp.redeemer!.staticPublicIp]).toEqual([false, true]);
  const two = referenceRaw();
  two.regions.push(euRegion());
  expect(buildLayout(load(two)).regions[0].redeemer!.staticPublicIp).toBe(true);
});
