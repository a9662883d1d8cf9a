/**
 * EC2 user-data end to end: the launch templates carry the gzip-compressed boot script, and a spec whose
 * script is over EC2's limit even compressed is refused naming the node; the longest gateway price list
 * validation accepts still fits (a real CLI process).
 */
import { spawnSync } from "child_process";
import * as crypto from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { getAddress } from "ethers";
import { stringify } from "yaml";
import { referenceRaw, REF_DIR, ROOT } from "../helpers/spec";
import { planSpec } from "../../src/cli/plan";
import { decodeUserData, isGzip } from "../helpers/userData";
import { encodeUserData, USER_DATA_LIMIT } from "../../src/aws/userData";

const TMP = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-userdata-"));
afterAll(() => fs.rmSync(TMP, { recursive: true, force: true }));

/** The reference fleet with keystore paths made absolute, so the file can live anywhere. */
function referenceAt(mutate: (raw: any) => void): string {
  const raw = referenceRaw();
  const walk = (v: any): void => {
    if (Array.isArray(v)) return v.forEach(walk);
    if (v && typeof v === "object") for (const [k, x] of Object.entries(v)) (k === "keystore" && typeof x === "string" ? (v[k] = path.resolve(REF_DIR, x)) : walk(x));
  };
  walk(raw);
  mutate(raw);
  const file = path.join(TMP, `fleet-${crypto.randomBytes(4).toString("hex")}.yaml`);
  fs.writeFileSync(file, stringify(raw));
  return file;
}

/** `livepeer-fleet plan` in its own process, from the sources (what bin/livepeer-fleet.js runs without dist/). */
const cli = (...args: string[]) =>
  spawnSync(process.execPath, ["-r", "./bin/register.js", "-e", 'require("./src/cli/main.ts").main(process.argv.slice(1))', ...args], {
    cwd: ROOT, encoding: "utf8", timeout: 120000,
  });

/** A valid price list for `n` gateways whose addresses and prices are random: it does not compress. */
const gateways = (n: number) =>
  Array.from({ length: n }, (_, i) => {
    const h = (s: string) => crypto.createHash("sha256").update(`${s}-${i}`).digest("hex");
    return { address: getAddress(`0x${h("address").slice(0, 40)}`), pricePerUnit: BigInt(`0x${h("price").slice(0, 24)}`).toString() };
  });

test("reference fleet: every launch template's user-data is gzip within 16 KB; the orchestrators' would not fit raw", async () => {
  const fp = await planSpec(referenceRaw(), { baseDir: REF_DIR });
  const sizes = fp.plan.resources
    .filter((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")
    .map((r) => {
      const stored = Buffer.from(r.inputs.userData as string, "base64");
      expect(isGzip(stored)).toBe(true);
      return { name: r.name, gzip: stored.length, raw: Buffer.byteLength(decodeUserData(r.inputs.userData as string)) };
    });
  expect(sizes).toHaveLength(9);
  for (const s of sizes) expect(s.gzip).toBeLessThanOrEqual((USER_DATA_LIMIT * 3) / 4); // a quarter of the limit left
  expect(sizes.find((s) => s.name === "ref-use1-o1")!.raw).toBeGreaterThan(USER_DATA_LIMIT);
});

test("a boot script over EC2's limit even compressed is refused, naming the node", () => {
  const incompressible = crypto.randomBytes(20000).toString("hex");
  expect(() => encodeUserData("o1", incompressible)).toThrow(/^the boot script of node o1 is \d+ bytes gzip-compressed \(40000 raw\); EC2 user-data is limited to 16384 bytes$/);
});

test("a launch template whose user-data fails inside the SDK (an apply that throws) fails the plan: exit 3, the error on stderr, nothing on stdout", () => {
  // a test double of LaunchTemplate whose userData Output rejects for one node, as an oversized script would
  const prelude = `
    const ec2 = require("@pulumi/aws/ec2"); const pulumi = require("@pulumi/pulumi"); const Real = ec2.LaunchTemplate;
    Object.defineProperty(ec2, "LaunchTemplate", { configurable: true, value: class extends Real {
      constructor(name, args, opts) { super(name, { ...args, userData: pulumi.output(args.userData).apply((u) => { if (name === "ref-use1-o1") throw new Error("user-data of " + name + " refused by a test double"); return u; }) }, opts); }
    } });
    require("./src/cli/main.ts").main(process.argv.slice(1));`;
  const r = spawnSync(process.execPath, ["-r", "./bin/register.js", "-e", prelude, "plan", "--config", path.join(REF_DIR, "fleet.yaml"), "--format", "json"], { cwd: ROOT, encoding: "utf8", timeout: 120000 });
  expect(r.status).toBe(3);
  expect(r.stdout).toBe("");
  expect(r.stderr).toMatch(/error serializing property "userData": user-data of ref-use1-o1 refused by a test double/);
  expect(r.stderr).not.toContain("ended without finishing");
});

test("the longest gateway price list validation accepts (50, random addresses and prices: incompressible) fits, and plans (exit 0); one more is refused (exit 1)", () => {
  const file = referenceAt((raw) => (raw.pricing.pricePerGateway = gateways(50)));
  const r = cli("plan", "--config", file, "--format", "json");
  expect(r.stderr).toBe("");
  expect(r.status).toBe(0);
  const lt = JSON.parse(r.stdout).resources.find((x: any) => x.name === "ref-use1-o1" && x.type === "aws:ec2/launchTemplate:LaunchTemplate");
  expect(decodeUserData(lt.inputs.userData)).toContain("-pricePerGateway");
  expect(Buffer.from(lt.inputs.userData, "base64").length).toBeLessThanOrEqual(USER_DATA_LIMIT);
  const over = cli("plan", "--config", referenceAt((raw) => (raw.pricing.pricePerGateway = gateways(51))), "--format", "json");
  expect([over.status, over.stdout]).toEqual([1, ""]);
  expect(over.stderr).toContain("pricing.pricePerGateway: holds at most 50 gateways");
});
