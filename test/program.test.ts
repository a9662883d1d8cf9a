/**
 * The root program (`fleetFromStackConfig`) refuses plain-text secrets written in Pulumi.<stack>.yaml even
 * when the engine marks the whole `livepeer-fleet:fleet` key secret (it does as soon as one value under it
 * is `secure:`, and then hands over decrypted values, so config alone cannot tell them apart).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { runPlan } from "../src/plan/engine";
import { run } from "../src/cli/main";
import { referenceRaw, REF_DIR } from "./helpers/spec";

const KEY = "livepeer-fleet:fleet";
const tmpRoot = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-program-"));
afterAll(() => fs.rmSync(tmpRoot, { recursive: true, force: true }));

/** A project dir holding Pulumi.test.yaml with `fleet` under the key (or no stack file at all). */
function projectDir(fleet: unknown | undefined): string {
  const dir = fs.mkdtempSync(path.join(tmpRoot, "p-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), "name: livepeer-fleet\nruntime: nodejs\n");
  if (fleet !== undefined) fs.writeFileSync(path.join(dir, "Pulumi.test.yaml"), stringify({ config: { [KEY]: fleet } }));
  return dir;
}

/** The reference spec as a stack file writes it: every secret `secure:` except those listed. */
function stackSpec(plainPaths: ((r: any) => void)[] = []): any {
  const raw = referenceRaw();
  const sec = (s: string) => ({ secure: `v1:${Buffer.from(s).toString("base64").slice(0, 20)}` });
  const out = JSON.parse(JSON.stringify(raw));
  out.rpcUrls = raw.rpcUrls.map(sec);
  out.orchSecret = sec(raw.orchSecret);
  for (const o of out.regions[0].orchestrators) o.password = sec(o.password);
  out.redeemer.password = sec(out.redeemer.password);
  out.reward.password = sec(out.reward.password);
  for (const p of plainPaths) p(out);
  return out;
}

/** Runs the root program as `pulumi up` would: decrypted values in config, the whole key secret, cwd = project. */
async function up(dir: string) {
  const cwd = process.cwd();
  process.chdir(dir);
  try {
    return await runPlan(
      () => {
        const { fleetFromStackConfig, fleetOutputs } = require("../src/program") as typeof import("../src/program");
        return fleetOutputs(fleetFromStackConfig({ baseDir: REF_DIR }));
      },
      { project: "livepeer-fleet", stack: "test", config: { [KEY]: JSON.stringify(referenceRaw()) }, secretKeys: [KEY] },
    );
  } finally {
    process.chdir(cwd);
  }
}

describe("fleetFromStackConfig reads the stack file for plain-text secrets", () => {
  test.each<[string, (r: any) => void, string]>([
    ["a plain-text password", (r) => (r.redeemer.password = "throwaway-test-password-redeemer"), "redeemer.password"],
    ["a plain-text RPC URL", (r) => (r.rpcUrls[1] = "https://arbitrum.example-rpc-two.invalid/FAKE-API-KEY-TWO-1111"), "rpcUrls[1]"],
    ["a plain-text orchestrator password", (r) => (r.regions[0].orchestrators[0].password = "throwaway-test-password-o1"), "regions[0].orchestrators[0].password"],
  ])("%s beside secure values is refused, with the CLI's message", async (_n, m, p) => {
    const dir = projectDir(stackSpec([m]));
    let err: any;
    try {
      await up(dir);
    } catch (e) {
      err = e;
    }
    expect(err?.name).toBe("FleetConfigError");
    expect(err.issues.map((i: any) => i.path)).toEqual([p]);
    expect(err.message).toContain(`pulumi config set --secret --path '${KEY}.${p}' <value>`);
    expect(err.message).not.toMatch(/throwaway-test-password|FAKE-API-KEY/);
    // the CLI says exactly the same about the same file
    let cliErr = "";
    const code = await run(["plan", "--config", path.join(dir, "Pulumi.test.yaml")], { out: () => undefined, err: (s) => (cliErr += s) });
    expect(code).toBe(1);
    expect(cliErr).toBe(`${err.message}\n`);
  });

  test("a stack file whose fleet is a list is refused without echoing it", async () => {
    const dir = projectDir([{ rpcUrls: ["https://x.invalid/FAKE-API-KEY-LIST"] }]);
    await expect(up(dir)).rejects.toMatchObject({ name: "FleetConfigError", message: expect.not.stringContaining("FAKE-API-KEY-LIST") });
  });

  test("every secret secure in the stack file: the fleet plans", async () => {
    const plan = await up(projectDir(stackSpec()));
    expect(plan.resources.some((r) => r.type === "livepeer-fleet:Fleet" || r.type.startsWith("livepeer-fleet:"))).toBe(true);
  });

  test("no stack file in the project directory: the check is skipped", async () => {
    const plan = await up(projectDir(undefined));
    expect(plan.resources.length).toBeGreaterThan(0);
  });
});
