/** The JSON-RPC client and RPC URL handling: redaction, sources, and every failure as a plain message. */
import * as fs from "fs";
import * as http from "http";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { RpcClient, RpcError, RpcInputError, redactUrl, resolveRpcEndpoint, parseRpcUrl, RPC_URL_ENV } from "../../src/chain/rpc";
import { closedPort, silentServer } from "./evm";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-rpc-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe("redactUrl", () => {
  test.each<[string, string]>([
    ["https://arb-mainnet.g.alchemy.com/v2/AbCdEfSECRET", "https://***.alchemy.com/***"],
    ["https://fancy-name.arbitrum-mainnet.quiknode.pro/0123SECRET/", "https://***.quiknode.pro/***"],
    ["https://arbitrum.example.com/?apikey=SECRET", "https://***.example.com/***"],
    ["https://user:SECRET@rpc.example.com", "https://***@***.example.com"],
    ["https://example.com", "https://example.com"],
    ["http://127.0.0.1:8545", "http://127.0.0.1:8545"],
    ["http://localhost:8545/SECRET", "http://localhost:8545/***"],
    ["not a url SECRET", "[unparseable URL]"],
  ])("%s", (url, want) => {
    expect(redactUrl(url)).toBe(want);
    expect(redactUrl(url)).not.toContain("SECRET");
  });
});

describe("where the URL comes from", () => {
  const file = (name: string, text: string) => {
    const f = path.join(tmp, name);
    fs.writeFileSync(f, text);
    return f;
  };

  test("--rpc-file: the first non-comment line wins over the environment", () => {
    const f = file("rpc.txt", "# arbitrum one\n\n  https://arb.example.com/v2/KEY  \nhttps://second.example.com\n");
    expect(resolveRpcEndpoint({ rpcFile: f, env: { [RPC_URL_ENV]: "https://env.example.com" } })).toEqual({
      url: "https://arb.example.com/v2/KEY",
      source: `--rpc-file ${f}`,
      redacted: "https://***.example.com/***",
    });
  });

  test("the environment variable", () => {
    expect(resolveRpcEndpoint({ env: { [RPC_URL_ENV]: " http://127.0.0.1:8545 \n" } })).toMatchObject({ url: "http://127.0.0.1:8545", source: `$${RPC_URL_ENV}` });
  });

  test("neither", () => {
    expect(resolveRpcEndpoint({ env: {} })).toBeUndefined();
  });

  test.each<[string, () => unknown, RegExp]>([
    ["missing file", () => resolveRpcEndpoint({ rpcFile: path.join(tmp, "nope"), env: {} }), /cannot be read \(ENOENT\)/],
    ["empty file", () => resolveRpcEndpoint({ rpcFile: file("empty.txt", "# only a comment\n\n"), env: {} }), /is empty/],
    ["not a URL", () => parseRpcUrl("arb SECRET-KEY", "--rpc-file f"), /is not a URL/],
    ["a websocket URL", () => parseRpcUrl("wss://arb.example.com/SECRET-KEY", "--rpc-file f"), /uses wss:\/\/; give an http\(s\)/],
  ])("refused: %s, without quoting the URL", (_n, f, re) => {
    let err: any;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(RpcInputError);
    expect(err.message).toMatch(re);
    expect(err.message).not.toContain("SECRET");
  });
});

describe("RpcClient failures", () => {
  const failure = async (url: string, timeoutMs = 2000): Promise<string> => {
    const c = new RpcClient(parseRpcUrl(url, "--rpc-file rpc.txt"), { timeoutMs });
    try {
      await c.request("eth_chainId", []);
    } catch (e) {
      expect(e).toBeInstanceOf(RpcError);
      expect((e as Error).message).not.toContain("SECRET");
      return (e as Error).message;
    }
    throw new Error("expected a failure");
  };

  /** A loopback HTTP server answering every request with `status` and `body`. */
  const answering = async (status: number, body: string, run: (url: string) => Promise<void>) => {
    const srv = http.createServer((req, res) => {
      req.resume();
      req.on("end", () => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(body);
      });
    });
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    try {
      await run(`http://127.0.0.1:${(srv.address() as net.AddressInfo).port}/v2/SECRET-KEY`);
    } finally {
      await new Promise<void>((r) => srv.close(() => r()));
    }
  };

  test("unreachable: a closed loopback port", async () => {
    const port = await closedPort();
    expect(await failure(`http://127.0.0.1:${port}/v2/SECRET-KEY`)).toBe(
      `cannot reach the RPC endpoint http://127.0.0.1:${port}/*** (from --rpc-file rpc.txt): connection refused (nothing listens there)`,
    );
  });

  test("timeout: a server that never answers", async () => {
    const s = await silentServer();
    try {
      const t0 = Date.now();
      expect(await failure(`http://127.0.0.1:${s.port}/v2/SECRET-KEY`, 300)).toMatch(/did not answer eth_chainId within 0\.3 s \(timeout; raise it with --timeout <seconds>\)/);
      expect(Date.now() - t0).toBeLessThan(2000);
    } finally {
      await s.close();
    }
  });

  test.each<[string, number, string, RegExp]>([
    ["HTTP 401", 401, "{}", /answered eth_chainId with HTTP 401 Unauthorized \(is the API key in the URL right\?\)/],
    ["HTTP 429", 429, "{}", /HTTP 429 Too Many Requests \(rate limited\)/],
    ["not JSON", 200, "<html>hello</html>", /did not answer eth_chainId with JSON/],
    ["no result", 200, '{"jsonrpc":"2.0","id":1}', /did not answer eth_chainId with a JSON-RPC result/],
    ["a JSON-RPC error echoing the URL path", 200, '{"jsonrpc":"2.0","id":1,"error":{"code":-32000,"message":"bad key /v2/SECRET-KEY"}}', /returned error -32000 for eth_chainId: bad key \*\*\*/],
    ["a JSON-RPC error echoing only the key segment, in another case", 200, '{"jsonrpc":"2.0","id":1,"error":{"code":-32001,"message":"Unauthorized: API key secret-key is not valid"}}', /for eth_chainId: Unauthorized: API key \*\*\* is not valid$/],
  ])("%s", async (_n, status, body, re) => {
    await answering(status, body, async (url) => {
      expect(await failure(url)).toMatch(re);
    });
  });

  test("a result", async () => {
    await answering(200, '{"jsonrpc":"2.0","id":1,"result":"0xa4b1"}', async (url) => {
      expect(await new RpcClient(parseRpcUrl(url, "x")).request("eth_chainId", [])).toBe("0xa4b1");
    });
  });
});
