/**
 * The name inventory (src/spec/inventory.ts) against real plans: every resource the components create is
 * in the inventory, and no orchestrator or region can be named so that one of its names equals a name
 * already in the plan (which would give two resources one `type::name`: a duplicate URN, or a plan diff
 * that pairs the wrong resources).
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { planSpec, FleetPlan } from "../../src/cli/plan";
import { nameClaims } from "../../src/spec/inventory";
import { loadFleet, regionZones } from "../../src/spec/validate";
import { FleetConfigError } from "../../src/spec/errors";
import { ROOT, referenceRaw, REF_DIR, load, mutated, expectIssues, euRegion, gcpRegion, issuesOf } from "../helpers/spec";

const example = (dir: string) => {
  const base = path.join(ROOT, "examples", dir);
  return { raw: () => parse(fs.readFileSync(path.join(base, "fleet.yaml"), "utf8")), baseDir: base };
};

interface Case {
  label: string;
  raw: () => any;
  baseDir: string;
}

const CASES: Case[] = [
  { label: "reference (AWS, AI pool from a bucket)", raw: referenceRaw, baseDir: REF_DIR },
  {
    label: "reference with the AI pool downloading its models (AWS model token)",
    raw: () => {
      const r = referenceRaw();
      const ai = r.regions[0].workers.find((w: any) => w.kind === "ai");
      ai.modelCache = { source: "download", sizeGb: 60, token: "throwaway-test-hf-token-not-real-0000" };
      return r;
    },
    baseDir: REF_DIR,
  },
  {
    label: "reference AI-only with Grafana source ranges (silence alarms, per-range ingress rules)",
    raw: () => {
      const r = referenceRaw();
      r.regions[0].workers = r.regions[0].workers.filter((w: any) => w.kind === "ai");
      r.monitoring.grafanaAllowedCidrs = ["203.0.113.0/24", "198.51.100.7/32"];
      return r;
    },
    baseDir: REF_DIR,
  },
  { label: "gcp example (GCP redeemer, reward, spot groups)", ...example("gcp") },
  {
    label: "gcp example with Grafana source ranges",
    raw: () => ({ ...example("gcp").raw(), monitoring: { ...referenceRaw().monitoring, grafanaAllowedCidrs: ["203.0.113.0/24"] } }),
    baseDir: example("gcp").baseDir,
  },
  { label: "multi-region example (AWS redeemer admitting two clouds)", ...example("multi-region") },
  {
    label: "multi-region with the redeemer on GCP (admitting AWS zones)",
    raw: () => {
      const r = example("multi-region").raw();
      const eu = r.regions.find((x: any) => x.cloud === "gcp");
      r.redeemer.region = eu.name;
      r.redeemer.zone = eu.network.managed.zones[0];
      delete r.redeemer.privateIp;
      return r;
    },
    baseDir: example("multi-region").baseDir,
  },
];

/** The refusals that protect names: the inventory's, reserved endings and names, duplicates. */
const COLLISION = /gives the resource name|must not end in|is reserved|duplicates/;

const plans = new Map<string, FleetPlan>();
beforeAll(async () => {
  for (const c of CASES) plans.set(c.label, await planSpec(c.raw(), { baseDir: c.baseDir }));
}, 60_000);

describe.each(CASES)("$label", (c) => {
  test("every resource name of the plan is in the inventory", () => {
    const fp = plans.get(c.label)!;
    const inventory = new Set(nameClaims(fp.fleet.spec as any, regionZones).flatMap((x) => x.names));
    const stack = fp.plan.resources.filter((r) => r.type === "pulumi:pulumi:Stack").map((r) => r.name);
    const missing = [...new Set(fp.plan.resources.map((r) => r.name))].filter((n) => !inventory.has(n) && !stack.includes(n) && n !== fp.fleet.spec.name);
    expect(missing).toEqual([]);
  });

  test("no plan name can be taken by a new orchestrator or region", () => {
    const fp = plans.get(c.label)!;
    const spec = fp.fleet.spec;
    const valid = (x: string) => /^[a-z][a-z0-9-]*[a-z0-9]$/.test(x);
    const accepted: string[] = [];
    const tried = new Set<string>();
    const refusedAt = (raw: any, at: string): boolean => {
      try {
        loadFleet(raw, { baseDir: c.baseDir });
        return false;
      } catch (e) {
        if (!(e instanceof FleetConfigError)) throw e;
        // A collision refusal (not, say, a length or syntax error) at the new name's path, or at the path of an
        // owner whose name it collides with (pools claim after nodes).
        return e.issues.some((i) => (i.path === at && COLLISION.test(i.message)) || i.message.includes(`already derived from ${at}`));
      }
    };
    spec.regions.forEach((r, ri) => {
      const prefix = `${spec.name}-${r.name}-`;
      for (const n of new Set(fp.plan.resources.map((x) => x.name))) {
        if (!n.startsWith(prefix)) continue;
        const x = n.slice(prefix.length);
        if (!valid(x) || tried.has(`o:${r.name}:${x}`)) continue;
        tried.add(`o:${r.name}:${x}`);
        const raw = c.raw();
        const o = { ...raw.regions[ri].orchestrators[0], name: x };
        delete o.hostname;
        delete o.privateIp;
        raw.regions[ri].orchestrators.push(o);
        if (!refusedAt(raw, `regions[${ri}].orchestrators[${raw.regions[ri].orchestrators.length - 1}].name`)) accepted.push(`orchestrator ${x} in ${r.name} (${n})`);
      }
    });
    const fleetPrefix = `${spec.name}-`;
    for (const n of new Set(fp.plan.resources.map((x) => x.name))) {
      if (!n.startsWith(fleetPrefix)) continue;
      const x = n.slice(fleetPrefix.length);
      if (!valid(x) || tried.has(`r:${x}`)) continue;
      tried.add(`r:${x}`);
      const raw = c.raw();
      const copy = JSON.parse(JSON.stringify(raw.regions[0]));
      copy.name = x;
      copy.workers = [];
      copy.orchestrators = [{ ...copy.orchestrators[0], name: "zq1", hostname: undefined, privateIp: undefined }];
      raw.regions.push(copy);
      if (!refusedAt(raw, `regions[${raw.regions.length - 1}].name`)) accepted.push(`region ${x} (${n})`);
    }
    expect(tried.size).toBeGreaterThan(50);
    expect(accepted).toEqual([]);
  });
});

describe("collisions the inventory refuses, with the owner named", () => {
  type Expect = [string, RegExp][];
  test.each<[string, (r: any) => void, Expect]>([
    [
      "an orchestrator named like the region's service record",
      (r) => (r.regions[0].orchestrators[1].name = "service"),
      [["regions[0].orchestrators[1].name", /gives the resource name "ref-use1-service", already derived from regions\[0\]\.name/]],
    ],
    [
      "an orchestrator named like another's keystore secret",
      (r) => (r.regions[0].orchestrators[1].name = "o1-keystore"),
      [["regions[0].orchestrators[1].name", /"ref-use1-o1-keystore", already derived from regions\[0\]\.orchestrators\[0\]\.name/]],
    ],
    [
      "an orchestrator named like a NAT gateway",
      (r) => (r.regions[0].orchestrators[1].name = "nat-us-east-1a"),
      [["regions[0].orchestrators[1].name", /"ref-use1-nat-us-east-1a", already derived from regions\[0\]\.name/]],
    ],
    [
      "an orchestrator named like the redeemer's ingress rule",
      (r) => (r.regions[0].orchestrators[1].name = "redeemer-out"),
      [["regions[0].orchestrators[1].name", /already derived from the redeemer of regions\[0\]/]],
    ],
    [
      "a region named like the fleet's DNS provider",
      (r) => r.regions.push({ ...euRegion(), name: "dns" }),
      [["regions[1].name", /gives the resource name "ref-dns", already derived from the fleet's own resources/]],
    ],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test("accepted: names near the reserved ones", () => {
    const raw = mutated((r) => {
      r.regions[0].orchestrators[0].name = "services";
      r.regions[0].orchestrators[1].name = "nat";
    });
    expect(() => load(raw)).not.toThrow();
  });
});

test("two GCP identities whose service account ids end up equal (padding to 6 characters) are refused", () => {
  const issues = issuesOf(mutated((r) => {
    r.name = "g";
    const eu = gcpRegion("europe-west4", "e");
    eu.workers = [];
    eu.orchestrators = [{ ...eu.orchestrators[0], name: "o" }, { ...eu.orchestrators[0], name: "o-sa", zone: "europe-west4-b" }];
    r.regions.push(eu);
  }));
  expect(issues.map((i) => [i.path, i.message])).toContainEqual(["regions[1].orchestrators[1].name", expect.stringMatching(/gives the GCP service account id "g-e-o-sa" in project lpf-example-eu, as regions\[1\]\.orchestrators\[0\]\.name does/)]);
});
