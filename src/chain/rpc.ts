/**
 * A minimal JSON-RPC client over Node's http/https, and where its URL comes from. RPC URLs carry API
 * keys, so: the URL is read from a file or an environment variable (never a command-line argument), every
 * message names it only in redacted form, and errors are plain sentences (never a stack trace). No
 * connection pooling and no retries: one request, one connection, one timeout.
 */
import * as fs from "fs";
import { readTextFile } from "../files";
import * as http from "http";
import * as https from "https";

/** Environment variable holding the RPC URL when no --rpc-file is given. */
export const RPC_URL_ENV = "LIVEPEER_FLEET_RPC_URL";

/** Default per-request timeout, milliseconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;

/** Largest JSON-RPC response body read, bytes. */
const MAX_BODY = 8 * 1024 * 1024;

/** Why the chain could not be read: unreachable, timeout, HTTP/JSON-RPC error, wrong chain. */
export class RpcError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RpcError";
  }
}

/** A problem with how the RPC URL was given (missing, unreadable, not a URL). */
export class RpcInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "RpcInputError";
  }
}

export interface RpcEndpoint {
  url: string;
  /** Where it came from, for messages: `--rpc-file <path>` or `$LIVEPEER_FLEET_RPC_URL`. */
  source: string;
  /** The URL with everything that may be a credential masked. */
  redacted: string;
}

/**
 * A URL with its credentials masked: path, query, fragment and user info always; of a host name only
 * the last two labels stay (providers such as QuickNode put the key in a subdomain). IP addresses,
 * `localhost` and the port stay, so `http://127.0.0.1:8545` reads as itself.
 */
export function redactUrl(raw: string): string {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return "[unparseable URL]";
  }
  const host = u.hostname;
  const isIp = /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.startsWith("[");
  const labels = host.split(".");
  const shownHost = isIp || host === "localhost" || labels.length <= 2 ? host : `***.${labels.slice(-2).join(".")}`;
  const port = u.port ? `:${u.port}` : "";
  const rest = (u.pathname && u.pathname !== "/") || u.search || u.hash ? "/***" : "";
  const auth = u.username || u.password ? "***@" : "";
  return `${u.protocol}//${auth}${shownHost}${port}${rest}`;
}

/** Checks a URL is an http(s) URL; the error never quotes it. */
export function parseRpcUrl(url: string, source: string): RpcEndpoint {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new RpcInputError(`the RPC URL from ${source} is not a URL; give an http(s):// JSON-RPC endpoint of an Arbitrum One node`);
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") {
    throw new RpcInputError(`the RPC URL from ${source} uses ${u.protocol.replace(/:$/, "")}://; give an http(s):// JSON-RPC endpoint (websockets are not supported)`);
  }
  return { url, source, redacted: redactUrl(url) };
}

/**
 * The RPC URL: the first non-empty, non-comment line of `rpcFile`, else the environment variable.
 * Returns undefined when neither is given.
 */
export function resolveRpcEndpoint(opts: { rpcFile?: string; env: Record<string, string | undefined> }): RpcEndpoint | undefined {
  if (opts.rpcFile !== undefined) {
    const source = `--rpc-file ${opts.rpcFile}`;
    let text: string;
    try {
      text = readTextFile(opts.rpcFile, 64 << 10);
    } catch (e: any) {
      throw new RpcInputError(`${source} cannot be read (${e?.code ?? "error"}); it must hold the RPC URL on its first line`);
    }
    const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== "" && !l.startsWith("#"));
    if (!line) throw new RpcInputError(`${source} is empty; it must hold the RPC URL on its first line`);
    return parseRpcUrl(line, source);
  }
  const v = opts.env[RPC_URL_ENV]?.trim();
  if (v) return parseRpcUrl(v, `$${RPC_URL_ENV}`);
  return undefined;
}

/** Human text for a socket-level error code (the URL is never part of it). */
function networkMessage(code: string | undefined): string {
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused (nothing listens there)";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "the host name does not resolve";
    case "ECONNRESET":
    case "EPIPE":
      return "the connection was reset";
    case "EHOSTUNREACH":
    case "ENETUNREACH":
      return "the host is unreachable";
    case "CERT_HAS_EXPIRED":
    case "DEPTH_ZERO_SELF_SIGNED_CERT":
    case "SELF_SIGNED_CERT_IN_CHAIN":
    case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
    case "ERR_TLS_CERT_ALTNAME_INVALID":
      return `its TLS certificate is not valid (${code})`;
    default:
      return code ? `network error ${code}` : "network error";
  }
}

export interface RpcClientOptions {
  /** Per-request timeout, milliseconds. */
  timeoutMs?: number;
}

/** One JSON-RPC endpoint. Every failure is an RpcError whose message names the endpoint only redacted. */
export class RpcClient {
  readonly endpoint: RpcEndpoint;
  readonly timeoutMs: number;
  #id = 0;

  constructor(endpoint: RpcEndpoint, opts: RpcClientOptions = {}) {
    this.endpoint = endpoint;
    this.timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Calls `method`; resolves to its `result`. */
  async request<T = unknown>(method: string, params: unknown[]): Promise<T> {
    const body = JSON.stringify({ jsonrpc: "2.0", id: ++this.#id, method, params });
    const { status, text } = await this.#post(body, method);
    const where = `the RPC endpoint ${this.endpoint.redacted}`;
    if (status < 200 || status >= 300) {
      const hint = status === 401 || status === 403 ? " (is the API key in the URL right?)" : status === 429 ? " (rate limited)" : "";
      throw new RpcError(`${where} answered ${method} with HTTP ${status}${http.STATUS_CODES[status] ? ` ${http.STATUS_CODES[status]}` : ""}${hint}`);
    }
    let doc: any;
    try {
      doc = JSON.parse(text);
    } catch {
      throw new RpcError(`${where} did not answer ${method} with JSON; is it a JSON-RPC endpoint?`);
    }
    if (doc && typeof doc === "object" && doc.error) {
      const code = typeof doc.error.code === "number" ? ` ${doc.error.code}` : "";
      const msg = this.#scrub(String(doc.error.message ?? "").slice(0, 200));
      throw new RpcError(`${where} returned error${code} for ${method}${msg ? `: ${msg}` : ""}`);
    }
    if (!doc || typeof doc !== "object" || !("result" in doc)) {
      throw new RpcError(`${where} did not answer ${method} with a JSON-RPC result`);
    }
    return doc.result as T;
  }

  /**
   * Removes the URL and every part of it that could be a credential (path segments, query values, user
   * info, host labels of 6+ characters; raw, decoded and in any case) from a text the server sent back.
   */
  #scrub(s: string): string {
    let out = s.split(this.endpoint.url).join(this.endpoint.redacted);
    try {
      const u = new URL(this.endpoint.url);
      const parts = new Set<string>();
      const addPart = (p: string) => {
        for (const v of [p, safeDecode(p)]) if (v && v.length >= 6) parts.add(v);
      };
      [u.pathname, u.search, u.username, u.password].forEach(addPart);
      u.pathname.split("/").forEach(addPart);
      for (const [k, v] of u.searchParams) { addPart(k); addPart(v); }
      u.hostname.split(".").forEach(addPart);
      for (const part of [...parts].sort((a, b) => b.length - a.length)) {
        out = out.replace(new RegExp(part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"), "gi"), "***");
      }
    } catch {
      /* parseRpcUrl already accepted it */
    }
    return out;
  }

  #post(body: string, method: string): Promise<{ status: number; text: string }> {
    const where = `the RPC endpoint ${this.endpoint.redacted} (from ${this.endpoint.source})`;
    const u = new URL(this.endpoint.url);
    const mod = u.protocol === "https:" ? https : http;
    return new Promise((resolve, reject) => {
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const fail = (message: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        req.destroy();
        reject(new RpcError(message));
      };
      const req = mod.request(
        u,
        {
          method: "POST",
          agent: false,
          headers: { "content-type": "application/json", accept: "application/json", "content-length": Buffer.byteLength(body), connection: "close" },
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on("data", (c: Buffer) => {
            size += c.length;
            if (size > MAX_BODY) fail(`${where} sent more than ${MAX_BODY} bytes for ${method}`);
            else chunks.push(c);
          });
          res.on("end", () => {
            if (settled) return;
            settled = true;
            clearTimeout(timer);
            resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") });
          });
          res.on("error", (e: any) => fail(`cannot read from ${where}: ${networkMessage(e?.code)}`));
        },
      );
      timer = setTimeout(() => fail(`${where} did not answer ${method} within ${this.timeoutMs / 1000} s (timeout; raise it with --timeout <seconds>)`), this.timeoutMs);
      req.on("error", (e: any) => fail(`cannot reach ${where}: ${networkMessage(e?.code)}`));
      req.end(body);
    });
  }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
