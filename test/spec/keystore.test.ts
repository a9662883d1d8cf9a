/** inspectKeystore: encrypted V3 JSON only, read without decrypting. */
import * as fs from "fs";
import * as path from "path";
import { inspectKeystore } from "../../src/spec/keystore";
import { REF_DIR } from "../helpers/spec";

const FIX = path.join(__dirname, "..", "fixtures", "keys");
const read = (dir: string, f: string) => fs.readFileSync(path.join(dir, f), "utf8");
const o1 = read(path.join(REF_DIR, "keys"), "o1.json");
const doc = () => JSON.parse(o1);
const json = (d: unknown) => JSON.stringify(d);

describe("accepted keystores", () => {
  test.each<[string, string, string]>([
    ["geth-style reference keystore", o1, "0x895faB0601580556d2a6F5C4C7319241664f6af6"],
    ["ethers fixture (light scrypt)", read(FIX, "delegated.json"), "0xf09594F4AAad75Bf4F2D4C1A6C93a1d58394DAf3"],
    ["lowercase `crypto` section", json((({ Crypto, ...d }) => ({ ...d, crypto: Crypto }))(doc())), "0x895faB0601580556d2a6F5C4C7319241664f6af6"],
    ["address with a 0x prefix", json({ ...doc(), address: "0x895fab0601580556d2a6f5c4c7319241664f6af6" }), "0x895faB0601580556d2a6F5C4C7319241664f6af6"],
    ["address with odd case", read(FIX, "bad-checksum-address.json"), "0x29a32E3897503B9a21b1F4aAE9F481EA3a8281A6"],
    ["pbkdf2", json({ ...doc(), Crypto: { ...doc().Crypto, kdf: "pbkdf2" } }), "0x895faB0601580556d2a6F5C4C7319241664f6af6"],
    ["surrounding whitespace", `\n  ${o1}\n`, "0x895faB0601580556d2a6F5C4C7319241664f6af6"],
  ])("%s", (_n, text, address) => {
    const ks = inspectKeystore(text);
    expect(ks).toEqual({ address, json: text });
  });
});

describe("refused files", () => {
  const noMac = doc();
  delete noMac.Crypto.mac;
  const noAddress = doc();
  delete noAddress.address;
  test.each<[string, string, RegExp]>([
    ["raw private key with 0x", read(FIX, "raw-private-key.txt"), /is a raw private key/],
    ["raw private key without 0x", read(FIX, "raw-private-key.txt").trim().slice(2), /is a raw private key/],
    ["mnemonic phrase", "test test test test test test test test test test test junk", /mnemonic phrase/],
    ["JSON with a plaintext privateKey", read(FIX, "plaintext-key.json"), /plaintext private key/],
    ["JSON with a plaintext private_key", json({ address: "895fab0601580556d2a6f5c4c7319241664f6af6", private_key: "ab" }), /plaintext private key/],
    ["not JSON", "hello", /is not JSON/],
    ["a JSON array", "[1,2]", /not a JSON object/],
    ["null", "null", /not a JSON object/],
    ["version 1", json({ ...doc(), version: 1 }), /has version 1; a V3 keystore/],
    ["no version", json((({ version, ...d }) => d)(doc())), /has version undefined/],
    ["no crypto section", json((({ Crypto, ...d }) => d)(doc())), /no complete crypto section/],
    ["tampered: no MAC (fixture)", read(FIX, "tampered-no-mac.json"), /no complete crypto section/],
    ["tampered: no MAC", json(noMac), /no complete crypto section/],
    ["an unknown kdf", json({ ...doc(), Crypto: { ...doc().Crypto, kdf: "md5" } }), /uses kdf "md5"/],
    ["no address", json(noAddress), /records no account address/],
    ["a short address", json({ ...doc(), address: "895fab06" }), /records no account address/],
    ["empty file", "", /is not JSON/],
  ])("%s", (_n, text, re) => {
    const ks = inspectKeystore(text);
    expect("error" in ks && ks.error).toMatch(re);
  });

  test("the refusal never quotes the file's content", () => {
    const text = read(FIX, "raw-private-key.txt").trim();
    const ks = inspectKeystore(text) as { error: string };
    expect(ks.error).not.toContain(text.slice(2, 20));
  });
});
