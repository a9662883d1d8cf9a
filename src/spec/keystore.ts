/**
 * Reading keystore files without decrypting them (no scrypt at plan time). `inspectKeystore` is pure;
 * `readKeystoreFile` is the one careful reader of a keystore path.
 */
import { getAddress } from "ethers";
import { FileReadError, readBoundedFile } from "../files";

/** Largest keystore file read: a V3 keystore is well under 1 KiB; the secret stores hold at most 64 KiB. */
export const MAX_KEYSTORE_BYTES = 64 * 1024;

/** A keystore path that is not a small regular file; the message says what it is instead. */
export class KeystoreFileError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "KeystoreFileError";
  }
}

/**
 * Reads a keystore file: it must be (after following symlinks) a regular file of at most 64 KiB, valid
 * UTF-8, read without blocking (see readBoundedFile). Throws KeystoreFileError (or the system error, e.g. ENOENT).
 */
export function readKeystoreFile(file: string): string {
  let buf: Buffer;
  try {
    buf = readBoundedFile(file, MAX_KEYSTORE_BYTES);
  } catch (e) {
    if (e instanceof FileReadError && e.code === "EFBIG") {
      throw new KeystoreFileError(`${e.message.replace(/, more than the .*$/, "")}; a keystore file holds at most ${MAX_KEYSTORE_BYTES} bytes (an encrypted V3 keystore is under 1 KiB)`, "EFBIG");
    }
    if (e instanceof FileReadError) throw new KeystoreFileError(e.message, e.code);
    throw e;
  }
  try {
    return new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(buf);
  } catch {
    throw new KeystoreFileError("is not valid UTF-8 text; an encrypted V3 keystore JSON is required", "EILSEQ");
  }
}

export interface KeystoreInfo {
  /** Checksummed address recorded in the keystore. */
  address: string;
  /** The file's text, exactly as read (it goes to the secret store as is). */
  json: string;
}

/** Parses a V3 keystore's text. Returns the keystore or a message saying what it is instead. */
export function inspectKeystore(text: string): KeystoreInfo | { error: string } {
  // The node's boot check parses the keystore with python's json, which refuses a byte-order mark.
  if (text.includes("\uFEFF")) {
    return { error: "starts with (or holds) a UTF-8 byte-order mark (BOM), which the node's boot check refuses; save it as UTF-8 without BOM" };
  }
  const trimmed = text.trim();
  if (/^(0x)?[0-9a-fA-F]{64}$/.test(trimmed)) {
    return { error: "is a raw private key; only an encrypted V3 keystore JSON is accepted (see `livepeer-fleet keys`)" };
  }
  if (/^([a-z]+\s+){11,23}[a-z]+$/.test(trimmed)) {
    return { error: "looks like a mnemonic phrase; only an encrypted V3 keystore JSON is accepted" };
  }
  let doc: any;
  try {
    doc = JSON.parse(trimmed);
  } catch {
    return { error: "is not JSON; an encrypted V3 keystore JSON is required" };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) {
    return { error: "is not a JSON object; an encrypted V3 keystore JSON is required" };
  }
  if (typeof doc.privateKey === "string" || typeof doc.private_key === "string") {
    return { error: "holds a plaintext private key; only an encrypted V3 keystore JSON is accepted" };
  }
  if (doc.version !== 3) {
    return { error: `has version ${JSON.stringify(doc.version)}; a V3 keystore (version 3) is required` };
  }
  const crypto = doc.crypto ?? doc.Crypto;
  if (!crypto || typeof crypto.ciphertext !== "string" || !crypto.kdf || !crypto.kdfparams || typeof crypto.mac !== "string") {
    return { error: "has no complete crypto section (ciphertext, kdf, kdfparams, mac); it is not an encrypted V3 keystore" };
  }
  if (!["scrypt", "pbkdf2"].includes(crypto.kdf)) {
    return { error: `uses kdf ${JSON.stringify(crypto.kdf)}; scrypt or pbkdf2 is required` };
  }
  if (typeof doc.address !== "string" || !/^(0x)?[0-9a-fA-F]{40}$/.test(doc.address)) {
    return { error: "records no account address; go-livepeer needs it to select the account" };
  }
  // Keystores record the address in lowercase hex; a mixed-case one is compared by value, not checksum
  // (getAddress would throw on a bad checksum and escape the collected errors).
  const address = getAddress(`0x${doc.address.replace(/^0x/, "").toLowerCase()}`);
  return { address, json: text };
}
