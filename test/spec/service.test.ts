/** The public service URI (https, port 8935, host inside the DNS zone) and the DNS zone. */
import { load, mutated, issuesOf, expectIssues } from "../helpers/spec";
import { serviceHost } from "../../src/spec/validate";

describe("serviceUri", () => {
  test.each<[string, string]>([
    ["https://orch.fleet.example.com:8935", "orch.fleet.example.com"],
    ["https://orch.fleet.example.com:8935/", "orch.fleet.example.com"],
    ["https://ORCH.Fleet.Example.com:8935", "orch.fleet.example.com"],
    ["https://a.b.fleet.example.com:8935", "a.b.fleet.example.com"],
  ])("accepted: %s (host %s)", (uri, host) => {
    const fleet = load(mutated((r) => (r.serviceUri = uri)));
    expect(serviceHost(fleet.spec)).toBe(host);
  });

  test.each<[string, string, RegExp]>([
    ["http instead of https", "http://orch.fleet.example.com:8935", /must use https:\/\//],
    ["no port (443 implied)", "https://orch.fleet.example.com", /must name port 8935 explicitly/],
    ["port 443 spelt out", "https://orch.fleet.example.com:443", /must name port 8935/],
    ["another port", "https://orch.fleet.example.com:8936", /must name port 8935/],
    ["a path", "https://orch.fleet.example.com:8935/livepeer", /only scheme, host and port/],
    ["a query", "https://orch.fleet.example.com:8935?x=1", /only scheme, host and port/],
    ["user info", "https://admin@orch.fleet.example.com:8935", /only scheme, host and port/],
    ["a host outside the zone", "https://orch.example.org:8935", /host must be inside the DNS zone fleet\.example\.com/],
    ["a host that only ends like the zone", "https://orch.evilfleet.example.com:8935", /inside the DNS zone/],
    ["the zone apex", "https://fleet.example.com:8935", /zone apex cannot hold the routed record set/],
    ["an IP address", "https://203.0.113.7:8935", /inside the DNS zone/],
    ["no scheme", "orch.fleet.example.com:8935", /must use https:\/\//],
    ["garbage", "::::", /must be a URL `https:\/\/<host>:8935`/],
  ])("refused: %s (%s)", (_n, uri, re) => {
    const issues = issuesOf(mutated((r) => (r.serviceUri = uri)));
    expect(new Set(issues.map((i) => i.path))).toEqual(new Set(["serviceUri"]));
    expect(issues.some((i) => re.test(i.message))).toBe(true);
    expect(issues[0].value).toBe(uri);
  });
});

describe("dns", () => {
  test.each<[string, (r: any) => void, [string, RegExp][]]>([
    ["a zone with an underscore", (r) => { r.dns.zone = "fleet_example.com"; r.serviceUri = "https://orch.fleet_example.com:8935"; }, [["dns.zone", /must be a DNS zone name/]]],
    ["a zone id without the Z prefix", (r) => (r.dns.zoneId = "0123456789ABCDEFGHIJ"), [["dns.zoneId", /Route 53 hosted zone id/]]],
    ["another DNS provider", (r) => (r.dns.provider = "cloudflare"), [["dns.provider", /must be one of: "route53", "clouddns"/]]],
    ["a zero TTL", (r) => (r.dns.ttl = 0), [["dns.ttl", /must be (a positive integer|≥|>)/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test("a zone written with a trailing dot is accepted and normalised", () => {
    const fleet = load(mutated((r) => (r.dns.zone = "fleet.example.com.")));
    expect(fleet.spec.dns.zone).toBe("fleet.example.com.");
    expect(fleet.spec.dns.ttl).toBe(60);
  });
});
