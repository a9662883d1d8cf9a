/**
 * Identity rules: checksummed non-zero addresses, the reward caller (explicit mode, exactly one), the
 * registered key only on the reward node, one hot wallet per node, keystores matching their node.
 */
import { referenceRaw, load, issuesOf, mutated, Mutation, fixtureKey, FIXTURE_ADDRESSES, expectIssues } from "../helpers/spec";

const REG = "0x254047e5Bb2e8D0B84Ad98753257251014BEc3aD";
const O1 = "0x895faB0601580556d2a6F5C4C7319241664f6af6";
const O2 = "0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce";
const RD = "0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b";

/** Flips the case of the first hex letter: same address, broken EIP-55 checksum. */
function breakChecksum(a: string): string {
  const i = [...a].findIndex((c, k) => k > 1 && /[a-fA-F]/.test(c));
  const c = a[i];
  return a.slice(0, i) + (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase()) + a.slice(i + 1);
}

type Expect = [path: string, message: RegExp];
const expectExactly = (raw: any, expected: Expect[]): void => void expectIssues(raw, expected);

describe("reference fleet identity", () => {
  test("loads, and reads every wallet node's keystore without decrypting it", () => {
    const fleet = load(referenceRaw());
    expect(Object.keys(fleet.keystores).sort()).toEqual(["o1", "o2", "redeemer", "reward"]);
    expect(fleet.keystores.o1.address).toBe(O1);
    expect(fleet.keystores.o2.address).toBe(O2);
    expect(fleet.keystores.redeemer.address).toBe(RD);
    expect(fleet.keystores.reward.address).toBe(REG);
    expect(JSON.parse(fleet.keystores.o1.json).version).toBe(3);
  });
});

describe("addresses: EIP-55 checksummed and not zero", () => {
  const fields: [field: string, get: (r: any) => any, key: string, value: string][] = [
    ["registeredAddress", (r) => r, "registeredAddress", REG],
    ["regions[0].orchestrators[0].address", (r) => r.regions[0].orchestrators[0], "address", O1],
    ["regions[0].orchestrators[1].address", (r) => r.regions[0].orchestrators[1], "address", O2],
    ["redeemer.address", (r) => r.redeemer, "address", RD],
    ["reward.address", (r) => r.reward, "address", REG],
  ];
  const variants: [kind: string, make: (a: string) => unknown, message: RegExp][] = [
    ["all lowercase", (a) => a.toLowerCase(), /must be EIP-55 checksummed: 0x[0-9a-fA-F]{40}/],
    ["bad checksum", breakChecksum, /bad EIP-55 checksum/],
    ["zero address", () => "0x0000000000000000000000000000000000000000", /must not be the zero address/],
    ["too short", (a) => a.slice(0, 41), /0x-prefixed 20-byte Ethereum address/],
    ["no 0x prefix", (a) => a.slice(2), /0x-prefixed 20-byte Ethereum address/],
    ["non-hex", (a) => a.slice(0, 41) + "g", /0x-prefixed 20-byte Ethereum address/],
    ["an unquoted YAML hex number", (a) => Number(a), /must be a quoted string/],
  ];
  const rows = fields.flatMap(([field, get, key, value]) => variants.map(([kind, make, re]) => [field, kind, get, key, make(value), re] as const));

  test.each(rows)("%s %s is refused", (field, _kind, get, key, bad, re) => {
    const raw = referenceRaw();
    get(raw)[key] = bad;
    const issues = issuesOf(raw);
    const hit = issues.find((i) => i.path === field);
    expect(hit).toBeDefined();
    expect(hit!.message).toMatch(re);
    expect(hit!.value).toEqual(bad);
  });

  test.each(fields)("%s: the checksummed address is accepted (reference)", (field, get, key, value) => {
    const raw = referenceRaw();
    expect(get(raw)[key]).toBe(value);
    expect(() => load(raw)).not.toThrow();
  });

  test("a lowercase node address is flagged once (its keystore still matches by value)", () => {
    expectExactly(
      mutated((r) => (r.regions[0].orchestrators[0].address = O1.toLowerCase())),
      [["regions[0].orchestrators[0].address", /must be EIP-55 checksummed: 0x895faB0601580556d2a6F5C4C7319241664f6af6/]],
    );
  });
});

describe("reward caller: stated explicitly, exactly one", () => {
  const good: [string, Mutation][] = [
    ["mode node holding the registered key (reference)", () => {}],
    ["mode external with a description", (r) => (r.reward = { mode: "external", description: "OrchestratorSiphon on the cold host" })],
    [
      "mode delegated with its own key on go-livepeer v0.9.2",
      (r) => {
        r.images.livepeer = "livepeer/go-livepeer:v0.9.2";
        Object.assign(r.reward, { mode: "delegated", address: FIXTURE_ADDRESSES.delegated, keystore: fixtureKey("delegated.json") });
      },
    ],
    [
      "mode delegated on go-livepeer v0.10.0 pinned with a digest too",
      (r) => {
        r.images.livepeer = `livepeer/go-livepeer:v0.10.0@sha256:${"a".repeat(64)}`;
        Object.assign(r.reward, { mode: "delegated", address: FIXTURE_ADDRESSES.delegated, keystore: fixtureKey("delegated.json") });
      },
    ],
    ["maxGasPrice as a YAML number", (r) => (r.reward.maxGasPrice = 2000000000)],
  ];
  test.each(good)("accepted: %s", (_n, m) => {
    const fleet = load(mutated(m));
    expect(["node", "delegated", "external"]).toContain(fleet.spec.reward.mode);
  });

  const delegated = (image: string): Mutation => (r) => {
    r.images.livepeer = image;
    Object.assign(r.reward, { mode: "delegated", address: FIXTURE_ADDRESSES.delegated, keystore: fixtureKey("delegated.json") });
  };
  const bad: [string, Mutation, Expect[]][] = [
    ["mode missing", (r) => delete r.reward.mode, [["reward.mode", /must be one of: "node", "delegated", "external"/]]],
    ["mode misspelt", (r) => (r.reward.mode = "Node"), [["reward.mode", /must be one of: "node", "delegated", "external"/]]],
    ["reward section missing", (r) => delete r.reward, [["reward", /is required/]]],
    ["two reward callers (a list)", (r) => (r.reward = [r.reward, { mode: "external", description: "siphon" }]), [["reward", /expected object/]]],
    ["an orchestrator asked to call reward", (r) => (r.regions[0].orchestrators[0].reward = true), [["regions[0].orchestrators[0].reward", /unknown field/]]],
    ["external without a description", (r) => (r.reward = { mode: "external" }), [["reward.description", /is required/]]],
    ["external carrying a key", (r) => (r.reward = { mode: "external", description: "siphon", address: REG }), [["reward.address", /unknown field/]]],
    ["maxGasPrice missing", (r) => delete r.reward.maxGasPrice, [["reward.maxGasPrice", /is required/]]],
    ["maxGasPrice in gwei text", (r) => (r.reward.maxGasPrice = "1gwei"), [["reward.maxGasPrice", /integer wei amount/]]],
    [
      "mode node with a key that is not the registered one",
      (r) => Object.assign(r.reward, { address: FIXTURE_ADDRESSES.stranger, keystore: fixtureKey("stranger.json") }),
      [["reward.address", /must be the registered address 0x254047e5Bb2e8D0B84Ad98753257251014BEc3aD.*mode `delegated`/]],
    ],
    [
      "mode delegated holding the registered key",
      (r) => {
        r.images.livepeer = "livepeer/go-livepeer:v0.9.2";
        r.reward.mode = "delegated";
      },
      [["reward.address", /is the registered address; mode `delegated` uses a separate reward-caller key/]],
    ],
    ["mode delegated on go-livepeer v0.9.1", delegated("livepeer/go-livepeer:v0.9.1"), [["reward.mode", /after v0\.9\.1.*livepeer\/go-livepeer:v0\.9\.1/]]],
    ["mode delegated on go-livepeer v0.9.0", delegated("livepeer/go-livepeer:v0.9.0"), [["reward.mode", /LIP-118/]]],
    ["mode delegated on go-livepeer v0.9.1-rc2", delegated("livepeer/go-livepeer:v0.9.1-rc2"), [["reward.mode", /LIP-118/]]],
    ["mode delegated with a digest-only image (version unknown)", delegated(`livepeer/go-livepeer@sha256:${"b".repeat(64)}`), [["reward.mode", /pinned by a version tag/]]],
    ["reward region unknown", (r) => (r.reward.region = "euw1"), [["reward.region", /must name a region of this fleet: use1/]]],
    ["reward zone outside its region", (r) => (r.reward.zone = "us-east-1c"), [["reward.zone", /one of use1's zones: us-east-1a, us-east-1b/]]],
  ];
  test.each(bad)("refused: %s", (_n, m, expected) => expectExactly(mutated(m), expected));
});

describe("at most one redeemer", () => {
  test("the fleet without a redeemer is valid", () => {
    const fleet = load(mutated((r) => delete r.redeemer));
    expect(fleet.spec.redeemer).toBeUndefined();
    expect(fleet.keystores.redeemer).toBeUndefined();
  });
  test.each<[string, Mutation, Expect[]]>([
    ["two redeemers as a list", (r) => (r.redeemer = [r.redeemer, { ...r.redeemer }]), [["redeemer", /expected object, received array/]]],
    ["a second redeemer under another key", (r) => (r.redeemers = [r.redeemer]), [["redeemers", /unknown field/]]],
  ])("refused: %s", (_n, m, expected) => expectExactly(mutated(m), expected));
});

describe("the registered address lives only on the reward node", () => {
  const bad: [string, Mutation, Expect[]][] = [
    [
      "on an orchestrator",
      (r) => Object.assign(r.regions[0].orchestrators[0], { address: REG, keystore: "keys/registered.json" }),
      [
        ["regions[0].orchestrators[0].address", /is the registered address; workload orchestrators use their own hot wallet/],
        ["reward.address", /same hot wallet as regions\[0\]\.orchestrators\[0\]/],
      ],
    ],
    [
      "on an orchestrator, with an external reward caller",
      (r) => {
        Object.assign(r.regions[0].orchestrators[1], { address: REG, keystore: "keys/registered.json" });
        r.reward = { mode: "external", description: "siphon" };
      },
      [["regions[0].orchestrators[1].address", /is the registered address/]],
    ],
    [
      "on the redeemer",
      (r) => Object.assign(r.redeemer, { address: REG, keystore: "keys/registered.json" }),
      [
        ["redeemer.address", /is the registered address; the redeemer must use its own hot wallet/],
        ["reward.address", /same hot wallet as redeemer/],
      ],
    ],
    [
      "on the redeemer, written in lowercase",
      (r) => {
        Object.assign(r.redeemer, { address: REG.toLowerCase(), keystore: "keys/registered.json" });
        r.reward = { mode: "external", description: "siphon" };
      },
      [
        ["redeemer.address", /must be EIP-55 checksummed/],
        ["redeemer.address", /is the registered address/],
      ],
    ],
  ];
  test.each(bad)("refused: %s", (_n, m, expected) => expectExactly(mutated(m), expected));
});

describe("one hot wallet per node", () => {
  const bad: [string, Mutation, Expect[]][] = [
    [
      "two orchestrators share a wallet",
      (r) => Object.assign(r.regions[0].orchestrators[1], { address: O1, keystore: "keys/o1.json" }),
      [["regions[0].orchestrators[1].address", /same hot wallet as regions\[0\]\.orchestrators\[0\]; every node needs its own wallet/]],
    ],
    [
      "the redeemer reuses an orchestrator's wallet",
      (r) => Object.assign(r.redeemer, { address: O2, keystore: "keys/o2.json" }),
      [["redeemer.address", /same hot wallet as regions\[0\]\.orchestrators\[1\]/]],
    ],
    [
      "a delegated reward caller reuses the redeemer's wallet",
      (r) => {
        r.images.livepeer = "livepeer/go-livepeer:v0.9.2";
        Object.assign(r.reward, { mode: "delegated", address: RD, keystore: "keys/redeemer.json" });
      },
      [["reward.address", /same hot wallet as redeemer/]],
    ],
    [
      "the same wallet spelt in lowercase",
      (r) => Object.assign(r.regions[0].orchestrators[1], { address: O1.toLowerCase(), keystore: "keys/o1.json" }),
      [
        ["regions[0].orchestrators[1].address", /must be EIP-55 checksummed/],
        ["regions[0].orchestrators[1].address", /same hot wallet/],
      ],
    ],
  ];
  test.each(bad)("refused: %s", (_n, m, expected) => expectExactly(mutated(m), expected));
});

describe("keystores: encrypted V3 JSON holding the declared account", () => {
  const o1 = (keystore: string, address = O1): Mutation => (r) => Object.assign(r.regions[0].orchestrators[0], { keystore, address });
  const bad: [string, Mutation, Expect[]][] = [
    ["a raw private key file", o1(fixtureKey("raw-private-key.txt")), [["regions[0].orchestrators[0].keystore", /is a raw private key; only an encrypted V3 keystore JSON is accepted/]]],
    ["a JSON file holding a plaintext private key", o1(fixtureKey("plaintext-key.json")), [["regions[0].orchestrators[0].keystore", /plaintext private key/]]],
    ["a tampered keystore without its MAC", o1(fixtureKey("tampered-no-mac.json")), [["regions[0].orchestrators[0].keystore", /no complete crypto section/]]],
    [
      "another account's keystore",
      o1(fixtureKey("stranger.json")),
      [["regions[0].orchestrators[0].keystore", /holds account 0xa79cc2ec8a9dA7bfB37CE66E5837bbEb2AB6c2F4, but regions\[0\]\.orchestrators\[0\]\.address declares 0x895faB0601580556d2a6F5C4C7319241664f6af6/]],
    ],
    ["a keystore whose address field was edited (checksum broken) to another account", o1(fixtureKey("bad-checksum-address.json")), [["regions[0].orchestrators[0].keystore", /holds account 0x29a32E3897503B9a21b1F4aAE9F481EA3a8281A6/]]],
    ["a missing file", o1("keys/nope.json"), [["regions[0].orchestrators[0].keystore", /cannot be read \(ENOENT\).*encrypted V3 keystore JSON/]]],
    ["the redeemer's keystore for the reward node", (r) => (r.reward.keystore = "keys/redeemer.json"), [["reward.keystore", /holds account 0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b/]]],
    ["the reward node's keystore for the redeemer", (r) => (r.redeemer.keystore = "keys/registered.json"), [["redeemer.keystore", /holds account 0x254047e5Bb2e8D0B84Ad98753257251014BEc3aD/]]],
  ];
  test.each(bad)("refused: %s", (_n, m, expected) => expectExactly(mutated(m), expected));

  test("the raw key's text is never echoed", () => {
    const fs = require("fs") as typeof import("fs");
    const path = require("path") as typeof import("path");
    const text = fs.readFileSync(path.join(__dirname, "..", "fixtures", "keys", "raw-private-key.txt"), "utf8").trim();
    const issues = issuesOf(mutated(o1(fixtureKey("raw-private-key.txt"))));
    expect(JSON.stringify(issues)).not.toContain(text.slice(2));
  });

  test("a keystore whose address field has odd case is read by value, not rejected", () => {
    const fleet = load(mutated(o1(fixtureKey("bad-checksum-address.json"), "0x29a32E3897503B9a21b1F4aAE9F481EA3a8281A6")));
    expect(fleet.keystores.o1.address).toBe("0x29a32E3897503B9a21b1F4aAE9F481EA3a8281A6");
  });

  test("the file reader is injectable (paths resolve against baseDir)", () => {
    const { loadFleet } = require("../../src/spec/validate") as typeof import("../../src/spec/validate");
    const seen: string[] = [];
    const real = require("fs").readFileSync;
    loadFleet(referenceRaw(), { baseDir: "/somewhere/else", readFile: (f) => (seen.push(f), real(f.replace("/somewhere/else", `${__dirname}/../../examples/reference`), "utf8")) });
    expect(seen.sort()).toEqual(["/somewhere/else/keys/o1.json", "/somewhere/else/keys/o2.json", "/somewhere/else/keys/redeemer.json", "/somewhere/else/keys/registered.json"]);
  });
});

describe("redeemer reachability across regions", () => {
  const { referenceRaw, load, loadError } = require("../helpers/spec");
  const { buildLayout } = require("../../src/layout/layout");
  const twoRegions = () => {
    const raw = referenceRaw();
    const second = JSON.parse(JSON.stringify(raw.regions[0]));
    second.name = "usw2";
    second.region = "us-west-2";
    second.network.managed.zones = ["us-west-2a", "us-west-2b"];
    second.orchestrators = [{ ...raw.regions[0].orchestrators[1], zone: "us-west-2a" }];
    raw.regions[0].orchestrators = [raw.regions[0].orchestrators[0]];
    raw.regions.push(second);
    return raw;
  };

  test("Os of the redeemer's region dial its private address; Os elsewhere its public hostname", () => {
    const l = buildLayout(load(twoRegions()));
    const [use1, usw2] = l.regions;
    const flag = (argv: string[]) => argv[argv.indexOf("-redeemerAddr") + 1];
    expect(flag(use1.orchestrators[0].argv)).toBe(`${use1.redeemer.privateIp}:8935`);
    expect(flag(usw2.orchestrators[0].argv)).toBe("redeemer.fleet.example.com:8935");
    expect(use1.redeemer.publicHostname).toBe("redeemer.fleet.example.com");
    expect(use1.redeemer.ingress.map((r: any) => r.from)).toEqual(["orchestrators", "remote-orchestrators", "monitoring"]);
  });

  test("a single-region fleet keeps the redeemer private (no hostname, no remote rule), on the same address", () => {
    const one = buildLayout(load(referenceRaw())).regions[0].redeemer;
    const two = buildLayout(load(twoRegions())).regions[0].redeemer;
    expect(one.publicHostname).toBeUndefined();
    expect(one.ingress.map((r: any) => r.from)).toEqual(["orchestrators", "monitoring"]);
    // adding a region gives the redeemer an address and a name, and moves nothing
    expect([two.privateIp, two.subnet, two.zone]).toEqual([one.privateIp, one.subnet, one.zone]);
  });

  test("an existing AWS network elsewhere must name its orchestrators' egress (NAT) addresses", () => {
    const raw = twoRegions();
    raw.regions[1].network = {
      existing: {
        vpcId: "vpc-0123456789abcdef0", cidr: "10.50.0.0/16",
        publicSubnetIds: { "us-west-2a": "subnet-0123456789abcdef0", "us-west-2b": "subnet-0123456789abcdef1" },
        privateSubnetIds: { "us-west-2a": "subnet-0123456789abcdef2", "us-west-2b": "subnet-0123456789abcdef3" },
      },
    };
    raw.regions[1].orchestrators[0].privateIp = "10.50.0.10";
    const err = loadError(raw);
    expect(err.issues.map((i: any) => i.path)).toEqual(["regions[1].network.existing.egressIps"]);
    expect(err.issues[0].message).toContain("us-west-2a");
    raw.regions[1].network.existing.egressIps = { "us-west-2a": "203.0.113.7" };
    expect(() => load(raw)).not.toThrow();
  });

  test("the hostname label `redeemer` is reserved", () => {
    const raw = referenceRaw();
    raw.regions[0].orchestrators[0].hostname = "redeemer";
    expect(loadError(raw).issues.map((i: any) => i.path)).toEqual(["regions[0].orchestrators[0].hostname"]);
  });
});
