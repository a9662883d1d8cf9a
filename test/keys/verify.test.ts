/** The `keys verify` rules, pure: decrypted keystores against spec, argv, uniqueness and the registered key. */
import { judgeWallets, WalletResult } from "../../src/keys/verify";

const REG = "0x254047e5Bb2e8D0B84Ad98753257251014BEc3aD";
const A = "0x895faB0601580556d2a6F5C4C7319241664f6af6";
const B = "0xAaF4E2a833b0908bde1F08F300061f555EE1D0Ce";
const C = "0x70d9C47AB12B8A6F0AAF79D68d3f9B0591F2151b";

const w = (node: string, address: string, over: Partial<WalletResult> = {}): WalletResult => ({
  node,
  role: node === "reward" ? "reward" : node === "redeemer" ? "redeemer" : "orchestrator",
  where: node,
  specAddress: address,
  keystore: `keys/${node}.json`,
  argvAddress: address,
  bootAddress: address,
  decrypted: { ok: true, address },
  ...over,
});

const good = () => [w("o1", A), w("o2", B), w("redeemer", C), w("reward", REG)];
const failures = (mode: "node" | "delegated" | "external", ws: WalletResult[]) =>
  judgeWallets(REG, mode, ws).filter((f) => !f.ok).map((f) => `${f.node ?? "fleet"}: ${f.message}`);

test("a good fleet: one ok line per wallet, no failure", () => {
  const f = judgeWallets(REG, "node", good());
  expect(f.map((x) => [x.node, x.ok])).toEqual([["o1", true], ["o2", true], ["redeemer", true], ["reward", true]]);
});

test.each<[string, "node" | "delegated" | "external", () => WalletResult[], RegExp[]]>([
  ["keystore does not decrypt", "node", () => [w("o1", A, { decrypted: { ok: false, reason: "password", message: "does not decrypt with its password" } })], [/^o1: keys\/o1\.json does not decrypt/]],
  ["key differs from the spec address", "node", () => [w("o1", A, { decrypted: { ok: true, address: B } })], [/^o1: its keystore keys\/o1\.json holds 0xAaF4.*but o1\.address is 0x895f/, /^o1: go-livepeer would run with -ethAcctAddr 0x895f/, /^o1: boot expects the keystore to hold 0x895f/]],
  ["-ethAcctAddr differs from the key", "node", () => [w("o1", A, { argvAddress: B })], [/^o1: go-livepeer would run with -ethAcctAddr 0xAaF4.*silently create a new account/]],
  ["no -ethAcctAddr at all", "node", () => [w("o1", A, { argvAddress: undefined })], [/^o1: .*has no -ethAcctAddr/]],
  ["boot would refuse the keystore", "node", () => [w("o1", A, { bootAddress: B })], [/^o1: boot expects the keystore to hold 0xAaF4/]],
  ["duplicate wallet across nodes", "node", () => [w("o1", A), w("o2", A), w("reward", REG)], [/^fleet: o1, o2 hold the same wallet 0x895f/]],
  ["registered key on a workload node", "node", () => [w("o1", REG), w("reward", REG)], [/^o1: holds the registered key .*reward node only/, /^fleet: o1, reward hold the same wallet/]],
  ["reward node (mode node) without the registered key", "node", () => [w("o1", A), w("reward", C)], [/^reward: reward mode `node` must hold the registered key/]],
  ["registered key on the reward node in delegated mode", "delegated", () => [w("o1", A), w("reward", REG)], [/^reward: holds the registered key .*`delegated`/]],
  ["registered key anywhere in external mode", "external", () => [w("o1", A), w("redeemer", REG)], [/^redeemer: holds the registered key .*`external`/]],
  ["mixed-case addresses are the same wallet", "node", () => [w("o1", A), w("o2", A.toLowerCase()), w("reward", REG)], [/^fleet: o1, o2 hold the same wallet 0x895faB0601580556d2a6F5C4C7319241664f6af6/]],
])("%s", (_n, mode, ws, expected) => {
  const got = failures(mode, ws());
  expect(got).toHaveLength(expected.length);
  for (const re of expected) expect(got.some((g) => re.test(g))).toBe(true);
});

test("delegated and external fleets without the registered key pass", () => {
  const hot = [w("o1", A), w("o2", B), w("reward", C)];
  expect(failures("delegated", hot)).toEqual([]);
  expect(failures("external", hot.slice(0, 2))).toEqual([]);
});
