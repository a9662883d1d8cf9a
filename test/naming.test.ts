/** The naming module: stable logical names, physical names within each cloud's limits. */
import { fit, join, names, checkStem, checkFleetName, NAME_LIMITS, AUTONAME_SUFFIX, LONGEST_STEM_SUFFIX } from "../src/naming";

const AWS_LB_NAME = /^(?!internal-)[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/;
const GCP_SA_ID = /^[a-z](?:[-a-z0-9]{4,28}[a-z0-9])$/;

describe("fit", () => {
  test.each<[string, number]>([
    ["ref-use1", 32],
    ["a".repeat(32), 32],
    ["x", 1],
  ])("%s fits %d: unchanged", (n, max) => expect(fit(n, max)).toBe(n));

  test.each<[string, number]>([
    ["a".repeat(33), 32],
    ["production-fleet-europe-west-region-1", 32],
    ["abcdefghijklmnopqrstuvwx-----zzzzzzzzzzz", 32], // the cut (25 characters) ends on a hyphen
    ["f".repeat(100), 63],
  ])("%s is cut to ≤ %d with a hash, deterministic, no '--' before the hash", (n, max) => {
    const out = fit(n, max);
    expect(out.length).toBeLessThanOrEqual(max);
    expect(out).toMatch(/-[0-9a-f]{6}$/);
    expect(out).not.toMatch(/--[0-9a-f]{6}$/);
    expect(fit(n, max)).toBe(out);
    expect(n.startsWith(out.slice(0, out.length - 7).replace(/-+$/, ""))).toBe(true);
  });

  test("two long names sharing their first 32 characters still differ", () => {
    const a = "p".repeat(40) + "-use1";
    const b = "p".repeat(40) + "-euw1";
    expect(fit(a, 32)).not.toBe(fit(b, 32));
  });
});

describe("join and logical names", () => {
  test.each<[string[], string]>([
    [["ref", "use1", "o1"], "ref-use1-o1"],
    [["ref", "", "o1"], "ref-o1"],
    [[], ""],
  ])("join(%j) = %s", (parts, out) => expect(join(...parts)).toBe(out));

  test("shapes are part of every URN", () => {
    expect(names.region("ref", "use1")).toBe("ref-use1");
    expect(names.node("ref", "use1", "o1")).toBe("ref-use1-o1");
    expect(names.node("ref", "use1", "redeemer")).toBe("ref-use1-redeemer");
    expect(names.workerGroup("ref", "use1", "t4", "o1")).toBe("ref-use1-t4-o1");
  });
});

describe("physical names", () => {
  const cases: [string, string][] = [
    ["ref", "use1"],
    ["a", "b"],
    ["production-livepeer", "us-east-1-primary"],
    ["f".repeat(39), "r".repeat(39)],
  ];
  test.each(cases)("load balancer / target group of %s × %s: ≤ 32, AWS charset", (fleet, region) => {
    for (const n of [names.loadBalancerPhysical(fleet, region), names.targetGroupPhysical(fleet, region)]) {
      expect(n.length).toBeLessThanOrEqual(NAME_LIMITS.awsLoadBalancer);
      expect(n).toMatch(AWS_LB_NAME);
    }
  });
  test("short physical names are readable", () => {
    expect(names.loadBalancerPhysical("ref", "use1")).toBe("ref-use1");
    expect(names.targetGroupPhysical("ref", "use1")).toBe("ref-use1-8935");
  });
  test("two regions of a long-named fleet get distinct load balancers", () => {
    const f = "production-livepeer-fleet";
    expect(names.loadBalancerPhysical(f, "us-east-1a")).not.toBe(names.loadBalancerPhysical(f, "us-east-1b"));
    expect(names.targetGroupPhysical(f, "us-east-1a")).not.toBe(names.targetGroupPhysical(f, "us-east-1b"));
  });
  test.each([
    ["a", "b", "c"],
    ["ref", "use1", "o1"],
    ["ref", "use1", "redeemer"],
    ["production-livepeer", "europe-west", "orchestrator-1"],
  ])("GCP service account id of %s-%s-%s: 6–30, GCP charset", (f, r, n) => {
    const id = names.gcpServiceAccountId(f, r, n);
    expect(id.length).toBeGreaterThanOrEqual(NAME_LIMITS.gcpServiceAccountMin);
    expect(id.length).toBeLessThanOrEqual(NAME_LIMITS.gcpServiceAccountMax);
    expect(id).toMatch(GCP_SA_ID);
  });
});

describe("checkStem: the tightest auto-named limit (IAM role, 64 with Pulumi's suffix)", () => {
  const max = NAME_LIMITS.awsIamRole - AUTONAME_SUFFIX - LONGEST_STEM_SUFFIX;
  test("the limit is 39", () => expect(max).toBe(39));
  test.each([1, 20, 39])("a %d-character stem fits", (n) => expect(checkStem("s".repeat(n))).toBeUndefined());
  test.each([40, 64, 200])("a %d-character stem is refused with a clear message", (n) => {
    const stem = "s".repeat(n);
    expect(checkStem(stem)).toBe(
      `derived resource name "${stem}" is ${n} characters; fleet, region, node and pool names together must stay within 39 (IAM role names are limited to 64 including Pulumi's suffix)`,
    );
  });
});

describe("checkFleetName", () => {
  test.each(["ref", "internalfleet", "my-internal", "i"])("%s is fine", (n) => expect(checkFleetName(n)).toBeUndefined());
  test.each(["internal", "internal-ops"])("%s is refused (AWS load balancer names)", (n) => expect(checkFleetName(n)).toMatch(/internal-/));
});
