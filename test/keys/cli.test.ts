/**
 * `livepeer-fleet keys new|verify` end to end on throwaway fleets. Light scrypt (N=1024) everywhere but
 * one round trip at the standard parameters through the real CLI entry point.
 */
import * as fs from "fs";
import * as path from "path";
import { stringify } from "yaml";
import { keysCommand } from "../../src/cli/keys";
import { run } from "../../src/cli/main";
import { STANDARD_SCRYPT_N } from "../../src/keys/wallet";
import { captureIo, cleanupFleetDirs, fleetDir, FleetDir, LIGHT_N, passwordOf } from "./fleet";

afterAll(cleanupFleetDirs);

const light = { scryptN: LIGHT_N };
const HOT = ["o1", "o2", "redeemer"] as const;

/** A fleet whose `nodes` (default o1, o2, redeemer) have no keys yet, and a passwords dir holding <node>.password. */
async function keylessFleet(nodes: readonly string[] = HOT): Promise<FleetDir & { pwDir: string }> {
  const fd = await fleetDir();
  for (const n of nodes) fs.rmSync(path.join(fd.dir, "keys", `${n}.json`));
  fd.write((raw) => {
    for (const e of [...raw.regions[0].orchestrators, raw.redeemer]) {
      if (!nodes.includes(e.name ?? "redeemer")) continue;
      delete e.address;
      delete e.keystore;
    }
  });
  const pwDir = path.join(fd.dir, "pw");
  for (const n of HOT) fd.put(`pw/${n}.password`, `${passwordOf(n)}-new\n`);
  return { ...fd, pwDir };
}

/** The `node address file` rows `keys new` prints. */
const rows = (out: string) =>
  [...out.matchAll(/^ {2}(\S+)\s+(0x[0-9a-fA-F]{40})\s+(\S+\.json)(\s+fund)?$/gm)].map((m) => ({ node: m[1], address: m[2], file: m[3], fund: !!m[4] }));

/** Puts what `keys new` printed (and the passwords given) into the fleet spec. */
function apply(fd: FleetDir, made: ReturnType<typeof rows>, password: (node: string) => string) {
  fd.write((raw) => {
    for (const m of made) {
      const e = m.node === "redeemer" ? raw.redeemer : raw.regions[0].orchestrators.find((o: any) => o.name === m.node);
      Object.assign(e, { address: m.address, keystore: m.file, password: password(m.node) });
    }
  });
}

function stackFile(fd: FleetDir): string {
  const raw = JSON.parse(JSON.stringify(fd.raw));
  const secure = (s: string) => ({ secure: `v1:${Buffer.from(s).toString("base64").slice(0, 16)}` });
  raw.rpcUrls = raw.rpcUrls.map(secure);
  raw.orchSecret = secure(raw.orchSecret);
  for (const e of [...raw.regions[0].orchestrators, raw.redeemer, raw.reward]) e.password = secure(e.password);
  return fd.put("Pulumi.test.yaml", stringify({ config: { "livepeer-fleet:fleet": raw } }));
}

describe("keys new", () => {
  test("makes a keystore per wallet node lacking one, prints only addresses and spec lines; keys verify passes after adding them", async () => {
    const fd = await keylessFleet();
    const io = captureIo();
    expect(await keysCommand(["new", "--fleet", fd.file, "--passwords-dir", fd.pwDir], io, light)).toBe(0);

    const made = rows(io.outText);
    expect(made.map((m) => [m.node, m.file, m.fund])).toEqual([
      ["o1", "keys/o1.json", false],
      ["o2", "keys/o2.json", false],
      ["redeemer", "keys/redeemer.json", true],
    ]);
    for (const m of made) {
      const f = path.join(fd.dir, m.file);
      expect(fs.statSync(f).mode & 0o777).toBe(0o600);
      expect(JSON.parse(fs.readFileSync(f, "utf8")).address).toBe(m.address.slice(2).toLowerCase());
      expect(io.outText).toContain(`# ${m.node === "redeemer" ? "redeemer" : `regions[0].orchestrators[${m.node === "o1" ? 0 : 1}]`} (${m.node}): merge these keys into that entry, at its indentation\n    address: "${m.address}"\n    keystore: ${m.file}\n`);
    }
    expect(io.errText).toMatch(/reward: holds the registered key \(mode node\); not generated/);
    expect(io.errText).toMatch(/o1: encrypting keys\/o1\.json \(scrypt N=1024\) 0% 25% 50% 75% 100%\n/);
    // only addresses, paths and placeholders: no password, no private key
    for (const n of HOT) expect(io.outText + io.errText).not.toContain(passwordOf(n));
    expect(io.outText).not.toMatch(/0x[0-9a-fA-F]{64}/);

    expect(io.errText).toContain('Next: fund the "fund" wallets, then run: livepeer-fleet keys verify');

    // before the spec has them, keys verify says how the missing wallets are made
    const early = captureIo();
    expect(await keysCommand(["verify", "--fleet", fd.file], early)).toBe(1);
    expect(early.errText).toMatch(/regions\[0\]\.orchestrators\[0\]\.address: is required[\s\S]*A wallet is missing: create it with `livepeer-fleet keys new --fleet /);

    apply(fd, made, (n) => `${passwordOf(n)}-new`);
    const v = captureIo();
    expect(await keysCommand(["verify", "--fleet", fd.file], v)).toBe(0);
    expect(v.outText).toMatch(/keys verify: 4 wallets OK/);

    // A second run has nothing to do, and never replaces a key.
    const before = fs.readFileSync(path.join(fd.dir, "keys/o1.json"), "utf8");
    const again = captureIo();
    expect(await keysCommand(["new", "--fleet", fd.file, "--all", "--passwords-dir", fd.pwDir], again, light)).toBe(0);
    expect(again.errText).toMatch(/nothing to do/);
    const one = captureIo();
    expect(await keysCommand(["new", "--fleet", fd.file, "--node", "o1", "--passwords-dir", fd.pwDir], one, light)).toBe(1);
    expect(one.errText).toMatch(/o1 already has a keystore \(keys\/o1\.json\); refusing to overwrite/);
    expect(fs.readFileSync(path.join(fd.dir, "keys/o1.json"), "utf8")).toBe(before);
  });

  test("an existing file where a key would go stops everything before anything is written", async () => {
    const fd = await keylessFleet();
    fd.put("keys/o2.json", "someone else's key");
    const io = captureIo();
    expect(await keysCommand(["new", "--fleet", fd.file, "--passwords-dir", fd.pwDir], io, light)).toBe(1);
    expect(io.errText).toMatch(/keys\/o2\.json already exists; refusing to overwrite/);
    expect(fs.existsSync(path.join(fd.dir, "keys/o1.json"))).toBe(false);
    expect(fs.readFileSync(path.join(fd.dir, "keys/o2.json"), "utf8")).toBe("someone else's key");
  });

  test("writes to the keystore path the spec names, and --node makes only that one", async () => {
    const fd = await keylessFleet();
    fd.write((raw) => (raw.regions[0].orchestrators[1].keystore = "secrets/o2-hot.json"));
    const io = captureIo();
    expect(await keysCommand(["new", "--fleet", fd.file, "--node", "o2", "--password-file", path.join(fd.pwDir, "o2.password")], io, light)).toBe(0);
    expect(rows(io.outText).map((m) => [m.node, m.file])).toEqual([["o2", "secrets/o2-hot.json"]]);
    expect(fs.existsSync(path.join(fd.dir, "keys/o1.json"))).toBe(false);
  });

  test("prompts twice without echo when there is a terminal, retrying weak or differing entries", async () => {
    const fd = await keylessFleet();
    const answers = ["short", "a-long-enough-pw", "a-different-pw-x", "a-long-enough-pw", "a-long-enough-pw"];
    const questions: string[] = [];
    const io = captureIo({ interactive: true, prompt: async (q: string) => (questions.push(q), answers.shift()!) });
    expect(await keysCommand(["new", "--fleet", fd.file, "--node", "o1"], io, light)).toBe(0);
    expect(answers).toEqual([]);
    expect(questions.filter((q) => /New password for o1/.test(q))).toHaveLength(3);
    expect(io.errText).toMatch(/shorter than 12 characters; try again/);
    expect(io.errText).toMatch(/the two entries differ; try again/);
    expect(io.outText + io.errText).not.toContain("a-long-enough-pw");
  });

  test("a Pulumi stack file gets `pulumi config set` lines, the password as a prompted secret", async () => {
    const fd = await keylessFleet();
    const stack = stackFile(fd);
    const io = captureIo();
    expect(await keysCommand(["new", "--fleet", stack, "--node", "redeemer", "--passwords-dir", fd.pwDir], io, light)).toBe(0);
    const [m] = rows(io.outText);
    expect(io.outText).toContain(`pulumi config set --path 'livepeer-fleet:fleet.redeemer.address' '${m.address}'`);
    expect(io.outText).toContain(`pulumi config set --path 'livepeer-fleet:fleet.redeemer.keystore' 'keys/redeemer.json'`);
    expect(io.outText).toMatch(/pulumi config set --secret --path 'livepeer-fleet:fleet\.redeemer\.password'\n/);
  });

  test.each<[string, string[], number, RegExp]>([
    ["no password source and no terminal", ["--node", "o1"], 2, /no password source: give --password-file/],
    ["a password on the command line is not a thing", ["--password", "hunter2-hunter2"], 2, /Unknown option '--password'/],
    ["--node and --all together", ["--node", "o1", "--all"], 2, /give --node <name> or --all, not both/],
    ["an unknown node", ["--node", "o9", "--password-file", "x"], 1, /has no wallet node named "o9"; wallet nodes: o1, o2, redeemer, reward/],
    ["the registered key is never generated", ["--node", "reward", "--password-file", "x"], 1, /reward \(mode node\) holds the registered key, which keys new never makes/],
  ])("refuses: %s", async (_n, args, code, re) => {
    const fd = await keylessFleet();
    const io = captureIo();
    expect(await keysCommand(["new", "--fleet", fd.file, ...args], io, light)).toBe(code);
    expect(io.errText).toMatch(re);
    expect(fs.readdirSync(path.join(fd.dir, "keys")).sort()).toEqual(["registered.json"]);
  });

  test("a weak password file is refused before any key is made", async () => {
    const fd = await keylessFleet();
    const pw = fd.put("weak.txt", "short\n");
    const io = captureIo();
    expect(await keysCommand(["new", "--fleet", fd.file, "--password-file", pw], io, light)).toBe(2);
    expect(io.errText).toMatch(/the password for o1 \(from .*weak\.txt\) is shorter than 12 characters/);
    expect(io.errText).not.toContain("short\n");
    expect(fs.existsSync(path.join(fd.dir, "keys/o1.json"))).toBe(false);
  });
});

describe("keys verify", () => {
  test("a fleet whose keystores all decrypt and match", async () => {
    const fd = await fleetDir();
    const io = captureIo();
    expect(await keysCommand(["verify", "--fleet", fd.file], io)).toBe(0);
    expect(io.outText.split("\n").filter((l) => l.startsWith("ok  ")).map((l) => l.split(/\s+/)[1])).toEqual(["o1", "o2", "redeemer", "reward"]);
    expect(io.errText).toMatch(/o1: decrypting keys\/o1\.json 0% 25% 50% 75% 100%/);
  });

  test("a plain fleet file's own passwords win over a given one (they are what gets deployed)", async () => {
    const fd = await fleetDir();
    const io = captureIo();
    expect(await keysCommand(["verify", "--fleet", fd.file, "--password-file", fd.put("other.txt", "some-other-password")], io)).toBe(0);
    expect(io.errText).toMatch(/note: o1, o2, redeemer, reward: using the passwords in fleet\.yaml \(what gets deployed\), not the ones given/);
  });

  test("a wrong password", async () => {
    const fd = await fleetDir();
    fd.write((raw) => (raw.regions[0].orchestrators[1].password = "not-o2s-password"));
    const io = captureIo();
    expect(await keysCommand(["verify", "--fleet", fd.file], io)).toBe(1);
    expect(io.outText).toMatch(/FAIL {2}o2 .*keys\/o2\.json does not decrypt with its password: the password is wrong, or the file's ciphertext or MAC was altered/);
    expect(io.outText).toMatch(/^ok {4}o1 /m);
    expect(io.outText + io.errText).not.toContain("not-o2s-password");
  });

  test("a tampered ciphertext", async () => {
    const fd = await fleetDir();
    const doc = JSON.parse(fd.keys.o1.json);
    const c = doc.Crypto ?? doc.crypto;
    c.ciphertext = [...c.ciphertext].reverse().join("");
    fd.put("keys/o1.json", JSON.stringify(doc));
    const io = captureIo();
    expect(await keysCommand(["verify", "--fleet", fd.file], io)).toBe(1);
    expect(io.outText).toMatch(/FAIL {2}o1 .*does not decrypt with its password/);
  });

  test("a tampered address field (spec edited to match) is caught by decryption", async () => {
    const fd = await fleetDir();
    const doc = JSON.parse(fd.keys.o1.json);
    const stranger = "0xa79cc2ec8a9dA7bfB37CE66E5837bbEb2AB6c2F4";
    doc.address = stranger.slice(2).toLowerCase();
    fd.put("keys/o1.json", JSON.stringify(doc));
    fd.write((raw) => (raw.regions[0].orchestrators[0].address = stranger));
    const io = captureIo();
    expect(await keysCommand(["verify", "--fleet", fd.file], io)).toBe(1);
    expect(io.outText).toMatch(/FAIL {2}o1 .*was altered: the key it holds is not the account its `address` field records/);
  });

  test.each<[string, (fd: FleetDir) => void, RegExp]>([
    [
      "a tampered file without its MAC",
      (fd) => {
        const doc = JSON.parse(fd.keys.o1.json);
        delete (doc.Crypto ?? doc.crypto).mac;
        fd.put("keys/o1.json", JSON.stringify(doc));
      },
      /regions\[0\]\.orchestrators\[0\]\.keystore: has no complete crypto section/,
    ],
    [
      "a duplicate wallet across nodes",
      (fd) => fd.write((raw) => Object.assign(raw.regions[0].orchestrators[1], { address: fd.keys.o1.address, keystore: "keys/o1.json", password: passwordOf("o1") })),
      /regions\[0\]\.orchestrators\[1\]\.address: is the same hot wallet as regions\[0\]\.orchestrators\[0\]/,
    ],
    [
      "the registered key on a workload node",
      (fd) => fd.write((raw) => Object.assign(raw.regions[0].orchestrators[0], { address: fd.keys.registered.address, keystore: "keys/registered.json", password: passwordOf("registered") })),
      /regions\[0\]\.orchestrators\[0\]\.address: is the registered address; workload orchestrators use their own hot wallet/,
    ],
    [
      "a raw private key",
      (fd) => {
        fd.put("keys/o1.json", `0x${"ab".repeat(32)}\n`);
      },
      /regions\[0\]\.orchestrators\[0\]\.keystore: is a raw private key/,
    ],
  ])("refused before decrypting: %s", async (_n, m, re) => {
    const fd = await fleetDir();
    m(fd);
    const io = captureIo();
    expect(await run(["keys", "verify", "--fleet", fd.file], io)).toBe(1);
    expect(io.errText).toMatch(/^invalid fleet spec/);
    expect(io.errText).toMatch(re);
    expect(io.errText).not.toContain(passwordOf("o1"));
    expect(io.errText).not.toMatch(/\n\s+at /); // no stack trace
  });

  test("a delegated reward caller: the registered key is nowhere in the fleet", async () => {
    const fd = await fleetDir();
    fd.write((raw) => {
      raw.images.livepeer = "livepeer/go-livepeer:v0.9.2";
      raw.registeredAddress = "0x895faB0601580556d2a6F5C4C7319241664f6af6"; // not a key this fleet holds
      raw.reward.mode = "delegated";
    });
    const io = captureIo();
    expect(await keysCommand(["verify", "--fleet", fd.file], io)).toBe(0);
  });

  describe("a Pulumi stack file (passwords are ciphertext)", () => {
    test("without a password source it says how to give them", async () => {
      const fd = await fleetDir();
      const io = captureIo();
      expect(await keysCommand(["verify", "--fleet", stackFile(fd)], io)).toBe(2);
      expect(io.errText).toMatch(/o1, o2, redeemer, reward: the passwords are `secure:` values in Pulumi\.test\.yaml, which this tool cannot decrypt; give them with --passwords-dir/);
    });

    test("--passwords-dir", async () => {
      const fd = await fleetDir();
      for (const n of ["o1", "o2", "redeemer", "reward"]) fd.put(`pw/${n}.password`, passwordOf(n === "reward" ? "registered" : n));
      const io = captureIo();
      expect(await keysCommand(["verify", "--fleet", stackFile(fd), "--passwords-dir", path.join(fd.dir, "pw")], io)).toBe(0);
      expect(io.errText).toMatch(/note: the passwords of o1, o2, redeemer, reward came from you, not from the stack/);
    });

    test("a prompt per node, one node with --node", async () => {
      const fd = await fleetDir();
      const asked: string[] = [];
      const io = captureIo({ interactive: true, prompt: async (q: string) => (asked.push(q), passwordOf("o2")) });
      expect(await keysCommand(["verify", "--fleet", stackFile(fd), "--node", "o2"], io)).toBe(0);
      expect(asked).toEqual(["Password of o2's keystore (not shown): "]);
      expect(io.outText).toMatch(/keys verify: 1 wallet OK/);
    });
  });
});

test("standard scrypt parameters: keys new → keys verify round trip through the CLI", async () => {
  const fd = await keylessFleet(["o1"]);
  const pw = path.join(fd.pwDir, "o1.password");
  const made = captureIo();
  expect(await run(["keys", "new", "--fleet", fd.file, "--node", "o1", "--password-file", pw], made)).toBe(0);
  const [m] = rows(made.outText);
  const doc = JSON.parse(fs.readFileSync(path.join(fd.dir, m.file), "utf8"));
  expect((doc.Crypto ?? doc.crypto).kdfparams).toMatchObject({ n: STANDARD_SCRYPT_N, r: 8, p: 1 });
  expect(made.errText).toMatch(/scrypt N=131072\) 0% 25% 50% 75% 100%/);

  apply(fd, [m], () => fs.readFileSync(pw, "utf8").trim());
  const v = captureIo();
  expect(await run(["keys", "verify", "--fleet", fd.file, "--node", "o1"], v)).toBe(0);
  expect(v.outText).toContain(`ok    o1  ${m.address} in keys/o1.json: decrypts with its password`);
}, 30000);
