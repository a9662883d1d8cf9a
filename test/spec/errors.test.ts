/** One FleetConfigError listing every problem: path, value, what is accepted. */
import { FleetConfigError, formatIssues, formatValue, pathToString } from "../../src/spec/errors";
import { loadFleet } from "../../src/spec/validate";
import { loadError, mutated, euRegion, REF_DIR } from "../helpers/spec";

describe("errors.ts", () => {
  test.each<[(string | number)[], string]>([
    [[], ""],
    [["name"], "name"],
    [["regions", 1, "workers", 0, "maxSize"], "regions[1].workers[0].maxSize"],
    [["rpcUrls", 0], "rpcUrls[0]"],
  ])("pathToString(%j) = %j", (p, s) => expect(pathToString(p)).toBe(s));

  test.each<[unknown, string]>([
    [undefined, "(missing)"],
    ["x", '"x"'],
    [0, "0"],
    [["a"], '["a"]'],
    ["y".repeat(200), `"${"y".repeat(116)}...`],
  ])("formatValue(%j)", (v, s) => expect(formatValue(v)).toBe(s));

  test("formatIssues: a count line, then one line per issue", () => {
    expect(
      formatIssues([
        { path: "regions[1].workers[0].maxSize", value: 0, message: "must be ≥ minSize (1)" },
        { path: "", value: undefined, message: "is required" },
      ]),
    ).toBe("invalid fleet spec: 2 problems\n  - regions[1].workers[0].maxSize: must be ≥ minSize (1) (got 0)\n  - (spec): is required");
    expect(formatIssues([{ path: "a", value: 1, message: "m" }])).toMatch(/^invalid fleet spec: 1 problem\n/);
  });

  test("FleetConfigError is an Error carrying its issues", () => {
    const e = new FleetConfigError([{ path: "a", value: 1, message: "m" }]);
    expect(e).toBeInstanceOf(Error);
    expect(e.name).toBe("FleetConfigError");
    expect(e.issues).toHaveLength(1);
  });
});

describe("every problem is reported at once", () => {
  test("six rule violations across the spec → one error, six issues, each with path, value and what is accepted", () => {
    const err = loadError(
      mutated((r) => {
        r.registeredAddress = r.registeredAddress.toLowerCase();
        r.reward.address = r.reward.address.toLowerCase();
        r.images.livepeer = "livepeer/go-livepeer:latest";
        r.serviceUri = "http://orch.fleet.example.com:8935";
        r.pricing.pricePerUnit = "cheap";
        r.regions.push(euRegion());
        r.regions[1].workers[0].minSize = 5;
      }),
    );
    expect(err.issues.map((i) => i.path).sort()).toEqual(
      ["images.livepeer", "pricing.pricePerUnit", "regions[1].workers[0].maxSize", "registeredAddress", "reward.address", "serviceUri"].sort(),
    );
    expect(err.message).toMatch(/^invalid fleet spec: 6 problems\n/);
    expect(err.message).toContain('  - regions[1].workers[0].maxSize: must be ≥ minSize (5) (got 3)');
    expect(err.message).toContain('  - images.livepeer: uses the floating tag `latest`; accepted: `repo:tag`');
    expect(err.message).toContain('(got "http://orch.fleet.example.com:8935")');
    for (const i of err.issues) expect(i.message.length).toBeGreaterThan(10);
  });

  test("structural problems are all reported together too", () => {
    const err = loadError(
      mutated((r) => {
        r.colour = "blue";
        r.regions[0].workers[0].gpu.count = 0;
        delete r.reward.mode;
        r.regions[0].orchestrators[1].name = "O2";
        r.dns.ttl = "60";
      }),
    );
    expect(err.issues.map((i) => i.path).sort()).toEqual(
      ["colour", "dns.ttl", "regions[0].orchestrators[1].name", "regions[0].workers[0].gpu.count", "reward.mode"].sort(),
    );
    expect(err.issues.find((i) => i.path === "colour")!.message).toMatch(/unknown field/);
  });

  test("each unknown field is its own issue with its own path", () => {
    const err = loadError(
      mutated((r) => {
        r.regions[0].foo = 1;
        r.regions[0].bar = 2;
        r.regions[0].orchestrators[0].sshKey = "x";
      }),
    );
    expect(err.issues.map((i) => [i.path, i.value])).toEqual(
      expect.arrayContaining([
        ["regions[0].foo", "foo"],
        ["regions[0].bar", "bar"],
        ["regions[0].orchestrators[0].sshKey", "sshKey"],
      ]),
    );
    expect(err.issues).toHaveLength(3);
  });

  test.each<[string, unknown]>([
    ["undefined", undefined],
    ["null", null],
    ["a string", "fleet"],
    ["an array", []],
    ["an empty object", {}],
  ])("a spec that is %s is refused with a FleetConfigError", (_n, raw) => {
    expect(() => loadFleet(raw, { baseDir: REF_DIR })).toThrow(FleetConfigError);
  });

  test("an empty object names every required top-level field", () => {
    let err: FleetConfigError | undefined;
    try {
      loadFleet({}, { baseDir: REF_DIR });
    } catch (e) {
      err = e as FleetConfigError;
    }
    expect(err!.issues.map((i) => i.path).sort()).toEqual(["dns", "images", "name", "network", "pricing", "regions", "registeredAddress", "reward", "rpcUrls", "serviceUri"].sort());
    for (const i of err!.issues) expect(i.message).toMatch(/^is required/);
  });

  test("a region without orchestrators, and a fleet without regions", () => {
    const e1 = loadError(mutated((r) => (r.regions[0].orchestrators = [])));
    expect(e1.issues.map((i) => i.path)).toContain("regions[0].orchestrators");
    const e2 = loadError(mutated((r) => (r.regions = [])));
    expect(e2.issues.map((i) => i.path)).toEqual(expect.arrayContaining(["regions", "reward.region", "redeemer.region"]));
  });
});

describe("one round of fixes: structural problems do not hide standalone ones", () => {
  const { referenceRaw, loadError } = require("../helpers/spec");
  test("a typo, an unquoted address, a wrong port and a `latest` image are all reported at once", () => {
    const raw = referenceRaw();
    raw.registerdAddress = raw.registeredAddress; // typo
    delete raw.registeredAddress;
    raw.regions[0].orchestrators[0].address = 0x895fab0601580556d2a6f5c4c7319241664f6af6; // unquoted in YAML
    raw.serviceUri = "https://orch.fleet.example.com:443";
    raw.images.livepeer = "livepeer/go-livepeer:latest";
    raw.redeemer.address = "0x70d9c47ab12b8a6f0aaf79d68d3f9b0591f2151b"; // not checksummed
    const paths = loadError(raw).issues.map((i: any) => i.path).sort();
    expect(paths).toEqual([
      "images.livepeer",
      "redeemer.address",
      "regions[0].orchestrators[0].address",
      "registerdAddress",
      "registeredAddress",
      "serviceUri",
    ]);
  });
});

test("a region that is well-formed on its own gets its cloud checks even when another part of the spec is malformed", () => {
  const { referenceRaw, loadError } = require("../helpers/spec");
  const raw = referenceRaw();
  raw.regions[0].workers[0].sesionsPerGpu = 20; // typo: the region itself is malformed now…
  delete raw.regions[0].workers[0].sessionsPerGpu;
  raw.regions.push({
    name: "euw4", cloud: "gcp", region: "europe-west4", project: "lpf-example-eu",
    machineImages: { cpu: "projects/lpf-example-eu/global/images/cpu-1", gpu: "projects/lpf-example-eu/global/images/gpu-1" },
    network: { managed: { zones: ["europe-west4-a", "europe-west4-b"] } },
    orchestrators: [{ name: "o9", zone: "us-east-1a", address: "0x895faB0601580556d2a6F5C4C7319241664f6af6", keystore: "keys/o1.json", password: "x-password-x" }],
    workers: [{ name: "t4", kind: "transcoder", instanceType: "g2-standard-4", gpu: { model: "T4", count: 1 }, sessionsPerGpu: 20, minSize: 0, maxSize: 2 }],
  });
  const paths = loadError(raw).issues.map((i: any) => i.path).sort();
  // …but the well-formed GCP region still reports its wrong zone and its T4 on a G2 machine in the same round
  expect(paths).toEqual(expect.arrayContaining(["regions[1].orchestrators[0].zone", "regions[1].workers[0].instanceType", "regions[0].workers[0].sesionsPerGpu"]));
});
