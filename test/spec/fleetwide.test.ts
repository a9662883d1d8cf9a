/** Fleet-wide rules across regions and clouds: one reward caller, unique regions, known clouds, DNS latency mapping. */
import { expectIssues, load, referenceRaw, euRegion, gcpRegion } from "../helpers/spec";


test("an AWS + GCP fleet with Route 53 is accepted", () => {
  const raw = referenceRaw();
  raw.regions.push(gcpRegion());
  expect(load(raw).spec.regions.map((r: any) => r.cloud)).toEqual(["aws", "gcp"]);
});

test.each<[string, (r: any) => void, [string, RegExp][]]>([
  [
    "a second reward caller: an orchestrator of another region holding the registered key",
    (r) => {
      const eu = euRegion();
      eu.orchestrators[0].address = r.registeredAddress;
      eu.orchestrators[0].keystore = "keys/registered.json";
      r.regions.push(eu);
    },
    [
      ["regions[1].orchestrators[0].address", /is the registered address; workload orchestrators use their own hot wallet/],
      ["reward.address", /same hot wallet as regions\[1\]\.orchestrators\[0\]/],
    ],
  ],
  ["two reward blocks (a list)", (r) => (r.reward = [r.reward, { ...r.reward, region: "euw1" }]), [["reward", /expected object|must be one of|is required/i]]],
  ["duplicate region names across clouds", (r) => r.regions.push({ ...gcpRegion(), name: "use1" }), [["regions[1].name", /duplicates regions\[0\]\.name/]]],
  ["a region on an unknown cloud", (r) => r.regions.push({ ...euRegion(), cloud: "azure" }), [["regions[1].cloud", /must be one of: "aws", "gcp"/]]],
  ["a GCP region Route 53 cannot map to a latency region", (r) => r.regions.push(gcpRegion("europe-west99")), [["regions[1].region", /no Route 53 latency region mapped/]]],
])("refused: %s", (_n, m, expected) => {
  const raw = referenceRaw();
  m(raw);
  expectIssues(raw, expected);
});

test("the same unmapped GCP region is fine with Cloud DNS (geo routing needs no AWS region)", () => {
  const raw = referenceRaw();
  raw.regions = [gcpRegion("europe-west99", "euw99")];
  raw.dns = { provider: "clouddns", zone: "fleet.example.com", managedZone: "fleet", project: "lpf-example-eu" };
  raw.reward = { mode: "external", description: "OrchestratorSiphon on the operator's cold host" };
  delete raw.redeemer;
  expect(() => load(raw)).not.toThrow();
});

test.each<[string, (r: any) => void, string, RegExp]>([
  ["Cloud DNS with an AWS region", (r) => (r.dns = { provider: "clouddns", zone: "fleet.example.com", managedZone: "fleet", project: "lpf-example-eu" }), "regions[0].cloud", /cannot be served by a Cloud DNS zone/],
  ["a region named dns (its provider would collide with the DNS provider)", (r) => { r.regions[0].name = "dns"; r.reward.region = "dns"; r.redeemer.region = "dns"; }, "regions[0].name", /gives the resource name "ref-dns", already derived from the fleet.s own resources/],
  ["an assume-role that is not a role ARN (never echoed: it could be an aliased secret)", (r) => (r.regions[0].assumeRoleArn = r.reward.password), "regions[0].assumeRoleArn", /IAM role ARN/],
])("refused: %s", (_n, m, path, re) => {
  const raw = referenceRaw();
  m(raw);
  const issues = expectIssues(raw, [[path, re]]);
  expect(JSON.stringify(issues)).not.toContain(referenceRaw().reward.password);
});
