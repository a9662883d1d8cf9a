/** Zones, the managed network's CIDR, stable private addresses, existing networks; net.ts arithmetic. */
import { load, mutated, expectIssues, o3 } from "../helpers/spec";
import { parseIpv4, formatIpv4, parseCidr, cidrContains, zoneIndex, managedSubnets, defaultNodeIp } from "../../src/spec/net";
import { nodePrivateIp } from "../../src/spec/validate";
import { isZoneOf as isZoneOfCloud } from "../../src/spec/clouds";
const isZoneOf = (region: string, zone: string) => isZoneOfCloud("aws", region, zone);

type M = (r: any) => void;
type Expect = [string, RegExp][];
const O1 = "regions[0].orchestrators[0]";
const O2 = "regions[0].orchestrators[1]";

describe("net.ts", () => {
  test.each<[string, number | undefined]>([
    ["0.0.0.0", 0],
    ["10.40.0.204", (10 << 24) + (40 << 16) + 204],
    ["255.255.255.255", 0xffffffff],
    ["256.1.1.1", undefined],
    ["10.40.0", undefined],
    ["10.40.0.050", undefined],
    ["010.40.0.50", undefined],
    ["10.40.0.5 ", undefined],
    ["a.b.c.d", undefined],
  ])("parseIpv4(%j) = %j", (ip, n) => expect(parseIpv4(ip)).toBe(n));

  test("formatIpv4 round-trips", () => {
    for (const ip of ["0.0.0.0", "10.40.32.243", "255.255.255.255", "192.168.0.1"]) expect(formatIpv4(parseIpv4(ip)!)).toBe(ip);
  });

  test.each<[string, { base: string; prefix: number } | undefined]>([
    ["10.40.0.0/16", { base: "10.40.0.0", prefix: 16 }],
    ["0.0.0.0/0", { base: "0.0.0.0", prefix: 0 }],
    ["10.40.0.7/32", { base: "10.40.0.7", prefix: 32 }],
    ["10.40.1.0/16", undefined], // host bits set
    ["10.40.0.0/33", undefined],
    ["10.40.0.0", undefined],
    ["10.40.0.0/", undefined],
  ])("parseCidr(%j)", (cidr, want) => {
    const c = parseCidr(cidr);
    expect(c && { base: formatIpv4(c.base), prefix: c.prefix }).toEqual(want);
  });

  test.each<[string, string, boolean]>([
    ["10.40.0.0/24", "10.40.0.255", true],
    ["10.40.0.0/24", "10.40.1.0", false],
    ["10.40.16.0/20", "10.40.31.255", true],
    ["10.40.16.0/20", "10.40.32.0", false],
    ["0.0.0.0/0", "8.8.8.8", true],
    ["10.40.0.0/24", "not-an-ip", false],
  ])("cidrContains(%s, %s) = %s", (c, ip, want) => expect(cidrContains(c, ip)).toBe(want));

  test.each<[string, string, number | undefined]>([
    ["us-east-1", "us-east-1a", 0],
    ["us-east-1", "us-east-1c", 2],
    ["us-east-1", "us-east-1o", 14],
    ["us-east-1", "us-east-1p", undefined],
    ["us-east-1", "us-west-1a", undefined],
    ["us-east-1", "us-east-1", undefined],
    ["us-east-1", "us-east-1A", undefined],
  ])("zoneIndex(%s, %s) = %j", (region, zone, i) => expect(zoneIndex(region, zone)).toBe(i));

  test.each<[string, string, boolean]>([
    ["us-east-1", "us-east-1a", true],
    ["us-east-1", "us-east-1z", true],
    ["us-east-1", "us-east-12", false],
    ["us-east-1", "eu-west-1a", false],
    ["us-east-1(", "us-east-1(a", true], // no RegExp is built from the region: no throw
  ])("isZoneOf(%s, %s) = %s", (region, zone, want) => expect(isZoneOf(region, zone)).toBe(want));

  test.each<[number, string, string]>([
    [0, "10.40.0.0/24", "10.40.16.0/20"],
    [1, "10.40.1.0/24", "10.40.32.0/20"],
    [14, "10.40.14.0/24", "10.40.240.0/20"],
  ])("managedSubnets(10.40.0.0/16, %d)", (zi, pub, priv) => expect(managedSubnets("10.40.0.0/16", zi)).toEqual({ public: pub, private: priv }));

  test.each([[15], [-1]])("managedSubnets rejects zone index %d", (zi) => expect(managedSubnets("10.40.0.0/16", zi)).toBeUndefined());
  test("managedSubnets needs a /16", () => expect(managedSubnets("10.40.0.0/20", 0)).toBeUndefined());

  test("defaultNodeIp: stable, host 10–249 of the subnet, depends only on the name", () => {
    expect(defaultNodeIp("10.40.0.0/24", "o1")).toBe("10.40.0.204"); // part of the address plan: never change
    expect(defaultNodeIp("10.40.32.0/20", "redeemer")).toBe("10.40.32.243");
    for (let i = 0; i < 300; i++) {
      const host = parseIpv4(defaultNodeIp("10.40.0.0/24", `n${i}`))! - parseIpv4("10.40.0.0")!;
      expect(host).toBeGreaterThanOrEqual(10);
      expect(host).toBeLessThanOrEqual(249);
    }
  });
});

describe("zones lie inside the region and its network", () => {
  test.each<[string, M, Expect]>([
    ["an orchestrator in another region's zone", (r) => (r.regions[0].orchestrators[0].zone = "us-west-2a"), [[`${O1}.zone`, /one of the region's zones: us-east-1a, us-east-1b/]]],
    ["an orchestrator in a zone the network does not span", (r) => (r.regions[0].orchestrators[1].zone = "us-east-1c"), [[`${O2}.zone`, /one of the region's zones/]]],
    ["the redeemer outside its region's zones", (r) => (r.redeemer.zone = "us-east-1d"), [["redeemer.zone", /one of use1's zones: us-east-1a, us-east-1b/]]],
    ["the redeemer in an unknown region", (r) => (r.redeemer.region = "usw2"), [["redeemer.region", /must name a region of this fleet: use1/]]],
    ["a managed zone of another region", (r) => r.regions[0].network.managed.zones.push("eu-west-1a"), [["regions[0].network.managed.zones[2]", /must be an availability zone of us-east-1, like `us-east-1a`/]]],
    ["a managed zone listed twice", (r) => r.regions[0].network.managed.zones.push("us-east-1b"), [["regions[0].network.managed.zones[2]", /listed twice/]]],
    ["a managed zone beyond the address plan", (r) => r.regions[0].network.managed.zones.push("us-east-1p"), [["regions[0].network.managed.zones[2]", /zones a–o only/]]],
    [
      "a managed network in one zone",
      (r) => {
        r.regions[0].network.managed.zones = ["us-east-1a"];
        r.regions[0].orchestrators[1].zone = "us-east-1a";
        r.redeemer.zone = "us-east-1a";
      },
      [["regions[0].network.managed.zones", /at least 2 availability zones/]],
    ],
    ["a malformed cloud region (no crash)", (r) => (r.regions[0].region = "us-east-1("), [
      ["regions[0].region", /AWS region like `us-east-1`/],
      ["regions[0].network.managed.zones[0]", /availability zone of us-east-1\(/],
      ["regions[0].network.managed.zones[1]", /availability zone of us-east-1\(/],
    ]],
    ["a GCP region name", (r) => (r.regions[0].region = "us-east1"), [
      ["regions[0].region", /AWS region/],
      ["regions[0].network.managed.zones[0]", /availability zone of us-east1/],
      ["regions[0].network.managed.zones[1]", /availability zone of us-east1/],
    ]],
    ["another cloud", (r) => (r.regions[0].cloud = "azure"), [["regions[0].cloud", /must be one of: "aws", "gcp"/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test("a third zone can be added (subnets keyed by zone letter)", () => {
    const fleet = load(mutated((r) => r.regions[0].network.managed.zones.push("us-east-1c")));
    expect(fleet.spec.regions[0].network).toEqual({ managed: { cidr: "10.40.0.0/16", zones: ["us-east-1a", "us-east-1b", "us-east-1c"], natGateways: "perZone" } });
  });
});

describe("managed CIDR: a private /16", () => {
  test.each(["10.40.0.0/16", "10.0.0.0/16", "172.16.0.0/16", "172.31.0.0/16", "192.168.0.0/16"])("accepted: %s", (cidr) => {
    expect(() => load(mutated((r) => (r.regions[0].network.managed.cidr = cidr)))).not.toThrow();
  });
  test("default 10.40.0.0/16", () => {
    expect((load(mutated((r) => delete r.regions[0].network.managed.cidr)).spec.regions[0].network as any).managed.cidr).toBe("10.40.0.0/16");
  });
  test.each<[string, RegExp]>([
    ["10.40.0.0/20", /must be an IPv4 \/16/],
    ["10.0.0.0/8", /must be an IPv4 \/16/],
    ["10.40.1.0/16", /must be an IPv4 \/16/],
    ["10.40.0.0", /must be an IPv4 \/16/],
    ["8.8.0.0/16", /must be a private range/],
    ["172.32.0.0/16", /must be a private range/],
    ["192.169.0.0/16", /must be a private range/],
  ])("refused: %s", (cidr, re) => {
    const issues = expectIssues(mutated((r) => (r.regions[0].network.managed.cidr = cidr)), [["regions[0].network.managed.cidr", re]]);
    expect(issues[0].value).toBe(cidr);
  });
});

describe("privateIp: inside the right subnet, not colliding", () => {
  test.each<[string, M]>([
    ["o1 at an explicit address of its zone's public subnet", (r) => (r.regions[0].orchestrators[0].privateIp = "10.40.0.10")],
    ["o1 at the last usable address", (r) => (r.regions[0].orchestrators[0].privateIp = "10.40.0.254")],
    ["the redeemer at an address of its zone's public subnet (where its persistent interface lives)", (r) => (r.redeemer.privateIp = "10.40.1.254")],
    ["two orchestrators of one zone, distinct derived addresses", (r) => r.regions[0].orchestrators.push(o3("us-east-1a"))],
  ])("accepted: %s", (_n, m) => expect(() => load(mutated(m))).not.toThrow());

  test.each<[string, M, Expect]>([
    ["o1 in another zone's subnet", (r) => (r.regions[0].orchestrators[0].privateIp = "10.40.1.10"), [[`${O1}.privateIp`, /usable address of us-east-1a's public subnet 10\.40\.0\.0\/24/]]],
    ["o1 in its zone's private subnet", (r) => (r.regions[0].orchestrators[0].privateIp = "10.40.16.10"), [[`${O1}.privateIp`, /public subnet 10\.40\.0\.0\/24/]]],
    ["o1 at an AWS-reserved address", (r) => (r.regions[0].orchestrators[0].privateIp = "10.40.0.3"), [[`${O1}.privateIp`, /AWS reserves the first four and the last/]]],
    ["o1 at the broadcast address", (r) => (r.regions[0].orchestrators[0].privateIp = "10.40.0.255"), [[`${O1}.privateIp`, /AWS reserves/]]],
    ["o1 outside the VPC", (r) => (r.regions[0].orchestrators[0].privateIp = "192.168.0.10"), [[`${O1}.privateIp`, /public subnet/]]],
    ["o1 at a non-address", (r) => (r.regions[0].orchestrators[0].privateIp = "10.40.0"), [[`${O1}.privateIp`, /must be an IPv4 address/]]],
    ["o1 with a leading zero", (r) => (r.regions[0].orchestrators[0].privateIp = "10.40.0.010"), [[`${O1}.privateIp`, /must be an IPv4 address/]]],
    ["the redeemer in a private subnet", (r) => (r.redeemer.privateIp = "10.40.47.254"), [["redeemer.privateIp", /usable address of us-east-1b's public subnet 10\.40\.1\.0\/24/]]],
    ["the redeemer on an orchestrator's derived address", (r) => (r.redeemer.privateIp = "10.40.1.11"), [["redeemer.privateIp", /already used by regions\[0\]\.orchestrators\[1\]/]]],
    [
      "two orchestrators at one explicit address",
      (r) => {
        r.regions[0].orchestrators[1].zone = "us-east-1a";
        r.regions[0].orchestrators[0].privateIp = "10.40.0.50";
        r.regions[0].orchestrators[1].privateIp = "10.40.0.50";
      },
      [[`${O2}.privateIp`, /is already used by regions\[0\]\.orchestrators\[0\]\.privateIp/]],
    ],
    [
      "an explicit address taking another node's derived one",
      (r) => {
        r.regions[0].orchestrators[1].zone = "us-east-1a";
        r.regions[0].orchestrators[1].privateIp = "10.40.0.204"; // o1's derived address
      },
      [[`${O2}.privateIp`, /is already used by regions\[0\]\.orchestrators\[0\]\.privateIp/]],
    ],
    [
      "two derived addresses colliding (o1 and o360 hash alike)",
      (r) => r.regions[0].orchestrators.push(o3("us-east-1a", "o360")),
      [["regions[0].orchestrators[2].privateIp", /derived address 10\.40\.0\.204 collides with regions\[0\]\.orchestrators\[0\]\.privateIp; set privateIp explicitly/]],
    ],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));

  test("the derived address follows the node's name, not its position", () => {
    const r = mutated(() => {});
    const region = load(r).spec.regions[0];
    expect(nodePrivateIp(region, "us-east-1a", "o1", "public")).toBe("10.40.0.204");
    expect(nodePrivateIp(region, "us-east-1b", "redeemer", "private")).toBe("10.40.32.243");
    expect(nodePrivateIp(region, "us-east-1a", "o1", "public", "10.40.0.9")).toBe("10.40.0.9");
  });
});

describe("existing network", () => {
  const existing = (patch: Record<string, unknown> = {}): M => (r) => {
    r.regions[0].network = {
      existing: {
        vpcId: "vpc-0123456789abcdef0",
        cidr: "10.0.0.0/16",
        publicSubnetIds: { "us-east-1a": "subnet-0aaaaaaaaaaaaaaa1", "us-east-1b": "subnet-0aaaaaaaaaaaaaaa2" },
        privateSubnetIds: { "us-east-1a": "subnet-0bbbbbbbbbbbbbbb1", "us-east-1b": "subnet-0bbbbbbbbbbbbbbb2" },
        ...patch,
      },
    };
  };
  const withIps: M = (r) => {
    r.regions[0].orchestrators[0].privateIp = "10.0.0.10";
    r.regions[0].orchestrators[1].privateIp = "10.0.1.10";
    r.redeemer.privateIp = "10.0.32.10";
  };
  const both = (...ms: M[]): M => (r) => ms.forEach((m) => m(r));

  test("accepted with every pinned node's privateIp", () => {
    const fleet = load(mutated(both(existing(), withIps)));
    expect(fleet.spec.regions[0].orchestrators.map((o) => o.privateIp)).toEqual(["10.0.0.10", "10.0.1.10"]);
  });

  test.each<[string, M, Expect]>([
    [
      "no privateIp on the pinned nodes",
      existing(),
      [
        [`${O1}.privateIp`, /is required with an existing network/],
        [`${O2}.privateIp`, /is required with an existing network/],
        ["redeemer.privateIp", /is required with an existing network/],
      ],
    ],
    ["a privateIp outside the VPC CIDR", both(existing(), withIps, (r) => (r.regions[0].orchestrators[0].privateIp = "10.1.0.10")), [[`${O1}.privateIp`, /inside the VPC CIDR 10\.0\.0\.0\/16/]]],
    ["two nodes at one address", both(existing(), withIps, (r) => (r.redeemer.privateIp = "10.0.0.10")), [["redeemer.privateIp", /already used by regions\[0\]\.orchestrators\[0\]\.privateIp/]]],
    ["a bad VPC id", both(existing({ vpcId: "vpc-xyz" }), withIps), [["regions[0].network.existing.vpcId", /VPC id like/]]],
    ["a bad VPC CIDR", both(existing({ cidr: "10.0.0.0/33" }), withIps), [["regions[0].network.existing.cidr", /IPv4 CIDR/]]],
    [
      "a subnet keyed by another region's zone",
      both(existing({ publicSubnetIds: { "us-east-1a": "subnet-0aaaaaaaaaaaaaaa1", "us-east-1b": "subnet-0aaaaaaaaaaaaaaa2", "eu-west-1a": "subnet-0aaaaaaaaaaaaaaa3" } }), withIps),
      [["regions[0].network.existing.publicSubnetIds.eu-west-1a", /keyed by an availability zone of us-east-1/], ["regions[0].network.existing.privateSubnetIds", /must name the same zones as publicSubnetIds/]],
    ],
    [
      "a bad subnet id",
      both(existing({ privateSubnetIds: { "us-east-1a": "subnet-0bbbbbbbbbbbbbbb1", "us-east-1b": "sn-2" } }), withIps),
      [["regions[0].network.existing.privateSubnetIds.us-east-1b", /subnet id like/]],
    ],
    [
      "public subnets in one zone",
      both(existing({ publicSubnetIds: { "us-east-1a": "subnet-0aaaaaaaaaaaaaaa1" } }), withIps, (r) => (r.regions[0].orchestrators[1].zone = "us-east-1a"), (r) => (r.regions[0].orchestrators[1].privateIp = "10.0.0.11")),
      [["regions[0].network.existing.publicSubnetIds", /at least 2 availability zones/], ["regions[0].network.existing.privateSubnetIds", /must name the same zones as publicSubnetIds/]],
    ],
    [
      "the redeemer in a zone without a private subnet",
      both(existing({ privateSubnetIds: { "us-east-1a": "subnet-0bbbbbbbbbbbbbbb1", "us-east-1c": "subnet-0bbbbbbbbbbbbbbb3" } }), withIps),
      [["redeemer.zone", /one of use1's zones with a private subnet: us-east-1a, us-east-1c/], ["regions[0].network.existing.privateSubnetIds", /must name the same zones as publicSubnetIds/]],
    ],
    [
      "the reward node in a zone without a private subnet",
      both(existing({ privateSubnetIds: { "us-east-1b": "subnet-0bbbbbbbbbbbbbbb2", "us-east-1c": "subnet-0bbbbbbbbbbbbbbb3" } }), withIps),
      [["reward.zone", /with a private subnet: us-east-1b, us-east-1c/], ["regions[0].network.existing.privateSubnetIds", /must name the same zones as publicSubnetIds/]],
    ],
    [
      "an orchestrator in a zone without a public subnet",
      both(existing({ publicSubnetIds: { "us-east-1a": "subnet-0aaaaaaaaaaaaaaa1", "us-east-1c": "subnet-0aaaaaaaaaaaaaaa3" } }), withIps),
      [[`${O2}.zone`, /one of the region's zones: us-east-1a, us-east-1c/], ["regions[0].network.existing.privateSubnetIds", /must name the same zones as publicSubnetIds/]],
    ],
    ["managed and existing at once", (r) => (r.regions[0].network.existing = { vpcId: "vpc-0123456789abcdef0" }), [["regions[0].network.existing", /unknown field/]]],
  ])("refused: %s", (_n, m, expected) => void expectIssues(mutated(m), expected));
});
