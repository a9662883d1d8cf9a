/**
 * Secret leaks through error messages: secret fields redacted wherever they sit, no structure or whole spec
 * ever echoed, private-key-looking strings blanked centrally, and stack files whose spec is not a mapping
 * refused without echoing it.
 */
import * as fs from "fs";
import { thrown } from "../helpers/files";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { loadFleet, redactSecrets } from "../../src/spec/validate";
import { FleetConfigError, PRIVATE_KEY_PLACEHOLDER, safeIssueValue } from "../../src/spec/errors";
import { plainSecretPaths, plainSecretIssues } from "../../src/spec/secretPaths";
import { run } from "../../src/cli/main";
import { referenceRaw, mutated, loadError, REF_DIR } from "../helpers/spec";

const KEY = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
const RPC = "https://arb.example.invalid/v2/LEAKED-API-KEY-0000";
const PW = "leaked-password-1234";

const everything = (e: FleetConfigError) => `${e.message}\n${JSON.stringify(e.issues)}`;

describe("redactSecrets: secret field names anywhere in a path (1a)", () => {
  test.each<[string, unknown, string]>([
    ["a spec given as a list", [{ rpcUrls: [RPC], name: "x" }], ""],
    ["rpcUrls under an index", { rpcUrls: [RPC] }, "[0]"],
    ["rpcUrls nested in a region", { x: { rpcUrls: RPC } }, "regions[0]"],
    ["a password under a list", [{ password: PW }], "redeemer"],
    ["orchSecret under a list", [[{ orchSecret: PW }]], ""],
  ])("%s", (_n, value, p) => {
    const out = JSON.stringify(redactSecrets(value, p));
    expect(out).not.toContain("LEAKED");
    expect(out).not.toContain(PW);
    expect(out).toContain("[secret]");
  });
});

describe("no container and no whole spec is echoed (1b)", () => {
  test.each<[string, unknown, unknown]>([
    ["a list", [1, 2, 3], "<list of 3>"],
    ["an object", { a: 1 }, "<object>"],
    ["an empty list", [], "<list of 0>"],
  ])("FleetConfigError shows %s by its shape", (_n, value, shown) => {
    const e = new FleetConfigError([{ path: "regions[0].network", value, message: "m" }]);
    expect(e.issues[0].value).toEqual(shown);
    expect(e.message).toContain(`(got ${JSON.stringify(shown)})`);
  });

  test.each<[string, unknown, string]>([
    ["a string", "hunter2-the-whole-spec", "<string>"],
    ["a number", 31337, "<number>"],
    ["a list", [{ rpcUrls: [RPC] }], "<list of 1>"],
  ])("the whole spec (path \"\") as %s is shown by its shape only", (_n, value, shown) => {
    expect(safeIssueValue("", value)).toBe(shown);
  });

  test.each<[string, unknown]>([
    ["a list holding the spec", [{ ...referenceRaw(), rpcUrls: [RPC] }]],
    ["a string", `rpc ${RPC}`],
    ["a list of strings", [RPC, PW]],
  ])("a spec that is %s is refused without echoing it", (_n, raw) => {
    const e = thrown(() => loadFleet(raw, { baseDir: REF_DIR }));
    expect(everything(e)).not.toContain("LEAKED");
    expect(everything(e)).not.toContain(PW);
    expect(e.issues.map((i) => i.path)).toContain("");
  });

  test("a structure under a field is shown by its shape (a region's network written as a list)", () => {
    const e = loadError(mutated((r) => (r.regions[0].network = [{ managed: { zones: ["us-east-1a"] } }])));
    const issue = e.issues.find((i) => i.path === "regions[0].network")!;
    expect(issue.value).toBe("<list of 1>");
  });

  test("a structure holding a secret under an unexpected name is not echoed (orchestrators as a map)", () => {
    const e = loadError(mutated((r) => (r.regions[0].orchestrators = { o1: { ...r.regions[0].orchestrators[0], pass: PW } })));
    expect(everything(e)).not.toContain(PW);
  });
});

describe("private-key-looking strings are never printed (1c)", () => {
  test.each<[string, (r: any) => void, string]>([
    ["as the registered address", (r) => (r.registeredAddress = `0x${KEY}`), "registeredAddress"],
    ["without 0x, as an address", (r) => (r.reward.address = KEY), "reward.address"],
    ["as a zone id", (r) => (r.dns.zoneId = KEY), "dns.zoneId"],
    ["as an orchestrator zone", (r) => (r.regions[0].orchestrators[0].zone = KEY), "regions[0].orchestrators[0].zone"],
    ["as a keystore path", (r) => (r.redeemer.keystore = `0x${KEY}`), "redeemer.keystore"],
  ])("%s", (_n, m, p) => {
    const e = loadError(mutated(m));
    expect(everything(e)).not.toMatch(/[0-9a-f]{64}/i);
    expect(e.issues.find((i) => i.path === p)!.value).toBe(PRIVATE_KEY_PLACEHOLDER);
  });

  test("a private key written as an unknown field's name is blanked in the path too", () => {
    const e = loadError(mutated((r) => (r[KEY] = "x")));
    expect(everything(e)).not.toContain(KEY);
  });

  test("inside a longer string, only the key-like run is blanked; image digests are public and kept", () => {
    expect(safeIssueValue("a", `key ${KEY} here`)).toBe(`key ${PRIVATE_KEY_PLACEHOLDER} here`);
    const digest = `livepeer/go-livepeer@sha256:${KEY}`;
    expect(safeIssueValue("images.livepeer", digest)).toBe(digest);
    expect(safeIssueValue("a", KEY + "ab")).toBe(KEY + "ab"); // 66 hex digits: not a key
  });

  test("in a FleetConfigError built anywhere (message and value)", () => {
    const e = new FleetConfigError([{ path: "x", value: `0x${KEY}`, message: `holds ${KEY}` }]);
    expect(everything(e)).not.toContain(KEY);
    expect(e.issues[0]).toEqual({ path: "x", value: PRIVATE_KEY_PLACEHOLDER, message: `holds ${PRIVATE_KEY_PLACEHOLDER}` });
  });
});

describe("a stack spec that is not a mapping is refused without echoing it (1d)", () => {
  test.each<[string, unknown, string[]]>([
    ["a list of specs", [{ rpcUrls: [RPC], redeemer: { password: PW } }], ["[0].rpcUrls[0]", "[0].redeemer.password"]],
    ["a string", PW, [""]],
    ["a list of strings", [PW], ["[0]"]],
    ["rpcUrls as one string", { rpcUrls: RPC }, ["rpcUrls"]],
    ["the redeemer as a list", { redeemer: [{ password: PW }] }, ["redeemer[0].password"]],
    ["an AI pool's model download token", { regions: [{ workers: [{ name: "t4" }, { name: "sdxl", modelCache: { source: "download", token: PW } }] }] }, ["regions[0].workers[1].modelCache.token"]],
  ])("plainSecretPaths finds the plain text in %s", (_n, raw, paths) => {
    expect(plainSecretPaths(raw)).toEqual(paths);
    const text = JSON.stringify(plainSecretIssues(raw));
    expect(text).not.toContain(PW);
    expect(text).not.toContain("LEAKED");
  });

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-leaks-"));
  afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

  test.each<[string, unknown]>([
    ["a list", [{ ...referenceRaw(), rpcUrls: [RPC] }]],
    ["a string", `${PW} ${RPC}`],
  ])("plan --config Pulumi.<stack>.yaml whose livepeer-fleet:fleet is %s: exit 1, nothing echoed", async (n, fleet) => {
    const file = path.join(tmp, `Pulumi.${n.replace(/\W/g, "")}.yaml`);
    fs.writeFileSync(file, stringify({ config: { "livepeer-fleet:fleet": fleet } }));
    let out = "";
    let err = "";
    const code = await run(["plan", "--config", file], { out: (s) => (out += s), err: (s) => (err += s) });
    expect(code).toBe(1);
    expect(err).toMatch(/plain text in a stack file/);
    expect(out + err).not.toContain("LEAKED");
    expect(out + err).not.toContain(PW);
  });
});

describe("issue paths and messages carry no control characters", () => {
  test("an unknown field named with an escape sequence, and a host with one, are printed escaped", () => {
    const e = loadError(mutated((r) => {
      r["x\u001b[2J"] = 1;
      r.serviceUri = "https://ORCH\u001b[31m.fleet.example.com:8935";
    }));
    expect(e.message).not.toMatch(/\u001b/);
    expect(e.message).toContain("x\\u001b[2J");
    for (const i of e.issues) expect(`${i.path}${i.message}`).not.toMatch(/\u001b/);
  });
});
