/**
 * Numbers: wei amounts written as YAML numbers must be exact (safe integers), counts and sizes have upper
 * bounds, `reward.maxGasPrice` is a real cap (> 0), and currency prices are USD only (go-livepeer's feed).
 */
import { parse } from "yaml";
import { load, mutated, expectIssues } from "../helpers/spec";

type M = (r: any) => void;
const W = "regions[0].workers[0]";
const pool = (patch: Record<string, unknown>): M => (r) => Object.assign(r.regions[0].workers[0], patch);
const QUOTE = /write it as a quoted string/;

describe("wei amounts written as YAML numbers must be exact", () => {
  test.each<[string, M, string]>([
    ["pricePerUnit above 2^53", (r) => (r.pricing.pricePerUnit = 2 ** 53 + 2), "pricing.pricePerUnit"],
    ["pricePerUnit 1e21 (exponent)", (r) => (r.pricing.pricePerUnit = 1e21), "pricing.pricePerUnit"],
    ["ticketEV above 2^53", (r) => (r.pricing.ticketEV = 12345678901234567890), "pricing.ticketEV"],
    ["maxFaceValue above 2^53", (r) => (r.pricing.maxFaceValue = 1e18), "pricing.maxFaceValue"],
    ["pixelsPerUnit above 2^53", (r) => (r.pricing.pixelsPerUnit = 1e20), "pricing.pixelsPerUnit"],
    ["maxGasPrice above 2^53", (r) => (r.reward.maxGasPrice = 99999999999999999999), "reward.maxGasPrice"],
    ["a region's pricePerUnit above 2^53", (r) => (r.regions[0].pricing = { pricePerUnit: 1e19 }), "regions[0].pricing.pricePerUnit"],
    ["a gateway price above 2^53", (r) => (r.pricing.pricePerGateway = [{ address: "0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce", pricePerUnit: 1e30 }]), "pricing.pricePerGateway[0].pricePerUnit"],
    ["a fractional wei amount", (r) => (r.pricing.ticketEV = 1.5), "pricing.ticketEV"],
  ])("refused: %s", (_n, m, p) => {
    const [issue] = expectIssues(mutated(m), [[p, QUOTE]]);
    expect(issue.message).toMatch(/integer wei amount/);
  });

  test("a hex number (0x1F in YAML) cannot be told from 31, but a big one is refused", () => {
    const big = parse("v: 0x1FFFFFFFFFFFFFFF").v as number;
    expectIssues(mutated((r) => (r.pricing.pricePerUnit = big)), [["pricing.pricePerUnit", QUOTE]]);
  });

  test.each<[string, M, (s: any) => unknown, unknown]>([
    ["the same amount quoted", (r) => (r.pricing.maxFaceValue = "1000000000000000000"), (s) => s.pricing.maxFaceValue, "1000000000000000000"],
    ["a safe integer", (r) => (r.pricing.ticketEV = 2 ** 53 - 1), (s) => s.pricing.ticketEV, String(2 ** 53 - 1)],
    ["maxGasPrice as a number", (r) => (r.reward.maxGasPrice = 2000000000), (s) => s.reward.maxGasPrice, "2000000000"],
    ["a gateway USD price as a YAML decimal", (r) => (r.pricing.pricePerGateway = [{ address: "0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce", pricePerUnit: 0.3, currency: "USD" }]), (s) => s.pricing.pricePerGateway[0].pricePerUnit, "0.3"],
  ])("accepted: %s", (_n, m, get, want) => expect(get(load(mutated(m)).spec)).toBe(want));
});

describe("upper bounds on counts and sizes", () => {
  test.each<[string, M, string, RegExp]>([
    ["9 GPUs per instance (no AWS or GCP machine carries more than 8)", pool({ gpu: { model: "T4", count: 9 } }), `${W}.gpu.count`, /must be ≤ 8/],
    ["1001 sessions per GPU", pool({ sessionsPerGpu: 1001 }), `${W}.sessionsPerGpu`, /must be ≤ 1000/],
    ["maxSize 1001", pool({ maxSize: 1001 }), `${W}.maxSize`, /must be ≤ 1000/],
    ["maxSize 1e20 (a YAML float)", pool({ maxSize: 1e20 }), `${W}.maxSize`, /must be ≤ 1000/],
    ["a worker root volume of 16385 GiB", pool({ rootVolumeGb: 16385 }), `${W}.rootVolumeGb`, /must be ≤ 16384/],
    ["an orchestrator root volume of 20000 GiB", (r) => (r.regions[0].orchestrators[0].rootVolumeGb = 20000), "regions[0].orchestrators[0].rootVolumeGb", /must be ≤ 16384/],
    ["a redeemer data volume of 16385 GiB", (r) => (r.redeemer.dataVolumeGb = 16385), "redeemer.dataVolumeGb", /must be ≤ 16384/],
    ["a reward root volume of 2^60 GiB", (r) => (r.reward.rootVolumeGb = 2 ** 60), "reward.rootVolumeGb", /must be ≤ 16384/],
    ["an on-demand base of 1001", pool({ spot: { onDemandBase: 1001 } }), `${W}.spot.onDemandBase`, /must be ≤ 1000/],
  ])("refused: %s", (_n, m, p, re) => void expectIssues(mutated(m), [[p, re]]));

  test("minSize and desiredSize 1001 instances: each bound named", () => {
    expectIssues(mutated(pool({ minSize: 1001, maxSize: 1000 })), [[`${W}.minSize`, /must be ≤ 1000 \(1000 instances\)/], [`${W}.maxSize`, /must be ≥ minSize \(1001\)/]]);
    expectIssues(mutated(pool({ desiredSize: 1001 })), [[`${W}.desiredSize`, /must be ≤ 1000/], [`${W}.desiredSize`, /between minSize/]]);
  });
  test("sizes in sessions go up to 1000 instances of the largest type", () => {
    expect(() => load(mutated(pool({ sizeUnit: "sessions", minSize: 20, maxSize: 20000 })))).not.toThrow();
    expectIssues(mutated(pool({ sizeUnit: "sessions", minSize: 20, maxSize: 20001 })), [[`${W}.maxSize`, /must be ≤ 20000 \(1000 instances of 20 sessions\)/]]);
  });

  test.each<[string, M, string]>([
    ["a DNS TTL of 2^60", (r) => (r.dns.ttl = 2 ** 60), "dns.ttl"],
    ["a secretsVersion of 1e20", (r) => (r.secretsVersion = 1e20), "secretsVersion"],
  ])("an unbounded count above 2^53 is refused: %s", (_n, m, p) => void expectIssues(mutated(m), [[p, /integer below 2\^53/]]));

  test("the bounds themselves are accepted", () => {
    const w = load(mutated(pool({ instanceType: "g4dn.metal", gpu: { model: "T4", count: 8 }, sessionsPerGpu: 1000, minSize: 1000, maxSize: 1000, desiredSize: 1000, rootVolumeGb: 16384 }))).spec.regions[0].workers[0] as any;
    expect([w.gpu.count, w.sessionsPerGpu, w.minSize, w.maxSize, w.desiredSize, w.rootVolumeGb]).toEqual([8, 1000, 1000, 1000, 1000, 16384]);
    expect(load(mutated((r) => (r.redeemer.dataVolumeGb = 16384))).spec.redeemer!.dataVolumeGb).toBe(16384);
  });
});

describe("reward.maxGasPrice is a real cap", () => {
  test.each<[string, unknown]>([
    ["0 as a number", 0],
    ["0 as a string", "0"],
    ["000", "000"],
  ])("refused: %s (0 means no cap in go-livepeer)", (_n, v) => {
    expectIssues(mutated((r) => (r.reward.maxGasPrice = v)), [["reward.maxGasPrice", /must be > 0 wei: 0 means no cap/]]);
  });
  test("1 wei is accepted", () => expect(load(mutated((r) => (r.reward.maxGasPrice = "1"))).spec.reward).toMatchObject({ maxGasPrice: "1" }));
});

describe("currency prices are USD only (go-livepeer's price feed is ETH/USD)", () => {
  const gw = (g: Record<string, unknown>): M => (r) => (r.pricing.pricePerGateway = [{ address: "0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce", pricePerUnit: "0.3", ...g }]);
  test.each<[string, M, [string, RegExp][]]>([
    ["pricePerUnit in EUR", (r) => (r.pricing.pricePerUnit = "0.50EUR"), [["pricing.pricePerUnit", /USD amount .* ETH\/USD only/]]],
    ["pricePerUnit in ETH", (r) => (r.pricing.pricePerUnit = "1ETH"), [["pricing.pricePerUnit", /USD/]]],
    ["pricePerUnit in usd (lowercase)", (r) => (r.pricing.pricePerUnit = "1usd"), [["pricing.pricePerUnit", /USD/]]],
    ["a region's pricePerUnit in GBP", (r) => (r.regions[0].pricing = { pricePerUnit: "0.4GBP" }), [["regions[0].pricing.pricePerUnit", /USD/]]],
    ["a gateway price in EUR", gw({ currency: "EUR" }), [["pricing.pricePerGateway[0].currency", /must be `USD`/]]],
    ["a gateway price in usd", gw({ currency: "usd" }), [["pricing.pricePerGateway[0].currency", /must be `USD`/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test.each<[string, M]>([
    ["0.50USD", (r) => (r.pricing.pricePerUnit = "0.50USD")],
    ["2USD", (r) => (r.pricing.pricePerUnit = "2USD")],
    ["a gateway price in USD", gw({ currency: "USD" })],
  ])("accepted: %s", (_n, m) => expect(() => load(mutated(m))).not.toThrow());
});
