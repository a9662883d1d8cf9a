/** The livepeer-fleet command line. */
import * as path from "path";
import { FleetConfigError } from "../spec/errors";

const USAGE = `usage: livepeer-fleet plan --config <Pulumi.<stack>.yaml | fleet.yaml> [--format text|json|markdown]
                           [--diff OLD.json [--preview PREVIEW.json] [--fail-on-disruptive]]
       livepeer-fleet keys new|verify --fleet <config> …      (livepeer-fleet keys --help)
       livepeer-fleet chain check|service-uri --fleet <config> …  (livepeer-fleet chain --help)
       livepeer-fleet rollout --config <config> --region <name> [--dry-run] [--timeout-minutes N] [--force] [--redeemer]
       livepeer-fleet --version

  plan   Evaluate the fleet program offline under Pulumi's mock runtime (no cloud, no credentials)
         and print what would be built. --format json prints exactly one JSON object on stdout.
         --diff OLD.json (an earlier --format json plan) prints what changes instead: added, removed,
         updated and replaced resources with their changed inputs, disruptive ones flagged (exit 0, or 4
         with --fail-on-disruptive when any change is disruptive: gate pull requests on it);
         --preview takes a "pulumi preview --json" document: its steps decide replacement for every
         resource they name (the ForceNew table decides the rest, and the diff lists those).
  keys   Generate hot-wallet keystores; decrypt and check every keystore against the spec.
  chain  Check the on-chain service URI, registration and balances; print the unsigned setServiceURI tx.
  rollout  After \`pulumi up\`, replace a region's orchestrators one at a time, each drained first
         (AI worker groups before them); --dry-run prints the steps and the exact aws/gcloud commands.
`;

interface Io {
  out: (s: string) => void;
  err: (s: string) => void;
}

const PLAN_FLAGS = ["config", "format", "diff", "preview", "fail-on-disruptive", "help"];

function parseFlags(args: string[]): Record<string, string> {
  const flags: Record<string, string> = Object.create(null);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) throw new UsageError(`unexpected argument ${JSON.stringify(a)}`);
    if (Object.prototype.hasOwnProperty.call(flags, m[1])) throw new UsageError(`--${m[1]} is given more than once`);
    if (!PLAN_FLAGS.includes(m[1])) throw new UsageError(`unknown flag --${m[1]}`);
    const boolean = m[1] === "help" || m[1] === "fail-on-disruptive";
    if (boolean) {
      if (m[2] !== undefined) throw new UsageError(`--${m[1]} takes no value`);
      flags[m[1]] = "true";
    } else {
      const v = m[2] ?? args[++i];
      if (v === undefined || v === "" || (m[2] === undefined && v.startsWith("--"))) throw new UsageError(`--${m[1]} needs a value`);
      flags[m[1]] = v;
    }
  }
  return flags;
}

class UsageError extends Error {}

/** The package's version (package.json next to src/ or dist/src/). */
function packageVersion(): string {
  for (const rel of ["../../package.json", "../../../package.json"]) {
    try {
      return (require(path.join(__dirname, rel)) as { version: string }).version;
    } catch {
      // not here: try the next place
    }
  }
  return "unknown";
}

/** Runs the CLI; resolves to the exit status. */
export async function run(argv: string[], io: Io = { out: (s) => process.stdout.write(s), err: (s) => process.stderr.write(s) }): Promise<number> {
  const [cmd, ...rest] = argv;
  try {
    if (cmd === "--version" || cmd === "version") {
      io.out(`livepeer-fleet ${packageVersion()}\n`);
      return 0;
    }
    if (!cmd || cmd === "--help" || cmd === "help") {
      io.out(USAGE);
      return cmd ? 0 : 2;
    }
    if (cmd === "keys") return await (await import("./keys")).keysCommand(rest, io);
    if (cmd === "chain") return await (await import("./chain")).chainCommand(rest, io);
    if (cmd === "rollout") return await (await import("./rollout")).rolloutCommand(rest, io);
    if (cmd !== "plan") throw new UsageError(`unknown command ${JSON.stringify(cmd)}`);
    const flags = parseFlags(rest);
    if (flags.help) {
      io.out(USAGE);
      return 0;
    }
    if (flags.preview && !flags.diff) throw new UsageError("--preview needs --diff OLD.json");
    if (flags["fail-on-disruptive"] && !flags.diff) throw new UsageError("--fail-on-disruptive needs --diff OLD.json");
    if (flags.diff && flags.format === "markdown") throw new UsageError("a diff prints as text or json (--format markdown is for plans)");
    if (!flags.config) throw new UsageError("--config is required");
    const format = flags.format ?? "text";
    if (!["text", "json", "markdown"].includes(format)) throw new UsageError(`--format must be text, json or markdown (got ${JSON.stringify(format)})`);
    const { planFile } = await import("./plan");
    // read and check the earlier plan (and preview) before spending time on a new one
    const diffModule = flags.diff ? await import("./diff") : undefined;
    const diffInputs = diffModule?.readDiffInputs(flags.diff, flags.preview);
    const fp = await planFile(flags.config);
    if (diffModule && diffInputs) {
      const { diff, text } = diffModule.diffAgainst(fp.plan, diffInputs, { stackKnown: fp.specKind !== "fleet", projectKnown: fp.projectKnown !== false });
      io.out(format === "json" ? JSON.stringify(diff, null, 2) + "\n" : text);
      return flags["fail-on-disruptive"] && diff.disruptive.length > 0 ? 4 : 0;
    }
    if (format === "json") {
      io.out(JSON.stringify(fp.plan, null, 2) + "\n");
    } else {
      const { renderText } = await import("./format");
      io.out(renderText(fp, format === "markdown"));
    }
    return 0;
  } catch (e: any) {
    if (e instanceof FleetConfigError || e?.name === "FleetConfigError") {
      io.err(`${e.message}\n`);
      return 1;
    }
    if (e instanceof UsageError) {
      io.err(`livepeer-fleet: ${e.message}\n\n${USAGE}`);
      return 2;
    }
    if (e?.name === "PlanFileError") {
      io.err(`livepeer-fleet: ${e.message}\n`);
      return 2;
    }
    io.err(`livepeer-fleet: ${e?.stack ?? e}\n`);
    return 3;
  }
}

export function main(argv: string[]): void {
  // Fail unless the command finishes: if a plan's outputs never resolve (an apply that threw inside the
  // SDK), the event loop drains without `run` settling, and that must not look like success.
  process.exitCode = 3;
  let settled = false;
  process.once("beforeExit", () => {
    if (!settled) process.stderr.write("livepeer-fleet: the command ended without finishing (an output never resolved; see errors above)\n");
  });
  run(argv).then(
    (code) => {
      settled = true;
      process.exitCode = code;
    },
    (e) => {
      settled = true;
      process.stderr.write(`livepeer-fleet: ${e?.stack ?? e}\n`);
      process.exitCode = 3;
    },
  );
}
