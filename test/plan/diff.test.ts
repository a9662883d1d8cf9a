/** plan diffs: what a spec change adds, removes, updates and replaces, and which changes are disruptive. */
import { planSpec, FleetPlan } from "../../src/cli/plan";
import { diffPlans, replaces, previewSteps, renderDiff, REPLACE_KEYS } from "../../src/plan/diff";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { referenceRaw, REF_DIR, ROOT } from "../helpers/spec";

describe("replaces(): the documented ForceNew keys per type", () => {
  test.each<[string, string[], boolean]>([
    ["aws:ec2/launchTemplate:LaunchTemplate", ["userData", "imageId"], false],
    ["aws:autoscaling/group:Group", ["launchTemplate", "maxSize"], false],
    ["aws:autoscaling/group:Group", ["name"], true],
    ["aws:ebs/volume:Volume", ["size"], false],
    ["aws:ebs/volume:Volume", ["availabilityZone"], true],
    ["aws:route53/record:Record", ["records"], false],
    ["aws:route53/record:Record", ["name"], true],
    ["aws:ec2/networkInterface:NetworkInterface", ["privateIps"], true],
    ["gcp:compute/instanceTemplate:InstanceTemplate", ["metadata"], true],
    ["gcp:compute/disk:Disk", ["size"], false],
    ["aws:lb/loadBalancer:LoadBalancer", [], false],
    ["an:unknown/type:Type", ["anything"], false],
  ])("%s changing %j replaces: %s", (type, keys, want) => expect(replaces(type, keys)).toBe(want));

  test("every listed type names at least one key", () => {
    for (const [t, keys] of Object.entries(REPLACE_KEYS)) expect([t, keys.length > 0]).toEqual([t, true]);
  });
});

describe("diffs of real plans", () => {
  let base: FleetPlan;
  let bumped: FleetPlan;
  beforeAll(async () => {
    base = await planSpec(referenceRaw(), { baseDir: REF_DIR });
    const raw = referenceRaw();
    raw.images.livepeer = "livepeer/go-livepeer:v0.9.2";
    bumped = await planSpec(raw, { baseDir: REF_DIR });
  });
  const plan = (m: (r: any) => void) => {
    const raw = referenceRaw();
    m(raw);
    return planSpec(raw, { baseDir: REF_DIR });
  };

  test("a go-livepeer version bump updates launch templates only: no replacement, nothing disruptive", async () => {
    const d = diffPlans(base.plan, bumped.plan);
    expect(d.disruptive).toEqual([]);
    expect([...new Set(d.changes.map((c) => `${c.kind} ${c.type}`))]).toEqual(["update aws:ec2/launchTemplate:LaunchTemplate"]);
    // every O, redeemer, reward and worker group, and the monitoring node (whose image is not go-livepeer's) not
    expect(d.changes.map((c) => c.name).sort()).toEqual(["ref-use1-o1", "ref-use1-o2", "ref-use1-redeemer", "ref-use1-reward", "ref-use1-sdxl-o1", "ref-use1-sdxl-o2", "ref-use1-t4-o1", "ref-use1-t4-o2"]);
    for (const c of d.changes) expect(c.changedKeys).toEqual(["userData"]);
    // the pinned nodes take it only through the rollout command: the diff says so
    expect(d.rolloutNeeded).toEqual(["ref-use1-o1", "ref-use1-o2", "ref-use1-redeemer (with --redeemer)", "ref-use1-reward"]);
    expect(d.replaceByHand).toEqual([]);
    expect(renderDiff(d)).toMatch(/0 to add, 8 to update in place, 0 to replace, 0 to remove\n[\s\S]*no disruptive change\nnew templates for pinned nodes, taken only through `livepeer-fleet rollout --region <region>` \(pulumi up does not replace them\): ref-use1-o1, ref-use1-o2, ref-use1-redeemer \(with --redeemer\), ref-use1-reward\n$/);
  });

  test("on GCP a version bump replaces instance templates (create-before-delete): not disruptive, and the pinned nodes are listed for rollout", async () => {
    const dir = path.join(ROOT, "examples", "gcp");
    const raw = () => parse(fs.readFileSync(path.join(dir, "fleet.yaml"), "utf8"));
    const before = await planSpec(raw(), { baseDir: dir });
    const bumpedRaw = raw();
    bumpedRaw.images.livepeer = "livepeer/go-livepeer:v0.9.2";
    const after = await planSpec(bumpedRaw, { baseDir: dir });
    const d = diffPlans(before.plan, after.plan);
    expect(d.disruptive).toEqual([]);
    expect([...new Set(d.changes.map((c) => `${c.kind} ${c.type}`))]).toEqual(["replace gcp:compute/regionInstanceTemplate:RegionInstanceTemplate"]);
    expect(d.rolloutNeeded).toEqual(["gref-euw4-o1", "gref-euw4-o2", "gref-euw4-redeemer (with --redeemer)", "gref-euw4-reward"]);
    expect(d.replaceByHand).toEqual([]);
  });

  test("a monitoring node's new template is not rollout's: the diff says to replace it by hand", async () => {
    // a new monitoring image changes the monitoring node's template only
    const next = await plan((r) => (r.monitoring.image = "livepeer/monitoring:sha-1234567"));
    const d = diffPlans(base.plan, next.plan);
    expect([d.rolloutNeeded, d.replaceByHand]).toEqual([[], ["ref-use1-monitoring"]]);
    expect(renderDiff(d)).toContain("new templates for monitoring nodes, taken when you replace them (terminate the instance / recreate the VM; the Prometheus volume is kept; rollout does not): ref-use1-monitoring\n");
    expect(renderDiff(d)).not.toContain("livepeer-fleet rollout --region");
  });

  test("removing monitoring: only the monitoring disk is flagged, as monitoring history (no O sessions, no redeemer state)", async () => {
    const next = await plan((r) => delete r.monitoring);
    const d = diffPlans(base.plan, next.plan);
    expect(d.disruptive.map((c) => [c.kind, c.key, c.disruption])).toEqual([
      ["remove", "aws:ebs/volume:Volume::ref-use1-monitoring", "removes the monitoring node's data disk: its Prometheus history (and Grafana's state) is lost"],
    ]);
    expect(d.changes.some((c) => c.key === "aws:autoscaling/group:Group::ref-use1-monitoring" && c.kind === "remove")).toBe(true);
  });

  test("the reward node's and the redeemer's disks are described as theirs", async () => {
    // moving both to the other zone replaces their volumes (an EBS volume lives in one zone)
    const next = await plan((r) => {
      for (const n of [r.redeemer, r.reward]) {
        n.zone = r.regions[0].network.managed.zones.find((z: string) => z !== n.zone);
        delete n.privateIp;
      }
    });
    const d = diffPlans(base.plan, next.plan);
    const disks = d.disruptive.filter((c) => c.type === "aws:ebs/volume:Volume").map((c) => [c.name, c.disruption]);
    expect(disks).toEqual(expect.arrayContaining([["ref-use1-redeemer", expect.stringMatching(/redeemer's ticket queue/)], ["ref-use1-reward", expect.stringMatching(/reward node's data disk/)]]));
  });

  test("a secretsVersion bump: the orchestrator secret's rewrite is disruptive, every rewritten secret is listed", async () => {
    const next = await plan((r) => (r.secretsVersion = 2));
    const d = diffPlans(base.plan, next.plan);
    expect(d.disruptive.map((c) => [c.kind, c.key])).toEqual([["update", "aws:secretsmanager/secretVersion:SecretVersion::ref-use1-orch-secret"]]);
    expect(d.disruptive[0].disruption).toMatch(/workers booting from now on present the new one while their O keeps the old one/);
    expect(d.secretsRewritten).toEqual(expect.arrayContaining(["ref-use1-orch-secret", "ref-use1-o1-keystore", "ref-use1-o1-password", "ref-use1-rpc-proxy-config"]));
    expect(renderDiff(d)).toContain("secret values rewritten (secretsVersion): nodes read secrets at boot, so each takes a changed value only when it is replaced");
  });

  test("moving the service URI host replaces its record set member: flagged disruptive", async () => {
    const next = await plan((r) => (r.serviceUri = "https://lp.fleet.example.com:8935"));
    const d = diffPlans(base.plan, next.plan);
    expect(d.disruptive.map((c) => [c.kind, c.key])).toEqual([["replace", "aws:route53/record:Record::ref-use1-service"]]);
    expect(d.disruptive[0].changedKeys).toEqual(["name"]);
  });

  test("renaming a region removes its addresses, disks and orchestrator groups: all flagged", async () => {
    const next = await plan((r) => {
      r.regions[0].name = "east";
      r.reward.region = "east";
      r.redeemer.region = "east";
    });
    const d = diffPlans(base.plan, next.plan);
    const flagged = d.disruptive.map((c) => `${c.kind} ${c.key}`);
    expect(flagged).toEqual(expect.arrayContaining([
      "remove aws:autoscaling/group:Group::ref-use1-o1",
      "remove aws:ec2/eip:Eip::ref-use1-o1",
      "remove aws:ebs/volume:Volume::ref-use1-redeemer",
      "remove aws:lb/loadBalancer:LoadBalancer::ref-use1",
      "remove aws:route53/record:Record::ref-use1-service",
    ]));
    // worker groups are not disruptive on their own
    expect(flagged.some((f) => f.includes("t4-o1"))).toBe(false);
  });

  test("a pulumi preview --json document's replace steps override the table", async () => {
    const next = bumped;
    const preview = { steps: [{ op: "replace", urn: "urn:pulumi:s::p::livepeer-fleet:index:OrchestratorFleet$livepeer-fleet:aws:Region$livepeer-fleet:aws:PinnedNode$aws:ec2/launchTemplate:LaunchTemplate::ref-use1-o1" }, { op: "update", urn: "urn:pulumi:s::p::x$aws:ec2/launchTemplate:LaunchTemplate::ref-use1-o2" }] };
    const steps = previewSteps(preview);
    expect([...steps.replaced]).toEqual(["aws:ec2/launchTemplate:LaunchTemplate::ref-use1-o1"]);
    const d = diffPlans(base.plan, next.plan, steps);
    expect(d.changes.filter((c) => c.kind === "replace").map((c) => c.key)).toEqual(["aws:ec2/launchTemplate:LaunchTemplate::ref-use1-o1"]);
    // the other six changed templates have no step in this preview: the table decided them, and the diff says so
    expect(d.notInPreview).toHaveLength(6);
    expect(renderDiff(d)).toContain("the preview has no step, or a no-change step, for 6 changed resources (the ForceNew table decided them; is the preview of this stack and spec?)");
  });

  test("an empty or foreign preview cannot hide a disruptive change: resources it does not mention keep the table's answer", async () => {
    const next = await plan((r) => (r.serviceUri = "https://lp.fleet.example.com:8935"));
    for (const preview of [{ steps: [] }, { steps: [{ op: "same", urn: "urn:pulumi:s::p::aws:route53/record:Record::other-service" }] }]) {
      const d = diffPlans(base.plan, next.plan, previewSteps(preview));
      expect(d.disruptive.map((c) => [c.kind, c.key])).toEqual([["replace", "aws:route53/record:Record::ref-use1-service"]]);
      expect(d.notInPreview).toEqual(["aws:route53/record:Record::ref-use1-service"]);
    }
    // a stale preview that says `same` for the changed record: the table decides, and it is listed
    const stale = diffPlans(base.plan, next.plan, previewSteps({ steps: [{ op: "same", urn: "urn:pulumi:s::p::x$aws:route53/record:Record::ref-use1-service" }] }));
    expect(stale.disruptive.map((c) => c.key)).toEqual(["aws:route53/record:Record::ref-use1-service"]);
    expect(stale.notInPreview).toEqual(["aws:route53/record:Record::ref-use1-service"]);
    // a preview that has the step decides: an in-place update there is not flagged
    const said = previewSteps({ steps: [{ op: "update", urn: "urn:pulumi:s::p::x$aws:route53/record:Record::ref-use1-service" }] });
    expect(diffPlans(base.plan, next.plan, said).disruptive).toEqual([]);
  });
});

describe("diff rules on hand-made plans", () => {
  const res = (type: string, name: string, parent: string | null, inputs: Record<string, unknown>, provider = "p1", custom = true) => ({ type, name, parent, provider, custom, inputs });
  const plan = (...resources: any[]) => ({ resources, outputs: {}, summary: {} });
  const REGION = "livepeer-fleet:gcp:Region::f-r";
  const pinned = (node: string) => res("livepeer-fleet:gcp:PinnedNode", `f-r-${node}`, REGION, {}, "", false);
  const region = res("livepeer-fleet:gcp:Region", "f-r", null, {}, "", false);

  test("a node's hostname record renamed is disruptive; a service member's too", () => {
    const before = plan(res("aws:route53/record:Record", "f-r-o1", null, { name: "o1.z.example", type: "A", records: ["1.2.3.4"] }));
    const after = plan(res("aws:route53/record:Record", "f-r-o1", null, { name: "o1-new.z.example", type: "A", records: ["1.2.3.4"] }));
    expect(diffPlans(before, after).disruptive.map((c) => c.disruption)).toEqual([expect.stringMatching(/hostname record/)]);
  });

  test("a GCP disk shrinking is recreated (disruptive); growing is in place", () => {
    const d = (size: number) => plan(region, pinned("redeemer"), res("gcp:compute/disk:Disk", "f-r-redeemer-data", "livepeer-fleet:gcp:PinnedNode::f-r-redeemer", { size, zone: "z" }));
    expect(diffPlans(d(50), d(30)).disruptive.map((c) => c.kind)).toEqual(["replace"]);
    expect(diffPlans(d(30), d(50)).changes.map((c) => c.kind)).toEqual(["update"]);
  });

  test("any GCP resource moving project is replaced", () => {
    const a = (project: string) => plan(res("gcp:compute/address:Address", "f-r-lb", null, { project, name: "f-r-lb" }));
    expect(diffPlans(a("one"), a("two")).disruptive.map((c) => [c.kind, c.key])).toEqual([["replace", "gcp:compute/address:Address::f-r-lb"]]);
  });

  test("a provider moving region replaces everything it manages", () => {
    const p = (region: string) => plan(res("pulumi:providers:aws", "p1", null, { region }, ""), res("aws:ec2/eip:Eip", "f-r-o1", null, { domain: "vpc" }));
    const d = diffPlans(p("us-east-1"), p("us-east-2"));
    expect(d.changes.find((c) => c.key === "aws:ec2/eip:Eip::f-r-o1")).toMatchObject({ kind: "replace", disruption: expect.stringMatching(/static address/) });
  });

  test("roles come from the node's place, not a name suffix: an O named eu-reward is protected; the redeemer's group is too", () => {
    const g = (node: string, zone: string) =>
      plan(region, pinned(node), res("gcp:compute/instanceGroupManager:InstanceGroupManager", `f-r-${node}`, `livepeer-fleet:gcp:PinnedNode::f-r-${node}`, { zone }));
    expect(diffPlans(g("eu-reward", "a"), g("eu-reward", "b")).disruptive.map((c) => c.disruption)).toEqual([expect.stringMatching(/orchestrator's group/)]);
    expect(diffPlans(g("redeemer", "a"), g("redeemer", "b")).disruptive.map((c) => c.disruption)).toEqual([expect.stringMatching(/redeemer/)]);
    expect(diffPlans(g("reward", "a"), g("reward", "b")).disruptive).toEqual([]);
  });
});

describe("disruption texts by what the resource is", () => {
  const res = (type: string, name: string, parent: string | null, inputs: Record<string, unknown>) => ({ type, name, parent, provider: "p1", custom: true, inputs });
  const plan = (...resources: any[]) => ({ resources, outputs: {}, summary: {} }) as any;
  const replaced = (type: string, name: string, parent: string | null, before: Record<string, unknown>, after: Record<string, unknown>) =>
    diffPlans(plan(res(type, name, parent, before)), plan(res(type, name, parent, after))).disruptive.map((c) => [c.kind, c.disruption]);

  test.each<[string, ReturnType<typeof replaced>, RegExp]>([
    ["a NAT gateway's address", replaced("aws:ec2/eip:Eip", "f-r-nat-a", "livepeer-fleet:aws:Network::f-r", { domain: "vpc" }, { domain: "standard" }), /replaces a NAT address: the region's egress address changes/],
    ["an O's Elastic IP", replaced("aws:ec2/eip:Eip", "f-r-o1", "livepeer-fleet:aws:PinnedNode::f-r-o1", { domain: "vpc" }, { domain: "standard" }), /replaces a static address: the node's hostname/],
    ["a GCP node's internal address", replaced("gcp:compute/address:Address", "f-r-o1-internal", "livepeer-fleet:gcp:PinnedNode::f-r-o1", { addressType: "INTERNAL", address: "10.0.0.5" }, { addressType: "INTERNAL", address: "10.0.0.6" }), /reserved internal address/],
    ["the VPC", replaced("aws:ec2/vpc:Vpc", "f-r", "livepeer-fleet:aws:Network::f-r", { cidrBlock: "10.40.0.0/16" }, { cidrBlock: "10.41.0.0/16" }), /replaces the region's network: everything placed in it/],
    ["a GCP subnetwork", replaced("gcp:compute/subnetwork:Subnetwork", "f-r", "livepeer-fleet:gcp:Network::f-r", { ipCidrRange: "10.60.0.0/20" }, { ipCidrRange: "10.61.0.0/20" }), /replaces the region's network/],
  ])("%s", (_n, got, re) => {
    expect(got).toHaveLength(1);
    expect(got[0][0]).toBe("replace");
    expect(got[0][1]).toMatch(re);
  });
});

describe("what only the engine or the plans' shape shows", () => {
  const res = (type: string, name: string, parent: string | null, inputs: Record<string, unknown>) => ({ type, name, parent, provider: "p1", custom: true, inputs });
  const plan = (...resources: any[]) => ({ resources, outputs: {}, summary: {} }) as any;
  const ASG = "aws:autoscaling/group:Group";
  const PINNED = "livepeer-fleet:aws:PinnedNode::f-r-o1";
  const REGION = "livepeer-fleet:aws:Region::f-r";
  const regionRes = { type: "livepeer-fleet:aws:Region", name: "f-r", parent: null, provider: "", custom: false, inputs: {} };
  const pinnedRes = { type: "livepeer-fleet:aws:PinnedNode", name: "f-r-o1", parent: REGION, provider: "", custom: false, inputs: {} };

  test("a replace step for a resource whose inputs the mocks see unchanged (a cascade, a provider upgrade) is shown and flagged", () => {
    const p = plan(regionRes, pinnedRes, res(ASG, "f-r-o1", PINNED, { maxSize: 1 }));
    const d = diffPlans(p, p, previewSteps({ steps: [{ op: "replace", urn: "urn:pulumi:s::p::livepeer-fleet:aws:Region$livepeer-fleet:aws:PinnedNode$aws:autoscaling/group:Group::f-r-o1" }] }));
    expect(d.changes.map((c) => [c.kind, c.key, c.changedKeys])).toEqual([["replace", `${ASG}::f-r-o1`, ["(preview)"]]]);
    expect(d.disruptive.map((c) => c.disruption)).toEqual([expect.stringMatching(/replaces an orchestrator's group of one/)]);
  });

  test("a resource under a new parent is a new URN: deleted and recreated, flagged; a real preview's create + delete of it says the same", () => {
    const before = plan(regionRes, pinnedRes, res(ASG, "f-r-o1", PINNED, { maxSize: 1 }));
    const after = plan(regionRes, pinnedRes, res(ASG, "f-r-o1", REGION, { maxSize: 1 }));
    const d = diffPlans(before, after);
    expect(d.changes.map((c) => [c.kind, c.changedKeys])).toEqual([["replace", ["(parent)"]]]);
    const preview = previewSteps({ steps: [
      { op: "create", urn: `urn:pulumi:s::p::livepeer-fleet:aws:Region$${ASG}::f-r-o1` },
      { op: "delete", urn: `urn:pulumi:s::p::livepeer-fleet:aws:Region$livepeer-fleet:aws:PinnedNode$${ASG}::f-r-o1` },
    ] });
    expect(diffPlans(before, after, preview).changes.map((c) => c.kind)).toEqual(["replace"]);
  });

  test("a component moved under another parent takes its children's URNs with it: they are replaced too", () => {
    const FLEET = { type: "livepeer-fleet:index:OrchestratorFleet", name: "f", parent: null, provider: "", custom: false, inputs: {} };
    const before = plan(FLEET, regionRes, pinnedRes, res(ASG, "f-r-o1", PINNED, { maxSize: 1 }));
    const after = plan(FLEET, regionRes, { ...pinnedRes, parent: "livepeer-fleet:index:OrchestratorFleet::f" }, res(ASG, "f-r-o1", PINNED, { maxSize: 1 }));
    const d = diffPlans(before, after);
    expect(d.disruptive.map((c) => [c.kind, c.key])).toEqual([["replace", `${ASG}::f-r-o1`]]);
  });

  test("a preview that deletes or replaces what the plans do not show (the deployed stack differs) is flagged", () => {
    const p = plan(regionRes, pinnedRes, res(ASG, "f-r-o1", PINNED, { maxSize: 1 }));
    const d = diffPlans(p, p, previewSteps({ steps: [
      { op: "delete", urn: `urn:pulumi:s::p::x$${ASG}::f-r-o3` },
      { op: "delete", urn: `urn:pulumi:s::p::x$${ASG}::f-r-o1` },
      { op: "same", urn: "urn:pulumi:s::p::pulumi:pulumi:Stack::p-s" },
    ] }));
    expect(d.disruptive.map((c) => [c.kind, c.key, c.disruption])).toEqual([
      ["remove", `${ASG}::f-r-o1`, "the preview deletes a resource both plans keep unchanged: review it before pulumi up"],
      ["remove", `${ASG}::f-r-o3`, "the preview deletes a resource neither plan has (the deployed stack differs from the earlier plan): review it before pulumi up"],
    ]);
  });

  test("an EBS volume that would shrink is flagged: pulumi up would fail", () => {
    const vol = (size: number) => plan(res("aws:ebs/volume:Volume", "f-r-monitoring", "livepeer-fleet:aws:PinnedNode::f-r-monitoring", { size, availabilityZone: "a" }));
    const d = diffPlans(vol(50), vol(40));
    expect(d.disruptive.map((c) => [c.kind, c.disruption])).toEqual([["update", "shrinks an EBS volume (50 → 40 GiB): EBS volumes only grow, so pulumi up fails; keep 50 GiB or more"]]);
    expect(diffPlans(vol(40), vol(50)).disruptive).toEqual([]);
  });
});
