/** Command-line flags: a repeated flag is a usage error (it would silently keep only one of the values). */
import { run } from "../../src/cli/main";
import { parseCommandArgs } from "../../src/cli/keys";
import { REF_FLEET_FILE, REF_STACK_FILE } from "../helpers/spec";

async function cli(argv: string[]) {
  let out = "";
  let err = "";
  const code = await run(argv, { out: (s) => (out += s), err: (s) => (err += s) });
  return { code, out, err };
}

describe("plan: a repeated flag is a usage error", () => {
  test.each<[string, string[], string]>([
    ["--config twice", ["plan", "--config", REF_FLEET_FILE, "--config", REF_STACK_FILE], "--config"],
    ["--config twice, = form", ["plan", `--config=${REF_FLEET_FILE}`, `--config=${REF_STACK_FILE}`], "--config"],
    ["--config twice, mixed forms", ["plan", "--config", REF_FLEET_FILE, `--config=${REF_FLEET_FILE}`], "--config"],
    ["--format twice", ["plan", "--config", REF_FLEET_FILE, "--format", "json", "--format", "text"], "--format"],
    ["--help twice", ["plan", "--help", "--help"], "--help"],
  ])("%s", async (_n, argv, flag) => {
    const r = await cli(argv);
    expect(r.code).toBe(2);
    expect(r.err).toContain(`livepeer-fleet: ${flag} is given more than once`);
    expect(r.out).toBe("");
  });
});

describe("keys / chain: a repeated flag is a usage error", () => {
  const FLAGS = { fleet: { type: "string" as const }, node: { type: "string" as const }, all: { type: "boolean" as const } };
  test.each<[string, string[], string]>([
    ["--fleet twice", ["--fleet", "a.yaml", "--fleet", "b.yaml"], "--fleet"],
    ["--node twice", ["--fleet", "a.yaml", "--node=o1", "--node", "o2"], "--node"],
    ["--all twice", ["--all", "--all"], "--all"],
  ])("%s", (_n, args, flag) => {
    expect(() => parseCommandArgs(args, FLAGS)).toThrow(`${flag} is given more than once`);
  });

  test("through the CLI: keys verify --fleet a --fleet b exits 2", async () => {
    const r = await cli(["keys", "verify", "--fleet", REF_FLEET_FILE, "--fleet", REF_STACK_FILE]);
    expect(r.code).toBe(2);
    expect(r.err).toContain("--fleet is given more than once");
  });

  test("each flag once is fine", () => {
    expect(parseCommandArgs(["--fleet", "a.yaml", "--node", "o1"], FLAGS)).toMatchObject({ fleet: "a.yaml", node: "o1" });
  });
});
