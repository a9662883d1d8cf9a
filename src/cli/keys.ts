/**
 * `livepeer-fleet keys new|verify`, and the small command helpers `chain` shares (flag parsing, exit
 * codes, progress). Passwords never come from an argument and are never printed.
 */
import * as fs from "fs";
import * as path from "path";
import { parseArgs } from "util";
import { readSpecFile, loadFleetFile, CONFIG_KEY, CONFIG_NAMESPACE } from "../spec/load";
import { buildLayout } from "../layout/layout";
import { walletSlots, hasKeystoreFile, fleetWallets, WalletSlot } from "../keys/slots";
import { newKeystore, decryptKeystore, writeNewPrivateFile, FileExistsError, STANDARD_SCRYPT_N } from "../keys/wallet";
import { readPasswordFile, promptHidden, checkNewPassword, PasswordInputError } from "../keys/password";
import { judgeWallets, WalletResult } from "../keys/verify";

/** What the `keys` and `chain` commands need from their surroundings; everything but out/err defaults to the process. */
export interface CommandIo {
  out: (s: string) => void;
  err: (s: string) => void;
  /** Environment (RPC URL variable). Default: process.env. */
  env?: Record<string, string | undefined>;
  /** A terminal is there to prompt on. Default: stdin is a TTY. */
  interactive?: boolean;
  /** Hidden (no echo) prompt. Default: promptHidden on stdin/stderr. */
  prompt?: (question: string) => Promise<string>;
  /** stderr is a terminal (progress redraws one line). Default: from process.stderr. */
  errIsTTY?: boolean;
}

/** Ends a command with a message and an exit status (2 = usage: the usage text follows). */
export class CommandError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = "CommandError";
  }
}

type FlagSpec = Record<string, { type: "string" | "boolean" }>;

/** Parses `--flag value` / `--flag=value` / `--bool`; unknown flags and positionals are usage errors. */
export function parseCommandArgs(args: string[], options: FlagSpec): Record<string, string | boolean | undefined> {
  try {
    const { values, tokens } = parseArgs({ args, options: { ...options, help: { type: "boolean" } }, strict: true, allowPositionals: false, tokens: true });
    // A repeated flag would silently keep only its last value (e.g. two --fleet files): refuse it.
    const seen = new Set<string>();
    for (const t of tokens ?? []) {
      if (t.kind !== "option") continue;
      if (seen.has(t.name)) throw new CommandError(`--${t.name} is given more than once`, 2);
      seen.add(t.name);
    }
    return values as Record<string, string | boolean | undefined>;
  } catch (e: any) {
    if (e instanceof CommandError) throw e;
    // Node's messages quote the offending argument; that is what the user typed (never a secret we hold).
    throw new CommandError(String(e?.message ?? e).replace(/\. To specify a positional argument.*$/s, ""), 2);
  }
}

/** Runs a command body, turning CommandError / PasswordInputError into messages and exit statuses. */
export async function runCommand(io: CommandIo, usage: string, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e: any) {
    if (e instanceof CommandError) {
      io.err(`livepeer-fleet: ${e.message}\n${e.exitCode === 2 ? `\n${usage}` : ""}`);
      return e.exitCode;
    }
    if (e instanceof PasswordInputError) {
      io.err(`livepeer-fleet: ${e.message}\n`);
      return e.cancelled ? 130 : 2;
    }
    throw e;
  }
}

/** Shows scrypt progress on stderr: redrawn in place on a terminal, as 25% steps otherwise. */
export function progressLine(io: CommandIo, label: string): { update: (f: number) => void; done: () => void } {
  const tty = io.errIsTTY ?? Boolean(process.stderr.isTTY);
  let shown = -1;
  return {
    update(f: number) {
      const pct = Math.min(100, Math.floor(f * 100));
      if (tty) {
        if (pct !== shown) io.err(`\r${label} ${pct}%`);
        shown = pct;
        return;
      }
      const step = Math.floor(pct / 25) * 25;
      if (step > shown) {
        io.err(shown < 0 ? `${label} ${step}%` : ` ${step}%`);
        shown = step;
      }
    },
    done() {
      if (tty) io.err(`\r${label} 100%\n`);
      else io.err(shown < 0 ? `${label} 100%\n` : shown < 100 ? " 100%\n" : "\n");
    },
  };
}

/** `--fleet` must name a readable file (checked here so the message names the right flag). */
export function requireFleetFile(flags: Record<string, unknown>): string {
  const f = flags.fleet;
  if (typeof f !== "string") throw new CommandError("--fleet <config> is required", 2);
  try {
    fs.accessSync(f, fs.constants.R_OK);
  } catch (e: any) {
    throw new CommandError(`--fleet ${f} cannot be read (${e?.code ?? "error"}); give a Pulumi.<stack>.yaml or a fleet YAML file`, 2);
  }
  return f;
}

const interactive = (io: CommandIo) => io.interactive ?? Boolean(process.stdin.isTTY);
const ask = (io: CommandIo, q: string) => (io.prompt ?? ((x: string) => promptHidden(x)))(q);

export const KEYS_USAGE = `usage: livepeer-fleet keys new --fleet <config> [--node <name> | --all] [--password-file <file> | --passwords-dir <dir>] [--out-dir <dir>]
       livepeer-fleet keys verify --fleet <config> [--node <name>] [--password-file <file> | --passwords-dir <dir>]

  keys new     Generate an encrypted V3 keystore (mode 0600, never overwritten) for each wallet node
               that has none (or only --node): orchestrators, the redeemer, a delegated reward caller.
               Prints the addresses and the spec lines to add. Passwords come from --password-file
               (one for all), --passwords-dir (<dir>/<node>.password) or a no-echo prompt.
  keys verify  Decrypt every keystore with its password (from a plain fleet.yaml, else --passwords-dir,
               --password-file or a prompt) and check it against the spec and the go-livepeer argv:
               unique hot wallets, the registered key on the reward node only (mode node) or nowhere.
`;

export interface KeysOptions {
  /** scrypt N for new keystores (tests use a light value). Default: STANDARD_SCRYPT_N. */
  scryptN?: number;
}

/** `livepeer-fleet keys …`: resolves to the exit status. FleetConfigError propagates (exit 1 in main). */
export async function keysCommand(argv: string[], io: CommandIo, opts: KeysOptions = {}): Promise<number> {
  return runCommand(io, KEYS_USAGE, async () => {
    const [sub, ...rest] = argv;
    if (!sub || sub === "--help" || sub === "help") {
      io.out(KEYS_USAGE);
      return sub ? 0 : 2;
    }
    if (sub === "new") return keysNew(rest, io, opts);
    if (sub === "verify") return keysVerify(rest, io);
    throw new CommandError(`unknown keys command ${JSON.stringify(sub)}`, 2);
  });
}

const POSIX = (p: string) => p.split(path.sep).join("/");

/** A password for `node`: from --passwords-dir, --password-file or (twice, on a terminal) a prompt. */
async function newPassword(io: CommandIo, flags: Record<string, any>, node: string, cache: { file?: string }): Promise<{ pw: string; source: string }> {
  if (flags["passwords-dir"]) {
    const f = path.join(flags["passwords-dir"], `${node}.password`);
    return { pw: readPasswordFile(f, "--passwords-dir"), source: f };
  }
  if (flags["password-file"]) {
    cache.file ??= readPasswordFile(flags["password-file"], "--password-file");
    return { pw: cache.file, source: flags["password-file"] };
  }
  if (!interactive(io)) {
    throw new CommandError("no password source: give --password-file <file> or --passwords-dir <dir> (holding <node>.password), or run in a terminal to be prompted", 2);
  }
  for (let i = 0; i < 3; i++) {
    const a = await ask(io, `New password for ${node}'s keystore (not shown): `);
    const weak = checkNewPassword(a.trim());
    if (weak) {
      io.err(`that password ${weak}; try again\n`);
      continue;
    }
    const b = await ask(io, `Repeat it: `);
    if (a === b) return { pw: a.trim(), source: "the prompt" };
    io.err("the two entries differ; try again\n");
  }
  throw new CommandError(`no usable password for ${node} after 3 tries`, 1);
}

async function keysNew(args: string[], io: CommandIo, opts: KeysOptions): Promise<number> {
  const flags = parseCommandArgs(args, {
    fleet: { type: "string" },
    node: { type: "string" },
    all: { type: "boolean" },
    "password-file": { type: "string" },
    "passwords-dir": { type: "string" },
    "out-dir": { type: "string" },
  });
  if (flags.help) {
    io.out(KEYS_USAGE);
    return 0;
  }
  const config = requireFleetFile(flags);
  if (flags.node && flags.all) throw new CommandError("give --node <name> or --all, not both", 2);
  if (flags["password-file"] && flags["passwords-dir"]) throw new CommandError("give --password-file or --passwords-dir, not both", 2);

  const file = readSpecFile(config);
  const { slots, problems } = walletSlots(file.raw);
  if (problems.length > 0) throw new CommandError(`cannot make keys for ${config}:\n${problems.map((p) => `  - ${p}`).join("\n")}`, 1);

  let targets: WalletSlot[];
  if (typeof flags.node === "string") {
    const slot = slots.find((s) => s.node === flags.node);
    if (!slot) throw new CommandError(`${config} has no wallet node named ${JSON.stringify(flags.node)}; wallet nodes: ${slots.map((s) => s.node).join(", ") || "(none)"}`, 1);
    if (slot.registeredKey) throw new CommandError(`reward (mode node) holds the registered key, which keys new never makes: put your registered account's existing keystore there`, 1);
    if (hasKeystoreFile(slot, file.baseDir)) throw new CommandError(`${slot.node} already has a keystore (${slot.keystore}); refusing to overwrite it (keys verify checks it)`, 1);
    targets = [slot];
  } else {
    targets = [];
    for (const s of slots) {
      if (s.registeredKey) io.err(`reward: holds the registered key (mode node); not generated\n`);
      else if (hasKeystoreFile(s, file.baseDir)) io.err(`${s.node}: has ${s.keystore}; skipped\n`);
      else targets.push(s);
    }
    if (targets.length === 0) {
      io.err("every wallet node already has a keystore; nothing to do\n");
      return 0;
    }
  }

  // Decide every file first: nothing is written unless all can be.
  const outDir = typeof flags["out-dir"] === "string" ? path.resolve(flags["out-dir"]) : path.join(file.baseDir, "keys");
  const planned = targets.map((s) => {
    const f = s.keystore ? path.resolve(file.baseDir, s.keystore) : path.join(outDir, `${s.node}.json`);
    return { slot: s, file: f, rel: POSIX(path.relative(file.baseDir, f)) };
  });
  const clash = planned.find((p) => fs.existsSync(p.file));
  if (clash) throw new CommandError(`${clash.rel} already exists; refusing to overwrite it (point ${clash.slot.where}.keystore at it, or move it away)`, 1);
  const dupFile = planned.find((p, i) => planned.findIndex((q) => q.file === p.file) !== i);
  if (dupFile) throw new CommandError(`two nodes would write ${dupFile.rel}; give each its own keystore path`, 1);

  const cache: { file?: string } = {};
  const passwords: string[] = [];
  for (const p of planned) {
    const { pw, source } = await newPassword(io, flags, p.slot.node, cache);
    const weak = checkNewPassword(pw);
    if (weak) throw new CommandError(`the password for ${p.slot.node} (from ${source}) ${weak}`, 2);
    passwords.push(pw);
  }

  const made: { slot: WalletSlot; rel: string; address: string }[] = [];
  const scryptN = opts.scryptN ?? STANDARD_SCRYPT_N;
  for (const [i, p] of planned.entries()) {
    const bar = progressLine(io, `${p.slot.node}: encrypting ${p.rel} (scrypt N=${scryptN})`);
    const ks = await newKeystore(passwords[i], { scryptN, progress: bar.update });
    bar.done();
    try {
      writeNewPrivateFile(p.file, ks.json);
    } catch (e) {
      if (e instanceof FileExistsError) throw new CommandError(`${p.rel} appeared while generating; refusing to overwrite it`, 1);
      throw e;
    }
    made.push({ slot: p.slot, rel: p.rel, address: ks.address });
  }
  passwords.length = 0;

  const w = Math.max(...made.map((m) => m.slot.node.length));
  io.out(`New hot wallets (mode 0600; "fund" = sends transactions, needs ETH on Arbitrum One):\n`);
  for (const m of made) io.out(`  ${m.slot.node.padEnd(w)}  ${m.address}  ${m.rel}${m.slot.fund ? "  fund" : ""}\n`);
  io.out("\n");
  if (file.kind === "stack") {
    const key = `${CONFIG_NAMESPACE}:${CONFIG_KEY}`;
    io.out(`Set in ${path.basename(config)} (pulumi prompts for the password, or pipe its file in with < FILE):\n`);
    for (const m of made) {
      io.out(`  pulumi config set --path '${key}.${m.slot.where}.address' '${m.address}'\n`);
      io.out(`  pulumi config set --path '${key}.${m.slot.where}.keystore' '${m.rel}'\n`);
      io.out(`  pulumi config set --secret --path '${key}.${m.slot.where}.password'\n`);
    }
  } else {
    io.out(`Add to ${path.basename(config)}:\n`);
    for (const m of made) {
      io.out(`  # ${m.slot.where} (${m.slot.node}): merge these keys into that entry, at its indentation\n`);
      io.out(`    address: "${m.address}"\n`);
      io.out(`    keystore: ${m.rel}\n`);
      io.out(`    password: <the password you gave for ${m.slot.node}>\n`);
    }
  }
  io.err(`\nNext: ${made.some((m) => m.slot.fund) ? 'fund the "fund" wallets, then ' : ""}run: livepeer-fleet keys verify --fleet ${config}\n`);
  return 0;
}

async function keysVerify(args: string[], io: CommandIo): Promise<number> {
  const flags = parseCommandArgs(args, {
    fleet: { type: "string" },
    node: { type: "string" },
    "password-file": { type: "string" },
    "passwords-dir": { type: "string" },
  });
  if (flags.help) {
    io.out(KEYS_USAGE);
    return 0;
  }
  const config = requireFleetFile(flags);
  if (flags["password-file"] && flags["passwords-dir"]) throw new CommandError("give --password-file or --passwords-dir, not both", 2);

  let fleet: ReturnType<typeof loadFleetFile>;
  try {
    fleet = loadFleetFile(config);
  } catch (e) {
    // a node still without its wallet: say how to make one
    const issues: { path: string; message: string }[] = (e as { issues?: { path: string; message: string }[] })?.issues ?? [];
    if (issues.some((i) => /\.(address|keystore|password)$|^(redeemer|reward)$/.test(i.path) && /required/.test(i.message))) {
      io.err(`${(e as Error).message}\nA wallet is missing: create it with \`livepeer-fleet keys new --fleet ${config}\`, then run keys verify again.\n`);
      return 1;
    }
    throw e;
  }
  const layout = buildLayout(fleet);
  let wallets = fleetWallets(fleet, layout, fleet.file.baseDir);
  if (typeof flags.node === "string") {
    const only = wallets.filter((w) => w.node === flags.node);
    if (only.length === 0) throw new CommandError(`${config} has no wallet node named ${JSON.stringify(flags.node)}; wallet nodes: ${wallets.map((w) => w.node).join(", ")}`, 1);
    wallets = only;
  }

  // Passwords: a plain fleet file's own values (what gets deployed); for `secure:` values the operator's.
  const passwords = new Map<string, string>();
  const fromOperator: string[] = [];
  const missing: string[] = [];
  let shared: string | undefined;
  const fromSpec: string[] = [];
  for (const w of wallets) {
    if (!w.password.encrypted) {
      passwords.set(w.node, w.password.reveal().trim());
      fromSpec.push(w.node);
      continue;
    }
    fromOperator.push(w.node);
    if (typeof flags["passwords-dir"] === "string") {
      passwords.set(w.node, readPasswordFile(path.join(flags["passwords-dir"], `${w.node}.password`), "--passwords-dir"));
    } else if (typeof flags["password-file"] === "string") {
      shared ??= readPasswordFile(flags["password-file"], "--password-file");
      passwords.set(w.node, shared);
    } else missing.push(w.node);
  }
  if (fromSpec.length > 0 && (flags["password-file"] || flags["passwords-dir"])) {
    io.err(`note: ${fromSpec.join(", ")}: using the password${fromSpec.length > 1 ? "s" : ""} in ${path.basename(config)} (what gets deployed), not the one${fromSpec.length > 1 ? "s" : ""} given\n`);
  }
  if (missing.length > 0) {
    if (!interactive(io)) {
      throw new CommandError(
        `${missing.join(", ")}: the password${missing.length > 1 ? "s are" : " is a"} \`secure:\` value${missing.length > 1 ? "s" : ""} in ${path.basename(config)}, which this tool cannot decrypt; ` +
          `give ${missing.length > 1 ? "them" : "it"} with --passwords-dir <dir> (<dir>/<node>.password) or --password-file <file>, or run in a terminal to be prompted`,
        2,
      );
    }
    for (const n of missing) passwords.set(n, (await ask(io, `Password of ${n}'s keystore (not shown): `)).trim());
  }

  const results: WalletResult[] = [];
  for (const w of wallets) {
    const bar = progressLine(io, `${w.node}: decrypting ${w.keystore}`);
    const decrypted = await decryptKeystore(fleet.keystores[w.node].json, passwords.get(w.node)!, bar.update);
    bar.done();
    results.push({ ...w, decrypted });
  }
  passwords.clear();

  const findings = judgeWallets(fleet.spec.registeredAddress, fleet.spec.reward.mode, results);
  const w = Math.max(0, ...findings.map((f) => (f.node ?? "fleet").length));
  for (const f of findings) io.out(`${f.ok ? "ok  " : "FAIL"}  ${(f.node ?? "fleet").padEnd(w)}  ${f.message}\n`);
  const bad = findings.filter((f) => !f.ok).length;
  if (fromOperator.length > 0) {
    io.err(`note: the passwords of ${fromOperator.join(", ")} came from you, not from the stack (its secure values cannot be read here); make sure the stack holds the same ones\n`);
  }
  io.out(bad === 0 ? `keys verify: ${wallets.length} wallet${wallets.length === 1 ? "" : "s"} OK\n` : `keys verify: ${bad} problem${bad === 1 ? "" : "s"}\n`);
  return bad === 0 ? 0 : 1;
}
