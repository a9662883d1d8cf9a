/**
 * Reading keystore files without decrypting them (no scrypt at plan time). Pure apart from the
 * injected file reader.
 */
import { getAddress } from "ethers";

export interface KeystoreInfo {
  /** Checksummed address recorded in the keystore. */
  address: string;
  /** The file's text, exactly as read (it goes to the secret store as is). */
  json: string;
}

/** Parses a V3 keystore's text. Returns the keystore or a message saying what it is instead. */
export function inspectKeystore(text: string): KeystoreInfo | { error: string } {
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
