/**
 * The metrics-only listener of a pinned node (livepeer.md §10: the CLI port is a wallet API and never
 * leaves loopback). A python3 standard-library server on the node's stable private address that answers
 * exactly one request, `GET /metrics`, with the body of the loopback CLI's `/metrics` (fetched by itself:
 * no request line, header or body of the caller is ever forwarded). Anything else: 405 for other
 * methods, 404 for other paths. The upstream fetch has a timeout and a size bound; the listener has a
 * socket timeout and a bounded number of concurrent requests. Runs as a systemd DynamicUser with a
 * read-only system. It appends two gauges of its own: the node's account balance (reward, redeemer) and
 * go-livepeer's version as a number (METRICS.versionId, for the version-drift alert). Pure: the script and its unit as strings; boot (src/layout/boot.ts) installs them.
 */
import { systemdQuote } from "./boot";
import { METRICS } from "./metrics";

const execLine = (key: string, argv: string[]) => `${key}=${argv.map(systemdQuote).join(" ")}`;

/** Where boot installs the script. */
export const METRICS_PROXY_PATH = "/usr/local/lib/livepeer-fleet/metrics-proxy.py";
/** Largest /metrics body passed on (go-livepeer's, without -metricsPerStream, is well under 1 MiB). */
export const METRICS_PROXY_MAX_BYTES = 8 << 20;

export const METRICS_PROXY_PY = String.raw`# livepeer-fleet metrics-only listener: GET /metrics -> the loopback CLI's /metrics. Nothing else.
# The CLI port is a wallet API (/reward, /withdrawFees, /setOrchestratorConfig ...): this server never
# forwards a caller's path, query, headers or body; it fetches exactly one fixed URL itself.
import argparse, http.server, json, re, sys, threading, time, urllib.request, zlib

UPSTREAM_TEMPLATE = "http://127.0.0.1:%d/metrics"
BALANCE_METRIC = "${METRICS.ethBalance.name}"
BALANCE_TTL = 300
VERSION_METRIC = "${METRICS.versionId.name}"
VERSION_LABEL = re.compile(rb'^livepeer_versions\{[^\n]*?\blivepeerversion="((?:[^"\\\n]|\\.)*)"', re.M)

def version_lines(body):
    """go-livepeer's version label as a number (crc32): equal on nodes that run the same build (the drift alert)."""
    m = VERSION_LABEL.search(body)
    if not m:
        return b""
    return ("# HELP %s crc32 of go-livepeer's livepeerversion label\n# TYPE %s gauge\n%s %d\n" % (VERSION_METRIC, VERSION_METRIC, VERSION_METRIC, zlib.crc32(m.group(1)))).encode()

def balance_lines(a, cache, lock, opener):
    """The node's own account balance (eth_getBalance through the loopback RPC proxy), cached; empty on failure."""
    if not a.account:
        return b""
    with lock:
        now = time.monotonic()
        if cache.get("at") is None or now - cache["at"] > BALANCE_TTL:
            cache["at"] = now
            cache["value"] = None
            try:
                req = urllib.request.Request(a.rpc_url, data=json.dumps({"jsonrpc": "2.0", "id": 1, "method": "eth_getBalance", "params": [a.account, "latest"]}).encode(), headers={"Content-Type": "application/json"})
                with opener.open(req, timeout=a.timeout) as r:
                    result = json.loads(r.read(65536)).get("result")
                if isinstance(result, str) and result.startswith("0x") and len(result) <= 66:
                    cache["value"] = int(result, 16)
                else:
                    print("metrics-proxy: balance: unexpected answer", file=sys.stderr, flush=True)
            except Exception as e:
                print("metrics-proxy: balance failed: %s" % type(e).__name__, file=sys.stderr, flush=True)
        v = cache.get("value")
    if v is None:
        return b""
    return ("# HELP %s ETH balance of this node's account (wei)\n# TYPE %s gauge\n%s %d\n" % (BALANCE_METRIC, BALANCE_METRIC, BALANCE_METRIC, v)).encode()

class Handler(http.server.BaseHTTPRequestHandler):
    server_version, sys_version, timeout = "livepeer-fleet-metrics", "", 10
    protocol_version = "HTTP/1.0"

    def reply(self, code, body, content_type="text/plain; charset=utf-8", extra=()):
        self.send_response(code)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        for k, v in extra:
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self):
        if self.path.split("?", 1)[0] != "/metrics":
            return self.reply(404, b"not found\n")
        a = self.server.args
        if not self.server.slots.acquire(blocking=False):
            return self.reply(503, b"busy\n")
        try:
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(UPSTREAM_TEMPLATE % a.cli_port, timeout=a.timeout) as r:
                body = r.read(a.max_bytes + 1)
                content_type = r.headers.get("Content-Type", "text/plain; version=0.0.4")
        except Exception as e:
            print("metrics-proxy: upstream failed: %s" % type(e).__name__, file=sys.stderr, flush=True)
            return self.reply(502, b"metrics unavailable\n")
        finally:
            self.server.slots.release()
        if len(body) > a.max_bytes:
            print("metrics-proxy: upstream body over %d bytes" % a.max_bytes, file=sys.stderr, flush=True)
            return self.reply(502, b"metrics too large\n")
        if not content_type.startswith("text/plain") and not content_type.startswith("application/openmetrics-text"):
            content_type = "text/plain; version=0.0.4"
        extra = version_lines(body) + balance_lines(a, self.server.balance, self.server.balance_lock, urllib.request.build_opener(urllib.request.ProxyHandler({})))
        if extra and not body.endswith(b"\n"):
            body += b"\n"
        self.reply(200, body + extra, content_type)

    def not_allowed(self):
        self.reply(405, b"method not allowed\n", extra=(("Allow", "GET"),))

    def __getattr__(self, name):  # every other method (HEAD, POST, PUT, DELETE, CONNECT, ...): 405
        if name.startswith("do_"):
            return self.not_allowed
        raise AttributeError(name)

    def log_message(self, *args):
        pass

if __name__ == "__main__":
    p = argparse.ArgumentParser()
    p.add_argument("--bind", required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--cli-port", type=int, required=True)
    p.add_argument("--timeout", type=float, default=5.0)
    p.add_argument("--max-bytes", type=int, default=${METRICS_PROXY_MAX_BYTES})
    p.add_argument("--max-concurrent", type=int, default=4)
    p.add_argument("--also-loopback", action="store_true", help="also listen on 127.0.0.1 (the node's own metrics agent)")
    p.add_argument("--account", default="", help="append this account's ETH balance")
    p.add_argument("--rpc-url", default="", help="loopback JSON-RPC URL for the balance")
    args = p.parse_args()
    if args.account and not args.rpc_url.startswith("http://127.0.0.1:"):
        sys.exit("metrics-proxy: --rpc-url must be a loopback http URL")
    slots, cache, lock = threading.BoundedSemaphore(args.max_concurrent), {}, threading.Lock()
    servers = []
    for host in [args.bind] + (["127.0.0.1"] if args.also_loopback and args.bind != "127.0.0.1" else []):
        server = http.server.ThreadingHTTPServer((host, args.port), Handler)
        server.daemon_threads, server.args, server.slots, server.balance, server.balance_lock = True, args, slots, cache, lock
        servers.append(server)
    for server in servers[1:]:
        threading.Thread(target=server.serve_forever, daemon=True).start()
    servers[0].serve_forever()
`;

/**
 * The metrics proxy's systemd unit, bound to `bind` (the node's stable private address) and to loopback
 * (the node's own metrics agent scrapes it there); with `balance`, it appends that account's ETH balance.
 */
export function metricsProxyUnit(p: { bind: string; port: number; cliPort: number; balance?: { account: string; rpcUrl: string } }, after: string[]): string {
  return [
    "[Unit]", "Description=livepeer-fleet metrics-only listener (GET /metrics from the loopback CLI)",
    `After=${["network-online.target", ...after].join(" ")}`, "Wants=network-online.target", "StartLimitIntervalSec=0", "",
    "[Service]",
    execLine("ExecStart", [
      "/usr/bin/python3", "-I", METRICS_PROXY_PATH, "--bind", p.bind, "--port", String(p.port), "--cli-port", String(p.cliPort), "--also-loopback",
      ...(p.balance ? ["--account", p.balance.account, "--rpc-url", p.balance.rpcUrl] : []),
    ]),
    // Until the node's interface (AWS) carries the address, the bind fails: retry.
    "Restart=always", "RestartSec=5", "DynamicUser=yes", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
    "MemoryMax=128M", "",
    "[Install]", "WantedBy=multi-user.target", "",
  ].join("\n");
}
