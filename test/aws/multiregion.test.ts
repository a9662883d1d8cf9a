/**
 * Several AWS regions in one fleet: one provider each, one latency-routed service member each, a
 * redeemer reachable from other regions through one allowlist rule per egress address, and growth
 * without churn (adding a region only adds resources outside it).
 */
import { planSpec, FleetPlan } from "../../src/cli/plan";
import { referenceRaw, REF_DIR, o3, FIXTURE_ADDRESSES, fixtureKey } from "../helpers/spec";
import type { PlannedResource } from "../../src/plan/engine";
import { decodeUserData } from "../helpers/userData";

const key = (r: PlannedResource) => `${r.type}::${r.name}`;

/** The reference fleet plus a second AWS region (us-west-2) with one O and the t4 pool. */
function twoRegions(opts: { natGateways?: "single" } = {}) {
  const raw = referenceRaw();
  const second = JSON.parse(JSON.stringify(raw.regions[0]));
  second.name = "usw2";
  second.region = "us-west-2";
  second.network.managed = { cidr: "10.41.0.0/16", zones: ["us-west-2a", "us-west-2b"], ...(opts.natGateways ? { natGateways: opts.natGateways } : {}) };
  second.orchestrators = [{ ...raw.regions[0].orchestrators[1], zone: "us-west-2b" }];
  raw.regions[0].orchestrators = [raw.regions[0].orchestrators[0]];
  raw.regions.push(second);
  return raw;
}

let one: FleetPlan;
let two: FleetPlan;
beforeAll(async () => {
  const base = referenceRaw();
  base.regions[0].orchestrators = [base.regions[0].orchestrators[0]];
  one = await planSpec(base, { baseDir: REF_DIR });
  two = await planSpec(twoRegions(), { baseDir: REF_DIR });
});

test("each region has its own named provider; nothing uses the default provider", () => {
  const providers = two.plan.resources.filter((r) => r.type === "pulumi:providers:aws").map((r) => [r.name, r.inputs.region]);
  expect(providers).toEqual([["ref-dns", "us-east-1"], ["ref-use1", "us-east-1"], ["ref-usw2", "us-west-2"]]);
  const custom = two.plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  expect(custom.filter((r) => r.provider === "")).toEqual([]);
  for (const r of custom.filter((x) => x.parent?.includes("ref-usw2") && !x.type.startsWith("aws:route53"))) expect(r.provider).toBe("ref-usw2");
});

test("one latency-routed member of the service URI per region, identified by region name", () => {
  const members = two.plan.resources.filter((r) => r.type === "aws:route53/record:Record" && r.inputs.setIdentifier);
  expect(members.map((m) => [m.name, m.inputs.setIdentifier, (m.inputs.latencyRoutingPolicies as any)[0].region])).toEqual([
    ["ref-use1-service", "use1", "us-east-1"],
    ["ref-usw2-service", "usw2", "us-west-2"],
  ]);
  // all DNS records go through the zone's own provider, whatever the regions
  for (const r of two.plan.resources.filter((x) => x.type === "aws:route53/record:Record")) expect(r.provider).toBe("ref-dns");
});

test("the redeemer gets a static address and hostname; it admits usw2's orchestrators by their NAT address only", () => {
  const rs = two.plan.resources;
  expect(rs.find((r) => key(r) === "aws:ec2/eip:Eip::ref-use1-redeemer")).toBeDefined();
  const rec = rs.find((r) => key(r) === "aws:route53/record:Record::ref-use1-redeemer")!;
  expect(rec.inputs.name).toBe("redeemer.fleet.example.com");
  const rules = rs.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.includes("redeemer") && r.inputs.fromPort !== 8937);
  expect(rules.map((r) => r.name).sort()).toEqual(["ref-use1-redeemer-from-usw2-us-west-2b", "ref-use1-redeemer-in-8935-orchestrators"]);
  const remote = rules.find((r) => r.name.endsWith("us-west-2b"))!;
  const nat = rs.find((r) => key(r) === "aws:ec2/eip:Eip::ref-usw2-nat-us-west-2b")!;
  expect(remote.inputs).toMatchObject({ fromPort: 8935, toPort: 8935, ipProtocol: "tcp" });
  expect(remote.inputs.cidrIpv4).toMatch(/^\d+\.\d+\.\d+\.\d+\/32$/);
  expect(remote.inputs.cidrIpv4).not.toBe("0.0.0.0/0");
  expect(nat).toBeDefined();
  // usw2's O dials the redeemer by name; use1's O by private address
  const script = (n: string) => decodeUserData(rs.find((r) => key(r) === `aws:ec2/launchTemplate:LaunchTemplate::${n}`)!.inputs.userData as string);
  expect(script("ref-usw2-o2")).toContain("-redeemerAddr redeemer.fleet.example.com:8935");
  expect(script("ref-use1-o1")).toMatch(/-redeemerAddr 10\.40\.\d+\.\d+:8935/);
});

test("growth without churn: adding a region changes nothing outside it except added DNS/allowlist resources", () => {
  const before = new Map(one.plan.resources.map((r) => [key(r), r]));
  const after = new Map(two.plan.resources.map((r) => [key(r), r]));
  const removed = [...before.keys()].filter((k) => !after.has(k));
  expect(removed).toEqual([]);
  const changed = [...before.keys()].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k)));
  // resources inside the new region: those whose ancestry includes its Region component (or its provider)
  const inNewRegion = (r: PlannedResource): boolean => {
    if (key(r) === "livepeer-fleet:aws:Region::ref-usw2" || key(r) === "pulumi:providers:aws::ref-usw2") return true;
    const parent = r.parent ? after.get(r.parent) : undefined;
    return parent ? inNewRegion(parent) : false;
  };
  const outside = [...after.keys()].filter((k) => !before.has(k) && !inNewRegion(after.get(k)!));
  expect(changed).toEqual([]);
  // added outside the new region: the redeemer's address, association, hostname record and one allowlist rule
  expect(outside.sort()).toEqual([
    "aws:ec2/eip:Eip::ref-use1-redeemer",
    "aws:ec2/eipAssociation:EipAssociation::ref-use1-redeemer",
    "aws:route53/record:Record::ref-use1-redeemer",
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::ref-use1-redeemer-from-usw2-us-west-2b",
  ]);
});

/** Allowlist rules the redeemer (in use1) gets for usw2's orchestrators. */
const remoteRules = (p: FleetPlan) =>
  p.plan.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.startsWith("ref-use1-redeemer-from-usw2"));

describe("one allowlist rule per egress address, not per orchestrator zone", () => {
  /** twoRegions plus a second usw2 orchestrator in the other zone (o4, the o3 fixture wallet). */
  function twoZones(opts: { natGateways?: "single" } = {}) {
    const raw = twoRegions(opts);
    raw.regions[1].orchestrators.push({ ...o3("us-west-2a", "o4") });
    return raw;
  }

  test("natGateways single: one NAT serves every zone; two O zones behind it give one rule (keyed by the NAT's zone)", async () => {
    const p = await planSpec(twoZones({ natGateways: "single" }), { baseDir: REF_DIR });
    const nats = p.plan.resources.filter((r) => r.type === "aws:ec2/natGateway:NatGateway" && r.name.startsWith("ref-usw2"));
    expect(nats.map((n) => n.name)).toEqual(["ref-usw2-us-west-2a"]);
    const routes = p.plan.resources.filter((r) => r.type === "aws:ec2/route:Route" && r.name.startsWith("ref-usw2-private"));
    expect(new Set(routes.map((r) => r.inputs.natGatewayId)).size).toBe(1);
    const rules = remoteRules(p);
    expect(rules.map((r) => r.name)).toEqual(["ref-use1-redeemer-from-usw2-us-west-2a"]);
    expect(new Set(rules.map((r) => JSON.stringify(r.inputs.cidrIpv4))).size).toBe(1);
  });

  test("natGateways perZone: two O zones give two rules, one per NAT", async () => {
    const p = await planSpec(twoZones(), { baseDir: REF_DIR });
    expect(remoteRules(p).map((r) => r.name).sort()).toEqual(["ref-use1-redeemer-from-usw2-us-west-2a", "ref-use1-redeemer-from-usw2-us-west-2b"]);
  });

  test("existing network: zones sharing an egress address give one rule, keyed by the first zone (sorted)", async () => {
    const raw = twoZones();
    const r2 = raw.regions[1];
    r2.network = {
      existing: {
        vpcId: "vpc-0123456789abcdef0",
        cidr: "10.41.0.0/16",
        publicSubnetIds: { "us-west-2a": "subnet-0a000000000000001", "us-west-2b": "subnet-0b000000000000001", "us-west-2c": "subnet-0c000000000000001" },
        privateSubnetIds: { "us-west-2a": "subnet-0a000000000000002", "us-west-2b": "subnet-0b000000000000002", "us-west-2c": "subnet-0c000000000000002" },
        egressIps: { "us-west-2b": "198.51.100.7", "us-west-2a": "198.51.100.7", "us-west-2c": "198.51.100.9" },
      },
    };
    r2.orchestrators[0].privateIp = "10.41.1.10";
    r2.orchestrators[1].privateIp = "10.41.0.10";
    r2.orchestrators.push({ ...o3("us-west-2c", "o5"), privateIp: "10.41.2.10" });
    // o5 needs its own wallet: use the `stranger` fixture
    Object.assign(r2.orchestrators[2], { address: FIXTURE_ADDRESSES.stranger, keystore: fixtureKey("stranger.json"), password: "throwaway-test-password-stranger" });
    const p = await planSpec(raw, { baseDir: REF_DIR });
    const rules = remoteRules(p);
    expect(rules.map((r) => [r.name, r.inputs.cidrIpv4])).toEqual([
      ["ref-use1-redeemer-from-usw2-us-west-2a", "198.51.100.7/32"],
      ["ref-use1-redeemer-from-usw2-us-west-2c", "198.51.100.9/32"],
    ]);
  });
});
