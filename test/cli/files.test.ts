/** Files named on the command line: FIFOs and devices are refused at once, never read. */
import { spawnSync, execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { readTextFile } from "../../src/files";

const ROOT = path.join(__dirname, "../..");
const REF = path.join(ROOT, "examples/reference/fleet.yaml");
const cli = (args: string[]) => spawnSync(process.execPath, [path.join(ROOT, "bin/livepeer-fleet.js"), ...args], { encoding: "utf8", timeout: 20000, cwd: ROOT });

let fifo: string;
beforeAll(() => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-files-"));
  fifo = path.join(dir, "f.fifo");
  execFileSync("mkfifo", [fifo]);
});

test.each([
  ["--config", () => ["plan", "--config", fifo]],
  ["--diff", () => ["plan", "--config", REF, "--diff", fifo]],
  ["--config /dev/zero", () => ["plan", "--config", "/dev/zero"]],
  ["--rpc-file", () => ["chain", "check", "--fleet", REF, "--rpc-file", fifo]],
])("%s: refused with exit 1 or 2 and a clear message, no hang", (_n, args) => {
  const r = cli(args());
  expect(r.error).toBeUndefined(); // no timeout
  expect([1, 2]).toContain(r.status);
  expect(r.stderr).toMatch(/not a regular file|ENOTREG|cannot be read/);
});

test("readTextFile: a regular file within the bound is read; larger ones are refused", () => {
  const f = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lpf-files-")), "a.txt");
  fs.writeFileSync(f, "hello");
  expect(readTextFile(f, 5)).toBe("hello");
  expect(() => readTextFile(f, 4)).toThrow(/more than the 4 accepted/);
  expect(() => readTextFile(path.dirname(f), 100)).toThrow(/a directory/);
});
