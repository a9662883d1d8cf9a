/**
 * YAML reading: merge keys work (as in Pulumi's own YAML reader), and every syntax problem is reported by
 * line, column and code only, never with the offending text (a broken unquoted password), never on stderr,
 * and an unresolved tag is an error rather than a silently empty value.
 */
import * as fs from "fs";
import { tempDir, thrown } from "../helpers/files";
import * as path from "path";
import { readSpecFile, loadFleetFile, parseYamlText } from "../../src/spec/load";
import { run } from "../../src/cli/main";
import { REF_DIR, REF_FLEET_FILE, load } from "../helpers/spec";

const { dir: tmp, write } = tempDir("lpf-yaml-");

const REF_TEXT = fs.readFileSync(REF_FLEET_FILE, "utf8");
/** The reference fleet file with the redeemer's password line replaced by `line`. */
const withRedeemerPassword = (line: string) => REF_TEXT.replace(/^(  password: )throwaway-test-password-redeemer$/m, `$1${line}`);

describe("merge keys", () => {
  test("`<<: *anchor` merges a mapping (as Pulumi's YAML reader does)", () => {
    const r = parseYamlText("base: &o1\n  zone: us-east-1a\n  kind: x\nnode:\n  <<: *o1\n  kind: y\n");
    expect(r).toEqual({ ok: true, value: { base: { zone: "us-east-1a", kind: "x" }, node: { zone: "us-east-1a", kind: "y" } } });
  });

  test("a fleet file sharing worker pool fields through a merge key loads", () => {
    // The pool `t4` becomes an anchor; a pool appended after the file's last one merges it, changing name and size.
    const anchored = REF_TEXT.replace(/^ {6}- name: t4\n/m, "      - &t4pool\n        name: t4\n");
    expect(anchored).not.toBe(REF_TEXT);
    const r = parseYamlText(`${anchored.trimEnd()}\n      - <<: *t4pool\n        name: t4b\n        maxSize: 2\n        scaling: false\n`);
    expect(r.ok).toBe(true);
    const spec = load((r as { value: unknown }).value).spec;
    expect(spec.regions[0].workers.map((w) => [w.name, w.maxSize, w.instanceType, w.gpu.model])).toEqual([
      ["t4", 4, "g4dn.xlarge", "T4"],
      ["sdxl", 3, "g5.xlarge", "A10G"],
      ["t4b", 2, "g4dn.xlarge", "T4"],
    ]);
  });
});

describe("syntax problems are reported by line, column and code only", () => {
  const SECRET = "s3cr3t-Pa55word";
  test.each<[string, string, RegExp]>([
    ["a password starting with * (an alias to no anchor)", `*${SECRET}`, /line \d+, column \d+: UNRESOLVED_ALIAS/],
    ["a password starting with ! (an unresolved tag)", `!${SECRET}`, /line \d+, column \d+: TAG_RESOLVE_FAILED/],
    ["a password starting with @", `@${SECRET}`, /line \d+, column \d+: BAD_SCALAR_START/],
    ["a password starting with a backtick", `\`${SECRET}`, /line \d+, column \d+: BAD_SCALAR_START/],
    ["a password with ': ' in it", `ab: ${SECRET}`, /line \d+, column \d+: [A-Z_]+/],
    ["a password starting with & (an anchor on nothing)", `&${SECRET}`, /line \d+, column \d+: [A-Z_]+|is required|must not be empty|secret string/],
  ])("%s: the message names the place, never the text", async (_n, pw, re) => {
    const file = write(`pw-${Math.random().toString(36).slice(2)}.yaml`, withRedeemerPassword(pw));
    const errSpy = jest.spyOn(console, "error").mockImplementation(() => undefined);
    const warnSpy = jest.spyOn(console, "warn").mockImplementation(() => undefined);
    const logSpy = jest.spyOn(console, "log").mockImplementation(() => undefined);
    try {
      const e = thrown(() => loadFleetFile(file));
      expect(e.message).toMatch(re);
      expect(`${e.message}${JSON.stringify(e.issues)}`).not.toContain(SECRET);
      let out = "";
      let err = "";
      const code = await run(["plan", "--config", file], { out: (s) => (out += s), err: (s) => (err += s) });
      expect(code).toBe(1);
      expect(out + err).not.toContain(SECRET);
      for (const spy of [errSpy, warnSpy, logSpy]) for (const call of spy.mock.calls) expect(JSON.stringify(call)).not.toContain(SECRET);
      expect(warnSpy).not.toHaveBeenCalled();
    } finally {
      errSpy.mockRestore();
      warnSpy.mockRestore();
      logSpy.mockRestore();
    }
  });

  test("an unresolved tag is an error naming its line, not an empty value", () => {
    const e = thrown(() => readSpecFile(write("tag.yaml", "name: x\npassword: !vault-secret\n")));
    expect(e.issues).toEqual([expect.objectContaining({ path: "--config", message: expect.stringMatching(/line 2, column 11: TAG_RESOLVE_FAILED/) })]);
  });

  test("every problem is listed, each with its own line", () => {
    const e = thrown(() => readSpecFile(write("many.yaml", "a: *one\nb: !two x\nc: 1\nc: 2\n")));
    const lines = e.issues.map((i) => /line (\d+)/.exec(i.message)?.[1]).sort();
    expect(lines).toEqual(["1", "2", "4"]);
    expect(e.message).not.toMatch(/\*one|!two/);
  });

  test("the parser's own messages (which quote the source line) are never used", () => {
    const e = thrown(() => readSpecFile(write("flow.yaml", `rpcUrls: [https://x.invalid/KEY-${"Z".repeat(8)},\n`)));
    expect(e.message).not.toContain("KEY-ZZZZ");
    expect(e.issues[0].message).toMatch(/^is not valid YAML \(line \d+, column \d+: [A-Z_]+\)/);
  });

  test("a billion-laughs alias expansion is refused, not expanded", () => {
    let text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n";
    for (let i = 0; i < 8; i++) text += `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]\n`;
    const e = thrown(() => readSpecFile(write("laughs.yaml", text)));
    expect(e.issues[0].message).toMatch(/is not valid YAML/);
  });

  test("the reference files still read (no false alarms)", () => {
    expect(() => readSpecFile(path.join(REF_DIR, "Pulumi.reference.yaml"))).not.toThrow();
    expect(() => readSpecFile(REF_FLEET_FILE)).not.toThrow();
  });
});
