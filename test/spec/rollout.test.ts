/** `rollout.drainSeconds`: the drain bound of every orchestrator (0..3600, default 600), and where it goes. */
import { load, mutated, expectIssues } from "../helpers/spec";
import { buildLayout } from "../../src/layout/layout";

const ACCEPTED = /accepted: a whole number of seconds from 0 to 3600 \(default 600/;

describe("rollout.drainSeconds", () => {
  test.each<[string, unknown, RegExp]>([
    ["above an hour", 3601, /is above 3600/],
    ["negative", -1, /is below 0/],
    ["fractional", 12.5, /must be a whole number/],
    ["a string", "600", /must be a number/],
    ["a huge YAML float", 1e20, /is above 3600/],
  ])("refused: %s, naming the field, the value and what is accepted", (_n, v, re) => {
    const [issue] = expectIssues(mutated((r) => (r.rollout = { drainSeconds: v })), [["rollout.drainSeconds", re]]);
    expect(issue.message).toMatch(ACCEPTED);
    expect(issue.value).toEqual(v);
  });

  test("an unknown field under rollout is refused by name", () => {
    expectIssues(mutated((r) => (r.rollout = { drainSeconds: 60, drainSecs: 5 })), [["rollout.drainSecs", /unknown field/]]);
  });

  test.each<[string, unknown, number]>([
    ["omitted → 600", undefined, 600],
    ["an empty block → 600", {}, 600],
    ["0 (do not wait for sessions)", { drainSeconds: 0 }, 0],
    ["3600", { drainSeconds: 3600 }, 3600],
  ])("accepted: %s, and every orchestrator's drain agent gets it; workers drain without a bound", (_n, block, want) => {
    const fleet = load(mutated((r) => (block === undefined ? delete r.rollout : (r.rollout = block))));
    expect(fleet.spec.rollout.drainSeconds).toBe(want);
    const region = buildLayout(fleet).regions[0];
    expect(region.orchestrators.map((o) => o.boot.drain)).toEqual(region.orchestrators.map(() => ({ role: "orchestrator", seconds: want, cliPort: 7935, stopUnits: ["livepeer-fleet-livepeer.service"] })));
    expect(region.workerGroups.map((g) => g.boot.drain?.role)).toEqual(region.workerGroups.map(() => "worker"));
    expect(region.redeemer!.boot.drain).toBeUndefined();
    expect(region.reward!.boot.drain).toBeUndefined();
    expect(region.reward!.boot.rewardCatchUp).toEqual({
      cliPort: 7935,
      rpcUrl: "http://127.0.0.1:4000/livepeer/evm/42161",
      controller: "0xD8E8328501E9645d16Cf49539efC04f734606ee4",
      transcoder: fleet.spec.registeredAddress,
    });
  });
});
