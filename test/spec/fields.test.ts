/**
 * Field rules found missing in review: redeemer/reward machine types checked like orchestrators' (and EC2
 * metal sizes accepted), a non-blank external reward description, reserved and prototype-polluting tag
 * keys, and a GPU model that prints safely.
 */
import { load, mutated, expectIssues, euRegion, gcpRegion } from "../helpers/spec";
import { checkMachineType } from "../../src/spec/clouds";

type M = (r: any) => void;

describe("EC2 instance types", () => {
  test.each(["c6i.large", "g4dn.xlarge", "c7i.metal-24xl", "g6.metal-48xl", "c7i.metal-48xl", "m7i-flex.large", "u-6tb1.112xlarge", "u7i-12tb.224xlarge"])("accepted: %s", (t) => {
    expect(checkMachineType("aws", t)).toBeUndefined();
  });
  test.each(["c6i", "c6i.", ".large", "C6i.large", "c6i.metal-", "c6i.metal--24xl", "c6i large", "c6i.large\n"])("refused: %j", (t) => {
    expect(checkMachineType("aws", t)).toMatch(/must be an EC2 instance type/);
  });

  test("a metal worker type is accepted in the spec", () => {
    expect(load(mutated((r) => Object.assign(r.regions[0].workers[0], { instanceType: "g4dn.metal", gpu: { model: "T4", count: 8 } }))).spec.regions[0].workers[0].instanceType).toBe("g4dn.metal");
  });
});

describe("redeemer and reward machine types are checked for their region's cloud", () => {
  test.each<[string, M, [string, RegExp][]]>([
    ["a redeemer type that is not an EC2 type", (r) => (r.redeemer.instanceType = "t3"), [["redeemer.instanceType", /must be an EC2 instance type/]]],
    ["a reward type that is not an EC2 type", (r) => (r.reward.instanceType = "T3.MEDIUM"), [["reward.instanceType", /must be an EC2 instance type/]]],
    ["a GCE type for a redeemer on AWS", (r) => (r.redeemer.instanceType = "e2-medium"), [["redeemer.instanceType", /must be an EC2 instance type/]]],
    ["a reward type with shell characters", (r) => (r.reward.instanceType = "t3.medium;reboot"), [["reward.instanceType", /must be an EC2 instance type/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test.each<[string, M]>([
    ["a redeemer on t3.small", (r) => (r.redeemer.instanceType = "t3.small")],
    ["a reward node on a metal type", (r) => (r.reward.instanceType = "c7i.metal-24xl")],
  ])("accepted: %s", (_n, m) => expect(() => load(mutated(m))).not.toThrow());

  test("a delegated reward caller in a second region is checked against that region's cloud", () => {
    const eu = euRegion();
    expectIssues(
      mutated((r) => {
        r.regions.push(eu);
        r.reward.region = "euw1";
        r.reward.zone = "eu-west-1a";
        r.reward.instanceType = "n2-standard-2";
      }),
      [["reward.instanceType", /must be an EC2 instance type/]],
    );
  });
});

describe("an external reward caller's description", () => {
  test.each<[string, string, RegExp]>([
    ["blank", "   ", /must not be empty or blank/],
    ["only a newline", "\n", /must not be empty or blank/],
    ["empty", "", /must not be empty or blank/],
  ])("refused: %s", (_n, d, re) => void expectIssues(mutated((r) => (r.reward = { mode: "external", description: d })), [["reward.description", re]]));
});

describe("tags", () => {
  test.each<[string, M, [string, RegExp][]]>([
    ["a key in the fleet's own namespace", (r) => (r.tags = { "livepeer-fleet:fleet": "other" }), [["tags.livepeer-fleet:fleet", /reserved/]]],
    ["any livepeer-fleet: key", (r) => (r.tags = { "livepeer-fleet:owner": "me" }), [["tags.livepeer-fleet:owner", /reserved/]]],
    ["the namespace in another case", (r) => (r.tags = { "Livepeer-Fleet:region": "x" }), [["tags.Livepeer-Fleet:region", /reserved/]]],
    ["an empty key", (r) => (r.tags = { "": "x" }), [["tags", /tag keys must not be empty/]]],
    ["Name (the fleet sets it per resource)", (r) => (r.tags = { Name: "prod" }), [["tags.Name", /is set by livepeer-fleet on each resource/]]],
    ["AWS's prefix in capitals", (r) => (r.tags = { "AWS:team": "x" }), [["tags.AWS:team", /not start with `aws:` \(in any case\)/]]],
    ["a key that would override the fleet's own GCP labels", (r) => (r.tags = { "livepeer-fleet-fleet": "other" }), [["tags.livepeer-fleet-fleet", /reserved \(the fleet sets `livepeer-fleet:\*` tags and `livepeer-fleet-\*` GCP labels/]]],
    ["a newline in a value (it would split a log line or header)", (r) => (r.tags = { team: "video\nowner: mallory" }), [["tags.team", /tag values may hold letters, digits, spaces and `_ \. : \/ = \+ - @` only \(no newlines/]]],
    ["a key with a quote", (r) => (r.tags = { 'te"am': "video" }), [['tags.te"am', /tag keys may hold letters, digits/]]],
    ["41 tags (AWS allows 50 per resource; the fleet sets up to 10)", (r) => (r.tags = Object.fromEntries(Array.from({ length: 41 }, (_, i) => [`t${i}`, "x"]))), [["tags", /holds at most 40 tags/]]],
    [
      "two keys that become one GCP label key",
      (r) => {
        r.regions.push(gcpRegion());
        r.tags = { Team: "a", team: "b" };
      },
      [["tags.team", /becomes the GCP label key `team`, as tag `Team` does/]],
    ],
    ["__proto__ (read from YAML or JSON as an own key)", (r) => (r.tags = JSON.parse('{"team":"a","__proto__":{"polluted":"yes"}}')), [["tags.__proto__", /not allowed as a key/]]],
    ["__proto__ deeper in the spec", (r) => (r.regions[0].network.managed = JSON.parse('{"zones":["us-east-1a","us-east-1b"],"__proto__":{"natGateways":"single"}}')), [["regions[0].network.managed.__proto__", /not allowed as a key/]]],
  ])("refused: %s", (_n, m, expected) => {
    void expectIssues(mutated(m), expected);
    expect(({} as any).polluted).toBeUndefined();
  });

  test("other tags are accepted and kept", () => {
    expect(load(mutated((r) => (r.tags = { team: "video", "fleet:owner": "ops" }))).spec.tags).toEqual({ team: "video", "fleet:owner": "ops" });
    // on AWS alone, keys differing in case are two tags; 40 tags, unicode letters, an empty value
    const many = Object.fromEntries(Array.from({ length: 38 }, (_, i) => [`t${i}`, "x"]));
    expect(Object.keys(load(mutated((r) => (r.tags = { ...many, Team: "a", team: "Ünïcode = ok@x/y" }))).spec.tags)).toHaveLength(40);
    expect(load(mutated((r) => (r.tags = { note: "" }))).spec.tags).toEqual({ note: "" });
  });
});

describe("gpu.model prints safely", () => {
  const W = "regions[0].workers[0]";
  test.each<[string, string]>([
    ["an escape sequence", "T4\u001b[2J"],
    ["markdown", "**T4**"],
    ["a backtick", "T4`"],
    ["a newline", "T4\nL4"],
    ["33 characters", "T".repeat(33)],
    ["a leading space", " T4"],
    ["empty", ""],
  ])("refused: %s", (_n, model) => {
    const issues = expectIssues(mutated((r) => (r.regions[0].workers[0].gpu.model = model)), [[`${W}.gpu.model`, /.+/]]);
    expect(issues[0].message).toMatch(/GPU model name|must not be empty/);
  });
  test.each<[string, string, number]>([["T4", "g4dn.xlarge", 1], ["t4", "g4dn.12xlarge", 4], ["L4", "g6.2xlarge", 1], ["A10G", "g5.48xlarge", 8], ["L40S", "g6e.xlarge", 1], ["H100", "p5.4xlarge", 1], ["A100-80GB", "p4de.24xlarge", 8]])("accepted: %s on %s (%d)", (model, instanceType, count) => {
    const w = load(mutated((r) => Object.assign(r.regions[0].workers[0], { instanceType, gpu: { model, count } }))).spec.regions[0].workers[0];
    expect([w.gpu.model, w.instanceType, w.gpu.count]).toEqual([model, instanceType, count]);
  });
});

describe("AWS worker instance types carry the GPUs the pool declares", () => {
  const W = "regions[0].workers[0]";
  test.each<[string, M, [string, RegExp][]]>([
    ["four T4s on a one-GPU g4dn.xlarge (-maxSessions would promise 4× the sessions)", (r) => (r.regions[0].workers[0].gpu.count = 4), [[`${W}.gpu.count`, /must be 1: g4dn\.xlarge comes with 1 T4 GPU$/]]],
    ["A10G declared on g4dn", (r) => (r.regions[0].workers[0].gpu.model = "A10G"), [[`${W}.gpu.model`, /must be T4: g4dn\.xlarge carries T4 GPUs/]]],
    ["a CPU instance type for a GPU pool", (r) => (r.regions[0].workers[0].instanceType = "c6i.2xlarge"), [[`${W}.instanceType`, /is not an NVIDIA GPU instance type; accepted families: g3\.\* \(M60\), g3s\.\* \(M60\), g4dn\.\* \(T4\), g5\.\* \(A10G\)/]]],
    ["an AMD GPU type", (r) => (r.regions[0].workers[0].instanceType = "g4ad.xlarge"), [[`${W}.instanceType`, /is not an NVIDIA GPU instance type/]]],
    ["a size the family does not have", (r) => (r.regions[0].workers[0].instanceType = "g4dn.24xlarge"), [[`${W}.instanceType`, /is not a g4dn size; accepted: g4dn\.xlarge, g4dn\.2xlarge/]]],
    [
      "an extra instance type whose GPU count is wrong",
      (r) => {
        Object.assign(r.regions[0].workers[0], { sizeUnit: "sessions", minSize: 20, maxSize: 200 });
        r.regions[0].workers[0].extraInstanceTypes = [{ instanceType: "g4dn.12xlarge", gpu: { model: "T4", count: 1 }, sessionsPerGpu: 20 }];
      },
      [[`${W}.extraInstanceTypes[0].gpu.count`, /must be 4: g4dn\.12xlarge comes with 4 T4 GPUs/]],
    ],
    [
      "a CPU extra instance type",
      (r) => {
        Object.assign(r.regions[0].workers[0], { sizeUnit: "sessions", minSize: 20, maxSize: 200 });
        r.regions[0].workers[0].extraInstanceTypes = [{ instanceType: "m7i.2xlarge", gpu: { model: "T4", count: 1 }, sessionsPerGpu: 20 }];
      },
      [[`${W}.extraInstanceTypes[0].instanceType`, /is not an NVIDIA GPU instance type/]],
    ],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));
});

describe("other fields that must not be degenerate", () => {
  test.each<[string, M, [string, RegExp][]]>([
    ["a zero funding minimum (chain check passes an empty account; the balance alert never fires)", (r) => (r.funding = { minEthRedeemer: "0.0" }), [["funding.minEthRedeemer", /must be more than 0/]]],
    ["the service URI on the redeemer's public name", (r) => (r.serviceUri = "https://redeemer.fleet.example.com:8935"), [["serviceUri", /uses the redeemer's hostname \(redeemer\.fleet\.example\.com\)/]]],
    [
      "51 gateway prices (each is part of every O's command line in its size-limited boot script)",
      (r) => (r.pricing.pricePerGateway = Array.from({ length: 51 }, (_, i) => ({ address: `0x${String(i + 1).padStart(40, "0")}`, pricePerUnit: "100" }))),
      [["pricing.pricePerGateway", /holds at most 50 gateways/]],
    ],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));
});
