/**
 * Synthetic fleets for the scale benchmark: N AWS regions, each with 2 orchestrators and 2 worker
 * pools, one reward node. Keystore files are SYNTHETIC (a throwaway test keystore with its address
 * field rewritten): `plan` reads only the address, so they are valid input for planning and useless
 * for anything else.
 */
import * as fs from "fs";
import * as path from "path";
import { Wallet, getAddress } from "ethers";
import { parse as parseYaml } from "yaml";

const ROOT = path.join(__dirname, "..");
const AWS_REGIONS = [
  "us-east-1", "us-east-2", "us-west-1", "us-west-2", "ca-central-1", "sa-east-1", "eu-west-1", "eu-west-2",
  "eu-west-3", "eu-central-1", "eu-north-1", "eu-south-1", "ap-south-1", "ap-southeast-1", "ap-southeast-2",
  "ap-northeast-1", "ap-northeast-2", "ap-northeast-3", "ap-east-1", "me-south-1", "af-south-1", "il-central-1",
];

/** A deterministic address for a name (so repeated runs plan the same fleet). */
function addressFor(name: string): string {
  return getAddress(Wallet.fromPhrase("test test test test test test test test test test test junk", undefined).deriveChild(hash(name)).address);
}
const hash = (s: string) => [...s].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7) % 2 ** 31;

export function syntheticFleet(regions: number, dir: string): unknown {
  if (regions > AWS_REGIONS.length) throw new Error(`at most ${AWS_REGIONS.length} regions`);
  const ref = parseYaml(fs.readFileSync(path.join(ROOT, "examples/reference/fleet.yaml"), "utf8"));
  const template = JSON.parse(fs.readFileSync(path.join(ROOT, "examples/reference/keys/o1.json"), "utf8"));
  fs.mkdirSync(dir, { recursive: true });
  const keystore = (name: string, address: string) => {
    const file = path.join(dir, `${name}.json`);
    fs.writeFileSync(file, JSON.stringify({ ...template, address: address.slice(2).toLowerCase() }));
    return file;
  };
  const raw: any = { ...ref, redeemer: undefined, regions: [] };
  delete raw.redeemer;
  raw.reward = { ...ref.reward, keystore: path.join(ROOT, "examples/reference", ref.reward.keystore) };
  for (let i = 0; i < regions; i++) {
    const region = AWS_REGIONS[i];
    const name = `r${i}`;
    raw.regions.push({
      name,
      cloud: "aws",
      region,
      machineImages: ref.regions[0].machineImages,
      network: { managed: { cidr: `10.${40 + i}.0.0/16`, zones: [`${region}a`, `${region}b`] } },
      orchestrators: ["a", "b"].map((z, k) => {
        const o = `o${i}x${k}`;
        const address = addressFor(o);
        return { name: o, zone: `${region}${z}`, address, keystore: keystore(o, address), password: `synthetic-${o}` };
      }),
      workers: ["t4", "l4"].map((p) => ({ name: p, kind: "transcoder", instanceType: "g4dn.xlarge", gpu: { model: "T4", count: 1 }, sessionsPerGpu: 20, minSize: 1, maxSize: 10, ...(p === "l4" ? { scaling: false } : {}) })),
    });
  }
  raw.reward.region = "r0";
  raw.reward.zone = `${AWS_REGIONS[0]}a`;
  return raw;
}
