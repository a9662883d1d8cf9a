/**
 * The mock cloud (src/plan/mocks.ts): addresses the cloud would pick for a node fall inside the subnet it
 * was given, so a JSON plan's private addresses (outputs, the monitoring node's scrape targets) read true.
 */
import * as path from "path";
import { privateIpIn } from "../../src/plan/mocks";
import { planFile } from "../../src/cli/plan";

const toInt = (ip: string) => ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
const inside = (ip: string, cidr: string) => {
  const [base, bits] = cidr.split("/");
  const size = 2 ** (32 - Number(bits));
  const off = toInt(ip) - toInt(base);
  return off >= 0 && off < size;
};

test.each<[string, number, number]>([
  ["10.40.16.0/20", 4, 4096 - 2],
  ["10.60.0.0/20", 4, 4096 - 2],
  ["192.168.7.16/28", 4, 16 - 2],
])("privateIpIn(%s) stays inside, clear of the reserved ends", (cidr, lo, hi) => {
  for (let i = 0; i < 200; i++) {
    const ip = privateIpIn(cidr, "aws:ec2/networkInterface:NetworkInterface", `n${i}`);
    const off = toInt(ip) - toInt(cidr.split("/")[0]);
    expect([ip, off >= lo && off < hi]).toEqual([ip, true]);
  }
  // stable for the same resource
  expect(privateIpIn(cidr, "t", "x")).toBe(privateIpIn(cidr, "t", "x"));
});

test("without a usable CIDR it falls back to a 10.0.x.y address", () => {
  for (const c of [undefined, "", "fd00::/64", "10.0.0.0/30", "10.0.0.0/4"]) expect(privateIpIn(c, "t", "x")).toMatch(/^10\.0\.\d+\.\d+$/);
});

test("every node's private address in the multi-region plan lies in a subnet of its region", async () => {
  const fp = await planFile(path.join(__dirname, "../../examples/multi-region/fleet.yaml"));
  const outputs = fp.plan.outputs as any;
  const subnets = fp.plan.resources.filter((r) => r.type === "aws:ec2/subnet:Subnet" || r.type === "gcp:compute/subnetwork:Subnetwork");
  const nodes = [...Object.values(outputs.nodes), ...Object.values(outputs.monitoring)] as { privateIp: string; groupName: string }[];
  expect(nodes.length).toBeGreaterThan(8);
  for (const n of nodes) {
    const region = n.groupName.split("-")[1];
    const own = subnets.filter((s) => s.name.startsWith(`lpf-${region}`)).map((s) => (s.inputs.cidrBlock ?? s.inputs.ipCidrRange) as string);
    expect([n.groupName, own.some((c) => inside(n.privateIp, c))]).toEqual([n.groupName, true]);
  }
});
