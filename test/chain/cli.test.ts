/**
 * `livepeer-fleet chain check|service-uri` against a real local EVM (ganache in-process on loopback)
 * holding the Livepeer test doubles, with the Controller at the real Arbitrum One address. The RPC URL
 * carries a fake API key that must never be printed.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Interface, parseEther } from "ethers";
import { run } from "../../src/cli/main";
import { RPC_URL_ENV } from "../../src/chain/rpc";
import { REF_FLEET_FILE, REF_STACK_FILE } from "../helpers/spec";
import { closedPort, LocalChain, silentServer, startChain } from "./evm";

const REG = "0x254047e5Bb2e8D0B84Ad98753257251014BEc3aD";
const REDEEMER = "0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b";
const URI = "https://orch.fleet.example.com:8935";
const KEY = "FAKE-API-KEY-9f8e7d";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-chain-"));
let arb: LocalChain;
let other: LocalChain;
let clean: string;

beforeAll(async () => {
  [arb, other] = await Promise.all([startChain({ chainId: 42161, unlocked: [REG] }), startChain({ chainId: 1337 })]);
  clean = await arb.snapshot();
}, 60000);
afterAll(async () => {
  await Promise.all([arb?.close(), other?.close()]);
  fs.rmSync(tmp, { recursive: true, force: true });
});
beforeEach(async () => {
  // Back to the freshly deployed chain (a snapshot is used up by a revert: take a new one).
  await arb.revert(clean);
  clean = await arb.snapshot();
});

/** An --rpc-file for `url`, with a fake API key in its query (ganache ignores it). */
function rpcFile(url: string): string {
  const f = path.join(tmp, `rpc-${Math.random().toString(36).slice(2)}.txt`);
  fs.writeFileSync(f, `# the fleet's RPC\n${url}/?apikey=${KEY}\n`);
  return f;
}

async function cli(args: string[], env: Record<string, string> = {}) {
  const io = { outText: "", errText: "", out: (s: string) => void (io.outText += s), err: (s: string) => void (io.errText += s), env };
  const code = await run(args, io);
  const all = io.outText + io.errText;
  expect(all).not.toContain(KEY);
  expect(all).not.toMatch(/\n\s+at .*\(.*:\d+:\d+\)/); // never a stack trace
  return { code, out: io.outText, err: io.errText };
}

const check = (url: string, extra: string[] = []) => cli(["chain", "check", "--fleet", REF_FLEET_FILE, "--rpc-file", rpcFile(url), ...extra]);

/** The healthy state: URI registered, registered + active, both transacting wallets funded. */
async function healthy() {
  await arb.setServiceUri(REG, URI);
  await arb.setTranscoder(REG, 1, true);
  await arb.setBalance(REG, parseEther("0.5"));
  await arb.setBalance(REDEEMER, parseEther("0.5"));
}

describe("chain check", () => {
  test("all good: exit 0, every check listed", async () => {
    await healthy();
    const r = await check(arb.url);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^ok {4}chain +chain id 42161 \\(arbitrum-one-mainnet\\); Controller 0xD8E8328501E9645d16Cf49539efC04f734606ee4 → ServiceRegistry ${arb.serviceRegistry}, BondingManager ${arb.bondingManager}$`, "m"));
    expect(r.out).toMatch(/^ok {4}service URI +https:\/\/orch\.fleet\.example\.com:8935 is registered for 0x2540/m);
    expect(r.out).toMatch(/^ok {4}registration +0x2540.* is registered and active$/m);
    expect(r.out).toMatch(/^ok {4}balance reward +0x2540.* holds 0\.5 ETH \(≥ 0\.01 ETH\)$/m);
    expect(r.out).toMatch(/^ok {4}balance redeemer +0x70d9.* holds 0\.5 ETH \(≥ 0\.02 ETH\)$/m);
    expect(r.out).toMatch(/chain check: all 5 checks passed/);
    expect(r.err).toContain(`via http://127.0.0.1:${new URL(arb.url).port}/*** (from --rpc-file`);
  });

  test("URI mismatch: exit 1 naming both URIs and the fix", async () => {
    await healthy();
    await arb.setServiceUri(REG, "https://old-host.example.net:8935");
    const r = await check(arb.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL {2}service URI +on chain "https:\/\/old-host\.example\.net:8935" for 0x2540.*, but the fleet's is "https:\/\/orch\.fleet\.example\.com:8935"/m);
    expect(r.out).toMatch(/fix: sign and send the transaction `livepeer-fleet chain service-uri` prints/);
    expect(r.out).toMatch(/chain check: 1 of 5 checks failed/);
  });

  test("URI unset", async () => {
    await healthy();
    await arb.setServiceUri(REG, "");
    const r = await check(arb.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL {2}service URI +no service URI is registered for 0x2540/m);
  });

  test("low balance (and only the accounts that send transactions are checked)", async () => {
    await healthy();
    await arb.setBalance(REDEEMER, parseEther("0.001"));
    const r = await check(arb.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL {2}balance redeemer +0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b holds 0\.001 ETH, below funding\.minEthRedeemer 0\.02 ETH/m);
    expect(r.out).toMatch(/fix: send ETH on arbitrum-one-mainnet to 0x70d9/);
    expect(r.out).not.toMatch(/balance o1/);
  });

  test("not registered, and registered but inactive", async () => {
    await healthy();
    await arb.setTranscoder(REG, 0, false);
    let r = await check(arb.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL {2}registration +0x2540.* is not a registered orchestrator \(status NotRegistered\)/m);
    await arb.setTranscoder(REG, 1, false);
    r = await check(arb.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/^FAIL {2}registration +0x2540.* is registered but not in the active set/m);
  });

  test("every finding at once", async () => {
    const r = await check(arb.url);
    expect(r.code).toBe(1);
    expect(r.out).toMatch(/chain check: 4 of 5 checks failed/);
  });

  test("the URL from the environment variable", async () => {
    await healthy();
    const r = await cli(["chain", "check", "--fleet", REF_FLEET_FILE], { [RPC_URL_ENV]: `${arb.url}/?apikey=${KEY}` });
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/\(from \$LIVEPEER_FLEET_RPC_URL\)/);
  });

  test("wrong chain id: exit 4, nothing else read", async () => {
    const r = await check(other.url);
    expect(r.code).toBe(4);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/wrong chain: the RPC endpoint http:\/\/127\.0\.0\.1:\d+\/\*\*\* \(from --rpc-file .*\) serves chain id 1337, but the fleet's network arbitrum-one-mainnet is chain id 42161/);
  });

  test("unreachable RPC (a closed loopback port): exit 4", async () => {
    const port = await closedPort();
    const r = await check(`http://127.0.0.1:${port}`);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(new RegExp(`chain check: cannot reach the RPC endpoint http://127\\.0\\.0\\.1:${port}/\\*\\*\\* \\(from --rpc-file .*\\): connection refused`));
  });

  test("timeout: exit 4 within the limit", async () => {
    const s = await silentServer();
    try {
      const t0 = Date.now();
      const r = await check(`http://127.0.0.1:${s.port}`, ["--timeout", "0.4"]);
      expect(r.code).toBe(4);
      expect(r.err).toMatch(/did not answer eth_chainId within 0\.4 s \(timeout/);
      expect(Date.now() - t0).toBeLessThan(3000);
    } finally {
      await s.close();
    }
  });

  test("a chain without the Livepeer Controller: exit 4", async () => {
    await arb.rpc("evm_setAccountCode", [arb.controller, "0x"]);
    const r = await check(arb.url);
    expect(r.code).toBe(4);
    expect(r.err).toMatch(/there is no contract at the Livepeer Controller address 0xD8E8328501E9645d16Cf49539efC04f734606ee4 on chain 42161/);
  });

  test.each<[string, string[], Record<string, string>, RegExp]>([
    ["no RPC URL at all", [], {}, /no RPC URL: give --rpc-file <file> .* or set \$LIVEPEER_FLEET_RPC_URL/],
    ["an RPC URL as an argument is not a thing", ["--rpc-url", `https://x.example.com/${KEY}`], {}, /Unknown option '--rpc-url'/],
    ["an unreadable --rpc-file", ["--rpc-file", "/nonexistent/rpc.txt"], {}, /--rpc-file \/nonexistent\/rpc\.txt cannot be read \(ENOENT\)/],
    ["a bad --timeout", ["--rpc-file", "x", "--timeout", "soon"], {}, /--timeout must be a number of seconds/],
    ["a missing --fleet file", ["--fleet", "/nonexistent/fleet.yaml"], {}, /--fleet \/nonexistent\/fleet\.yaml cannot be read \(ENOENT\)/],
  ])("usage: %s → exit 2", async (_n, args, env, re) => {
    const r = await cli(["chain", "check", ...(args.includes("--fleet") ? [] : ["--fleet", REF_FLEET_FILE]), ...args], env);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(re);
  });
});

describe("chain service-uri", () => {
  const iface = new Interface(["function setServiceURI(string)"]);

  test("offline: the published ServiceRegistry, chain id 42161, never signed", async () => {
    const r = await cli(["chain", "service-uri", "--fleet", REF_STACK_FILE]);
    expect(r.code).toBe(0);
    const tx = JSON.parse(r.out);
    expect(tx).toEqual({ from: REG, to: "0xC92d3A360b8f9e083bA64DE15d95Cf8180897431", data: expect.stringMatching(/^0x/), value: "0", chainId: 42161 });
    expect(iface.decodeFunctionData("setServiceURI", tx.data)[0]).toBe(URI);
    expect(r.err).toMatch(/Sign and send it from the registered wallet 0x2540.* on chain 42161; this tool never holds that key/);
    expect(r.err).toMatch(/the published address; give --rpc-file or \$LIVEPEER_FLEET_RPC_URL to resolve it/);
  });

  test("with an RPC: the ServiceRegistry the Controller resolves, and what is on chain now", async () => {
    await arb.setServiceUri(REG, "https://old-host.example.net:8935");
    const r = await cli(["chain", "service-uri", "--fleet", REF_FLEET_FILE, "--rpc-file", rpcFile(arb.url)]);
    expect(r.code).toBe(0);
    const tx = JSON.parse(r.out);
    expect(tx.to).toBe(arb.serviceRegistry);
    expect(tx.chainId).toBe(42161);
    expect(r.err).toMatch(/On chain now: "https:\/\/old-host\.example\.net:8935"; this transaction replaces it/);

    // Sent by the registered account, the transaction makes chain check pass the URI.
    await arb.rpc("evm_setAccountBalance", [REG, "0xde0b6b3a7640000"]);
    await arb.rpc("eth_sendTransaction", [{ from: tx.from, to: tx.to, data: tx.data, value: "0x0" }]);
    const c = await check(arb.url);
    expect(c.out).toMatch(/^ok {4}service URI /m);
  });

  test("--registry ai: the same call on the AI ServiceRegistry (offline); a bad value is a usage error", async () => {
    const r = await cli(["chain", "service-uri", "--fleet", REF_STACK_FILE, "--registry", "ai"]);
    expect(r.code).toBe(0);
    const tx = JSON.parse(r.out);
    expect(tx).toEqual({ from: REG, to: "0x04C0b249740175999E5BF5c9ac1dA92431EF34C5", data: expect.stringMatching(/^0x/), value: "0", chainId: 42161 });
    expect(iface.decodeFunctionData("setServiceURI", tx.data)[0]).toBe(URI);
    expect(r.err).toMatch(/on the AI ServiceRegistry 0x04C0b249740175999E5BF5c9ac1dA92431EF34C5/);
    const bad = await cli(["chain", "service-uri", "--fleet", REF_STACK_FILE, "--registry", "gpu"]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--registry must be main or ai \(got "gpu"\)/);
    expect((await cli(["chain", "check", "--fleet", REF_STACK_FILE, "--registry", "ai", "--rpc-file", rpcFile(arb.url)])).code).toBe(2);
  });

  test("with an RPC on the wrong chain: exit 4", async () => {
    const r = await cli(["chain", "service-uri", "--fleet", REF_FLEET_FILE, "--rpc-file", rpcFile(other.url)]);
    expect(r.code).toBe(4);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/serves chain id 1337/);
  });
});
