/**
 * Keystore paths: only a regular file (after following symlinks) of at most 64 KiB is read, without ever
 * blocking (a FIFO, /dev/zero); a UTF-8 byte-order mark is refused (the boot check's python json refuses it).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { spawnSync } from "child_process";
import { inspectKeystore, readKeystoreFile, KeystoreFileError, MAX_KEYSTORE_BYTES } from "../../src/spec/keystore";
import { mutated, expectIssues, load, REF_DIR, ROOT } from "../helpers/spec";

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "lpf-ksfile-"));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));
const O1 = fs.readFileSync(path.join(REF_DIR, "keys", "o1.json"), "utf8");
const put = (name: string, content: string | Buffer) => {
  const f = path.join(tmp, name);
  fs.writeFileSync(f, content);
  return f;
};
const fifo = (name: string) => {
  const f = path.join(tmp, name);
  const r = spawnSync("mkfifo", [f]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
  return f;
};
const OP = "regions[0].orchestrators[0]";
const withO1Keystore = (file: string) => mutated((r) => (r.regions[0].orchestrators[0].keystore = file));

describe("readKeystoreFile", () => {
  test("a regular file, and a symlink to one, are read as they are", () => {
    const f = put("plain.json", O1);
    const link = path.join(tmp, "link.json");
    fs.symlinkSync(f, link);
    expect(readKeystoreFile(f)).toBe(O1);
    expect(readKeystoreFile(link)).toBe(O1);
  });

  test.each<[string, () => string, RegExp]>([
    ["a directory", () => fs.mkdtempSync(path.join(tmp, "dir-")), /is a directory, not a regular file/],
    ["a FIFO", () => fifo("pipe1"), /is a FIFO \(named pipe\), not a regular file/],
    ["a symlink to a FIFO", () => {
      const l = path.join(tmp, "to-pipe");
      fs.symlinkSync(fifo("pipe2"), l);
      return l;
    }, /FIFO/],
    ["/dev/zero", () => "/dev/zero", /is a character device, not a regular file/],
    ["a file over 64 KiB", () => put("big.json", " ".repeat(MAX_KEYSTORE_BYTES + 1)), new RegExp(`is ${MAX_KEYSTORE_BYTES + 1} bytes; a keystore file holds at most ${MAX_KEYSTORE_BYTES}`)],
    ["invalid UTF-8", () => put("latin1.json", Buffer.from([0x7b, 0xff, 0x7d])), /not valid UTF-8/],
  ])("refused at once: %s", (_n, make, re) => {
    const f = make();
    const t0 = Date.now();
    expect(() => readKeystoreFile(f)).toThrow(KeystoreFileError);
    expect(() => readKeystoreFile(f)).toThrow(re);
    expect(Date.now() - t0).toBeLessThan(2000);
  });

  test("exactly 64 KiB is read", () => {
    expect(readKeystoreFile(put("max.json", "x".repeat(MAX_KEYSTORE_BYTES)))).toHaveLength(MAX_KEYSTORE_BYTES);
  });
});

describe("in the spec", () => {
  test.each<[string, () => string, RegExp]>([
    ["a directory", () => fs.mkdtempSync(path.join(tmp, "d-")), /is a directory, not a regular file; give the path of an encrypted V3 keystore JSON/],
    ["a file over 64 KiB", () => put("big2.json", `${O1}${" ".repeat(MAX_KEYSTORE_BYTES)}`), /bytes; a keystore file holds at most 65536/],
    ["a keystore saved with a byte-order mark", () => put("bom.json", `\uFEFF${O1}`), /byte-order mark \(BOM\).*without BOM/],
  ])("%s is refused", (_n, make, re) => {
    expectIssues(withO1Keystore(make()), [[`${OP}.keystore`, re]]);
  });

  test("a symlink to the real keystore is accepted", () => {
    const link = path.join(tmp, "o1-link.json");
    fs.symlinkSync(path.join(REF_DIR, "keys", "o1.json"), link);
    expect(load(withO1Keystore(link)).keystores.o1.address).toBe("0x895faB0601580556d2a6F5C4C7319241664f6af6");
  });

  // A blocking read would hang the test process itself, so these run in a child with a deadline.
  test.each<[string, () => string, RegExp]>([
    ["a FIFO nobody writes to", () => fifo("pipe3"), /FIFO/],
    ["/dev/zero (endless)", () => "/dev/zero", /character device/],
  ])("%s: refused immediately, never hangs or fills memory", (_n, make, re) => {
    const raw = withO1Keystore(make());
    const script = `
      const { loadFleet } = require(${JSON.stringify(path.join(ROOT, "src", "spec", "validate.ts"))});
      try { loadFleet(JSON.parse(process.argv[1]), { baseDir: ${JSON.stringify(REF_DIR)} }); console.log("loaded"); }
      catch (e) { console.log(JSON.stringify(e.issues ?? String(e))); }`;
    const r = spawnSync(process.execPath, ["--max-old-space-size=256", "-r", path.join(ROOT, "bin", "register.js"), "-e", script, JSON.stringify(raw)], { timeout: 20000, encoding: "utf8" });
    expect(r.signal).toBeNull();
    expect(r.status).toBe(0);
    const issues = JSON.parse(r.stdout) as { path: string; message: string }[];
    expect(issues).toEqual([expect.objectContaining({ path: `${OP}.keystore`, message: expect.stringMatching(re) })]);
  });
});

describe("inspectKeystore and the byte-order mark", () => {
  test.each<[string, string]>([
    ["at the start", `\uFEFF${O1}`],
    ["after leading whitespace", `\n\uFEFF${O1}`],
    ["at the end", `${O1}\uFEFF`],
  ])("a BOM %s is refused with a clear message", (_n, text) => {
    const ks = inspectKeystore(text);
    expect("error" in ks && ks.error).toMatch(/UTF-8 byte-order mark \(BOM\), which the node's boot check refuses/);
  });
});
