/** Worker pools (sizes, GPU and session counts, spot) and pricing. */
import { load, mutated, expectIssues } from "../helpers/spec";

type M = (r: any) => void;
const pool = (patch: Record<string, unknown>): M => (r) => Object.assign(r.regions[0].workers[0], patch);
const W = "regions[0].workers[0]";

describe("worker pool sizes: min ≤ desired ≤ max", () => {
  test.each<[string, M]>([
    ["min = max", pool({ minSize: 2, maxSize: 2 })],
    ["min = desired = max", pool({ minSize: 2, desiredSize: 2, maxSize: 2 })],
    ["min 0, desired 0 with scaling off (an empty pool you size by hand)", pool({ minSize: 0, desiredSize: 0, maxSize: 4, scaling: false })],
    ["desired between", pool({ minSize: 1, desiredSize: 3, maxSize: 4 })],
    ["spot with an on-demand base", pool({ spot: { onDemandBase: 1, onDemandPercentAboveBase: 25 } })],
  ])("accepted: %s", (_n, m) => expect(() => load(mutated(m))).not.toThrow());

  test.each<[string, M, [string, RegExp][]]>([
    ["min > max", pool({ minSize: 5, maxSize: 4 }), [[`${W}.maxSize`, /must be ≥ minSize \(5\)/]]],
    ["desired < min", pool({ minSize: 2, desiredSize: 1, maxSize: 4 }), [[`${W}.desiredSize`, /between minSize \(2\) and maxSize \(4\)/]]],
    ["desired > max", pool({ desiredSize: 5 }), [[`${W}.desiredSize`, /between minSize \(1\) and maxSize \(4\)/]]],
    ["max 0", pool({ minSize: 0, maxSize: 0 }), [[`${W}.maxSize`, /must be (a positive integer|≥|>)/]]],
    ["min 0 while scaling (an empty group never scales out)", pool({ minSize: 0, maxSize: 4 }), [[`${W}.minSize`, /must be ≥ 1 instance while the pool scales/]]],
    ["negative min", pool({ minSize: -1 }), [[`${W}.minSize`, /must be (a positive integer|≥|>)/]]],
    ["fractional max", pool({ maxSize: 2.5 }), [[`${W}.maxSize`, /expected int/i]]],
    ["size as a string", pool({ maxSize: "4" }), [[`${W}.maxSize`, /expected number, received string/]]],
    ["maxSize missing", (r) => delete r.regions[0].workers[0].maxSize, [[`${W}.maxSize`, /is required/]]],
    ["on-demand base above max", pool({ spot: { onDemandBase: 5 } }), [[`${W}.spot.onDemandBase`, /must be ≤ maxSize \(4\)/]]],
    ["on-demand percentage above 100", pool({ spot: { onDemandPercentAboveBase: 101 } }), [[`${W}.spot.onDemandPercentAboveBase`, /must be (≤|<)/]]],
    ["a bad instance type", pool({ instanceType: "g4dn" }), [[`${W}.instanceType`, /must be an EC2 instance type/]]],
    ["an unknown pool kind", pool({ kind: "gpu" }), [[`${W}.kind`, /must be one of: "transcoder", "ai"/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test("the path names the pool of the second region", () => {
    const { euRegion } = require("../helpers/spec");
    const [issue] = expectIssues(
      mutated((r) => {
        r.regions.push(euRegion());
        r.regions[1].workers[0].maxSize = 0;
        r.regions[1].workers[0].minSize = 0;
      }),
      [["regions[1].workers[0].maxSize", /must be (a positive integer|≥|>)/]],
    );
    expect(issue.value).toBe(0);
  });
});

describe("GPU and session counts are positive integers", () => {
  test.each<[string, M, string]>([
    ["0 GPUs", pool({ gpu: { model: "T4", count: 0 } }), `${W}.gpu.count`],
    ["-1 GPUs", pool({ gpu: { model: "T4", count: -1 } }), `${W}.gpu.count`],
    ["1.5 GPUs", pool({ gpu: { model: "T4", count: 1.5 } }), `${W}.gpu.count`],
    ["GPU count missing", pool({ gpu: { model: "T4" } }), `${W}.gpu.count`],
    ["GPU model missing", pool({ gpu: { count: 1 } }), `${W}.gpu.model`],
    ["0 sessions per GPU", pool({ sessionsPerGpu: 0 }), `${W}.sessionsPerGpu`],
    ["negative sessions per GPU", pool({ sessionsPerGpu: -3 }), `${W}.sessionsPerGpu`],
    ["sessions per GPU missing", (r) => delete r.regions[0].workers[0].sessionsPerGpu, `${W}.sessionsPerGpu`],
  ])("refused: %s", (_n, m, p) => {
    const [issue] = expectIssues(mutated(m), [[p, /./]]);
    expect(issue.message).toMatch(/positive integer|expected int|is required/i);
  });

  test("4 GPUs × 7 sessions is accepted", () => {
    const w = load(mutated(pool({ instanceType: "g6.12xlarge", gpu: { model: "L4", count: 4 }, sessionsPerGpu: 7 }))).spec.regions[0].workers[0] as any;
    expect([w.gpu.count, w.sessionsPerGpu]).toEqual([4, 7]);
  });
});

describe("pricing", () => {
  test.each<[string, unknown, string]>([
    ["wei as a string", "1200", "1200"],
    ["wei as a YAML number", 1200, "1200"],
    ["zero wei", "0", "0"],
    ["a USD amount", "0.50USD", "0.50USD"],
    ["a whole USD amount", "2USD", "2USD"],
  ])("pricePerUnit accepted: %s", (_n, v, out) => {
    expect(load(mutated((r) => (r.pricing.pricePerUnit = v))).spec.pricing.pricePerUnit).toBe(out);
  });

  test.each<[string, M, [string, RegExp][]]>([
    ["pricePerUnit missing", (r) => delete r.pricing.pricePerUnit, [["pricing.pricePerUnit", /is required for an on-chain orchestrator .* `0\.50USD`/]]],
    ["fractional wei", (r) => (r.pricing.pricePerUnit = "1.5"), [["pricing.pricePerUnit", /integer wei amount .* or a currency amount/]]],
    ["negative wei", (r) => (r.pricing.pricePerUnit = "-1"), [["pricing.pricePerUnit", /integer wei amount/]]],
    ["a currency without an amount", (r) => (r.pricing.pricePerUnit = "USD"), [["pricing.pricePerUnit", /integer wei amount/]]],
    // go-livepeer's price feed is ETH/USD: any other currency makes it exit at start (this was accepted before).
    ["a EUR amount", (r) => (r.pricing.pricePerUnit = "0.50EUR"), [["pricing.pricePerUnit", /USD amount .* price feed is ETH\/USD only/]]],
    ["a whole EUR amount", (r) => (r.pricing.pricePerUnit = "2EUR"), [["pricing.pricePerUnit", /USD/]]],
    ["a lowercase usd amount", (r) => (r.pricing.pricePerUnit = "0.50usd"), [["pricing.pricePerUnit", /USD/]]],
    ["exponent notation", (r) => (r.pricing.pricePerUnit = 1e21), [["pricing.pricePerUnit", /integer wei amount/]]],
    ["a boolean", (r) => (r.pricing.pricePerUnit = true), [["pricing.pricePerUnit", /expected string or number, received boolean/]]],
    ["pixelsPerUnit 0", (r) => (r.pricing.pixelsPerUnit = 0), [["pricing.pixelsPerUnit", /integer > 0/]]],
    ["ticketEV in gwei text", (r) => (r.pricing.ticketEV = "8gwei"), [["pricing.ticketEV", /integer wei amount/]]],
    ["maxFaceValue negative", (r) => (r.pricing.maxFaceValue = "-1"), [["pricing.maxFaceValue", /integer wei amount/]]],
    ["an unknown pricing field", (r) => (r.pricing.pricePerGatway = "x"), [["pricing.pricePerGatway", /unknown field/]]],
    ["pricePerGateway not a list", (r) => (r.pricing.pricePerGateway = "x"), [["pricing.pricePerGateway", /expected array/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test("defaults: pixelsPerUnit 1, autoAdjustPrice true", () => {
    const p = load(mutated((r) => delete r.pricing.pixelsPerUnit)).spec.pricing;
    expect([p.pixelsPerUnit, p.autoAdjustPrice]).toEqual(["1", true]);
  });
});
