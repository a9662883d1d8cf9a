/** go-livepeer argv per role for the reference fleet (livepeer.md §1–2, §10). */
import { buildLayout } from "../../src/layout/layout";
import { formatArgv, rpcProxyUrl } from "../../src/layout/argv";
import type { FleetLayout, PinnedNodeLayout } from "../../src/layout/types";
import { load, referenceRaw, mutated, fixtureKey, FIXTURE_ADDRESSES, euRegion, secretPlaintexts } from "../helpers/spec";

const REG = "0x254047e5Bb2e8D0B84Ad98753257251014BEc3aD";
const O1 = "0x895faB0601580556d2a6F5C4C7319241664f6af6";
const O2 = "0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce";
const RD = "0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b";
const ETH_URL = "http://127.0.0.1:4000/livepeer/evm/42161";
const chain = (acct: string) => [
  "-network", "arbitrum-one-mainnet",
  "-ethUrl", ETH_URL,
  "-ethAcctAddr", acct,
  "-ethKeystorePath", "/secrets/keystore",
  "-ethPassword", "/secrets/eth-password",
  "-dataDir", "/data",
];

const layoutOf = (raw: any): FleetLayout => buildLayout(load(raw));
const ref = layoutOf(referenceRaw());
const use1 = ref.regions[0];
const o = (name: string) => use1.orchestrators.find((n) => n.name === name)!;

/** The value after `flag`, asserting the flag appears exactly once. */
function flag(argv: string[], f: string): string {
  const idx = argv.flatMap((a, i) => (a === f ? [i] : []));
  expect(idx).toHaveLength(1);
  return argv[idx[0] + 1];
}
/** Every argv of a layout: pinned nodes and worker groups, and the container args. */
function allArgv(l: FleetLayout): { who: string; argv: string[] }[] {
  return l.regions.flatMap((r) => [
    ...[...r.orchestrators, ...(r.redeemer ? [r.redeemer] : []), ...(r.reward ? [r.reward] : [])].map((n: PinnedNodeLayout) => ({ who: n.name, argv: n.argv })),
    ...r.workerGroups.map((g) => ({ who: g.name, argv: g.argv })),
  ]);
}

describe("reference fleet: exact argv per role", () => {
  test("orchestrator o1", () => {
    expect(o("o1").argv).toEqual([
      "-orchestrator",
      ...chain(O1),
      "-ethOrchAddr", REG,
      "-serviceAddr", "o1.fleet.example.com:8935",
      "-httpAddr", "0.0.0.0:8935",
      "-cliAddr", "127.0.0.1:7935",
      "-orchSecret", "/secrets/orch-secret",
      "-maxSessions", "auto",
      "-reward=false",
      "-redeemerAddr", "10.40.1.243:8935",
      "-pricePerUnit", "1200",
      "-pixelsPerUnit", "1",
      "-autoAdjustPrice=true",
      // the region has an AI pool: the O prices its models from this file
      "-aiModels",
      "/etc/livepeer/ai-models.json",
      "-monitor",
      "-v", "3",
    ]);
  });

  test("orchestrator o2 differs only in its wallet and its own serviceAddr", () => {
    const a = o("o1").argv;
    const b = o("o2").argv;
    expect(flag(b, "-ethAcctAddr")).toBe(O2);
    expect(flag(b, "-serviceAddr")).toBe("o2.fleet.example.com:8935");
    const diff = a.flatMap((x, i) => (x !== b[i] ? [i] : []));
    expect(diff.map((i) => a[i - 1])).toEqual(["-ethAcctAddr", "-serviceAddr"]);
  });

  test("every O: -redeemerAddr is the redeemer's private address on 8935", () => {
    for (const n of use1.orchestrators) expect(flag(n.argv, "-redeemerAddr")).toBe(`${use1.redeemer!.privateIp}:8935`);
    expect(use1.redeemer!.privateIp).toBe("10.40.1.243");
  });

  test("transcoder group t4-o1", () => {
    const g = use1.workerGroups.find((w) => w.name === "t4-o1")!;
    expect(g.argv).toEqual([
      "-transcoder",
      "-orchAddr", "10.40.0.204:8935",
      "-orchSecret", "/secrets/orch-secret",
      "-cliAddr", "127.0.0.1:6935",
      "-nvidia", "all",
      "-maxSessions", "20",
      "-dataDir", "/data",
      "-monitor",
      "-v", "3",
    ]);
  });

  test("each transcoder group dials its own O's private address", () => {
    for (const g of use1.workerGroups) {
      expect(flag(g.argv, "-orchAddr")).toBe(`${o(g.orchestrator).privateIp}:8935`);
    }
    expect(new Set(use1.workerGroups.map((g) => flag(g.argv, "-orchAddr"))).size).toBe(use1.orchestrators.length);
  });

  test("redeemer", () => {
    expect(use1.redeemer!.argv).toEqual([
      "-redeemer",
      ...chain(RD),
      "-ethOrchAddr", REG,
      "-httpAddr", "0.0.0.0:8935",
      "-cliAddr", "127.0.0.1:7935",
      "-reward=false",
      "-monitor",
      "-v", "3",
    ]);
  });

  test("reward node, mode node: the registered key, no -ethOrchAddr", () => {
    expect(use1.reward!.argv).toEqual([
      "-reward=true",
      ...chain(REG),
      "-cliAddr", "127.0.0.1:7935",
      "-maxGasPrice", "1000000000",
      "-monitor",
      "-v", "3",
    ]);
    expect(use1.reward!.argv).not.toContain("-ethOrchAddr");
  });
});

describe("reward modes", () => {
  const delegated = layoutOf(
    mutated((r) => {
      r.images.livepeer = "livepeer/go-livepeer:v0.9.2";
      Object.assign(r.reward, { mode: "delegated", address: FIXTURE_ADDRESSES.delegated, keystore: fixtureKey("delegated.json"), maxGasPrice: 5000000000 });
    }),
  );
  test("delegated: its own key acting for the registered address", () => {
    expect(delegated.regions[0].reward!.argv).toEqual([
      "-reward=true",
      ...chain(FIXTURE_ADDRESSES.delegated),
      "-ethOrchAddr", REG,
      "-cliAddr", "127.0.0.1:7935",
      "-maxGasPrice", "5000000000",
      "-monitor",
      "-v", "3",
    ]);
  });

  const external = layoutOf(mutated((r) => (r.reward = { mode: "external", description: "OrchestratorSiphon" })));
  test.each<[string, FleetLayout, number]>([
    ["node", ref, 1],
    ["delegated", delegated, 1],
    ["external", external, 0],
  ])("mode %s: exactly %d argv with -reward=true; every O and redeemer says -reward=false", (_m, l, n) => {
    const argvs = allArgv(l);
    expect(argvs.filter((a) => a.argv.includes("-reward=true")).map((a) => a.who)).toEqual(n ? ["reward"] : []);
    expect(argvs.filter((a) => a.argv.some((x) => x === "-reward" || x === "-reward=true") && a.who !== "reward")).toEqual([]);
    for (const r of l.regions) for (const n of [...r.orchestrators, ...(r.redeemer ? [r.redeemer] : [])]) expect(n.argv).toContain("-reward=false");
    expect(l.regions.every((r) => r.reward === undefined)).toBe(n === 0);
  });
});

describe("argv invariants", () => {
  const fleets: [string, FleetLayout][] = [
    ["reference", ref],
    [
      "two regions, pricing options, verbose",
      layoutOf(
        mutated((r) => {
          r.regions.push(euRegion());
          r.pricing = { pricePerUnit: "0.50USD", pixelsPerUnit: 1000, autoAdjustPrice: false, ticketEV: "8000000000", maxFaceValue: "1000000000000" };
          r.logVerbosity = 6;
        }),
      ),
    ],
  ];

  test.each(fleets)("%s: no argv holds a secret plaintext (nor does the layout)", (_n, l) => {
    const raw = mutated((r) => r.regions.push(euRegion()));
    const secrets = secretPlaintexts(raw);
    expect(secrets.length).toBeGreaterThanOrEqual(7);
    const text = JSON.stringify(allArgv(l)) + JSON.stringify(l);
    for (const s of secrets) expect(text).not.toContain(s);
    expect(text).not.toMatch(/FAKE-API-KEY|throwaway-test-password|throwaway-test-orch-secret|example-rpc/);
  });

  test.each(fleets)("%s: every role has a -cliAddr, always on 127.0.0.1", (_n, l) => {
    for (const { who, argv } of allArgv(l)) {
      expect([who, flag(argv, "-cliAddr")]).toEqual([who, expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);
    }
  });

  test.each(fleets)("%s: -ethUrl is the loopback RPC proxy; workers carry no chain flags", (_n, l) => {
    for (const { who, argv } of allArgv(l)) {
      if (argv[0] === "-transcoder" || argv[0] === "-aiWorker") {
        expect([who, argv.filter((a) => /^-eth|^-network$|^-redeemer|^-reward/.test(a))]).toEqual([who, []]);
      } else {
        expect(new URL(flag(argv, "-ethUrl")).hostname).toBe("127.0.0.1");
        expect(flag(argv, "-ethKeystorePath")).toBe("/secrets/keystore");
        expect(flag(argv, "-ethPassword")).toBe("/secrets/eth-password");
      }
    }
  });

  test.each(fleets)("%s: secrets are passed as file paths only", (_n, l) => {
    for (const { argv } of allArgv(l)) {
      if (argv.includes("-orchSecret")) expect(flag(argv, "-orchSecret")).toBe("/secrets/orch-secret");
    }
  });

  test("pricing options reach every O", () => {
    const [, l] = fleets[1];
    for (const r of l.regions) {
      for (const n of r.orchestrators) {
        expect(flag(n.argv, "-pricePerUnit")).toBe("0.50USD");
        expect(flag(n.argv, "-pixelsPerUnit")).toBe("1000");
        expect(n.argv).toContain("-autoAdjustPrice=false");
        expect(flag(n.argv, "-ticketEV")).toBe("8000000000");
        expect(flag(n.argv, "-maxFaceValue")).toBe("1000000000000");
        expect(flag(n.argv, "-v")).toBe("6");
      }
    }
  });

  test("-maxSessions of a transcoder = GPUs × sessions per GPU", () => {
    const l = layoutOf(mutated((r) => Object.assign(r.regions[0].workers[0], { instanceType: "g6.12xlarge", gpu: { model: "L4", count: 4 }, sessionsPerGpu: 7 })));
    const transcoders = l.regions[0].workerGroups.filter((g) => g.kind === "transcoder");
    expect(transcoders).toHaveLength(2);
    for (const g of transcoders) {
      expect(flag(g.argv, "-maxSessions")).toBe("28");
      expect(g.capacity).toEqual({ gpuModel: "L4", gpusPerInstance: 4, sessionsPerInstance: 28, maxSessions: 28 * 4 });
    }
  });

  test("an O without a redeemer gets no -redeemerAddr", () => {
    const l = layoutOf(mutated((r) => delete r.redeemer));
    for (const n of l.regions[0].orchestrators) expect(n.argv).not.toContain("-redeemerAddr");
    expect(l.regions[0].redeemer).toBeUndefined();
  });

  test("an explicit hostname becomes the O's -serviceAddr", () => {
    const l = layoutOf(mutated((r) => (r.regions[0].orchestrators[0].hostname = "node-a")));
    expect(flag(l.regions[0].orchestrators[0].argv, "-serviceAddr")).toBe("node-a.fleet.example.com:8935");
  });
});

describe("helpers", () => {
  test("rpcProxyUrl is loopback with Arbitrum One's chain id", () => expect(rpcProxyUrl("arbitrum-one-mainnet")).toBe(ETH_URL));
  test.each<[string[], string]>([
    [["-v", "3"], "-v 3"],
    [["-x", "a b"], '-x "a b"'],
    [["-x", "$HOME"], '-x "$HOME"'],
  ])("formatArgv(%j)", (argv, s) => expect(formatArgv(argv)).toBe(s));
});

describe("per-region pricing and per-gateway prices", () => {
  const flagOf = (argv: string[], f: string) => (argv.includes(f) ? argv[argv.indexOf(f) + 1] : undefined);
  test("a region's pricing overrides the fleet's field by field; other regions keep the fleet's", () => {
    const raw = referenceRaw();
    raw.regions.push(euRegion());
    raw.regions[1].pricing = { pricePerUnit: "900", ticketEV: "9000000000" };
    const l = buildLayout(load(raw));
    const [us, eu] = [l.regions[0].orchestrators[0].argv, l.regions[1].orchestrators[0].argv];
    expect([flagOf(us, "-pricePerUnit"), flagOf(us, "-ticketEV"), flagOf(us, "-pixelsPerUnit")]).toEqual(["1200", undefined, "1"]);
    expect([flagOf(eu, "-pricePerUnit"), flagOf(eu, "-ticketEV"), flagOf(eu, "-pixelsPerUnit")]).toEqual(["900", "9000000000", "1"]);
  });

  test("pricePerGateway renders go-livepeer's JSON list, amounts kept exactly", () => {
    const raw = referenceRaw();
    raw.pricing.pricePerGateway = [
      { address: "0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce", pricePerUnit: "0.3", currency: "USD", pixelsPerUnit: "1000000000000" },
      { address: "0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b", pricePerUnit: "123456789012345678901" },
    ];
    const argv = buildLayout(load(raw)).regions[0].orchestrators[0].argv;
    expect(flagOf(argv, "-pricePerGateway")).toBe(
      '{"gateways":[{"ethaddress":"0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce","priceperunit":0.3,"currency":"USD","pixelsperunit":1000000000000},' +
        '{"ethaddress":"0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b","priceperunit":123456789012345678901,"pixelsperunit":1}]}',
    );
    expect(JSON.parse(flagOf(argv, "-pricePerGateway")!).gateways).toHaveLength(2);
  });

  test.each([
    ["a bad gateway address", (r: any) => (r.pricing.pricePerGateway = [{ address: "0x123", pricePerUnit: "1" }]), "pricing.pricePerGateway[0].address"],
    ["a wei price with decimals", (r: any) => (r.pricing.pricePerGateway = [{ address: "0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce", pricePerUnit: "1.5" }]), "pricing.pricePerGateway[0].pricePerUnit"],
    ["a lowercase currency", (r: any) => (r.pricing.pricePerGateway = [{ address: "0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce", pricePerUnit: "1.5", currency: "usd" }]), "pricing.pricePerGateway[0].currency"],
    ["a region price that is not a price", (r: any) => (r.regions[0].pricing = { pricePerUnit: "cheap" }), "regions[0].pricing.pricePerUnit"],
  ])("refused: %s", (_n, m, path) => {
    const raw = referenceRaw();
    m(raw);
    expect(() => load(raw)).toThrow();
    try { load(raw); } catch (e: any) { expect(e.issues.map((i: any) => i.path)).toEqual([path]); }
  });
});
