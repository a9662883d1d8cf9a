/** Reading spec files: a plain fleet YAML, or a Pulumi stack config holding `livepeer-fleet:fleet`. */
import * as fs from "fs";
import { tempDir, thrown } from "../helpers/files";
import * as path from "path";
import { readSpecFile, loadFleetFile } from "../../src/spec/load";
import { REF_DIR, REF_FLEET_FILE, REF_STACK_FILE } from "../helpers/spec";

const { dir: tmp, write } = tempDir("lpf-load-");

describe("the reference example", () => {
  test("Pulumi.reference.yaml loads as a stack file with encrypted secrets", () => {
    const f = loadFleetFile(REF_STACK_FILE);
    expect(f.file).toMatchObject({ kind: "stack", stack: "reference", baseDir: REF_DIR });
    expect(f.spec.name).toBe("ref");
    expect(f.spec.orchSecret).toBeUndefined();
    expect(f.spec.rpcUrls.map((u) => u.encrypted)).toEqual([true, true]);
    expect([f.spec.regions[0].orchestrators[0].password.encrypted, f.spec.redeemer!.password.encrypted, (f.spec.reward as any).password.encrypted]).toEqual([true, true, true]);
    expect(Object.keys(f.keystores).sort()).toEqual(["o1", "o2", "redeemer", "reward"]);
  });

  test("fleet.yaml loads as a fleet file with plaintext secrets", () => {
    const f = loadFleetFile(REF_FLEET_FILE);
    expect(f.file).toMatchObject({ kind: "fleet", stack: "fleet", baseDir: REF_DIR });
    expect(f.spec.rpcUrls.map((u) => u.encrypted)).toEqual([false, false]);
  });

  test("both describe the same fleet apart from secrets", () => {
    const strip = (x: any) => JSON.parse(JSON.stringify(x, (k, v) => (["password", "orchSecret", "rpcUrls"].includes(k) ? undefined : v)));
    expect(strip(readSpecFile(REF_STACK_FILE).raw)).toEqual(strip(readSpecFile(REF_FLEET_FILE).raw));
  });
});

describe("readSpecFile", () => {
  test("a missing file", () => {
    const e = thrown(() => readSpecFile(path.join(tmp, "nope.yaml")));
    expect(e.issues).toEqual([expect.objectContaining({ path: "--config", message: expect.stringMatching(/cannot be read \(ENOENT\)/) })]);
  });
  test("invalid YAML", () => {
    const e = thrown(() => readSpecFile(write("bad.yaml", "a: [1, 2\n")));
    expect(e.issues[0]).toMatchObject({ path: "--config", message: expect.stringMatching(/is not valid YAML/) });
  });
  test("a stack file without the fleet key", () => {
    const e = thrown(() => readSpecFile(write("Pulumi.dev.yaml", "config:\n  aws:region: us-east-1\n")));
    expect(e.issues[0]).toMatchObject({ path: "config.livepeer-fleet:fleet", message: expect.stringMatching(/is missing from Pulumi\.dev\.yaml/) });
  });
  test("stack name from Pulumi.<stack>.yml", () => {
    const f = readSpecFile(write("Pulumi.prod-eu.yml", "config:\n  livepeer-fleet:fleet:\n    name: x\n"));
    expect(f).toMatchObject({ kind: "stack", stack: "prod-eu", raw: { name: "x" }, baseDir: tmp });
  });
  test("a plain fleet file keeps its base name as the stack", () => {
    expect(readSpecFile(write("myfleet.yaml", "name: x\n"))).toMatchObject({ kind: "fleet", stack: "myfleet", raw: { name: "x" } });
  });
  test("a stack file whose spec is invalid is reported with spec paths", () => {
    const e = thrown(() => loadFleetFile(write("Pulumi.bad.yaml", "config:\n  livepeer-fleet:fleet:\n    name: x\n")));
    expect(e.issues.map((i) => i.path)).toContain("registeredAddress");
  });
});
