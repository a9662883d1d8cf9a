/**
 * The multi-region, multi-cloud example (AWS us-east-1, GCP europe-west4, AWS ap-southeast-1) and growth
 * without churn: the JSON plans of the fleet before and after adding a region differ, outside the new
 * region, only by added resources (routed DNS members, allowlist rules, the redeemer's public address).
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { planFile, planSpec, FleetPlan } from "../src/cli/plan";
import type { PlannedResource } from "../src/plan/engine";

const DIR = path.join(__dirname, "../examples/multi-region");
const FILE = path.join(DIR, "fleet.yaml");
const raw = () => parseYaml(fs.readFileSync(FILE, "utf8"));
const key = (r: PlannedResource) => `${r.type}::${r.name}`;

let full: FleetPlan;
beforeAll(async () => {
  full = await planFile(FILE);
});

test("three regions on three named providers; no default provider anywhere", () => {
  const providers = full.plan.resources.filter((r) => r.type.startsWith("pulumi:providers:"));
  expect(providers.map((p) => `${p.type}::${p.name}`).sort()).toEqual([
    "pulumi:providers:aws::lpf-apse1",
    "pulumi:providers:aws::lpf-dns",
    "pulumi:providers:aws::lpf-use1",
    "pulumi:providers:gcp::lpf-euw4",
  ]);
  expect(full.plan.resources.filter((r) => r.type.startsWith("livepeer-fleet:") && r.type.endsWith(":Region")).map(key).sort()).toEqual([
    "livepeer-fleet:aws:Region::lpf-apse1",
    "livepeer-fleet:aws:Region::lpf-use1",
    "livepeer-fleet:gcp:Region::lpf-euw4",
  ]);
  const custom = full.plan.resources.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
  expect(custom.filter((r) => r.provider === "").map(key)).toEqual([]);
  // a region's cloud resources use that region's provider (DNS records use the zone's)
  for (const r of custom) {
    if (r.type.startsWith("aws:route53")) expect(r.provider).toBe("lpf-dns");
    else if (r.type.startsWith("gcp:")) expect(r.provider).toBe("lpf-euw4");
  }
});

test("one reward caller and one redeemer in the whole fleet", () => {
  const roles = full.plan.resources.filter((r) => r.type.endsWith(":PinnedNode")).map((r) => r.name);
  expect(roles.filter((n) => n.endsWith("-reward"))).toEqual(["lpf-use1-reward"]);
  expect(roles.filter((n) => n.endsWith("-redeemer"))).toEqual(["lpf-use1-redeemer"]);
  const argv = full.layout.regions.flatMap((r) => [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : [])].map((n) => n.argv));
  expect(argv.filter((a) => a.includes("-reward=true"))).toHaveLength(1);
  expect(argv.filter((a) => a.includes("-reward=false"))).toHaveLength(argv.length - 1);
});

test("the plan lists the redeemer's public name (what orchestrators of other regions dial) with the other hostnames", () => {
  expect(full.layout.dnsRecords.filter((r) => r.kind === "node" && r.node === "redeemer")).toEqual([{ name: "redeemer.multi.example.com", kind: "node", region: "use1", node: "redeemer" }]);
  // and the record is really created, on the DNS provider
  const rec = full.plan.resources.filter((r) => r.type === "aws:route53/record:Record" && r.inputs.name === "redeemer.multi.example.com");
  expect(rec.map((r) => r.provider)).toEqual(["lpf-dns"]);
});

test("the service URI: a latency record per region; AWS members alias their NLB, the GCP member is health-checked", () => {
  const members = full.plan.resources.filter((r) => r.type === "aws:route53/record:Record" && r.inputs.setIdentifier);
  const byRegion = Object.fromEntries(members.map((m) => [m.inputs.setIdentifier as string, m]));
  expect(Object.keys(byRegion).sort()).toEqual(["apse1", "euw4", "use1"]);
  expect((byRegion.use1.inputs.latencyRoutingPolicies as any)[0].region).toBe("us-east-1");
  expect((byRegion.apse1.inputs.latencyRoutingPolicies as any)[0].region).toBe("ap-southeast-1");
  expect((byRegion.euw4.inputs.latencyRoutingPolicies as any)[0].region).toBe("eu-central-1");
  for (const r of ["use1", "apse1"]) expect((byRegion[r].inputs.aliases as any)[0].evaluateTargetHealth).toBe(true);
  expect(byRegion.euw4.inputs.healthCheckId).toBeDefined();
  const hc = full.plan.resources.find((r) => r.type === "aws:route53/healthCheck:HealthCheck" && r.name === "lpf-euw4-service")!;
  expect(hc.inputs).toMatchObject({ type: "TCP", port: 8935 });
  expect(hc.inputs.ipAddress).toBe((byRegion.euw4.inputs.records as string[])[0]);
});

test("the redeemer admits each remote orchestrator egress address by its own rule, never an open port", () => {
  const rules = full.plan.resources.filter((r) => r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule" && r.name.startsWith("lpf-use1-redeemer"));
  const remote = rules.filter((r) => r.name.includes("-from-")).map((r) => r.name).sort();
  // apse1 (single NAT): one rule for its one NAT address, keyed by the NAT's zone (this used to be one rule
  // per O zone, two identical /32 rules); euw4: one per O's static external address
  expect(remote).toEqual([
    "lpf-use1-redeemer-from-apse1-ap-southeast-1a",
    "lpf-use1-redeemer-from-euw4-euw4-a",
    "lpf-use1-redeemer-from-euw4-euw4-b",
  ]);
  for (const r of rules) expect(r.inputs.cidrIpv4 === undefined || /\/32$/.test(r.inputs.cidrIpv4 as string)).toBe(true);
});

test("growth without churn: adding ap-southeast-1 only adds resources outside it", async () => {
  const spec = raw();
  const without = { ...spec, regions: spec.regions.filter((r: any) => r.name !== "apse1") };
  const before = await planSpec(without, { baseDir: DIR, project: "livepeer-fleet-multi-region", stack: "fleet" });
  const a = new Map(before.plan.resources.map((r) => [key(r), r]));
  const b = new Map(full.plan.resources.map((r) => [key(r), r]));
  const inNew = (r: PlannedResource): boolean => {
    if (r.name === "lpf-apse1") return true;
    const p = r.parent ? b.get(r.parent) : undefined;
    return p ? inNew(p) : false;
  };
  expect([...a.keys()].filter((k) => !b.has(k))).toEqual([]); // nothing removed or renamed
  const changed = [...a.keys()].filter((k) => JSON.stringify(a.get(k)!.inputs) !== JSON.stringify(b.get(k)!.inputs));
  expect(changed).toEqual([]); // nothing changed in place either
  // monitoring is per region: the other regions' monitoring nodes (their boot scripts and target lists
  // included) are untouched; the new region brings its own
  const monitoringOf = (m: Map<string, PlannedResource>, region: string) => [...m.values()].filter((r) => r.parent === `livepeer-fleet:${region === "euw4" ? "gcp" : "aws"}:PinnedNode::lpf-${region}-monitoring`);
  for (const region of ["use1", "euw4"]) {
    const before = monitoringOf(a, region);
    expect(before.length).toBeGreaterThan(4);
    expect(monitoringOf(b, region).map((r) => JSON.stringify(r))).toEqual(before.map((r) => JSON.stringify(r)));
  }
  expect(monitoringOf(a, "apse1")).toEqual([]);
  expect(monitoringOf(b, "apse1").length).toBeGreaterThan(4);
  const addedOutside = [...b.values()].filter((r) => !a.has(key(r)) && !inNew(r)).map(key).sort();
  expect(addedOutside).toEqual([
    "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::lpf-use1-redeemer-from-apse1-ap-southeast-1a",
  ]);
  // the new region's own resources: its provider, its region component and everything under it
  expect([...b.values()].filter((r) => !a.has(key(r)) && inNew(r)).length).toBeGreaterThan(50);
});

test("reordering regions changes no resource at all", async () => {
  const spec = raw();
  const reordered = { ...spec, regions: [...spec.regions].reverse() };
  const p = await planSpec(reordered, { baseDir: DIR, project: "livepeer-fleet-multi-region", stack: "fleet" });
  const a = new Map(full.plan.resources.map((r) => [key(r), JSON.stringify(r)]));
  const b = new Map(p.plan.resources.map((r) => [key(r), JSON.stringify(r)]));
  expect([...a.keys()].sort()).toEqual([...b.keys()].sort());
  const differing = [...a.keys()].filter((k) => a.get(k) !== b.get(k));
  expect(differing).toEqual([]);
});
