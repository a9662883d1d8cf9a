/**
 * The metrics-only listener (src/layout/metricsProxy.ts) run under python3 against a fake go-livepeer CLI:
 * only `GET /metrics` is answered, with the CLI's /metrics body; every other method and path is refused
 * and never reaches the CLI port (a wallet API); the upstream fetch is bounded in size and time.
 */
import * as http from "http";
import * as net from "net";
import * as path from "path";
import * as fs from "fs";
import { spawn, spawnSync, ChildProcess } from "child_process";
import { METRICS_PROXY_PY, metricsProxyUnit, METRICS_PROXY_PATH } from "../../src/layout/metricsProxy";
import { tempDir } from "../helpers/files";

let cli: http.Server;
let proc: ChildProcess;
let port = 0;
let body = "";
let status = 200;
let delayMs = 0;
const seen: string[] = [];
const dir = tempDir("lpf-metrics-");

const freePort = () => new Promise<number>((resolve, reject) => {
  const s = net.createServer();
  s.on("error", reject);
  s.listen(0, "127.0.0.1", () => { const p = (s.address() as net.AddressInfo).port; s.close(() => resolve(p)); });
});

/** A raw HTTP/1.0 request (any method, any request target), so nothing is normalised on the way. */
function raw(method: string, target: string, extra = ""): Promise<{ status: number; body: string; head: string }> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, "127.0.0.1", () => s.write(`${method} ${target} HTTP/1.0\r\nHost: x\r\n${extra}\r\n`));
    let data = "";
    s.on("data", (d) => (data += d.toString("latin1")));
    s.on("error", reject);
    s.on("end", () => {
      const [head, ...rest] = data.split("\r\n\r\n");
      resolve({ status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), body: rest.join("\r\n\r\n"), head });
    });
  });
}

beforeAll(async () => {
  cli = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    setTimeout(() => {
      res.statusCode = status;
      res.setHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
      res.end(body);
    }, delayMs);
  });
  await new Promise<void>((r) => cli.listen(0, "127.0.0.1", () => r()));
  const cliPort = (cli.address() as net.AddressInfo).port;
  port = await freePort();
  const script = path.join(dir.dir, "metrics-proxy.py");
  fs.writeFileSync(script, METRICS_PROXY_PY);
  proc = spawn("python3", ["-I", script, "--bind", "127.0.0.1", "--port", String(port), "--cli-port", String(cliPort), "--timeout", "1", "--max-bytes", "4096"], { stdio: "ignore" });
  for (let i = 0; i < 100; i++) {
    try { await raw("GET", "/metrics"); return; } catch { await new Promise((r) => setTimeout(r, 50)); }
  }
  throw new Error("metrics proxy did not start");
});
afterAll(async () => {
  proc?.kill();
  await new Promise<void>((r) => cli.close(() => r()));
});
beforeEach(() => {
  status = 200;
  delayMs = 0;
  body = "# TYPE livepeer_transcoders_number gauge\nlivepeer_transcoders_number 2\n";
});

test("the script is valid python3", () => {
  const r = spawnSync("python3", ["-c", "import ast,sys; ast.parse(sys.stdin.read())"], { input: METRICS_PROXY_PY, encoding: "utf8" });
  expect(r.status).toBe(0);
});

test("GET /metrics answers with the CLI's /metrics, fetched from that one fixed URL", async () => {
  const before = seen.length;
  const r = await raw("GET", "/metrics?name[]=x", "Authorization: Bearer nope\r\n");
  expect(r.status).toBe(200);
  expect(r.body).toBe(body);
  expect(r.head).toMatch(/Content-Type: text\/plain; version=0\.0\.4/);
  // the caller's query and headers are not forwarded
  expect(seen.slice(before)).toEqual(["GET /metrics"]);
});

/** zlib.crc32 as python computes it (Node 20's zlib has none). */
const crc32 = (v: string) => Number(spawnSync("python3", ["-c", "import sys,zlib; print(zlib.crc32(sys.argv[1].encode()))", v], { encoding: "utf8" }).stdout.trim());

test.each<[string, string, string | undefined]>([
  ["a release", 'livepeer_versions{livepeerversion="0.9.1",node_id="o",node_type="orch"} 1\n', "0.9.1"],
  ["label order, a dev build", 'livepeer_versions{node_type="orch",livepeerversion="0.9.1-e2fe336c",goversion="go1.23"} 1\n', "0.9.1-e2fe336c"],
  ["a label merely ending in livepeerversion is not it", 'livepeer_versions{xlivepeerversion="9",livepeerversion="0.9.0"} 1\n', "0.9.0"],
  ["no livepeer_versions: nothing appended", 'livepeer_versions_other{livepeerversion="0.9.1"} 1\n', undefined],
])("the go-livepeer version appended as a number (the drift alert's gauge): %s", async (_what, versions, version) => {
  body = `livepeer_transcoders_number 2\n${versions}`;
  const r = await raw("GET", "/metrics");
  expect(r.status).toBe(200);
  const extra = r.body.slice(body.length);
  expect(r.body.startsWith(body)).toBe(true);
  if (version === undefined) {
    expect(extra).toBe("");
  } else {
    expect(extra).toBe(`# HELP livepeer_fleet_version_id crc32 of go-livepeer's livepeerversion label\n# TYPE livepeer_fleet_version_id gauge\nlivepeer_fleet_version_id ${crc32(version)}\n`);
  }
});

test.each([["/reward"], ["/"], ["/metrics/"], ["/metrics/../reward"], ["/withdrawFees"], ["/signMessage?x=1"], ["/setOrchestratorConfig"], ["http://127.0.0.1:7935/reward"], ["/Metrics"]])(
  "GET %s is 404 and never reaches the CLI",
  async (target) => {
    const before = seen.length;
    const r = await raw("GET", target);
    expect(r.status).toBe(404);
    expect(r.body).not.toContain("livepeer_");
    expect(seen.length).toBe(before);
  },
);

test.each([["POST"], ["PUT"], ["DELETE"], ["PATCH"], ["HEAD"], ["OPTIONS"], ["CONNECT"], ["TRACE"]])("%s /metrics is 405 and never reaches the CLI", async (method) => {
  const before = seen.length;
  const r = await raw(method, "/metrics", method === "POST" ? "Content-Length: 2\r\n\r\n{}" : "");
  expect(r.status).toBe(405);
  expect(r.head).toMatch(/Allow: GET/);
  expect(r.body).not.toContain("livepeer_");
  expect(seen.length).toBe(before);
});

test("an upstream failure, an oversized body or a slow CLI is a 502, never a partial body", async () => {
  status = 500;
  expect((await raw("GET", "/metrics")).status).toBe(502);
  status = 200;
  body = "x".repeat(5000);
  const big = await raw("GET", "/metrics");
  expect([big.status, big.body]).toEqual([502, "metrics too large\n"]);
  body = "livepeer_transcoders_number 1\n";
  delayMs = 1500;
  const slow = await raw("GET", "/metrics");
  expect([slow.status, slow.body]).toEqual([502, "metrics unavailable\n"]);
});

test("its unit binds the node's private address and loopback (for its own agent), as a dynamic user with a read-only system", () => {
  const unit = metricsProxyUnit({ bind: "10.40.0.204", port: 8937, cliPort: 7935 }, ["livepeer-fleet-network-interface.service"]);
  expect(unit).toContain(`ExecStart=/usr/bin/python3 -I ${METRICS_PROXY_PATH} --bind 10.40.0.204 --port 8937 --cli-port 7935 --also-loopback\n`);
  expect(metricsProxyUnit({ bind: "10.40.1.243", port: 8937, cliPort: 7935, balance: { account: "0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b", rpcUrl: "http://127.0.0.1:4000/livepeer/evm/42161" } }, []))
    .toContain("--also-loopback --account 0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b --rpc-url http://127.0.0.1:4000/livepeer/evm/42161\n");
  expect(unit).toMatch(/^After=network-online\.target livepeer-fleet-network-interface\.service$/m);
  for (const line of ["DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "Restart=always"]) expect(unit).toContain(line);
  expect(unit).not.toContain("0.0.0.0");
});

describe("the account balance gauge (reward and redeemer nodes)", () => {
  let rpc: http.Server;
  let rpcAnswer: unknown = { jsonrpc: "2.0", id: 1, result: "0x2386f26fc10000" }; // 0.01 ETH
  const calls: any[] = [];
  let p2: ChildProcess;
  let port2 = 0;
  const get = () => new Promise<string>((resolve, reject) => {
    http.get({ host: "127.0.0.1", port: port2, path: "/metrics" }, (res) => { let d = ""; res.on("data", (c) => (d += c)); res.on("end", () => resolve(d)); }).on("error", reject);
  });
  beforeAll(async () => {
    rpc = http.createServer((req, res) => {
      let d = "";
      req.on("data", (c) => (d += c));
      req.on("end", () => { calls.push({ url: req.url, body: JSON.parse(d) }); res.setHeader("Content-Type", "application/json"); res.end(JSON.stringify(rpcAnswer)); });
    });
    await new Promise<void>((r) => rpc.listen(0, "127.0.0.1", () => r()));
    port2 = await freePort();
    const script = path.join(dir.dir, "metrics-proxy.py");
    const rpcUrl = `http://127.0.0.1:${(rpc.address() as net.AddressInfo).port}/livepeer/evm/42161`;
    p2 = spawn("python3", ["-I", script, "--bind", "127.0.0.1", "--port", String(port2), "--cli-port", String((cli.address() as net.AddressInfo).port), "--timeout", "1", "--also-loopback", "--account", "0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b", "--rpc-url", rpcUrl], { stdio: "ignore" });
    for (let i = 0; i < 100; i++) {
      try { await get(); return; } catch { await new Promise((r) => setTimeout(r, 50)); }
    }
  });
  afterAll(() => { p2?.kill(); rpc?.close(); });

  test("appended after the CLI's metrics, from eth_getBalance of its own account through the loopback RPC, cached", async () => {
    status = 200; delayMs = 0; body = "livepeer_reward_call_errors 0\n";
    const out = await get(); // (the start-up probe already fetched the balance once)
    expect(out).toBe("livepeer_reward_call_errors 0\n# HELP livepeer_fleet_eth_balance_wei ETH balance of this node's account (wei)\n# TYPE livepeer_fleet_eth_balance_wei gauge\nlivepeer_fleet_eth_balance_wei 10000000000000000\n");
    expect(calls.map((c) => [c.url, c.body.method, c.body.params])).toEqual([["/livepeer/evm/42161", "eth_getBalance", ["0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b", "latest"]]]);
    await get();
    expect(calls).toHaveLength(1); // cached for five minutes
  });

  test("a refused RPC URL that is not loopback stops the proxy at start", () => {
    const r = spawnSync("python3", ["-I", path.join(dir.dir, "metrics-proxy.py"), "--bind", "127.0.0.1", "--port", "1", "--cli-port", "2", "--account", "0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b", "--rpc-url", "https://rpc.example.com/KEY"], { encoding: "utf8" });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain("--rpc-url must be a loopback http URL");
  });
});
