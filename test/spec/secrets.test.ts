/** Secrets: never printed, never echoed in errors; short orchSecret refused; `secure:` ciphertext accepted. */
import { inspect, format } from "util";
import { SecretValue, REDACTED, isSecretValue } from "../../src/spec/secret";
import { load, mutated, issuesOf, loadError, expectIssues, referenceRaw } from "../helpers/spec";

const PLAIN = "hunter2-very-secret-value-0123456789";

describe("SecretValue never prints", () => {
  const s = new SecretValue(PLAIN);
  test.each<[string, () => string]>([
    ["String()", () => String(s)],
    ["template string", () => `${s}`],
    ["concatenation", () => "x" + s],
    ["JSON.stringify", () => JSON.stringify(s)],
    ["JSON.stringify nested", () => JSON.stringify({ a: [s], b: { c: s } })],
    ["util.inspect", () => inspect(s)],
    ["util.inspect nested, showHidden, depth ∞", () => inspect({ a: { b: [s] } }, { showHidden: true, depth: Infinity })],
    ["util.format %s %o %O %j", () => format("%s %o %O %j", s, s, s, s)],
    ["Error message", () => new Error(`bad: ${s}`).message],
    ["Object.entries / spread", () => JSON.stringify(Object.entries({ ...s }))],
  ])("%s", (_n, render) => {
    const out = render();
    expect(out).not.toContain(PLAIN);
    expect(out).not.toContain("hunter2");
  });

  test("renders as [secret]", () => {
    expect([String(s), JSON.stringify(s), inspect(s)]).toEqual([REDACTED, `"${REDACTED}"`, REDACTED]);
  });
  test("reveal() gives the value; the encrypted flag is kept", () => {
    expect(s.reveal()).toBe(PLAIN);
    expect(s.encrypted).toBe(false);
    expect(new SecretValue("x", true).encrypted).toBe(true);
    expect(isSecretValue(s)).toBe(true);
    expect(isSecretValue(PLAIN)).toBe(false);
  });
});

describe("secret fields are parsed into SecretValues", () => {
  test("reference fleet: passwords, rpcUrls and orchSecret are SecretValues holding the plaintext", () => {
    const { spec } = load(referenceRaw());
    expect(spec.rpcUrls.map((u) => u.reveal())).toEqual([
      "https://arb-mainnet.example-rpc-one.invalid/v2/FAKE-API-KEY-ONE-0000",
      "https://arbitrum.example-rpc-two.invalid/FAKE-API-KEY-TWO-1111",
    ]);
    expect(spec.orchSecret!.reveal()).toBe("throwaway-test-orch-secret-0123456789abcdef");
    expect(spec.regions[0].orchestrators[0].password.reveal()).toBe("throwaway-test-password-o1");
    expect(JSON.stringify(spec)).not.toMatch(/throwaway-test-password|FAKE-API-KEY|throwaway-test-orch-secret/);
  });

  test("secure ciphertext objects are accepted for every secret field", () => {
    const { spec } = load(
      mutated((r) => {
        r.rpcUrls = [{ secure: "v1:AAAAciphertextRPC0" }, { secure: "v1:AAAAciphertextRPC1" }];
        r.orchSecret = { secure: "v1:short" }; // length is unknowable offline: not checked
        r.regions[0].orchestrators[0].password = { secure: "v1:pwo1" };
        r.regions[0].orchestrators[1].password = { secure: "v1:pwo2" };
        r.redeemer.password = { secure: "v1:pwrd" };
        r.reward.password = { secure: "v1:pwrw" };
      }),
    );
    for (const v of [...spec.rpcUrls, spec.orchSecret!, spec.redeemer!.password, spec.regions[0].orchestrators[0].password]) {
      expect(v).toBeInstanceOf(SecretValue);
      expect(v.encrypted).toBe(true);
    }
    expect(spec.rpcUrls[0].reveal()).toMatch(/^\[encrypted:/);
  });

  test("orchSecret may be omitted (one is generated)", () => {
    expect(load(mutated((r) => delete r.orchSecret)).spec.orchSecret).toBeUndefined();
  });
});

describe("secret rules", () => {
  test.each<[string, string]>([
    ["32 characters", "x".repeat(32)],
    ["64 random-looking characters", "Zx9".repeat(21) + "q"],
  ])("orchSecret accepted: %s", (_n, v) => expect(() => load(mutated((r) => (r.orchSecret = v)))).not.toThrow());

  test.each<[string, (r: any) => void, [string, RegExp][]]>([
    ["orchSecret of 31 characters", (r) => (r.orchSecret = "s".repeat(31)), [["orchSecret", /at least 32 characters/]]],
    ["orchSecret short once trimmed", (r) => (r.orchSecret = `   ${"s".repeat(20)}          `), [["orchSecret", /at least 32 characters/]]],
    ["orchSecret empty", (r) => (r.orchSecret = ""), [["orchSecret", /must not be empty/]]],
    ["orchSecret as a number", (r) => (r.orchSecret = 12345678901234567890123456789012345), [["orchSecret", /secret string/]]],
    ["an rpcUrl that is not http(s)", (r) => (r.rpcUrls[1] = "wss://arb.example.invalid/KEY-SHOULD-NOT-LEAK"), [["rpcUrls[1]", /must be an http\(s\) URL/]]],
    ["no rpcUrls", (r) => (r.rpcUrls = []), [["rpcUrls", /needs at least one Arbitrum JSON-RPC URL/]]],
    ["rpcUrls as one string", (r) => (r.rpcUrls = "https://arb.example.invalid/KEY-SHOULD-NOT-LEAK"), [["rpcUrls", /expected array/]]],
    ["rpcUrls missing", (r) => delete r.rpcUrls, [["rpcUrls", /is required/]]],
    ["an empty password", (r) => (r.redeemer.password = ""), [["redeemer.password", /must not be empty/]]],
    ["a numeric password", (r) => (r.regions[0].orchestrators[0].password = 31337313373133731337), [["regions[0].orchestrators[0].password", /secret string/]]],
    ["a password missing", (r) => delete r.reward.password, [["reward.password", /is required/]]],
    ["an empty ciphertext", (r) => (r.reward.password = { secure: "" }), [["reward.password.secure", /must not be empty/]]],
    ["a ciphertext object with extra keys", (r) => (r.reward.password = { secure: "v1:x", plain: "pw-should-not-leak" }), [["reward.password.plain", /unknown field/]]],
  ])("refused without echoing the secret: %s", (_n, m, expected) => {
    const raw = mutated(m);
    const issues = expectIssues(raw, expected); // expectIssues → loadError also asserts no plaintext secret is echoed
    const text = loadError(raw).message;
    for (const leak of ["KEY-SHOULD-NOT-LEAK", "pw-should-not-leak", "s".repeat(20), "3133731337", "1234567890123"]) expect(text).not.toContain(leak);
    for (const i of issues) if (i.path.endsWith("password") || i.path === "orchSecret" || /^rpcUrls\[/.test(i.path)) expect(i.value === undefined || i.value === "[secret]").toBe(true);
  });

  test.each<[string, (r: any) => void, string]>([
    ["orchestrators written as a map", (r) => (r.regions[0].orchestrators = { o1: r.regions[0].orchestrators[0] }), "regions[0].orchestrators"],
    ["the redeemer written as a list", (r) => (r.redeemer = [r.redeemer]), "redeemer"],
    ["a region written as a list of pairs", (r) => (r.regions = { use1: r.regions[0] }), "regions"],
  ])("a structure holding secrets is never echoed, only its shape: %s", (_n, m, p) => {
    // (This used to echo the structure with its secret fields redacted; now no container is echoed at all.)
    const raw = mutated(m);
    const issues = issuesOf(raw); // asserts no plaintext in message or values
    const issue = issues.find((i) => i.path === p)!;
    expect(issue).toBeDefined();
    expect(issue.value).toMatch(/^<(object|list of \d+)>$/);
  });

  test("the reference secrets never reach an error message, even with many problems", () => {
    const raw = mutated((r) => {
      r.orchSecret = "short-but-secret";
      r.rpcUrls.push("ftp://still-secret.invalid/KEY");
      r.regions[0].orchestrators[0].keystore = "keys/registered.json";
      r.redeemer.zone = "us-east-1z";
    });
    const err = loadError(raw);
    for (const s of ["short-but-secret", "still-secret", "throwaway-test-password", "FAKE-API-KEY"]) expect(err.message).not.toContain(s);
    expect(err.issues.map((i) => i.path).sort()).toEqual(["orchSecret", "redeemer.zone", "regions[0].orchestrators[0].keystore", "rpcUrls[2]"]);
  });
});

describe("secrets the node or the secret store would refuse", () => {
  const BIG = "p".repeat(64 * 1024 + 1);
  test.each<[string, (r: any) => void, [string, RegExp][]]>([
    ["a blank orchestrator password", (r) => (r.regions[0].orchestrators[0].password = "   \t "), [["regions[0].orchestrators[0].password", /must not be blank/]]],
    ["a blank redeemer password", (r) => (r.redeemer.password = "\n"), [["redeemer.password", /must not be blank/]]],
    ["a blank reward password", (r) => (r.reward.password = " "), [["reward.password", /must not be blank/]]],
    ["a blank orchSecret", (r) => (r.orchSecret = " ".repeat(40)), [["orchSecret", /must not be blank/]]],
    ["the password None", (r) => (r.redeemer.password = "None"), [["redeemer.password", /literal `None`/]]],
    ["the password None with spaces", (r) => (r.regions[0].orchestrators[1].password = " None\n"), [["regions[0].orchestrators[1].password", /literal `None`/]]],
    ["a password over 64 KiB", (r) => (r.reward.password = BIG), [["reward.password", /at most 65536 bytes \(64 KiB/]]],
    ["an orchSecret over 64 KiB", (r) => (r.orchSecret = BIG), [["orchSecret", /at most 65536 bytes/]]],
    ["an RPC URL over 64 KiB", (r) => (r.rpcUrls[0] = `https://a.invalid/${BIG}`), [["rpcUrls[0]", /at most 65536 bytes/]]],
    ["a blank RPC URL", (r) => (r.rpcUrls[0] = "  "), [["rpcUrls[0]", /must not be blank/]]],
    ["an RPC URL that does not parse", (r) => (r.rpcUrls[0] = "https://KEY-SHOULD-NOT-LEAK:x:y@/"), [["rpcUrls[0]", /does not parse as a URL/]]],
    ["an RPC URL without a host", (r) => (r.rpcUrls[1] = "https:///KEY-SHOULD-NOT-LEAK"), [["rpcUrls[1]", /./]]],
    ["an RPC URL of another scheme", (r) => (r.rpcUrls[1] = "file:///etc/KEY-SHOULD-NOT-LEAK"), [["rpcUrls[1]", /must be an http\(s\) URL/]]],
    ["an RPC URL with ${...} (eRPC would expand it)", (r) => (r.rpcUrls[0] = "https://arb.invalid/v2/${KEY-SHOULD-NOT-LEAK}"), [["rpcUrls[0]", /must not contain `\$`: the RPC proxy \(eRPC\) expands/]]],
    ["an RPC URL with a bare $", (r) => (r.rpcUrls[0] = "https://arb.invalid/v2/KEY-SHOULD-NOT-LEAK$1"), [["rpcUrls[0]", /must not contain `\$`/]]],
    ["an RPC URL with a newline", (r) => (r.rpcUrls[0] = "https://arb.invalid/v2/KEY-SHOULD-NOT-LEAK\nx"), [["rpcUrls[0]", /without spaces or control characters/]]],
    ["an RPC URL with a space", (r) => (r.rpcUrls[0] = "https://arb.invalid/v2/KEY-SHOULD-NOT-LEAK x"), [["rpcUrls[0]", /without spaces/]]],
  ])("refused without echoing the value: %s", (_n, m, expected) => {
    const raw = mutated(m);
    // Not expectIssues: its echo check would flag a blank secret or `None` found in any message text.
    let err: any;
    try {
      load(raw);
    } catch (e) {
      err = e;
    }
    expect(err?.name).toBe("FleetConfigError");
    const issues: { path: string; value: unknown; message: string }[] = err.issues;
    expect(issues.map((i) => i.path).sort()).toEqual(expected.map(([p]) => p).sort());
    for (const [p, re] of expected) expect(issues.find((i) => i.path === p)!.message).toMatch(re);
    for (const leak of ["KEY-SHOULD-NOT-LEAK", "pppppppp"]) expect(err.message).not.toContain(leak);
    for (const i of issues) expect(i.value).toBe("[secret]");
  });

  test.each<[string, (r: any) => void]>([
    ["a password that merely contains None", (r) => (r.redeemer.password = "None-of-your-business")],
    ["a password of exactly 64 KiB", (r) => (r.redeemer.password = "p".repeat(64 * 1024))],
    ["an http RPC URL with a port and query", (r) => (r.rpcUrls[0] = "http://10.0.0.5:8545/?key=abc")],
    ["an RPC URL with a percent-encoded $", (r) => (r.rpcUrls[0] = "https://arb.invalid/v2/a%24b")],
  ])("accepted: %s", (_n, m) => expect(() => load(mutated(m))).not.toThrow());
});
