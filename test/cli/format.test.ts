/**
 * Text and markdown plans: spec-derived strings never carry control characters to the terminal, and in
 * markdown they cannot add markup (escaped, or in a code span).
 */
import { planSpec, FleetPlan } from "../../src/cli/plan";
import { renderText, stripControls, mdText, mdCode } from "../../src/cli/format";
import { mutated, REF_DIR } from "../helpers/spec";

const ESC = "\u001b";
const CONTROLS = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;
const DESCRIPTION = `siphon${ESC}]0;pwned\u0007 on ${ESC}[31mcold\u009b2J host\r **bold** [x](https://evil.invalid) <b>_i_</b> | \`code\` ~~s~~`;

let fp: FleetPlan;
beforeAll(async () => {
  fp = await planSpec(mutated((r) => (r.reward = { mode: "external", description: DESCRIPTION })), { baseDir: REF_DIR });
  // Values that validation now refuses, put straight into the plan: the renderer must hold on its own.
  fp.fleet.spec.images.livepeer = `livepeer/go_livepeer:v0.9.1${ESC}[2J*x*`;
  fp.layout.regions[0].workerGroups[0].instanceTypes[0].gpuModel = `T4${ESC}[5m_[a](b)_`;
  fp.layout.warnings.push(`warn ${ESC}[1m<img src=x>`);
});

describe("control characters", () => {
  test.each([false, true])("none reach the output (markdown: %s)", (md) => {
    const out = renderText(fp, md);
    expect(out).not.toMatch(CONTROLS);
    expect(out).toContain(md ? "siphon\\]0;pwned on \\[31mcold2J host" : "siphon]0;pwned on [31mcold2J host");
  });

  test("stripControls keeps newlines and printable text, removes C0, DEL, C1 and bidi overrides", () => {
    expect(stripControls(`a${ESC}[0m\tb\r\nc\u0085d\u007f\u202ee\u0000`)).toBe("a[0mb\ncde");
  });
});

describe("markdown escaping", () => {
  test("free text (an external reward description) adds no markup", () => {
    const out = renderText(fp, true);
    const line = out.split("\n").find((l) => l.includes("reward is called outside the fleet"))!;
    expect(line).toContain("\\*\\*bold\\*\\*");
    expect(line).toContain("\\[x\\](https://evil.invalid)");
    expect(line).toContain("\\<b\\>\\_i\\_\\</b\\>");
    expect(line).toContain("\\| \\`code\\` \\~\\~s\\~\\~");
  });

  test("image names and GPU models are escaped", () => {
    const out = renderText(fp, true);
    expect(out).toContain("go-livepeer livepeer/go\\_livepeer:v0.9.1\\[2J\\*x\\*");
    expect(out).toContain("1 × T4\\[5m\\_\\[a\\](b)\\_, 20 sessions");
    expect(out).toContain("⚠ warn \\[1m\\<img src=x\\>");
  });

  test("the text format is not escaped (only stripped)", () => {
    const out = renderText(fp, false);
    expect(out).toContain("go-livepeer livepeer/go_livepeer:v0.9.1[2J*x*");
    expect(out).toContain("**bold** [x](https://evil.invalid)");
  });

  test.each<[string, string]>([
    ["a_b", "a\\_b"],
    ["line\nbreak", "line break"],
    ["&amp; $x$", "\\&amp; \\$x\\$"],
  ])("mdText(%j) = %j", (v, out) => expect(mdText(v)).toBe(out));

  test.each<[string, string]>([
    ["o1", "`o1`"],
    ["a`b", "`` a`b ``"],
    ["x``y", "``` x``y ```"],
    [`n${ESC}[0m`, "`n[0m`"],
  ])("mdCode(%j) = %j", (v, out) => expect(mdCode(v)).toBe(out));
});
