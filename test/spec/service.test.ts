/** The public service URI (https, port 8935, host inside the DNS zone) and the DNS zone. */
import { load, mutated, issuesOf, expectIssues } from "../helpers/spec";
import { serviceHost } from "../../src/spec/validate";

describe("serviceUri", () => {
  test.each<[string, string]>([
    ["https://orch.fleet.example.com:8935", "orch.fleet.example.com"],
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
    // the value is echoed as written, except user info (it may hold a password)
    expect(issues[0].value).toBe(uri.replace("admin@", "[secret]@"));
  });
});

describe("serviceUri is exactly https://<lowercase host>:8935", () => {
  test.each<[string, string, RegExp]>([
    ["user info with an empty user (published on chain)", "https://:pw@orch.fleet.example.com:8935", /must not carry user info/],
    ["user info user:password", "https://op:hunter2@orch.fleet.example.com:8935", /must not carry user info/],
    ["a trailing slash", "https://orch.fleet.example.com:8935/", /no path, not even a trailing `\/`/],
    ["a path", "https://orch.fleet.example.com:8935/a/b", /no path/],
    ["an empty query", "https://orch.fleet.example.com:8935?", /no query/],
    ["a fragment", "https://orch.fleet.example.com:8935#x", /fragment/],
    ["uppercase host", "https://ORCH.Fleet.Example.com:8935", /host must be lowercase: `orch\.fleet\.example\.com`/],
    ["uppercase scheme", "HTTPS://orch.fleet.example.com:8935", /scheme in lowercase/],
    ["a wildcard host", "https://*.fleet.example.com:8935", /wildcard/],
    ["percent-encoding", "https://orch%2Efleet.example.com:8935", /percent-encoded/],
    ["a non-ASCII host", "https://örch.fleet.example.com:8935", /plain ASCII .* `xn--`/],
    ["a port with a leading zero", "https://orch.fleet.example.com:08935", /port 8935 exactly \(no leading zeros\)/],
    ["a trailing dot", "https://orch.fleet.example.com.:8935", /must not end with a dot/],
    ["an empty label", "https://orch..fleet.example.com:8935", /empty label/],
    ["a space", "https://orch.fleet.example.com:8935 ", /plain ASCII without spaces/],
    ["a label starting with '-'", "https://-orch.fleet.example.com:8935", /lowercase letters, digits and '-' labels/],
    ["an underscore", "https://orch_1.fleet.example.com:8935", /lowercase letters, digits and '-' labels/],
    ["an IPv6 literal", "https://[2001:db8::1]:8935", /not an IP address/],
  ])("refused with what is wrong (not the zone): %s", (_n, uri, re) => {
    const issues = expectIssues(mutated((r) => (r.serviceUri = uri)), [["serviceUri", re]]).concat();
    for (const i of issues) expect(i.message).not.toMatch(/inside the DNS zone fleet/);
    expect(JSON.stringify(issues)).not.toMatch(/hunter2|:pw@/);
  });

  test("accepted: exactly the string written, emitted as is", () => {
    const fleet = load(mutated((r) => (r.serviceUri = "https://o-1.fleet.example.com:8935")));
    expect(fleet.spec.serviceUri).toBe("https://o-1.fleet.example.com:8935");
    expect(serviceHost(fleet.spec)).toBe("o-1.fleet.example.com");
  });
});

describe("dns", () => {
  test.each<[string, (r: any) => void, [string, RegExp][]]>([
    ["a zone with an underscore", (r) => { r.dns.zone = "fleet_example.com"; r.serviceUri = "https://orch.fleet_example.com:8935"; }, [["dns.zone", /must be a DNS zone name/], ["serviceUri", /lowercase letters, digits and '-' labels/]]],
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
