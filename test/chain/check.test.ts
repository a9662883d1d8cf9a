/** chain check rules, pure: who must hold ETH, thresholds, URI comparison, the findings; the unsigned tx. */
import { Interface, parseEther } from "ethers";
import { evaluate, fundedAccounts, normalizeServiceUri, ChainReadings } from "../../src/chain/check";
import { serviceUriTransaction } from "../../src/chain/serviceUri";
import { load, mutated, expectIssues, referenceRaw } from "../helpers/spec";

const ref = () => load(referenceRaw()).spec;
const REG = "0x254047e5Bb2e8D0B84Ad98753257251014BEc3aD";
const REDEEMER = "0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b";

describe("fundedAccounts", () => {
  test("reward caller and redeemer, with default thresholds", () => {
    expect(fundedAccounts(ref()).map((a) => [a.node, a.address, a.minEth, a.field])).toEqual([
      ["reward", REG, "0.01", "funding.minEthReward"],
      ["redeemer", REDEEMER, "0.02", "funding.minEthRedeemer"],
    ]);
  });

  test("without a redeemer every orchestrator redeems its own tickets; thresholds from the spec", () => {
    const spec = load(
      mutated((r) => {
        delete r.redeemer;
        r.funding = { minEthOrchestrator: "0.5", minEthReward: 1 };
      }),
    ).spec;
    expect(fundedAccounts(spec).map((a) => [a.node, a.min])).toEqual([
      ["reward", parseEther("1")],
      ["o1", parseEther("0.5")],
      ["o2", parseEther("0.5")],
    ]);
  });

  test("an external reward caller is not checked", () => {
    const spec = load(mutated((r) => (r.reward = { mode: "external", description: "OrchestratorSiphon" }))).spec;
    expect(fundedAccounts(spec).map((a) => a.node)).toEqual(["redeemer"]);
  });

  test("bad thresholds are spec errors", () => {
    expectIssues(mutated((r) => (r.funding = { minEthRedeemer: "lots", minEthReward: "0.1234567890123456789" })), [
      ["funding.minEthRedeemer", /must be an ETH amount like `0.02`/],
      ["funding.minEthReward", /at most 18 decimals/],
    ]);
    expectIssues(mutated((r) => (r.funding = { minEth: "1" })), [["funding.minEth", /unknown field/]]);
  });
});

test.each<[string, string, boolean]>([
  ["https://orch.fleet.example.com:8935", "https://orch.fleet.example.com:8935", true],
  ["https://ORCH.fleet.example.com:8935/", "https://orch.fleet.example.com:8935", true],
  [" https://orch.fleet.example.com:8935 ", "https://orch.fleet.example.com:8935", true],
  ["https://orch.fleet.example.com", "https://orch.fleet.example.com:8935", false],
  ["http://orch.fleet.example.com:8935", "https://orch.fleet.example.com:8935", false],
  ["https://old.fleet.example.com:8935", "https://orch.fleet.example.com:8935", false],
])("service URI %j vs %j → same: %s", (a, b, same) => {
  expect(normalizeServiceUri(a) === normalizeServiceUri(b)).toBe(same);
});

describe("evaluate", () => {
  const readings = (over: Partial<ChainReadings> = {}): ChainReadings => ({
    chainId: 42161,
    controller: "0xD8E8328501E9645d16Cf49539efC04f734606ee4",
    serviceRegistry: "0xC92d3A360b8f9e083bA64DE15d95Cf8180897431",
    bondingManager: "0x35Bcf3c30594191d53231E4FF333E8A770453e40",
    serviceUri: "https://orch.fleet.example.com:8935",
    transcoder: { status: "Registered", active: true },
    balances: { [REG]: parseEther("1"), [REDEEMER]: parseEther("1") },
    ...over,
  });
  const fails = (r: ChainReadings) => evaluate(ref(), r).lines.filter((l) => !l.ok).map((l) => `${l.what}: ${l.detail}`);

  test("all good", () => {
    const { lines, notes } = evaluate(ref(), readings());
    expect(lines.map((l) => [l.what, l.ok])).toEqual([
      ["chain", true],
      ["service URI", true],
      ["registration", true],
      ["balance reward", true],
      ["balance redeemer", true],
    ]);
    expect(notes).toEqual([]);
  });

  test.each<[string, Partial<ChainReadings>, RegExp]>([
    ["URI mismatch", { serviceUri: "https://old.example.net:8935" }, /^service URI: on chain "https:\/\/old\.example\.net:8935" .* but the fleet's is "https:\/\/orch\.fleet\.example\.com:8935"/],
    ["URI unset", { serviceUri: "" }, /^service URI: no service URI is registered for 0x2540/],
    ["not registered", { transcoder: { status: "NotRegistered", active: false } }, /^registration: .* is not a registered orchestrator \(status NotRegistered\)/],
    ["registered, not active", { transcoder: { status: "Registered", active: false } }, /^registration: .* registered but not in the active set/],
    ["low balance", { balances: { [REG]: parseEther("1"), [REDEEMER]: parseEther("0.0199") } }, /^balance redeemer: 0x70d9.* holds 0\.0199 ETH, below funding\.minEthRedeemer 0\.02 ETH/],
    ["no balance read (zero)", { balances: { [REDEEMER]: parseEther("1") } }, /^balance reward: .* holds 0\.0 ETH, below funding\.minEthReward 0\.01 ETH/],
  ])("%s", (_n, over, re) => {
    const f = fails(readings(over));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatch(re);
  });

  test("a balance exactly at the threshold passes", () => {
    expect(fails(readings({ balances: { [REG]: parseEther("0.01"), [REDEEMER]: parseEther("0.02") } }))).toEqual([]);
  });

  test("an external reward caller's description is printed without control characters", () => {
    const spec = load(mutated((r) => (r.reward = { mode: "external", description: "siphon \u001b]0;x\u0007on host" }))).spec;
    const notes = evaluate(spec, readings()).notes;
    expect(notes[0]).toContain("siphon \\u001b]0;x\\u0007on host");
    expect(notes.join("\n")).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
  });

  test("a ServiceRegistry other than the published one is noted", () => {
    expect(evaluate(ref(), readings({ serviceRegistry: "0x0000000000000000000000000000000000001234" })).notes[0]).toMatch(/resolves ServiceRegistry to 0x0000000000000000000000000000000000001234, not the published/);
  });
});

test("the unsigned setServiceURI transaction", () => {
  const spec = ref();
  const tx = serviceUriTransaction(spec);
  expect(tx).toMatchObject({ from: REG, to: "0xC92d3A360b8f9e083bA64DE15d95Cf8180897431", value: "0", chainId: 42161 });
  const iface = new Interface(["function setServiceURI(string)"]);
  expect(tx.data.slice(0, 10)).toBe(iface.getFunction("setServiceURI")!.selector);
  expect(iface.decodeFunctionData("setServiceURI", tx.data)[0]).toBe("https://orch.fleet.example.com:8935");
  expect(serviceUriTransaction(spec, "0x0000000000000000000000000000000000001234").to).toBe("0x0000000000000000000000000000000000001234");
});
