/** `plan --diff OLD.json` through the CLI entry point. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { run } from "../../src/cli/main";

const REF = path.join(__dirname, "../../examples/reference/fleet.yaml");
const io = () => {
  const o = { out: "", err: "" };
  return { o, io: { out: (s: string) => void (o.out += s), err: (s: string) => void (o.err += s) } };
};

test("a diff against an earlier JSON plan flags a replaced static address as disruptive", async () => {
  const first = io();
  expect(await run(["plan", "--config", REF, "--format", "json"], first.io)).toBe(0);
  const old = JSON.parse(first.o.out);
  // pretend the earlier plan had another address pool: the address would be replaced
  old.resources.find((r: any) => r.type === "aws:ec2/eip:Eip" && r.name === "ref-use1-o1").inputs.publicIpv4Pool = "ipv4pool-ec2-0123";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-diff-"));
  const oldFile = path.join(dir, "old.json");
  fs.writeFileSync(oldFile, JSON.stringify(old));
  // --fail-on-disruptive: the same report, and exit 4 (a pull-request gate)
  const second = io();
  expect(await run(["plan", "--config", REF, "--diff", oldFile, "--fail-on-disruptive"], second.io)).toBe(4);
  expect(second.o.out).toMatch(/^0 to add, 0 to update in place, 1 to replace, 0 to remove\n/);
  expect(second.o.out).toContain("+- aws:ec2/eip:Eip::ref-use1-o1 [publicIpv4Pool]  !! DISRUPTIVE: replaces a static address");
  expect(second.o.out).toMatch(/1 disruptive change: review before pulumi up\n$/);
  // usage and input errors
  const bad = io();
  expect(await run(["plan", "--config", REF, "--preview", oldFile], bad.io)).toBe(2);
  // a preview must be a pulumi preview document (steps): an arbitrary JSON file is refused, not read as "no replacements"
  fs.writeFileSync(path.join(dir, "empty.json"), "{}");
  const emptyPreview = io();
  expect(await run(["plan", "--config", REF, "--diff", oldFile, "--preview", path.join(dir, "empty.json"), "--fail-on-disruptive"], emptyPreview.io)).toBe(2);
  expect(emptyPreview.o.err).toContain("empty.json\" holds no `steps` list; give the output of `pulumi preview --json` for this stack");
  // flags that mean nothing without --diff, or with it
  for (const [argv, msg] of [
    [["--fail-on-disruptive"], "--fail-on-disruptive needs --diff OLD.json"],
    [["--diff", oldFile, "--format", "markdown"], "a diff prints as text or json"],
    [["--bogus"], "unknown flag --bogus"],
    [["--diff", oldFile, "--fail-on-disruptive=false"], "--fail-on-disruptive takes no value"],
    [["--diff="], "--diff needs a value"],
    [["--diff", ""], "--diff needs a value"],
  ] as const) {
    const e = io();
    expect(await run(["plan", "--config", REF, ...argv], e.io)).toBe(2);
    expect(e.o.err).toContain(msg);
  }
  // malformed entries are usage errors (exit 2), never a crash
  const shapes: [string, string, string][] = [
    ["--diff", JSON.stringify({ resources: [{ type: "aws:ec2/vpc:Vpc", name: "x" }] }), "has a resource (resources[0]) that is not { type, name, parent?, provider?, inputs }"],
    ["--diff", JSON.stringify({ resources: [null] }), "has a resource (resources[0])"],
    ["--diff", JSON.stringify({ resources: [{ type: "aws:ec2/eip:Eip", name: "gone", parent: 5, inputs: {} }] }), "has a resource (resources[0])"],
    ["--diff", `{"resources":[{"type":"t","name":"n","inputs":{"x":${"[".repeat(100)}${"]".repeat(100)}}}]}`, "nested at most 64 deep"],
    ["--preview", JSON.stringify({ steps: [{ op: "same", urn: 5 }] }), "has a step (steps[0]) without a string `op`"],
  ];
  for (const [flag, text, msg] of shapes) {
    const f = path.join(dir, `shape-${flag.slice(2)}.json`);
    fs.writeFileSync(f, text);
    const e = io();
    const argv = flag === "--diff" ? ["--diff", f] : ["--diff", oldFile, "--preview", f];
    expect(await run(["plan", "--config", REF, ...argv], e.io)).toBe(2);
    expect(e.o.err).toContain(msg);
  }
  // a preview of another stack or project is refused (the reference fleet file plans project livepeer-fleet-reference)
  const foreign = path.join(dir, "foreign.json");
  fs.writeFileSync(foreign, JSON.stringify({ steps: [{ op: "same", urn: "urn:pulumi:prod::other-project::aws:ec2/vpc:Vpc::ref-use1" }] }));
  const f2 = io();
  expect(await run(["plan", "--config", REF, "--diff", oldFile, "--preview", foreign], f2.io)).toBe(2);
  expect(f2.o.err).toContain('is a preview of stack "prod" of project "other-project"; this plan is of a fleet file of project "livepeer-fleet-reference"');
  fs.writeFileSync(oldFile, "not json");
  const notJson = io();
  expect(await run(["plan", "--config", REF, "--diff", oldFile], notJson.io)).toBe(2);
  expect(notJson.o.err).toBe(`livepeer-fleet: --diff ${JSON.stringify(oldFile)} is not JSON; give the output of \`livepeer-fleet plan --format json\` (or \`pulumi preview --json\` for --preview)\n`);
  const missing = io();
  expect(await run(["plan", "--config", REF, "--diff", `${oldFile}.nope`], missing.io)).toBe(2);
  expect(missing.o.err).toMatch(/--diff ".*\.nope" cannot be read \(ENOENT\)/);
});

test("--version prints the package version", async () => {
  const v = io();
  expect(await run(["--version"], v.io)).toBe(0);
  expect(v.o.out).toBe(`livepeer-fleet ${require("../../package.json").version}\n`);
});

test("a stack file in the project's stackConfigDir: its project is found above it, and its own preview is accepted", async () => {
  const src = path.join(__dirname, "../../examples/reference");
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-scd-"));
  fs.cpSync(src, dir, { recursive: true });
  fs.mkdirSync(path.join(dir, "stacks"));
  fs.renameSync(path.join(dir, "Pulumi.reference.yaml"), path.join(dir, "stacks", "Pulumi.reference.yaml"));
  fs.appendFileSync(path.join(dir, "Pulumi.yaml"), "stackConfigDir: stacks\n");
  // keystore paths stay relative to the project directory, as under pulumi up (the program runs there)
  const stackFile = path.join(dir, "stacks", "Pulumi.reference.yaml");
  const first = io();
  expect(await run(["plan", "--config", stackFile, "--format", "json"], first.io)).toBe(0);
  const old = path.join(dir, "old.json");
  fs.writeFileSync(old, first.o.out);
  const project = JSON.parse(first.o.out).summary.project;
  expect(project).toBe("livepeer-fleet-reference");
  const preview = path.join(dir, "preview.json");
  fs.writeFileSync(preview, JSON.stringify({ steps: [{ op: "same", urn: `urn:pulumi:reference::${project}::pulumi:pulumi:Stack::${project}-reference` }] }));
  const d = io();
  expect(await run(["plan", "--config", stackFile, "--diff", old, "--preview", preview, "--fail-on-disruptive"], d.io)).toBe(0);
  expect(d.o.out).toContain("no disruptive change");
  fs.rmSync(dir, { recursive: true, force: true });
});
