/** Names: unique regions, orchestrators (fleet-wide), pools (per region), hostnames, derived resource names; cloud limits. */
import { load, mutated, Mutation, expectIssues, euRegion, o3 } from "../helpers/spec";

type Expect = [path: string, message: RegExp][];
const refuse = (m: Mutation, expected: Expect): void => void expectIssues(mutated(m), expected);

/** Keeps only the reference's first (transcoder) pool and adds a copy of it named `name`. */
const secondPool = (name: string) => (r: any) => (r.regions[0].workers = [r.regions[0].workers[0], { ...r.regions[0].workers[0], name, scaling: false }]);

describe("names that are fine", () => {
  test.each<[string, Mutation]>([
    ["a second region with its own orchestrator", (r) => r.regions.push(euRegion())],
    ["the same pool name in two regions", (r) => r.regions.push(euRegion())],
    ["two pools in one region", secondPool("t4-big")],
    ["an explicit hostname", (r) => (r.regions[0].orchestrators[0].hostname = "node-a")],
    ["an explicit hostname equal to its own name", (r) => (r.regions[0].orchestrators[0].hostname = "o1")],
    ["a one-letter orchestrator name", (r) => (r.regions[0].orchestrators[0].name = "a")],
    ["an orchestrator name of 30 characters in a region without pools", (r) => {
      r.regions[0].workers = [];
      r.regions[0].orchestrators[0].name = "o".repeat(30); // ref-use1-<30> = 39, the limit
    }],
    ["a fleet name starting with 'internal' but not 'internal-'", (r) => (r.name = "internalfleet")],
  ])("accepted: %s", (_n, m) => {
    expect(() => load(mutated(m))).not.toThrow();
  });
});

describe("uniqueness", () => {
  test.each<[string, Mutation, Expect]>([
    [
      "two regions with one name",
      (r) => r.regions.push({ ...euRegion(), name: "use1" }),
      [["regions[1].name", /duplicates regions\[0\]\.name; region names must be unique/]],
    ],
    [
      "an orchestrator name reused in another region",
      (r) => r.regions.push({ ...euRegion(), orchestrators: [o3("eu-west-1a", "o1")] }),
      [
        ["regions[1].orchestrators[0].name", /duplicates regions\[0\]\.orchestrators\[0\]\.name; node names must be unique in the fleet/],
        ["regions[1].orchestrators[0].hostname", /gives o1\.fleet\.example\.com, already used by regions\[0\]\.orchestrators\[0\]/],
      ],
    ],
    [
      "an orchestrator name reused in its region",
      (r) => (r.regions[0].orchestrators[1].name = "o1"),
      [
        ["regions[0].orchestrators[1].name", /duplicates regions\[0\]\.orchestrators\[0\]\.name/],
        ["regions[0].orchestrators[1].hostname", /already used by regions\[0\]\.orchestrators\[0\]/],
      ],
    ],
    ["two pools of a region with one name", secondPool("t4"), [["regions[0].workers[1].name", /duplicates another pool of this region/]]],
    [
      "two orchestrators with one hostname",
      (r) => (r.regions[0].orchestrators[1].hostname = "o1"),
      [["regions[0].orchestrators[1].hostname", /gives o1\.fleet\.example\.com, already used by regions\[0\]\.orchestrators\[0\]/]],
    ],
    [
      "an orchestrator hostname equal to the service host",
      (r) => (r.regions[0].orchestrators[0].hostname = "orch"),
      [["regions[0].orchestrators[0].hostname", /gives orch\.fleet\.example\.com, already used by serviceUri/]],
    ],
    [
      "an orchestrator named like the service host",
      (r) => (r.serviceUri = "https://o2.fleet.example.com:8935"),
      [["regions[0].orchestrators[1].hostname", /already used by serviceUri/]],
    ],
    ["an orchestrator named redeemer", (r) => (r.regions[0].orchestrators[0].name = "redeemer"), [["regions[0].orchestrators[0].name", /reserved for the fleet's redeemer\/reward nodes/]]],
    ["an orchestrator named reward", (r) => (r.regions[0].orchestrators[1].name = "reward"), [["regions[0].orchestrators[1].name", /reserved/]]],
    [
      "an orchestrator whose resource name equals a worker group's (<pool>-<o>)",
      (r) => r.regions[0].orchestrators.push(o3("us-east-1a", "t4-o1")),
      [["regions[0].workers[0].name", /gives the resource name "ref-use1-t4-o1", already derived from regions\[0\]\.orchestrators\[2\]\.name/]],
    ],
    [
      "two worker groups with one resource name (pool a-b × o c, pool a × o b-c)",
      (r) => {
        r.regions[0].orchestrators[0].name = "c";
        r.regions[0].orchestrators[1].name = "b-c";
        r.regions[0].workers[0].name = "a-b";
        r.regions[0].workers = [r.regions[0].workers[0], { ...r.regions[0].workers[0], name: "a", scaling: false }];
      },
      [["regions[0].workers[1].name", /gives the resource name "ref-use1-a-b-c", already derived from regions\[0\]\.workers\[0\]\.name/]],
    ],
    [
      "nodes of two regions with one resource name (use1 × a-b, use1-a × b)",
      (r) => {
        r.regions[0].orchestrators[0].name = "a-b";
        r.regions.push({ ...euRegion(), name: "use1-a", workers: [], orchestrators: [o3("eu-west-1a", "b")] });
      },
      [["regions[1].orchestrators[0].name", /gives the resource name "ref-use1-a-b", already derived from regions\[0\]\.orchestrators\[0\]\.name/]],
    ],
  ])("refused: %s", (_n, m, expected) => refuse(m, expected));
});

describe("name syntax and cloud naming limits", () => {
  const long = (n: number) => "o".repeat(n);
  test.each<[string, Mutation, Expect]>([
    ["an uppercase orchestrator name", (r) => (r.regions[0].orchestrators[0].name = "O1"), [["regions[0].orchestrators[0].name", /lowercase letters, digits and '-'/]]],
    ["a name ending with '-'", (r) => (r.regions[0].workers[0].name = "t4-"), [["regions[0].workers[0].name", /not ending with '-'/]]],
    ["a name starting with a digit", (r) => (r.regions[0].name = "1use"), [["regions[0].name", /starting with a letter/]]],
    ["a fleet name with a dot", (r) => (r.name = "ref.prod"), [["name", /lowercase letters/]]],
    ["a hostname with a dot", (r) => (r.regions[0].orchestrators[0].hostname = "a.b"), [["regions[0].orchestrators[0].hostname", /lowercase letters/]]],
    [
      "an orchestrator name too long for IAM role names",
      (r) => {
        r.regions[0].workers = [];
        r.regions[0].orchestrators[0].name = long(31); // ref-use1-<31> = 40
      },
      [["regions[0].orchestrators[0].name", /derived resource name "ref-use1-o{31}" is 40 characters; .* within 39 \(IAM role names are limited to 64 including Pulumi's suffix\)/]],
    ],
    [
      "a pool whose groups' names are too long",
      (r) => (r.regions[0].workers[0].name = "p".repeat(28)), // ref-use1-<28>-o1 = 40
      [["regions[0].workers[0].name", /derived resource name "ref-use1-p{28}-o1" is 40 characters/]],
    ],
    [
      "a fleet and region whose redeemer's names are too long",
      (r) => (r.name = "f".repeat(26)), // <26>-use1-redeemer = 40; <26>-use1-reward = 38; <26>-use1-t4-o1 = 37; <26>-use1-monitoring = 42
      [
        ["redeemer.region", /derived resource name "f{26}-use1-redeemer" is 40 characters/],
        ["monitoring", /derived resource name "f{26}-use1-monitoring" is 42 characters; fleet, region \(use1\) and `monitoring`/],
      ],
    ],
    [
      "a fleet and region whose reward node's names are too long",
      (r) => {
        delete r.redeemer;
        r.regions[0].workers = [r.regions[0].workers[0]]; // <28>-use1-sdxl-o1 would be 41 too
        delete r.monitoring;
        r.name = "f".repeat(28); // <28>-use1-reward = 40; <28>-use1-t4-o1 = 39
      },
      [["reward.region", /derived resource name "f{28}-use1-reward" is 40 characters/]],
    ],
    [
      "a hostname longer than a DNS label",
      (r) => (r.regions[0].orchestrators[0].hostname = "h".repeat(64)),
      [["regions[0].orchestrators[0].hostname", /is 64 characters; a DNS label holds at most 63/]],
    ],
    ["the fleet name `internal` (AWS load balancer names)", (r) => (r.name = "internal"), [["name", /must not be `internal` or start with `internal-`/]]],
    ["a fleet name starting with `internal-`", (r) => (r.name = "internal-a"), [["name", /internal-/]]],
  ])("refused: %s", (_n, m, expected) => refuse(m, expected));

  test("a 63-character hostname is accepted", () => {
    expect(() => load(mutated((r) => (r.regions[0].orchestrators[0].hostname = "h".repeat(63))))).not.toThrow();
  });
});
