/**
 * Field rules found missing in review: redeemer/reward machine types checked like orchestrators' (and EC2
 * metal sizes accepted), a non-blank external reward description, reserved and prototype-polluting tag
 * keys, and a GPU model that prints safely.
 */
import { load, mutated, expectIssues, euRegion } from "../helpers/spec";
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
    expect(load(mutated((r) => (r.regions[0].workers[0].instanceType = "g6.metal-48xl"))).spec.regions[0].workers[0].instanceType).toBe("g6.metal-48xl");
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
    ["__proto__ (read from YAML or JSON as an own key)", (r) => (r.tags = JSON.parse('{"team":"a","__proto__":{"polluted":"yes"}}')), [["tags.__proto__", /not allowed as a key/]]],
    ["__proto__ deeper in the spec", (r) => (r.regions[0].network.managed = JSON.parse('{"zones":["us-east-1a","us-east-1b"],"__proto__":{"natGateways":"single"}}')), [["regions[0].network.managed.__proto__", /not allowed as a key/]]],
  ])("refused: %s", (_n, m, expected) => {
    void expectIssues(mutated(m), expected);
    expect(({} as any).polluted).toBeUndefined();
  });

  test("other tags are accepted and kept", () => {
    expect(load(mutated((r) => (r.tags = { team: "video", "fleet:owner": "ops" }))).spec.tags).toEqual({ team: "video", "fleet:owner": "ops" });
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
  test.each(["T4", "L4", "RTX 4090", "A10G", "H100_SXM-80.GB"])("accepted: %s", (model) => {
    expect(load(mutated((r) => (r.regions[0].workers[0].gpu.model = model))).spec.regions[0].workers[0].gpu.model).toBe(model);
  });
});
