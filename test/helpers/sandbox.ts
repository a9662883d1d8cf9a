/** A temp directory with fake executables (`bin/<name>`) first on PATH, to run generated bash scripts. */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export interface Sandbox {
  dir: string;
  run(script: string, args?: string[], env?: Record<string, string>, input?: string): { status: number | null; out: string };
  read(rel: string): string;
}

const TEMP: string[] = [];
afterAll(() => TEMP.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** Shims are bash bodies; `sleep` and `logger` are no-ops unless given. `$FAKE` is the sandbox dir. */
export function sandbox(shims: Record<string, string>, prefix = "lpf-sandbox-"): Sandbox {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  TEMP.push(dir);
  fs.mkdirSync(path.join(dir, "bin"));
  for (const [name, body] of Object.entries({ sleep: "exit 0", logger: "exit 0", ...shims })) {
    fs.writeFileSync(path.join(dir, "bin", name), `#!/bin/bash\n${body}\n`, { mode: 0o755 });
  }
  return {
    dir,
    run(script, args = [], env = {}, input) {
      const file = path.join(dir, `script-${Math.random().toString(36).slice(2)}.sh`);
      fs.writeFileSync(file, script, { mode: 0o700 });
      const r = spawnSync("bash", [file, ...args], {
        encoding: "utf8", input, env: { ...process.env, ...env, PATH: `${dir}/bin:${process.env.PATH}`, FAKE: dir },
      });
      return { status: r.status, out: `${r.stdout}${r.stderr}` };
    },
    read: (rel) => fs.readFileSync(path.join(dir, rel), "utf8"),
  };
}
