/**
 * Offline plan engine (DESIGN §5): runs a Pulumi program in-process under mocks (no engine, no CLI, no
 * cloud) and records every resource it registers, as plain deterministic JSON.
 *
 * How it works
 * - Each run gets a fresh Pulumi runtime store (`withLocalStorage`, the same isolation the Automation API
 *   uses for inline programs), so config, mocks and the monitor of one run never leak into the next one
 *   and never disturb mocks a test file set globally. Runs are serialised by a process-wide queue.
 * - `pulumi.runtime.setMocks` installs a `MockMonitor`; we wrap its `registerResource`, `readResource`
 *   and `invoke` to capture what the SDK sends on the wire: type, name, parent URN, provider reference,
 *   custom flag, and the serialised inputs (where secrets are still marked, resource references are
 *   `{urn,id}`, assets are tagged). Mocked `newResource` args carry neither parent nor
 *   `additionalSecretOutputs`; the wire request does.
 * - Like the real engine, outputs named in `additionalSecretOutputs` are made secret in the response
 *   (the bare MockMonitor ignores that option).
 * - `pulumi.log.*` goes to a captured fake engine instead of stdout/stderr (keeps `--format json` clean);
 *   info/warning messages land in `summary.diagnostics`, `pulumi.log.error` fails the plan.
 * - The program's return value is serialised with the SDK's own `serializeProperty` (awaits Outputs and
 *   Promises recursively, keeps secretness), then rendered like inputs.
 *
 * Rendering (inputs and outputs): secret → "[secret]"; unknown → "[unknown]"; resource reference →
 * `{ "$resource": "<type>::<name>" }`; asset → `{ "$asset": { path|text|uri } }`; archive →
 * `{ "$archive": { assets|path|uri } }`; object keys sorted.
 *
 * Failures: the program's own error rejects `runPlan` with that same error object. Otherwise the plan
 * rejects with the first of: a failed registration (mock threw, duplicate URN), a failed invoke (even
 * one the program swallowed or only used as an input: under mocks it means a missing mock), an
 * unhandled rejection raised during the run (e.g. a throwing `apply` feeding an input), `pulumi.log.error`.
 * The run stops waiting as soon as one of the first three is recorded: when preparing a resource's inputs
 * fails, the SDK never resolves (nor rejects) that resource's outputs, so a program or stack output that
 * depends on it would otherwise wait forever (and the process would end with the plan unsettled).
 * Caveat: jest sandboxes `process`, so inside jest the unhandled-rejection path is reported by jest as a
 * test failure instead of reaching `runPlan` (the CLI runs in a real process, where it works).
 *
 * `parent` is null for top-level resources and for children of the root stack (`pulumi:pulumi:Stack`):
 * the plan never shows the stack itself. `provider` is the provider resource's name, "" for the default
 * provider (and for components and providers themselves).
 *
 * Resources are listed in tree order: roots first, each followed by its children (depth first), siblings
 * sorted by type then name. This order depends only on the tree, not on async timing.
 */
import * as pulumi from "@pulumi/pulumi";
import { createMocks, InvokeHandler } from "./mocks";

export interface PlannedResource {
  type: string;
  name: string;
  parent: string | null;
  provider: string;
  custom: boolean;
  inputs: Record<string, unknown>;
}

export interface Plan {
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  summary: Record<string, unknown>;
  /**
   * Explicit dependencies (`dependsOn`, and those Pulumi adds from input Outputs) per resource, as
   * `type::name` → `type::name[]`. Not part of the JSON shape (non-enumerable); for tests and tools.
   */
  readonly dependencies?: Record<string, string[]>;
}

export interface PlanOptions {
  project: string;
  stack: string;
  /** Stack config, e.g. `{ "aws:region": "us-east-1", "livepeer-fleet:fleet": "<json>" }`. The process's
   *  PULUMI_CONFIG is ignored so plans only depend on what is passed here. */
  config?: Record<string, string>;
  /** Config keys whose values are secrets (`secure:` in Pulumi.<stack>.yaml). */
  secretKeys?: string[];
  /** Extra or overriding invoke mocks by token (e.g. a test pinning `aws:ec2/getAmi:getAmi`). */
  invokes?: Record<string, InvokeHandler>;
}

export type PlanProgram = () => Promise<Record<string, unknown>> | Record<string, unknown>;

// --- SDK internals (stable across 3.x, not in the public typings) -----------------------------------------

interface WireStruct {
  toJavaScript(): Record<string, unknown>;
}
interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getCustom(): boolean;
  getProvider(): string;
  getObject(): WireStruct | undefined;
  getAdditionalsecretoutputsList(): string[];
  getDependenciesList(): string[];
}
interface RegisterResponse {
  getUrn(): string;
  getObject(): WireStruct | undefined;
  setObject(s: WireStruct): void;
}
interface ReadRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProvider(): string;
}
interface InvokeRequest {
  getTok(): string;
}
type Callback<T> = (err: unknown, resp?: T) => void;
interface MonitorLike {
  registerResource(req: RegisterRequest, cb: Callback<RegisterResponse>): unknown;
  readResource(req: ReadRequest, cb: Callback<{ getUrn(): string }>): unknown;
  invoke(req: InvokeRequest, cb: Callback<unknown>): unknown;
}
interface LogRequest {
  getSeverity(): number;
  getMessage(): string;
  getUrn(): string;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings: {
  getMonitor(): MonitorLike | undefined;
  waitForRPCs(): Promise<void>;
} = require("@pulumi/pulumi/runtime/settings");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const stateMod: {
  withLocalStorage<T>(cb: () => T): T;
  getStore(): { settings: { engine?: unknown }; logErrorCount: number; leakCandidates?: Set<unknown> };
} = require("@pulumi/pulumi/runtime/state");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const rpc: {
  serializeProperty(ctx: string, prop: unknown, deps?: Set<unknown>, opts?: { keepOutputValues?: boolean }): Promise<unknown>;
  unknownValue: string;
} = require("@pulumi/pulumi/runtime/rpc");

// eslint-disable-next-line @typescript-eslint/no-require-imports
const debuggable: { debuggablePromise: <T>(p: Promise<T>, ctx?: unknown) => Promise<T> } = require("@pulumi/pulumi/runtime/debuggable");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const resourceMod: { Resource: { stackTrace(skip: number): unknown[] } } = require("@pulumi/pulumi/resource");

const SIG_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ASSET_SIG = "c44067f5952c0a294b673a41bacd8c17";
const ARCHIVE_SIG = "0def7320c3a5731c473e5ecbe6d01bc7";
const RESOURCE_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const OUTPUT_VALUE_SIG = "d0e6a833031e9bbcd3f4e8bde6ca49a4";
const STACK_TYPE = "pulumi:pulumi:Stack";
const LOG_SEVERITY = ["debug", "info", "warning", "error"] as const;

// --- capture -----------------------------------------------------------------------------------------------

interface Registration {
  type: string;
  name: string;
  custom: boolean;
  parentUrn: string;
  providerRef: string;
  raw: Record<string, unknown>;
  /** URNs this resource depends on. */
  dependencyUrns: string[];
  /** Qualified type chain as the real engine builds URNs (parent types joined by `$`). */
  chain: string;
  urn?: string;
  parent?: Registration;
  children: Registration[];
}

interface RunState {
  byUrn: Map<string, Registration>;
  seenUrns: Set<string>;
  /** `type::name` of every registration (plan diffs key by it). */
  seenKeys: Set<string>;
  registered: Registration[];
  reads: string[];
  invokes: Map<string, number>;
  diagnostics: Array<{ severity: string; message: string; resource: string | null }>;
  errors: unknown[];
  /** Records a failure (state.errors) and ends any wait on the program or its outputs. */
  fail(e: unknown): void;
}

/** Splits a URN into its qualified type (`a$b$c`) and name. */
function parseUrn(urn: string): { qualifiedType: string; type: string; name: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return { qualifiedType, type: qualifiedType.split("$").pop() ?? "", name: parts.slice(3).join("::") };
}

function refName(urn: string, state: RunState): string {
  const reg = state.byUrn.get(urn);
  if (reg) return `${reg.type}::${reg.name}`;
  const { type, name } = parseUrn(urn);
  return `${type}::${name}`;
}

function providerName(ref: string, state: RunState): string {
  if (!ref) return "";
  const urn = ref.slice(0, ref.lastIndexOf("::"));
  return state.byUrn.get(urn)?.name ?? parseUrn(urn).name;
}

function wrapMonitor(monitor: MonitorLike, state: RunState, project: string, stack: string): void {
  const register = monitor.registerResource.bind(monitor);
  monitor.registerResource = (req, cb) => {
    const parentUrn = req.getParent();
    const parent = parentUrn ? state.byUrn.get(parentUrn) : undefined;
    const type = req.getType();
    const name = req.getName();
    const reg: Registration = {
      type,
      name,
      custom: req.getCustom(),
      parentUrn,
      providerRef: req.getProvider(),
      raw: req.getObject()?.toJavaScript() ?? {},
      dependencyUrns: req.getDependenciesList(),
      chain: parent && parent.type !== STACK_TYPE ? `${parent.chain}$${type}` : type,
      parent,
      children: [],
    };
    // The mock monitor does not reject duplicate URNs; the real engine does.
    const realUrn = `urn:pulumi:${stack}::${project}::${reg.chain}::${name}`;
    if (state.seenUrns.has(realUrn)) {
      state.fail(new Error(`Duplicate resource URN '${realUrn}'; try giving it a unique name`));
    }
    state.seenUrns.add(realUrn);
    // Stricter than the engine: plan diffs key resources by `type::name`, so that must be unique too.
    const key = `${type}::${name}`;
    if (type !== STACK_TYPE && state.seenKeys.has(key)) {
      state.fail(new Error(`two resources are named ${key} (under different parents); a plan diff could not tell them apart: rename one`));
    }
    state.seenKeys.add(key);
    const secretOutputs = req.getAdditionalsecretoutputsList();
    return register(req, (err, resp) => {
      if (err || !resp) {
        state.fail(err ?? new Error(`registration of ${type}::${name} returned no response`));
        return cb(err, resp);
      }
      if (secretOutputs.length > 0) markSecret(resp, secretOutputs);
      reg.urn = resp.getUrn();
      state.byUrn.set(reg.urn, reg);
      state.registered.push(reg);
      cb(err, resp);
    });
  };

  const read = monitor.readResource.bind(monitor);
  monitor.readResource = (req, cb) => {
    state.reads.push(`${req.getType()}::${req.getName()}`);
    return read(req, cb);
  };

  const invoke = monitor.invoke.bind(monitor);
  monitor.invoke = (req, cb) => {
    const tok = req.getTok();
    if (tok !== "pulumi:pulumi:getResource") state.invokes.set(tok, (state.invokes.get(tok) ?? 0) + 1);
    return invoke(req, (err, resp) => {
      // The SDK rethrows invoke failures as `new Error(err.details)` (gRPC style); a mock's plain Error
      // has no `details`, so without this the message ("Mock not implemented: …") would be lost.
      if (err instanceof Error && (err as { details?: unknown }).details === undefined) {
        (err as { details?: unknown }).details = err.message;
      }
      // A failed invoke fails the plan even if the program swallowed it or only used it as an input:
      // under mocks it means a missing mock, which must be noticed.
      if (err) state.fail(err);
      cb(err, resp);
    });
  };
}

/** Marks `keys` of the registered state secret, as the engine does for `additionalSecretOutputs`. */
function markSecret(resp: RegisterResponse, keys: string[]): void {
  const struct = resp.getObject();
  if (!struct) return;
  const obj = struct.toJavaScript();
  let changed = false;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined || v === null || isSig(v, SECRET_SIG)) continue;
    obj[k] = { [SIG_KEY]: SECRET_SIG, value: v };
    changed = true;
  }
  if (changed) {
    const StructCtor = struct.constructor as unknown as { fromJavaScript(o: Record<string, unknown>): WireStruct };
    resp.setObject(StructCtor.fromJavaScript(obj));
  }
}

/** A stand-in for the engine's log service: keeps `pulumi.log.*` off stdout/stderr. */
function fakeEngine(state: RunState) {
  const ok = (cb: Callback<unknown>) => cb(null, {});
  return {
    log(req: LogRequest, cb: Callback<unknown>) {
      const severity = LOG_SEVERITY[req.getSeverity()] ?? "info";
      if (severity !== "debug") {
        const urn = req.getUrn();
        state.diagnostics.push({ severity, message: req.getMessage(), resource: urn ? refName(urn, state) : null });
      }
      ok(cb);
    },
    requirePulumiVersion: (_req: unknown, cb: Callback<unknown>) => ok(cb),
  };
}

// --- rendering -------------------------------------------------------------------------------------------

function isSig(v: unknown, sig: string): boolean {
  return typeof v === "object" && v !== null && (v as Record<string, unknown>)[SIG_KEY] === sig;
}

function render(v: unknown, state: RunState, counter: { secrets: number }): unknown {
  if (v === rpc.unknownValue) return "[unknown]";
  if (v === null || typeof v !== "object") return v;
  if (Array.isArray(v)) return v.map((e) => render(e, state, counter));
  const o = v as Record<string, unknown>;
  const sig = o[SIG_KEY];
  switch (sig) {
    case undefined:
      break;
    case SECRET_SIG:
      counter.secrets++;
      return "[secret]";
    case RESOURCE_SIG:
      return { $resource: refName(String(o.urn), state) };
    case ASSET_SIG:
    case ARCHIVE_SIG: {
      const body: Record<string, unknown> = {};
      for (const k of Object.keys(o).sort()) if (!k.startsWith("__") && k !== SIG_KEY) body[k] = render(o[k], state, counter);
      return sig === ASSET_SIG ? { $asset: body } : { $archive: body };
    }
    case OUTPUT_VALUE_SIG:
      if (o.secret === true) {
        counter.secrets++;
        return "[secret]";
      }
      return "value" in o ? render(o.value, state, counter) : "[unknown]";
    default:
      return `[unrecognised value ${String(sig)}]`;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(o).sort()) {
    const r = render(o[k], state, counter);
    if (r !== undefined) out[k] = r;
  }
  return out;
}

function compareRegs(a: Registration, b: Registration): number {
  if (a.type !== b.type) return a.type < b.type ? -1 : 1;
  if (a.name !== b.name) return a.name < b.name ? -1 : 1;
  return 0;
}

function treeOrder(regs: Registration[]): Registration[] {
  const roots: Registration[] = [];
  for (const r of regs) r.children = [];
  for (const r of regs) {
    // The parent registered before the child (the SDK awaits the parent's URN), so `parent` is set.
    if (r.parent && r.parent.urn && r.parent.type !== STACK_TYPE) r.parent.children.push(r);
    else roots.push(r);
  }
  const out: Registration[] = [];
  const visit = (list: Registration[]) => {
    for (const r of [...list].sort(compareRegs)) {
      out.push(r);
      visit(r.children);
    }
  };
  visit(roots.filter((r) => r.type !== STACK_TYPE));
  return out;
}

function parentOf(r: Registration): string | null {
  if (!r.parentUrn) return null;
  if (r.parent) return r.parent.type === STACK_TYPE ? null : `${r.parent.type}::${r.parent.name}`;
  const { type, name } = parseUrn(r.parentUrn);
  return type === STACK_TYPE ? null : `${type}::${name}`;
}

function sortedCounts(m: Map<string, number>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const k of [...m.keys()].sort()) out[k] = m.get(k)!;
  return out;
}

function summarise(regs: Registration[], state: RunState, opts: PlanOptions, secrets: number): Record<string, unknown> {
  const byType = new Map<string, number>();
  const providerUse = new Map<string, number>(); // by provider URN: names can repeat across packages
  let custom = 0;
  let onDefaultProvider = 0;
  for (const r of regs) {
    byType.set(r.type, (byType.get(r.type) ?? 0) + 1);
    if (!r.custom) continue;
    custom++;
    if (r.type.startsWith("pulumi:providers:")) continue;
    if (r.providerRef === "") onDefaultProvider++;
    else {
      const urn = r.providerRef.slice(0, r.providerRef.lastIndexOf("::"));
      providerUse.set(urn, (providerUse.get(urn) ?? 0) + 1);
    }
  }
  const providers = regs
    .filter((r) => r.custom && r.type.startsWith("pulumi:providers:"))
    .map((r) => ({ name: r.name, type: r.type, resources: providerUse.get(r.urn ?? "") ?? 0 }));
  const key = (d: { severity: string; message: string; resource: string | null }) => `${d.resource ?? ""}\u0000${d.severity}\u0000${d.message}`;
  const diagnostics = [...state.diagnostics].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return {
    project: opts.project,
    stack: opts.stack,
    total: regs.length,
    custom,
    components: regs.length - custom,
    byType: sortedCounts(byType),
    providers,
    onDefaultProvider,
    invokes: sortedCounts(state.invokes),
    reads: [...state.reads].sort(),
    secretsRedacted: secrets,
    diagnostics,
  };
}

// --- run -------------------------------------------------------------------------------------------------

let queue: Promise<unknown> = Promise.resolve();

/** Runs `program` in-process under Pulumi mocks (no engine, no CLI, no cloud) and records everything it registers. */
export function runPlan(program: PlanProgram, opts: PlanOptions): Promise<Plan> {
  const result = queue.then(() => withoutStackCapture(() => stateMod.withLocalStorage(() => runIsolated(program, opts))));
  queue = result.catch(() => undefined);
  return result;
}

/**
 * The SDK captures and formats a full stack trace for every resource (source positions for the engine) and
 * every internal promise (leak debugging). Under mocks nobody reads them, and formatting them was about
 * half of a plan's CPU time (more under jest, whose stack formatting maps sources). For the duration of a
 * run both hooks are replaced by ones that capture nothing; the program's own errors keep their stacks.
 * Set LIVEPEER_FLEET_PLAN_STACKS=1 to keep the SDK's behaviour.
 */
async function withoutStackCapture<T>(run: () => Promise<T>): Promise<T> {
  if (process.env.LIVEPEER_FLEET_PLAN_STACKS === "1") return run();
  const origDebuggable = debuggable.debuggablePromise;
  const origStackTrace = resourceMod.Resource.stackTrace;
  debuggable.debuggablePromise = (p) => {
    const candidates = stateMod.getStore().leakCandidates;
    if (!candidates) return p;
    candidates.add(p);
    const forget = () => candidates.delete(p);
    return p.then(
      (v) => (forget(), v),
      (e: unknown) => {
        forget();
        throw e;
      },
    );
  };
  resourceMod.Resource.stackTrace = () => [];
  try {
    return await run();
  } finally {
    debuggable.debuggablePromise = origDebuggable;
    resourceMod.Resource.stackTrace = origStackTrace;
  }
}

async function runIsolated(program: PlanProgram, opts: PlanOptions): Promise<Plan> {
  const config = { ...(opts.config ?? {}) };
  let failed!: (e: unknown) => void;
  // Rejects with the first recorded failure; only ever raced against, so it never goes unhandled.
  const failure = new Promise<never>((_resolve, reject) => (failed = reject));
  failure.catch(() => undefined);
  const state: RunState = {
    byUrn: new Map(),
    seenUrns: new Set(),
    seenKeys: new Set(),
    registered: [],
    reads: [],
    invokes: new Map(),
    diagnostics: [],
    errors: [],
    fail(e) {
      state.errors.push(e);
      failed(state.errors[0]);
    },
  };
  const unlessFailed = <T>(p: Promise<T>): Promise<T> => Promise.race([p, failure]);
  const mocks = createMocks({
    config,
    invokes: opts.invokes,
    providerInputs(ref) {
      if (!ref) return undefined;
      const reg = state.byUrn.get(ref.slice(0, ref.lastIndexOf("::")));
      return reg?.raw;
    },
  });
  await pulumi.runtime.setMocks(mocks, opts.project, opts.stack, false, "organization");
  pulumi.runtime.setAllConfig(config, opts.secretKeys ?? []);
  stateMod.getStore().settings.engine = fakeEngine(state);
  const monitor = settings.getMonitor();
  if (!monitor) throw new Error("plan: Pulumi mock monitor not installed");
  wrapMonitor(monitor, state, opts.project, opts.stack);

  // Failures that never reach the program (a rejected registration, an Output-form invoke whose result is
  // only used as an input) surface as unhandled rejections, which the Pulumi language host treats as errors.
  const unhandled = (reason: unknown) => {
    state.fail(reason);
  };
  process.on("unhandledRejection", unhandled);
  try {
    let serialized: unknown;
    try {
      const returned = await unlessFailed(Promise.resolve(program()));
      serialized = await unlessFailed(rpc.serializeProperty("outputs", returned ?? {}, new Set(), { keepOutputValues: false }));
    } finally {
      // Let in-flight registrations finish, so nothing of this run leaks into the next one; after a failure
      // only until then: registrations waiting on a resource whose inputs failed never finish. What is left
      // pending belongs to this run's own store and monitor.
      await unlessFailed(settings.waitForRPCs().catch((e: unknown) => state.fail(e))).catch(() => undefined);
      // Node reports unhandled rejections only after the microtask queue drains: yield one macrotask
      // turn so they reach `unhandled` before it is removed.
      await new Promise((resolve) => setImmediate(resolve));
    }
    if (state.errors.length > 0) throw state.errors[0];
    const logErrors = state.diagnostics.filter((d) => d.severity === "error");
    if (logErrors.length > 0 || stateMod.getStore().logErrorCount > 0) {
      throw new Error(`pulumi.log.error during plan: ${logErrors.map((d) => d.message).join("; ") || "see logs"}`);
    }

    const counter = { secrets: 0 };
    const ordered = treeOrder(state.registered);
    const resources: PlannedResource[] = ordered.map((r) => ({
      type: r.type,
      name: r.name,
      parent: parentOf(r),
      provider: r.custom ? providerName(r.providerRef, state) : "",
      custom: r.custom,
      inputs: render(r.raw, state, counter) as Record<string, unknown>,
    }));
    const outputs = render(serialized ?? {}, state, counter) as Record<string, unknown>;
    const plan: Plan = { resources, outputs, summary: summarise(ordered, state, opts, counter.secrets) };
    const dependencies: Record<string, string[]> = {};
    for (const r of ordered) dependencies[`${r.type}::${r.name}`] = [...new Set(r.dependencyUrns.map((u) => refName(u, state)))].sort();
    Object.defineProperty(plan, "dependencies", { value: dependencies, enumerable: false });
    return plan;
  } finally {
    process.off("unhandledRejection", unhandled);
    // The SDK reports still-pending promises of a store as "leaks" at process exit and sets exit code 1;
    // this run is over (and if it failed, its pending promises are expected), so forget them.
    stateMod.getStore().leakCandidates?.clear();
  }
}
