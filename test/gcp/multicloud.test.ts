/**
 * GCP next to AWS: the go-livepeer argv of a GCP node equals the AWS one for the same role and spec (only
 * addresses differ), an AWS + GCP fleet in one DNS zone with a cross-region redeemer either side, and a
 * second GCP region added without churn beyond what the redeemer's new public address needs.
 */
import * as fs from "fs";
import * as path from "path";
import { parse as parseYaml } from "yaml";
import { planSpec, FleetPlan } from "../../src/cli/plan";
import { buildLayout } from "../../src/layout/layout";
import { loadFleet } from "../../src/spec/validate";
import type { FleetLayout } from "../../src/layout/types";
import type { PlannedResource } from "../../src/plan/engine";
import { decodeUserData } from "../helpers/userData";
import { o3, referenceRaw, REF_DIR } from "../helpers/spec";

const GCP_DIR = path.join(__dirname, "../../examples/gcp");
const gcpRaw = () => parseYaml(fs.readFileSync(path.join(GCP_DIR, "fleet.yaml"), "utf8"));
const key = (r: PlannedResource) => `${r.type}::${r.name}`;
/** Addresses are the only thing allowed to differ between clouds. */
const IP = /\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b/g;
const anonymize = (argv: string[]) => argv.map((a) => a.replace(IP, "<ip>"));

/** The GCP example, moved onto AWS: same names, roles, wallets, pools and spec; AWS region, zones, images, DNS. */
function onAws(raw: any): any {
  const r = raw.regions[0];
  raw.regions[0] = {
    name: r.name,
    cloud: "aws",
    region: "eu-central-1",
    machineImages: { cpu: "ami-0a1b2c3d4e5f60718", gpu: "ami-0f1e2d3c4b5a69788" },
    network: { managed: { cidr: "10.40.0.0/16", zones: ["eu-central-1a", "eu-central-1b", "eu-central-1c"] } },
    orchestrators: r.orchestrators.map((o: any, i: number) => ({ ...o, zone: `eu-central-1${"abc"[i]}` })),
    workers: r.workers.map((w: any) => ({ ...w, instanceType: "g6.2xlarge" })),
  };
  raw.redeemer.zone = "eu-central-1b";
  raw.reward.zone = "eu-central-1a";
  // An AWS load balancer has no static address for a Cloud DNS geo item: the AWS twin uses Route 53.
  raw.dns = { provider: "route53", zone: raw.dns.zone, zoneId: "Z0123456789ABCDEFGHIJ" };
  return raw;
}

describe("the same spec on GCP and on AWS", () => {
  const gcp = buildLayout(loadFleet(gcpRaw(), { baseDir: GCP_DIR }));
  const aws = buildLayout(loadFleet(onAws(gcpRaw()), { baseDir: GCP_DIR }));
  const nodes = (l: FleetLayout) => {
    const r = l.regions[0];
    return [...r.orchestrators, r.redeemer!, r.reward!].map((n) => ({ name: n.name, role: n.role, argv: n.argv, boot: n.boot }));
  };

  test("every pinned node: the same go-livepeer argv, only addresses differ", () => {
    const [g, a] = [nodes(gcp), nodes(aws)];
    expect(g.map((n) => [n.name, n.role])).toEqual(a.map((n) => [n.name, n.role]));
    g.forEach((n, i) => expect(anonymize(n.argv)).toEqual(anonymize(a[i].argv)));
    // and they do differ only there: the O's -redeemerAddr is each cloud's private address of the redeemer
    expect(g[0].argv.join(" ")).toContain(`-redeemerAddr ${gcp.regions[0].redeemer!.privateIp}:8935`);
    expect(a[0].argv.join(" ")).toContain(`-redeemerAddr ${aws.regions[0].redeemer!.privateIp}:8935`);
    expect(g[0].argv.join(" ")).toContain("-serviceAddr o1.fleet.example.com:8935");
    expect(g[0].argv.join(" ")).toBe(a[0].argv.join(" ").replace(`${aws.regions[0].redeemer!.privateIp}:`, `${gcp.regions[0].redeemer!.privateIp}:`));
  });

  test("every worker group: the same transcoder argv bound to its O's stable private address", () => {
    const [g, a] = [gcp.regions[0].workerGroups, aws.regions[0].workerGroups];
    expect(g.map((x) => x.name)).toEqual(a.map((x) => x.name));
    g.forEach((x, i) => {
      expect(anonymize(x.argv)).toEqual(anonymize(a[i].argv));
      const o = gcp.regions[0].orchestrators.find((y) => y.name === x.orchestrator)!;
      expect(x.argv.join(" ")).toContain(`-orchAddr ${o.privateIp}:8935`);
    });
    expect(g[0].acceleratorType).toBe("nvidia-l4");
    expect(a[0].acceleratorType).toBeUndefined();
  });

  test("the same containers, secrets and checks at boot; only the log driver and the metrics agent are the cloud's own", () => {
    const [g, a] = [nodes(gcp), nodes(aws)];
    g.forEach((n, i) => {
      const strip = (b: typeof n.boot) => {
        const { files: _files, ...rest } = JSON.parse(JSON.stringify(b).replace(IP, "<ip>"));
        return { ...rest, containers: rest.containers.filter((c: any) => c.name !== "metrics-agent").map(({ logging: _l, ...c }: any) => c) };
      };
      expect(strip(n.boot)).toEqual(strip(a[i].boot));
      expect(n.boot.containers.map((c) => c.logging!.driver)).toEqual(n.boot.containers.map(() => "gcplogs"));
      expect(a[i].boot.containers.map((c) => c.logging!.driver)).toEqual(a[i].boot.containers.map(() => "awslogs"));
      // both agents scrape the same target with the same labels and keep the same series
      const file = (b: typeof n.boot, p: string) => parseYaml(b.files!.find((f) => f.path === p)!.content);
      expect(file(n.boot, "/etc/livepeer-fleet/otelcol-google.yaml").receivers.prometheus.config).toEqual(file(a[i].boot, "/etc/livepeer-fleet/prometheus-scrape.yaml"));
    });
  });

  test("planned: the livepeer unit's command line in the GCP startup-script equals the one in the AWS user-data", async () => {
    const [pg, pa] = await Promise.all([planSpec(gcpRaw(), { baseDir: GCP_DIR }), planSpec(onAws(gcpRaw()), { baseDir: GCP_DIR })]);
    // the same command line but for the log driver (awslogs / gcplogs)
    const execStart = (script: string) => script.split("\n").filter((l) => l.startsWith("ExecStart=/usr/bin/docker run --rm --name livepeer ")).map((l) => l.replace(IP, "<ip>").replace(/ --log-driver \S+( --log-opt \S+)*/, ""));
    const gcpScript = (n: string) => pg.plan.resources.find((r) => key(r) === `gcp:compute/regionInstanceTemplate:RegionInstanceTemplate::${n}`)!.inputs.metadataStartupScript as string;
    const awsScript = (n: string) => decodeUserData(pa.plan.resources.find((r) => key(r) === `aws:ec2/launchTemplate:LaunchTemplate::${n}`)!.inputs.userData as string);
    for (const n of ["o1", "o2", "redeemer", "reward", "l4-o1", "l4-o2"]) {
      const [g, a] = [execStart(gcpScript(`gref-euw4-${n}`)), execStart(awsScript(`gref-euw4-${n}`))];
      expect(g).toHaveLength(1);
      expect(g).toEqual(a);
    }
    expect(execStart(gcpScript("gref-euw4-l4-o1-spot"))).toEqual(execStart(awsScript("gref-euw4-l4-o1")));
  });
});

/** The AWS reference fleet plus a GCP region (europe-west4) with one O (o3) and an L4 pool, in the Route 53 zone. */
function awsPlusGcp(redeemerOn: "use1" | "euw4"): any {
  const raw = referenceRaw();
  raw.regions.push({
    name: "euw4",
    cloud: "gcp",
    region: "europe-west4",
    project: "livepeer-fleet-example",
    machineImages: { cpu: "projects/livepeer-fleet-example/global/images/livepeer-node-cpu-v1", gpu: "projects/livepeer-fleet-example/global/images/livepeer-node-gpu-v1" },
    network: { managed: { cidr: "10.60.0.0/20", zones: ["europe-west4-a", "europe-west4-b"] } },
    orchestrators: [o3("europe-west4-a")],
    workers: [{ name: "l4", kind: "transcoder", instanceType: "g2-standard-8", gpu: { model: "L4", count: 1 }, sessionsPerGpu: 20, minSize: 1, maxSize: 2 }],
  });
  if (redeemerOn === "euw4") Object.assign(raw.redeemer, { region: "euw4", zone: "europe-west4-b" });
  return raw;
}

describe("AWS and GCP in one fleet", () => {
  let inAws: FleetPlan;
  let inGcp: FleetPlan;
  beforeAll(async () => {
    [inAws, inGcp] = await Promise.all([planSpec(awsPlusGcp("use1"), { baseDir: REF_DIR }), planSpec(awsPlusGcp("euw4"), { baseDir: REF_DIR })]);
  });

  test("each region on its own provider; every DNS record, GCP ones included, in the one Route 53 zone", () => {
    const rs = inAws.plan.resources;
    const custom = rs.filter((r) => r.custom && !r.type.startsWith("pulumi:providers:"));
    expect(custom.filter((r) => r.provider === "")).toEqual([]);
    for (const r of custom.filter((r) => r.type.startsWith("gcp:"))) expect(r.provider).toBe("ref-euw4");
    expect(rs.filter((r) => r.type.startsWith("gcp:dns"))).toEqual([]);
    const records = rs.filter((r) => r.type === "aws:route53/record:Record");
    for (const r of records) expect(r.provider).toBe("ref-dns");
    const o3rec = records.find((r) => r.name === "ref-euw4-o3")!;
    expect(o3rec.parent).toBe("livepeer-fleet:gcp:PinnedNode::ref-euw4-o3");
    expect(o3rec.inputs).toMatchObject({ name: "o3.fleet.example.com", type: "A" });
    const member = records.find((r) => r.name === "ref-euw4-service")!;
    const fr = rs.find((r) => r.type === "gcp:compute/forwardingRule:ForwardingRule")!;
    expect(member.inputs).toMatchObject({ setIdentifier: "euw4", latencyRoutingPolicies: [{ region: "eu-central-1" }], records: [fr.inputs.ipAddress] });
  });

  test("redeemer on AWS: it admits the GCP O by that O's own static address (a /32); the GCP O dials it by name", () => {
    const rs = inAws.plan.resources;
    const rule = rs.find((r) => key(r) === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule::ref-use1-redeemer-from-euw4-o3")!;
    const addr = rs.find((r) => key(r) === "gcp:compute/address:Address::ref-euw4-o3-external")!;
    expect((inAws.plan.outputs as any).nodes.o3.publicIp).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    expect(rule.inputs).toMatchObject({ fromPort: 8935, toPort: 8935, cidrIpv4: `${(inAws.plan.outputs as any).nodes.o3.publicIp}/32` });
    expect(addr).toBeDefined();
    const o3script = rs.find((r) => key(r) === "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate::ref-euw4-o3")!.inputs.metadataStartupScript as string;
    expect(o3script).toContain("-redeemerAddr redeemer.fleet.example.com:8935");
    expect(rs.filter((r) => r.type === "gcp:compute/firewall:Firewall" && r.name.includes("redeemer"))).toEqual([]);
  });

  test("redeemer on GCP: a static external address, its hostname record, one firewall rule per AWS NAT address of a zone with Os", () => {
    const rs = inGcp.plan.resources;
    const ext = rs.find((r) => key(r) === "gcp:compute/address:Address::ref-euw4-redeemer-external")!;
    expect(ext.inputs).toMatchObject({ addressType: "EXTERNAL", networkTier: "PREMIUM" });
    const pic = rs.find((r) => key(r) === "gcp:compute/perInstanceConfig:PerInstanceConfig::ref-euw4-redeemer")!;
    expect((pic.inputs.preservedState as any).externalIps).toHaveLength(1);
    const tpl = rs.find((r) => key(r) === "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate::ref-euw4-redeemer")!;
    expect((tpl.inputs.networkInterfaces as any)[0].accessConfigs).toEqual([{ networkTier: "PREMIUM" }]);
    const rec = rs.find((r) => key(r) === "aws:route53/record:Record::ref-euw4-redeemer")!;
    expect(rec.inputs).toMatchObject({ name: "redeemer.fleet.example.com", records: [(inGcp.plan.outputs as any).nodes.redeemer.publicIp] });
    const rules = rs.filter((r) => r.type === "gcp:compute/firewall:Firewall" && r.name.startsWith("ref-euw4-redeemer") && !r.name.endsWith("-monitoring"));
    const nat = (z: string) => rs.find((r) => key(r) === `aws:ec2/eip:Eip::ref-use1-nat-${z}`)!;
    expect(rules.map((r) => [r.name, (r.inputs.sourceRanges ?? r.inputs.sourceServiceAccounts)]).sort()).toEqual([
      ["ref-euw4-redeemer-from-use1-us-east-1a", [expect.stringMatching(/^\d+\.\d+\.\d+\.\d+\/32$/)]],
      ["ref-euw4-redeemer-from-use1-us-east-1b", [expect.stringMatching(/^\d+\.\d+\.\d+\.\d+\/32$/)]],
      ["ref-euw4-redeemer-in-8935-orchestrators", ["ref-euw4-o3@livepeer-fleet-example.iam.gserviceaccount.com"]],
    ]);
    expect(nat("us-east-1a")).toBeDefined();
    for (const r of rules) {
      expect(r.inputs.allows).toEqual([{ protocol: "tcp", ports: ["8935"] }]);
      expect(r.inputs.targetServiceAccounts).toEqual(["ref-euw4-redeemer@livepeer-fleet-example.iam.gserviceaccount.com"]);
    }
    const useScript = decodeUserData(rs.find((r) => key(r) === "aws:ec2/launchTemplate:LaunchTemplate::ref-use1-o1")!.inputs.userData as string);
    expect(useScript).toContain("-redeemerAddr redeemer.fleet.example.com:8935");
  });
});

describe("growing a GCP fleet by a second GCP region", () => {
  test("nothing is removed or changed in the first region (its redeemer already has its static address); the geo record set gains a member", async () => {
    const one = gcpRaw();
    const two = gcpRaw();
    two.regions.push({
      name: "euw1",
      cloud: "gcp",
      region: "europe-west1",
      project: "livepeer-fleet-example",
      machineImages: one.regions[0].machineImages,
      network: { managed: { cidr: "10.61.0.0/20", zones: ["europe-west1-b", "europe-west1-c"] } },
      orchestrators: [o3("europe-west1-b")],
      workers: [],
    });
    // o3's keystore lives in the test fixtures, relative to examples/reference
    two.regions[1].orchestrators[0].keystore = path.relative(GCP_DIR, path.resolve(REF_DIR, two.regions[1].orchestrators[0].keystore));
    const [p1, p2] = await Promise.all([planSpec(one, { baseDir: GCP_DIR }), planSpec(two, { baseDir: GCP_DIR })]);
    const before = new Map(p1.plan.resources.map((r) => [key(r), r]));
    const after = new Map(p2.plan.resources.map((r) => [key(r), r]));
    expect([...before.keys()].filter((k) => !after.has(k))).toEqual([]);
    const changed = [...before.keys()].filter((k) => JSON.stringify(before.get(k)) !== JSON.stringify(after.get(k))).sort();
    expect(changed).toEqual(["gcp:dns/recordSet:RecordSet::gref-service"]);
    const geos = (after.get("gcp:dns/recordSet:RecordSet::gref-service")!.inputs.routingPolicy as any).geos.map((g: any) => g.location);
    expect(geos).toEqual(["europe-west4", "europe-west1"]);
    const inNew = (r: PlannedResource): boolean => {
      if (key(r) === "livepeer-fleet:gcp:Region::gref-euw1" || key(r) === "pulumi:providers:gcp::gref-euw1") return true;
      const parent = r.parent ? after.get(r.parent) : undefined;
      return parent ? inNew(parent) : false;
    };
    const addedOutside = [...after.keys()].filter((k) => !before.has(k) && !inNew(after.get(k)!)).sort();
    expect(addedOutside).toEqual([
      "gcp:compute/firewall:Firewall::gref-euw4-redeemer-from-euw1-o3",
      "gcp:dns/recordSet:RecordSet::gref-euw4-redeemer",
    ]);
  });
});

describe("an existing (Shared VPC) network", () => {
  test("no network, subnetwork, router or NAT is created; firewall rules go to the network's host project; nodes keep their given addresses", async () => {
    const raw = gcpRaw();
    const r = raw.regions[0];
    r.network = {
      existing: {
        network: "projects/host-project-01/global/networks/shared",
        subnetwork: "projects/host-project-01/regions/europe-west4/subnetworks/livepeer",
        cidr: "10.70.0.0/24",
        zones: ["europe-west4-a", "europe-west4-b"],
      },
    };
    r.orchestrators[0].privateIp = "10.70.0.10";
    r.orchestrators[1].privateIp = "10.70.0.11";
    raw.redeemer.privateIp = "10.70.0.12";
    const p = await planSpec(raw, { baseDir: GCP_DIR });
    const rs = p.plan.resources;
    expect(rs.filter((x) => /compute\/(network|subnetwork|router|routerNat):/.test(x.type))).toEqual([]);
    const fws = rs.filter((x) => x.type === "gcp:compute/firewall:Firewall");
    expect(fws.length).toBe(7);
    for (const f of fws) expect(f.inputs).toMatchObject({ project: "host-project-01", network: "projects/host-project-01/global/networks/shared" });
    const internal = rs.find((x) => key(x) === "gcp:compute/address:Address::gref-euw4-o1-internal")!;
    expect(internal.inputs).toMatchObject({ project: "livepeer-fleet-example", address: "10.70.0.10", subnetwork: "projects/host-project-01/regions/europe-west4/subnetworks/livepeer" });
    const tpl = rs.find((x) => key(x) === "gcp:compute/regionInstanceTemplate:RegionInstanceTemplate::gref-euw4-l4-o1")!;
    expect((tpl.inputs.networkInterfaces as any)[0].subnetwork).toBe("projects/host-project-01/regions/europe-west4/subnetworks/livepeer");
    expect(tpl.inputs.metadataStartupScript).toContain("-orchAddr 10.70.0.10:8935");
    const g = rs.find((x) => key(x) === "gcp:compute/regionInstanceGroupManager:RegionInstanceGroupManager::gref-euw4-l4-o1")!;
    expect((g.inputs.updatePolicy as any).maxSurgeFixed).toBe(2);
  });
});
