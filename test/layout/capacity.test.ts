/** Capacity maths: sessions per instance, desired size at a target, bounds in instances, spot splits. */
import { boundsInInstances, desiredInstances, perInstanceAssignment, sessionsPerInstance, spotSplit, utilisation } from "../../src/layout/capacity";

describe("sessions per instance", () => {
  test.each([[1, 20, 20], [4, 7, 28], [8, 1000, 8000]])("%d GPU(s) × %d sessions = %d", (g, s, want) => expect(sessionsPerInstance(g, s)).toBe(want));
  test.each([[0, 20], [1, 0], [1.5, 20], [2, -1]])("refused: %d GPUs × %d sessions", (g, s) => expect(() => sessionsPerInstance(g, s)).toThrow(RangeError));
});

describe("desired instances at a target utilisation", () => {
  test.each<[string, number, number, number, number, number, number]>([
    // what, in use, per instance, target %, min, max, desired
    ["idle: the minimum", 0, 20, 70, 1, 4, 1],
    ["14 of 20 at 70%: one", 14, 20, 70, 1, 4, 1],
    ["15 of 20 at 70%: a second", 15, 20, 70, 1, 4, 2],
    ["exactly two instances' worth", 28, 20, 70, 1, 4, 2],
    ["capped at the maximum", 500, 20, 70, 1, 4, 4],
    ["100% target: fill each", 40, 20, 100, 0, 10, 2],
    ["AI: 3 containers busy, 1 per instance at 70%", 3, 1, 70, 1, 5, 5],
    ["min 0 and no load", 0, 20, 70, 0, 4, 0],
  ])("%s", (_w, inUse, per, target, min, max, want) => expect(desiredInstances(inUse, per, target, min, max)).toBe(want));
  test.each<[number, number, number, number]>([[0, 70, 1, 2], [20, 0, 1, 2], [20, 101, 1, 2], [20, 70, 3, 2]])("refused: per %d, target %d, min %d, max %d", (per, t, min, max) => {
    expect(() => desiredInstances(1, per, t, min, max)).toThrow(RangeError);
  });
  test("the GCP per-instance assignment agrees: instances = ceil(load / assignment)", () => {
    for (const [load, per, t] of [[15, 20, 70], [28, 20, 70], [99, 30, 55], [1, 1, 70]]) {
      expect(desiredInstances(load, per, t, 0, 1000)).toBe(Math.ceil(load / perInstanceAssignment(per, t) - 1e-9));
    }
  });
  test.each([[0, 0, 0], [14, 20, 70], [20, 20, 100], [5, 0, 0]])("utilisation %d of %d = %d%%", (u, o, want) => expect(utilisation(u, o)).toBe(want));
});

describe("bounds written in sessions, as instances", () => {
  test.each<[string, "instances" | "sessions", number, number, number, { min: number; max: number }]>([
    ["instances stay as written", "instances", 1, 4, 20, { min: 1, max: 4 }],
    ["30 sessions minimum on 20-session instances: 2", "sessions", 30, 80, 20, { min: 2, max: 4 }],
    ["a maximum that is not a multiple rounds down", "sessions", 20, 90, 20, { min: 1, max: 4 }],
    ["a maximum below one instance still allows one", "sessions", 0, 10, 20, { min: 0, max: 1 }],
    ["a minimum that rounds above the maximum lifts the maximum", "sessions", 50, 50, 20, { min: 3, max: 3 }],
  ])("%s", (_w, unit, min, max, per, want) => expect(boundsInInstances(unit, min, max, per)).toEqual(want));
});

describe("spot split (AWS instancesDistribution semantics)", () => {
  test.each<[string, number, number, number, { onDemand: number; spot: number }]>([
    ["all spot", 4, 0, 0, { onDemand: 0, spot: 4 }],
    ["base 1, rest spot", 4, 1, 0, { onDemand: 1, spot: 3 }],
    ["base 1, half above it (rounded up on demand)", 4, 1, 50, { onDemand: 3, spot: 1 }],
    ["base above size", 2, 3, 0, { onDemand: 2, spot: 0 }],
    ["all on demand", 5, 0, 100, { onDemand: 5, spot: 0 }],
    ["empty group", 0, 1, 50, { onDemand: 0, spot: 0 }],
  ])("%s", (_w, size, base, pct, want) => expect(spotSplit(size, base, pct)).toEqual(want));
});
