/** Keystore generation, decryption and writing (light scrypt parameters). */
import * as fs from "fs";
import * as path from "path";
import { newKeystore, decryptKeystore, writeNewPrivateFile, FileExistsError } from "../../src/keys/wallet";
import { readPasswordFile, checkNewPassword, PasswordInputError } from "../../src/keys/password";
import { inspectKeystore } from "../../src/spec/keystore";
import { cleanupFleetDirs, lightKeys, LIGHT_N, passwordOf, tempDir } from "./fleet";

afterAll(cleanupFleetDirs);

describe("newKeystore", () => {
  test("an encrypted V3 keystore that plan's parser accepts, at the asked scrypt N, with progress", async () => {
    const seen: number[] = [];
    const ks = await newKeystore("a-good-password-1", { scryptN: LIGHT_N, progress: (f) => seen.push(f) });
    const doc = JSON.parse(ks.json);
    expect(doc.version).toBe(3);
    expect(doc.Crypto ?? doc.crypto).toMatchObject({ kdf: "scrypt", kdfparams: expect.objectContaining({ n: LIGHT_N }) });
    expect(inspectKeystore(ks.json)).toEqual({ address: ks.address, json: ks.json });
    expect(ks.json).not.toMatch(/privateKey|mnemonic/i);
    expect(seen.length).toBeGreaterThan(1);
    expect(seen[seen.length - 1]).toBe(1);
  });

  test("two keystores never share an account", async () => {
    const [a, b] = await Promise.all([newKeystore("pw-aaaaaaaaaaaa", { scryptN: LIGHT_N }), newKeystore("pw-aaaaaaaaaaaa", { scryptN: LIGHT_N })]);
    expect(a.address).not.toBe(b.address);
  });
});

describe("decryptKeystore", () => {
  test("the right password gives the recorded account", async () => {
    const k = (await lightKeys()).o1;
    expect(await decryptKeystore(k.json, passwordOf("o1"))).toEqual({ ok: true, address: k.address });
  });

  test("geth's `Crypto` spelling decrypts too", async () => {
    const k = (await lightKeys()).o2;
    const doc = JSON.parse(k.json);
    const geth = JSON.stringify({ ...doc, crypto: undefined, Crypto: doc.Crypto ?? doc.crypto });
    expect(await decryptKeystore(geth, passwordOf("o2"))).toEqual({ ok: true, address: k.address });
  });

  test("a wrong password", async () => {
    const r = await decryptKeystore((await lightKeys()).o1.json, "not-the-password");
    expect(r).toMatchObject({ ok: false, reason: "password", message: expect.stringMatching(/password is wrong, or .*altered/) });
    expect(JSON.stringify(r)).not.toContain("not-the-password");
  });

  test("a tampered ciphertext fails the MAC check", async () => {
    const doc = JSON.parse((await lightKeys()).o1.json);
    const c = doc.Crypto ?? doc.crypto;
    c.ciphertext = (c.ciphertext[0] === "0" ? "1" : "0") + c.ciphertext.slice(1);
    expect(await decryptKeystore(JSON.stringify(doc), passwordOf("o1"))).toMatchObject({ ok: false, reason: "password" });
  });

  test("a tampered address field is caught after decryption", async () => {
    const k = await lightKeys();
    const doc = JSON.parse(k.o1.json);
    doc.address = k.o2.address.slice(2).toLowerCase();
    expect(await decryptKeystore(JSON.stringify(doc), passwordOf("o1"))).toMatchObject({ ok: false, reason: "altered", message: expect.stringMatching(/was altered/) });
  });
});

describe("writeNewPrivateFile", () => {
  test("writes with mode 0600 and refuses to overwrite", () => {
    const dir = tempDir();
    const f = path.join(dir, "sub", "o1.json");
    writeNewPrivateFile(f, "first");
    expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    expect(() => writeNewPrivateFile(f, "second")).toThrow(FileExistsError);
    expect(fs.readFileSync(f, "utf8")).toBe("first");
    expect(fs.readdirSync(path.dirname(f))).toEqual(["o1.json"]); // no temporary file left behind
  });
});

describe("passwords", () => {
  test("a password file is trimmed as go-livepeer trims -ethPassword files", () => {
    const f = path.join(tempDir(), "pw");
    fs.writeFileSync(f, "  correct horse battery \n");
    expect(readPasswordFile(f, "--password-file")).toBe("correct horse battery");
  });

  test.each<[string, string | undefined, RegExp]>([
    ["missing file", undefined, /cannot be read \(ENOENT\)/],
    ["empty file", " \n", /is empty/],
  ])("%s", (_n, content, re) => {
    const f = path.join(tempDir(), "pw");
    if (content !== undefined) fs.writeFileSync(f, content);
    expect(() => readPasswordFile(f, "--password-file")).toThrow(PasswordInputError);
    expect(() => readPasswordFile(f, "--password-file")).toThrow(re);
  });

  test("new passwords need 12 characters", () => {
    expect(checkNewPassword("short")).toMatch(/shorter than 12/);
    expect(checkNewPassword("twelve-chars")).toBeUndefined();
  });
});
