/**
 * Hot-wallet keystores with ethers v6: generate and encrypt (V3 JSON, scrypt), decrypt to check, and
 * write without ever replacing a file. The private key lives only in memory, never in a message.
 */
import * as crypto from "crypto";
import * as fs from "fs";
import * as path from "path";
import { decryptKeystoreJson, encryptKeystoreJson, getAddress, hexlify, randomBytes, Wallet } from "ethers";

/** scrypt N of new keystores: ethers' standard (2^17; geth's "standard" is 2^18, "light" 2^12). */
export const STANDARD_SCRYPT_N = 131072;

/** Called with the fraction done (0…1) while scrypt runs. */
export type Progress = (fraction: number) => void;

export interface NewKeystore {
  /** Checksummed address. */
  address: string;
  /** The V3 keystore JSON text. */
  json: string;
}

/** A fresh random account encrypted as a V3 keystore. `scryptN` below the standard is for tests. */
export async function newKeystore(password: string, opts: { scryptN?: number; progress?: Progress } = {}): Promise<NewKeystore> {
  // A bare private key (not an HD wallet): the keystore then holds no mnemonic section.
  const wallet = new Wallet(hexlify(randomBytes(32)));
  const json = await encryptKeystoreJson(wallet, password, {
    scrypt: { N: opts.scryptN ?? STANDARD_SCRYPT_N },
    progressCallback: opts.progress,
  });
  return { address: wallet.address, json };
}

export type DecryptResult =
  | { ok: true; address: string }
  | { ok: false; reason: "password" | "altered" | "unsupported"; message: string };

/**
 * Decrypts a keystore with its password and returns the account's address. A failed MAC check means a
 * wrong password or an altered ciphertext/MAC (the two cannot be told apart); a key whose address differs
 * from the one the file records means the file was altered.
 */
export async function decryptKeystore(json: string, password: string, progress?: Progress): Promise<DecryptResult> {
  try {
    const account = await decryptKeystoreJson(json, password, progress);
    return { ok: true, address: getAddress(account.address) };
  } catch (e: any) {
    const msg = String(e?.shortMessage ?? e?.message ?? e);
    if (/incorrect password/i.test(msg)) {
      return { ok: false, reason: "password", message: "does not decrypt with its password: the password is wrong, or the file's ciphertext or MAC was altered" };
    }
    if (/address\/privateKey mismatch/i.test(msg)) {
      return { ok: false, reason: "altered", message: "was altered: the key it holds is not the account its `address` field records" };
    }
    return { ok: false, reason: "unsupported", message: `cannot be decrypted (${msg.replace(/\s*\(argument=.*$/, "")})` };
  }
}

/** The target file exists: keys are never replaced. */
export class FileExistsError extends Error {
  constructor(readonly file: string) {
    super(`${file} already exists; refusing to overwrite a keystore`);
    this.name = "FileExistsError";
  }
}

/**
 * Writes `text` to `file` with mode 0600, failing if `file` exists, atomically: the content goes to a
 * private temporary file in the same directory that is then hard-linked into place (link(2) never
 * replaces an existing name), so a crash leaves either no file or the whole file.
 */
export function writeNewPrivateFile(file: string, text: string): void {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (fs.existsSync(file)) throw new FileExistsError(file);
  const tmp = path.join(dir, `.${path.basename(file)}.${crypto.randomBytes(6).toString("hex")}.tmp`);
  fs.writeFileSync(tmp, text, { mode: 0o600, flag: "wx" });
  try {
    fs.chmodSync(tmp, 0o600);
    fs.linkSync(tmp, file);
  } catch (e: any) {
    if (e?.code === "EEXIST") throw new FileExistsError(file);
    throw e;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
