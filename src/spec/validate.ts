/**
 * Spec validation: structure (zod) then every cross-field rule. Collects all problems and throws one
 * FleetConfigError naming each field path, the bad value and what would be accepted. Pure apart from
 * the injected file reader (keystores are read, never decrypted).
 */
import * as path from "path";
import * as fs from "fs";
import { getAddress, ZeroAddress } from "ethers";
import { FleetConfigError, SpecIssue, pathToString } from "./errors";
import { FleetSpecSchema, ParsedFleetSpec } from "./schema";
import { inspectKeystore, KeystoreInfo } from "./keystore";
import { REDACTED, SecretValue } from "./secret";
import { checkFleetName, checkStem, join } from "../naming";
import { cidrContains, parseCidr, parseIpv4, managedSubnets, zoneIndex, defaultNodeIp } from "./net";
import { latencyRegion } from "../dns/latency";
import { checkRegionName, checkMachineImage, checkMachineType, checkGcpProject, checkGcpGpu, isZoneOf, zoneExample, GCP_RESERVED, AWS_RESERVED } from "./clouds";

export type FleetSpec = ParsedFleetSpec;
export type RegionSpec = FleetSpec["regions"][number];
export type OrchestratorSpec = RegionSpec["orchestrators"][number];
export type WorkerPoolSpec = RegionSpec["workers"][number];

/** A validated fleet: the spec with defaults, plus every keystore read from disk (by node name). */
export interface Fleet {
  spec: FleetSpec;
  /** Keystore per wallet-holding node: orchestrator names, `redeemer`, `reward`. */
  keystores: Record<string, KeystoreInfo>;
}

export interface LoadOptions {
  /** Directory keystore paths are relative to (the config file's or the Pulumi project's). */
  baseDir: string;
  /** File reader, for tests. Default: fs.readFileSync(…, "utf8"). */
  readFile?: (file: string) => string;
}

const FLOATING_TAGS = new Set(["latest", "stable", "edge", "nightly", "main", "master", "dev", "develop", "head", "canary", "beta", "rc"]);

/** Checks a container image reference is pinned. Returns a message or undefined. */
export function checkImagePinned(image: string): string | undefined {
  const accepted = "accepted: `repo:tag` with an exact version tag (e.g. `livepeer/go-livepeer:v0.9.1`) or `repo@sha256:<64 hex>`";
  if (/\s/.test(image) || image === "") return `is not an image reference; ${accepted}`;
  const at = image.indexOf("@");
  if (at >= 0) {
    return /^sha256:[0-9a-f]{64}$/.test(image.slice(at + 1)) ? undefined : `has a malformed digest; ${accepted}`;
  }
  const lastSlash = image.lastIndexOf("/");
  const colon = image.indexOf(":", lastSlash + 1);
  if (colon < 0) return `has no tag (that means \`latest\`); ${accepted}`;
  const tag = image.slice(colon + 1);
  if (FLOATING_TAGS.has(tag.toLowerCase()) || /(^|[-_.])latest([-_.]|$)/i.test(tag)) return `uses the floating tag \`${tag}\`; ${accepted}`;
  if (/(^|\.)[x*]($|[.-])/i.test(tag.replace(/^v/i, ""))) return `uses the wildcard tag \`${tag}\`; ${accepted}`;
  if (/^v?\d+(\.\d+)?$/.test(tag)) return `uses the tag \`${tag}\`, which floats over patch releases; ${accepted}`;
  if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag)) return `has an invalid tag \`${tag}\`; ${accepted}`;
  return undefined;
}

/** The semantic version in an image tag (`v0.9.1`, `0.9.2-rc1` → [0,9,2]), if any. */
export function imageVersion(image: string): [number, number, number] | undefined {
  const m = /:v?(\d+)\.(\d+)\.(\d+)/.exec(image.slice(image.lastIndexOf("/") + 1));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const WEI = /^\d+$/;
const CURRENCY_PRICE = /^\d+(\.\d+)?[A-Za-z]{3}$/;

/** Parses and validates a raw spec. Throws FleetConfigError listing every problem. */
export function loadFleet(raw: unknown, opts: LoadOptions): Fleet {
  const readFile = opts.readFile ?? ((f: string) => fs.readFileSync(f, "utf8"));
  const parsed = FleetSpecSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.flatMap((i) => zodIssue(raw, i));
    // The cross-field rules need a well-formed spec, but the standalone ones can still run on the
    // fields that are well-formed, so one round of fixes covers as much as possible.
    const seen = new Set(issues.map((i) => i.path));
    for (const extra of standaloneChecks(raw)) if (!seen.has(extra.path)) issues.push(extra);
    throw new FleetConfigError(dedupe(issues));
  }
  const spec = parsed.data;
  const issues: SpecIssue[] = [];
  const add = (p: string, value: unknown, message: string) => issues.push({ path: p, value, message });
  const keystores: Record<string, KeystoreInfo> = {};

  // ---- identity ----------------------------------------------------------------------------------
  const fleetNameMsg = checkFleetName(spec.name);
  if (fleetNameMsg) add("name", spec.name, fleetNameMsg);
  checkAddress(spec.registeredAddress, "registeredAddress", add);

  // ---- DNS and service URI ----------------------------------------------------------------------
  const zone = spec.dns.zone.replace(/\.$/, "").toLowerCase();
  if (!DOMAIN.test(zone)) add("dns.zone", spec.dns.zone, "must be a DNS zone name like `fleet.example.com`");
  if (spec.dns.provider === "route53") {
    if (!/^Z[A-Z0-9]{1,32}$/.test(spec.dns.zoneId)) add("dns.zoneId", spec.dns.zoneId, "must be a Route 53 hosted zone id like `Z0123456789ABCDEFGHIJ`");
    const awsRegion = spec.dns.awsRegion;
    if (awsRegion !== undefined && checkRegionName("aws", awsRegion)) add("dns.awsRegion", awsRegion, checkRegionName("aws", awsRegion)!);
    const role = spec.dns.assumeRoleArn;
    if (role !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/.test(role)) add("dns.assumeRoleArn", role, "must be an IAM role ARN like `arn:aws:iam::111122223333:role/dns`");
  } else {
    if (!/^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/.test(spec.dns.managedZone)) add("dns.managedZone", spec.dns.managedZone, "must be a Cloud DNS managed zone name (lowercase letters, digits, '-')");
    const pm = checkGcpProject(spec.dns.project);
    if (pm) add("dns.project", spec.dns.project, pm);
  }
  const serviceHost = checkServiceUri(spec.serviceUri, zone, add);

  // ---- images -----------------------------------------------------------------------------------
  for (const [k, image] of Object.entries(spec.images)) {
    const msg = checkImagePinned(image);
    if (msg) add(`images.${k}`, image, msg);
  }

  // ---- pricing ----------------------------------------------------------------------------------
  checkPricing(spec.pricing, "pricing", add);

  // ---- secrets that can be checked --------------------------------------------------------------
  if (spec.rpcUrls.length === 0) add("rpcUrls", [], "needs at least one Arbitrum JSON-RPC URL (secure values; two or more give failover)");
  spec.rpcUrls.forEach((u, i) => {
    if (!u.encrypted && !/^https?:\/\/[^\s/]+/.test(u.reveal())) add(`rpcUrls[${i}]`, "[secret]", "must be an http(s) URL");
  });
  if (spec.orchSecret && !spec.orchSecret.encrypted && spec.orchSecret.reveal().trim().length < 32) {
    add("orchSecret", "[secret]", "must be at least 32 characters (random); omit it to have one generated");
  }

  // ---- regions ----------------------------------------------------------------------------------
  if (spec.regions.length === 0) add("regions", [], "needs at least one region");
  const regionNames = new Map<string, number>();
  const nodeNames = new Map<string, string>();
  const hostnames = new Map<string, string>();
  const wallets = new Map<string, string>();
  /** Private addresses taken per region (index), so the redeemer is checked against the region's Os. */
  const ipsByRegion = new Map<number, Map<string, string>>();
  /** Derived logical-name stems (nodes, worker groups) → where they come from: they must be unique. */
  const stems = new Map<string, string>();
  const claimStem = (stem: string, where: string, value: unknown) => {
    const prior = stems.get(stem);
    if (prior) add(where, value, `gives the resource name "${stem}", already derived from ${prior}; choose names whose <fleet>-<region>-<node|pool-node> combinations differ`);
    else stems.set(stem, where);
  };
  if (serviceHost) hostnames.set(serviceHost, "serviceUri");

  const claimWallet = (address: string, where: string) => {
    let a: string;
    try {
      a = getAddress(address);
    } catch {
      return;
    }
    const prior = wallets.get(a);
    if (prior) add(`${where}.address`, address, `is the same hot wallet as ${prior}; every node needs its own wallet`);
    else wallets.set(a, where);
  };

  const readWallet = (w: { address: string; keystore: string }, where: string, node: string) => {
    checkAddress(w.address, `${where}.address`, add);
    const file = path.resolve(opts.baseDir, w.keystore);
    let text: string;
    try {
      text = readFile(file);
    } catch (e: any) {
      add(`${where}.keystore`, w.keystore, `cannot be read (${e?.code ?? e?.message ?? e}); give the path of an encrypted V3 keystore JSON, relative to ${opts.baseDir}`);
      return;
    }
    const ks = inspectKeystore(text);
    if ("error" in ks) {
      add(`${where}.keystore`, w.keystore, ks.error);
      return;
    }
    keystores[node] = ks;
    let declared: string | undefined;
    try {
      declared = getAddress(w.address);
    } catch {
      declared = undefined;
    }
    if (declared && ks.address !== declared) {
      add(`${where}.keystore`, w.keystore, `holds account ${ks.address}, but ${where}.address declares ${w.address}`);
    }
  };

  spec.regions.forEach((r, ri) => {
    const rp = `regions[${ri}]`;
    if (regionNames.has(r.name)) add(`${rp}.name`, r.name, `duplicates regions[${regionNames.get(r.name)}].name; region names must be unique`);
    else regionNames.set(r.name, ri);
    const cloud = r.cloud;
    const regionMsg = checkRegionName(cloud, r.region);
    if (regionMsg) add(`${rp}.region`, r.region, regionMsg);
    for (const k of ["cpu", "gpu"] as const) {
      const img = r.machineImages[k];
      const msg = img === undefined ? undefined : checkMachineImage(cloud, img);
      if (msg) add(`${rp}.machineImages.${k}`, img, msg);
    }
    if (r.workers.length > 0 && r.machineImages.gpu === undefined) {
      add(`${rp}.machineImages.gpu`, undefined, "is required when the region has worker pools (an image with the NVIDIA driver and container toolkit)");
    }
    if (r.pricing) checkPricing(effectivePricing(spec, r), `${rp}.pricing`, add, r.pricing);
    if (spec.dns.provider === "route53" && latencyRegion(r.cloud, r.region) === undefined && !checkRegionName(r.cloud, r.region)) {
      add(`${rp}.region`, r.region, "has no Route 53 latency region mapped (src/dns/latency.ts); use a mapped GCP region or Cloud DNS");
    }
    if (r.cloud === "gcp") {
      const msg = checkGcpProject(r.project);
      if (msg) add(`${rp}.project`, r.project, msg);
    }

    // network and zones
    const zones = regionZones(r);
    const validZone = (z: string) => isZoneOf(cloud, r.region, z);
    const zoneList = (zs: string[], at: string) => {
      const zoneWord = cloud === "aws" ? "availability zone" : "zone";
      if (zs.length < 2) add(at, zs, `needs at least 2 ${zoneWord}s`);
      const seen = new Set<string>();
      zs.forEach((z, zi) => {
        if (!validZone(z)) add(`${at}[${zi}]`, z, `must be an ${zoneWord} of ${r.region}, like \`${zoneExample(cloud, r.region)}\``);
        else if (cloud === "aws" && zoneIndex(r.region, z) === undefined) add(`${at}[${zi}]`, z, "managed networks hold zones a–o only (one private /20 per zone letter)");
        if (seen.has(z)) add(`${at}[${zi}]`, z, "is listed twice");
        seen.add(z);
      });
    };
    if (r.cloud === "aws" && "managed" in r.network) {
      const m = r.network.managed;
      const c = parseCidr(m.cidr);
      if (!c || c.prefix !== 16) add(`${rp}.network.managed.cidr`, m.cidr, "must be an IPv4 /16 such as `10.40.0.0/16`");
      else if (!isPrivate(c.base)) add(`${rp}.network.managed.cidr`, m.cidr, "must be a private range (10/8, 172.16/12 or 192.168/16)");
      zoneList(m.zones, `${rp}.network.managed.zones`);
    } else if (r.cloud === "aws" && "existing" in r.network) {
      const e = r.network.existing;
      if (!/^vpc-[0-9a-f]{8,17}$/.test(e.vpcId)) add(`${rp}.network.existing.vpcId`, e.vpcId, "must be a VPC id like `vpc-0123456789abcdef0`");
      const ec = parseCidr(e.cidr);
      if (!ec || ec.prefix < 16 || ec.prefix > 28) add(`${rp}.network.existing.cidr`, e.cidr, "must be the VPC's IPv4 CIDR, /16–/28, like `10.0.0.0/16` (it is the source of in-VPC firewall rules)");
      else if (!isPrivate(ec.base)) add(`${rp}.network.existing.cidr`, e.cidr, "must be a private range (10/8, 172.16/12 or 192.168/16): it opens the readiness port to that range");
      const pubZones = Object.keys(e.publicSubnetIds).sort();
      const privZones = Object.keys(e.privateSubnetIds).sort();
      if (JSON.stringify(pubZones) !== JSON.stringify(privZones)) {
        add(`${rp}.network.existing.privateSubnetIds`, e.privateSubnetIds, `must name the same zones as publicSubnetIds (${pubZones.join(", ")}): every zone needs a public and a private subnet`);
      }
      for (const z of pubZones) {
        if (e.privateSubnetIds[z] !== undefined && e.privateSubnetIds[z] === e.publicSubnetIds[z]) add(`${rp}.network.existing.privateSubnetIds.${z}`, e.privateSubnetIds[z], "is the same subnet as the public one; give the private subnet (egress through NAT)");
      }
      for (const kind of ["publicSubnetIds", "privateSubnetIds"] as const) {
        const entries = Object.entries(e[kind]);
        if (entries.length < 2) add(`${rp}.network.existing.${kind}`, e[kind], "needs subnets in at least 2 availability zones");
        for (const [z, id] of entries) {
          if (!validZone(z)) add(`${rp}.network.existing.${kind}.${z}`, z, `must be keyed by an availability zone of ${r.region}`);
          if (!/^subnet-[0-9a-f]{8,17}$/.test(id)) add(`${rp}.network.existing.${kind}.${z}`, id, "must be a subnet id like `subnet-0123456789abcdef0`");
        }
      }
    } else if (r.cloud === "gcp") {
      const n = "managed" in r.network ? r.network.managed : r.network.existing;
      const at = `${rp}.network.${"managed" in r.network ? "managed" : "existing"}`;
      const c = parseCidr(n.cidr);
      if (!c || c.prefix < 16 || c.prefix > 24) add(`${at}.cidr`, n.cidr, "must be an IPv4 range /16–/24 such as `10.60.0.0/20`");
      else if (!isPrivate(c.base)) add(`${at}.cidr`, n.cidr, "must be a private range (10/8, 172.16/12 or 192.168/16)");
      zoneList(n.zones, `${at}.zones`);
      if ("existing" in r.network) {
        for (const k of ["network", "subnetwork"] as const) {
          if (!/^[a-z]([-a-z0-9/.:]*[a-z0-9])?$/.test(r.network.existing[k])) add(`${at}.${k}`, r.network.existing[k], "must be a resource name or self link");
        }
      }
    }

    if (r.orchestrators.length === 0) add(`${rp}.orchestrators`, [], "needs at least one orchestrator node");
    const ipsUsed = new Map<string, string>();
    ipsByRegion.set(ri, ipsUsed);
    r.orchestrators.forEach((o, oi) => {
      const op = `${rp}.orchestrators[${oi}]`;
      const reserved = ["redeemer", "reward"].includes(o.name);
      const duplicate = nodeNames.has(o.name);
      if (duplicate) add(`${op}.name`, o.name, `duplicates ${nodeNames.get(o.name)}; node names must be unique in the fleet`);
      else nodeNames.set(o.name, `${op}.name`);
      if (reserved) add(`${op}.name`, o.name, "is reserved for the fleet's redeemer/reward nodes");
      if (!reserved && o.hostname === "redeemer") add(`${op}.hostname`, o.hostname, "is reserved for the redeemer's hostname (used when orchestrators of other regions dial it)");
      const stemMsg = checkStem(join(spec.name, r.name, o.name));
      if (stemMsg) add(`${op}.name`, o.name, stemMsg);
      if (!duplicate && !reserved) claimStem(join(spec.name, r.name, o.name), `${op}.name`, o.name);
      const label = o.hostname ?? o.name;
      const fqdn = `${label}.${zone}`;
      if (label.length > 63) add(o.hostname ? `${op}.hostname` : `${op}.name`, label, `is ${label.length} characters; a DNS label holds at most 63 (set a shorter hostname)`);
      else if (fqdn.length > 253) add(o.hostname ? `${op}.hostname` : `${op}.name`, label, `gives ${fqdn}, longer than the 253 characters a DNS name may have`);
      if (hostnames.has(fqdn)) add(`${op}.hostname`, o.hostname ?? o.name, `gives ${fqdn}, already used by ${hostnames.get(fqdn)}`);
      else hostnames.set(fqdn, op);
      if (!zones.includes(o.zone)) add(`${op}.zone`, o.zone, `must be one of the region's zones: ${zones.join(", ")}`);
      checkNodeIp(r, o.name, o.zone, o.privateIp, "public", `${op}.privateIp`, ipsUsed, add);
      const otMsg = o.instanceType === undefined ? undefined : checkMachineType(cloud, o.instanceType);
      if (otMsg) add(`${op}.instanceType`, o.instanceType, otMsg);
      claimWallet(o.address, op);
      readWallet(o, op, o.name);
    });

    const poolNames = new Set<string>();
    r.workers.forEach((w, wi) => {
      const wp = `${rp}.workers[${wi}]`;
      const duplicate = poolNames.has(w.name);
      if (duplicate) add(`${wp}.name`, w.name, "duplicates another pool of this region; pool names must be unique per region");
      poolNames.add(w.name);
      const groupStems = [...new Set(r.orchestrators.map((o) => join(spec.name, r.name, w.name, o.name)))];
      const longest = groupStems.reduce((a, b) => (b.length > a.length ? b : a), "");
      const stemMsg = longest ? checkStem(longest) : undefined;
      if (stemMsg) add(`${wp}.name`, w.name, stemMsg);
      if (!duplicate) for (const st of groupStems) claimStem(st, `${wp}.name`, w.name);
      if (w.maxSize < w.minSize) add(`${wp}.maxSize`, w.maxSize, `must be ≥ minSize (${w.minSize})`);
      if (w.desiredSize !== undefined && (w.desiredSize < w.minSize || w.desiredSize > w.maxSize)) {
        add(`${wp}.desiredSize`, w.desiredSize, `must be between minSize (${w.minSize}) and maxSize (${w.maxSize})`);
      }
      if (w.spot && w.spot.onDemandBase > w.maxSize) add(`${wp}.spot.onDemandBase`, w.spot.onDemandBase, `must be ≤ maxSize (${w.maxSize})`);
      const wtMsg = checkMachineType(cloud, w.instanceType);
      if (wtMsg) add(`${wp}.instanceType`, w.instanceType, wtMsg);
      else if (cloud === "gcp") checkGcpGpu(w.instanceType, w.gpu, wp, add);
      if (cloud === "gcp" && w.spot && w.spot.onDemandPercentAboveBase !== 0) {
        add(`${wp}.spot.onDemandPercentAboveBase`, w.spot.onDemandPercentAboveBase, "must be 0 on GCP: a managed instance group is all spot or all on demand, so the pool becomes an on-demand group of `onDemandBase` instances plus a spot group for the rest");
      }
      if (cloud === "aws" && w.gpu.type !== undefined) add(`${wp}.gpu.type`, w.gpu.type, "is a GCP accelerator type; on AWS the instance type fixes the GPU (remove it)");
    });
  });

  // ---- fleet-wide roles --------------------------------------------------------------------------
  const regionOf = (name: string, where: string) => {
    const ri = regionNames.get(name);
    if (ri === undefined) add(where, name, `must name a region of this fleet: ${[...regionNames.keys()].join(", ") || "(none)"}`);
    return ri === undefined ? undefined : spec.regions[ri];
  };

  if (spec.redeemer) {
    const rd = spec.redeemer;
    // Os of other regions reach the redeemer from their region's egress addresses, which must be known.
    for (const [ri, x] of spec.regions.entries()) {
      if (x.name === rd.region || x.cloud !== "aws" || !("existing" in x.network)) continue;
      const egress = x.network.existing.egressIps ?? {};
      const missing = [...new Set(x.orchestrators.map((o) => o.zone))].filter((z) => !egress[z]);
      if (missing.length > 0) {
        add(`regions[${ri}].network.existing.egressIps`, x.network.existing.egressIps, `needs the public NAT address of zone(s) ${missing.join(", ")}: the redeemer in ${rd.region} admits this region's orchestrators by the address they connect from`);
      }
      for (const [z, ip] of Object.entries(egress)) {
        if (parseIpv4(ip) === undefined) add(`regions[${ri}].network.existing.egressIps.${z}`, ip, "must be an IPv4 address");
      }
    }
    const r = regionOf(rd.region, "redeemer.region");
    if (r) {
      const zs = privateZones(r);
      if (!zs.includes(rd.zone)) add("redeemer.zone", rd.zone, `must be one of ${r.name}'s zones${"existing" in r.network ? " with a private subnet" : ""}: ${zs.join(", ")}`);
      const stem = join(spec.name, r.name, "redeemer");
      const stemMsg = checkStem(stem);
      if (stemMsg) add("redeemer.region", rd.region, stemMsg);
      claimStem(stem, "redeemer", "redeemer");
      checkNodeIp(r, "redeemer", rd.zone, rd.privateIp, "public", "redeemer.privateIp", ipsByRegion.get(regionNames.get(r.name)!) ?? new Map(), add);
    }
    claimWallet(rd.address, "redeemer");
    readWallet(rd, "redeemer", "redeemer");
    if (sameAddress(rd.address, spec.registeredAddress)) {
      add("redeemer.address", rd.address, "is the registered address; the redeemer must use its own hot wallet (with -ethOrchAddr)");
    }
  }

  const rw = spec.reward;
  if (rw.mode !== "external") {
    const r = regionOf(rw.region, "reward.region");
    if (r) {
      const zs = privateZones(r);
      if (!zs.includes(rw.zone)) add("reward.zone", rw.zone, `must be one of ${r.name}'s zones${"existing" in r.network ? " with a private subnet" : ""}: ${zs.join(", ")}`);
      const stem = join(spec.name, r.name, "reward");
      const stemMsg = checkStem(stem);
      if (stemMsg) add("reward.region", rw.region, stemMsg);
      claimStem(stem, "reward", "reward");
    }
    claimWallet(rw.address, "reward");
    readWallet(rw, "reward", "reward");
    if (!/^\d+$/.test(rw.maxGasPrice)) add("reward.maxGasPrice", rw.maxGasPrice, "must be an integer wei amount (e.g. `1000000000` for 1 gwei)");
    if (rw.mode === "node" && !sameAddress(rw.address, spec.registeredAddress)) {
      add("reward.address", rw.address, `must be the registered address ${spec.registeredAddress}: in mode \`node\` the reward node holds the registered key (use mode \`delegated\` for a LIP-118 reward-caller key)`);
    }
    if (rw.mode === "delegated") {
      if (sameAddress(rw.address, spec.registeredAddress)) {
        add("reward.address", rw.address, "is the registered address; mode `delegated` uses a separate reward-caller key (use mode `node` to hold the registered key)");
      }
      const v = imageVersion(spec.images.livepeer);
      if (!v || cmp(v, [0, 9, 1]) <= 0) {
        add("reward.mode", "delegated", `needs a go-livepeer release with LIP-118 reward-caller support (after v0.9.1), pinned by a version tag; images.livepeer is ${spec.images.livepeer}`);
      }
    }
  }

  // the registered key stays on the reward node
  spec.regions.forEach((r, ri) =>
    r.orchestrators.forEach((o, oi) => {
      if (sameAddress(o.address, spec.registeredAddress)) {
        add(`regions[${ri}].orchestrators[${oi}].address`, o.address, "is the registered address; workload orchestrators use their own hot wallet with -ethOrchAddr (the registered key belongs on the reward node only)");
      }
    }),
  );

  // ---- funding thresholds (chain check) ----------------------------------------------------------
  for (const [k, v] of Object.entries(spec.funding ?? {})) {
    if (!/^\d+(\.\d{1,18})?$/.test(v)) add(`funding.${k}`, v, "must be an ETH amount like `0.02` (a decimal number, at most 18 decimals)");
  }

  for (const [k, v] of Object.entries(spec.tags)) {
    if (k.length > 128 || k.startsWith("aws:")) add(`tags.${k}`, k, "tag keys must be ≤ 128 characters and not start with `aws:`");
    if (v.length > 256) add(`tags.${k}`, v, "tag values must be ≤ 256 characters");
  }

  if (issues.length > 0) throw new FleetConfigError(dedupe(issues));
  return { spec, keystores };
}

/** A region's effective pricing: the fleet's, with the region's own fields on top. */
export function effectivePricing(spec: FleetSpec, r: RegionSpec): FleetSpec["pricing"] {
  const own = Object.fromEntries(Object.entries(r.pricing ?? {}).filter(([, v]) => v !== undefined));
  return { ...spec.pricing, ...own };
}

function checkPricing(p: FleetSpec["pricing"], at: string, add: (p: string, v: unknown, m: string) => void, only?: object): void {
  // For a region override, report only the fields the region sets (the rest were checked at fleet level).
  const mine = (k: string) => !only || k in only;
  if (p.pricePerUnit === undefined) {
    if (mine("pricePerUnit")) add(`${at}.pricePerUnit`, undefined, "is required for an on-chain orchestrator (go-livepeer panics without it); give wei (e.g. `1200`) or a currency amount (e.g. `0.50USD`)");
  } else if (mine("pricePerUnit") && !WEI.test(p.pricePerUnit) && !CURRENCY_PRICE.test(p.pricePerUnit)) {
    add(`${at}.pricePerUnit`, p.pricePerUnit, "must be a non-negative integer wei amount (e.g. `1200`) or a currency amount (e.g. `0.50USD`)");
  }
  if (mine("pixelsPerUnit") && !/^[1-9]\d*$/.test(p.pixelsPerUnit)) add(`${at}.pixelsPerUnit`, p.pixelsPerUnit, "must be an integer > 0");
  for (const k of ["ticketEV", "maxFaceValue"] as const) {
    const v = p[k];
    if (mine(k) && v !== undefined && !WEI.test(v)) add(`${at}.${k}`, v, "must be a non-negative integer wei amount");
  }
  if (mine("pricePerGateway")) {
    const seen = new Set<string>();
    (p.pricePerGateway ?? []).forEach((g, i) => {
      const gp = `${at}.pricePerGateway[${i}]`;
      checkAddress(g.address, `${gp}.address`, add);
      if (seen.has(g.address.toLowerCase())) add(`${gp}.address`, g.address, "is listed twice");
      seen.add(g.address.toLowerCase());
      if (!/^\d+(\.\d+)?$/.test(g.pricePerUnit)) add(`${gp}.pricePerUnit`, g.pricePerUnit, "must be a non-negative decimal amount (wei, or units of `currency`)");
      else if (!g.currency && !WEI.test(g.pricePerUnit)) add(`${gp}.pricePerUnit`, g.pricePerUnit, "must be an integer wei amount (or set `currency`)");
      if (g.pixelsPerUnit !== undefined && !/^[1-9]\d*$/.test(g.pixelsPerUnit)) add(`${gp}.pixelsPerUnit`, g.pixelsPerUnit, "must be an integer > 0");
      if (g.currency !== undefined && !/^[A-Z]{3}$/.test(g.currency)) add(`${gp}.currency`, g.currency, "must be a currency code like `USD`");
    });
  }
}

/** Checks that need no other field, run on a raw spec that failed its structural check. */
function standaloneChecks(raw: any): SpecIssue[] {
  const out: SpecIssue[] = [];
  const add = (p: string, value: unknown, message: string) => out.push({ path: p, value, message });
  if (!raw || typeof raw !== "object") return out;
  if (typeof raw.registeredAddress === "string") checkAddress(raw.registeredAddress, "registeredAddress", add);
  if (raw.images && typeof raw.images === "object") {
    for (const [k, image] of Object.entries(raw.images)) {
      const msg = typeof image === "string" ? checkImagePinned(image) : undefined;
      if (msg) add(`images.${k}`, image, msg);
    }
  }
  const zone = typeof raw.dns?.zone === "string" ? raw.dns.zone.replace(/\.$/, "").toLowerCase() : undefined;
  if (typeof raw.serviceUri === "string" && zone) checkServiceUri(raw.serviceUri, zone, add);
  const wallet = (w: any, where: string) => {
    if (w && typeof w === "object" && typeof w.address === "string") checkAddress(w.address, `${where}.address`, add);
  };
  if (Array.isArray(raw.regions)) {
    raw.regions.forEach((r: any, ri: number) => {
      if (r && Array.isArray(r.orchestrators)) r.orchestrators.forEach((o: any, oi: number) => wallet(o, `regions[${ri}].orchestrators[${oi}]`));
    });
  }
  wallet(raw.redeemer, "redeemer");
  wallet(raw.reward, "reward");
  return out;
}

/**
 * The stable private address of a pinned node: its explicit privateIp, or (managed network) one derived
 * from its name: AWS inside its zone's public (orchestrator) or private (redeemer) subnet, GCP inside the
 * region's subnetwork.
 */
export function nodePrivateIp(r: RegionSpec, zone: string, nodeName: string, tier: "public" | "private", explicit?: string): string | undefined {
  if (explicit) return explicit;
  if (!("managed" in r.network)) return undefined;
  if (r.cloud === "gcp") return parseCidr(r.network.managed.cidr) ? defaultNodeIp(r.network.managed.cidr, nodeName) : undefined;
  const zi = zoneIndex(r.region, zone);
  const subnets = zi === undefined ? undefined : managedSubnets(r.network.managed.cidr, zi);
  return subnets ? defaultNodeIp(subnets[tier], nodeName) : undefined;
}

/** Zones a region spans. */
export function regionZones(r: RegionSpec): string[] {
  if (r.cloud === "gcp") return "managed" in r.network ? r.network.managed.zones : r.network.existing.zones;
  if ("managed" in r.network) return r.network.managed.zones;
  return Object.keys(r.network.existing.publicSubnetIds);
}

/** Zones of a region where a private node (redeemer, reward) can live. */
export function privateZones(r: RegionSpec): string[] {
  if (r.cloud === "aws" && "existing" in r.network) return Object.keys(r.network.existing.privateSubnetIds);
  return regionZones(r);
}

/** The service URI's host, e.g. `orch.fleet.example.com`. */
export function serviceHost(spec: FleetSpec): string {
  return new URL(spec.serviceUri).hostname.toLowerCase();
}

function checkServiceUri(uri: string, zone: string, add: (p: string, v: unknown, m: string) => void): string | undefined {
  let u: URL;
  try {
    u = new URL(uri);
  } catch {
    add("serviceUri", uri, "must be a URL `https://<host>:8935`");
    return undefined;
  }
  const host = u.hostname.toLowerCase();
  if (u.protocol !== "https:") add("serviceUri", uri, "must use https:// (go-livepeer serves TLS on 8935)");
  if (u.port !== "8935") add("serviceUri", uri, "must name port 8935 explicitly: `https://<host>:8935`");
  if ((u.pathname && u.pathname !== "/") || u.search || u.hash || u.username) add("serviceUri", uri, "must be only scheme, host and port");
  if (!(host === zone || host.endsWith(`.${zone}`))) add("serviceUri", uri, `host must be inside the DNS zone ${zone}`);
  if (host === zone) add("serviceUri", uri, `host must be a name under ${zone} (the zone apex cannot hold the routed record set)`);
  return host;
}

function checkAddress(value: string, where: string, add: (p: string, v: unknown, m: string) => void): void {
  if (!/^0x[0-9a-fA-F]{40}$/.test(value)) {
    add(where, value, "must be a 0x-prefixed 20-byte Ethereum address");
    return;
  }
  let checksummed: string;
  try {
    checksummed = getAddress(value);
  } catch {
    add(where, value, "has a bad EIP-55 checksum; copy the address exactly as your wallet shows it");
    return;
  }
  if (checksummed === ZeroAddress) add(where, value, "must not be the zero address");
  else if (checksummed !== value) add(where, value, `must be EIP-55 checksummed: ${checksummed}`);
}

function checkNodeIp(
  r: RegionSpec,
  nodeName: string,
  zone: string,
  ip: string | undefined,
  tier: "public" | "private",
  where: string,
  used: Map<string, string>,
  add: (p: string, v: unknown, m: string) => void,
): void {
  if (ip === undefined) {
    if ("existing" in r.network) {
      add(where, ip, "is required with an existing network: the stable private IPv4 of this node's network interface, inside its zone's subnet");
      return;
    }
    const derived = nodePrivateIp(r, zone, nodeName, tier);
    if (derived === undefined) return;
    if (used.has(derived)) add(where, ip, `the derived address ${derived} collides with ${used.get(derived)}; set privateIp explicitly`);
    used.set(derived, where);
    return;
  }
  const n = parseIpv4(ip);
  if (n === undefined) {
    add(where, ip, "must be an IPv4 address");
    return;
  }
  if (r.cloud === "gcp") {
    const cidr = "managed" in r.network ? r.network.managed.cidr : r.network.existing.cidr;
    const c = parseCidr(cidr);
    if (c) {
      const offset = n - c.base;
      if (!cidrContains(cidr, ip) || offset < GCP_RESERVED.head || offset >= 2 ** (32 - c.prefix) - GCP_RESERVED.tail) {
        add(where, ip, `must be a usable address of the region's subnetwork ${cidr} (GCP reserves the first two and the last two)`);
      }
    }
  } else if ("managed" in r.network) {
    const zi = zoneIndex(r.region, zone);
    const subnets = zi === undefined ? undefined : managedSubnets(r.network.managed.cidr, zi);
    const cidr = subnets?.[tier];
    if (cidr) {
      const c = parseCidr(cidr)!;
      const size = 2 ** (32 - c.prefix);
      const offset = n - c.base;
      if (!cidrContains(cidr, ip) || offset < AWS_RESERVED.head || offset >= size - AWS_RESERVED.tail) {
        add(where, ip, `must be a usable address of ${zone}'s ${tier} subnet ${cidr} (AWS reserves the first four and the last)`);
      }
    }
  } else if (parseCidr(r.network.existing.cidr) && !cidrContains(r.network.existing.cidr, ip)) {
    add(where, ip, `must be inside the VPC CIDR ${r.network.existing.cidr}`);
  }
  if (used.has(ip)) add(where, ip, `is already used by ${used.get(ip)}`);
  used.set(ip, where);
}

function isPrivate(base: number): boolean {
  const a = base >>> 24;
  const b = (base >>> 16) & 255;
  return a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168);
}

const sameAddress = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const cmp = (a: number[], b: number[]) => a[0] - b[0] || a[1] - b[1] || a[2] - b[2];

function valueAt(raw: unknown, p: ReadonlyArray<PropertyKey>): unknown {
  let cur: any = raw;
  for (const k of p) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = cur[k as any];
  }
  return cur;
}

/** Paths of secret fields, and of anything inside one (e.g. `…password.secure`). */
const SECRET_FIELDS = /(^|\.)(password|orchSecret)($|[.[])|^rpcUrls($|[.[])/;

/** A copy of `value` (found at `p`) with every secret field inside it replaced by "[secret]". */
export function redactSecrets(value: unknown, p: string): unknown {
  if (value === undefined) return value;
  if (SECRET_FIELDS.test(p)) return REDACTED;
  if (Array.isArray(value)) return value.map((v, i) => redactSecrets(v, `${p}[${i}]`));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactSecrets(v, p ? `${p}.${k}` : k)]));
  }
  return value;
}

const ADDRESS_FIELDS = /(^|\.)(address|registeredAddress)$/;

type ZodIssueLike = { path: PropertyKey[]; message: string; code: string; keys?: string[]; values?: unknown[]; errors?: ZodIssueLike[][]; expected?: string; minimum?: unknown; maximum?: unknown; inclusive?: boolean; origin?: string };

function zodIssue(raw: unknown, issue: ZodIssueLike): SpecIssue[] {
  const p = pathToString(issue.path as (string | number)[]);
  const value = redactSecrets(valueAt(raw, issue.path), p);
  let message = issue.message;
  if (issue.code === "unrecognized_keys" && issue.keys) {
    return issue.keys.map((k) => ({
      path: p ? `${p}.${k}` : k,
      value: k,
      message: "is an unknown field; check the spelling against the config reference in README.md",
    }));
  }
  if (issue.code === "invalid_value" && issue.values) message = `must be one of: ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
  const disc = /^Invalid discriminator value\. Expected (.+)$/.exec(message);
  if (disc) message = `must be one of: ${disc[1].split(" | ").map((v) => JSON.stringify(v.replace(/^'|'$/g, ""))).join(", ")}`;
  if (issue.code === "too_small" && issue.origin === "string" && issue.minimum === 1 && message.startsWith("Too small")) message = "must not be empty";
  else if (issue.code === "too_small" && typeof issue.minimum === "number" && message.startsWith("Too small")) {
    message = issue.inclusive === false ? (issue.minimum === 0 ? "must be a positive integer (≥ 1)" : `must be > ${issue.minimum}`) : `must be ≥ ${issue.minimum}`;
  }
  if (issue.code === "too_big" && typeof issue.maximum === "number" && message.startsWith("Too big")) message = issue.inclusive === false ? `must be < ${issue.maximum}` : `must be ≤ ${issue.maximum}`;
  if (value === null) message = `is empty (a YAML key with nothing under it); ${message.replace(/^Invalid input: /, "")}`;
  if (p === "reward" && value === undefined) {
    return [{ path: p, value, message: "is required: say who calls reward, exactly one caller: { mode: node | delegated, region, zone, address, keystore, password, maxGasPrice } or { mode: external, description }" }];
  }
  if (issue.code === "invalid_union" && p.endsWith("mode")) message = "must be one of: \"node\", \"delegated\", \"external\"";
  else if (issue.code === "invalid_union" && message === "Invalid input") {
    // A plain union (e.g. string | number): name the accepted types instead of zod's bare "Invalid input".
    const expected = [...new Set((issue.errors ?? []).flat().filter((e) => e.code === "invalid_type" && e.path.length === 0).map((e) => e.expected))];
    if (expected.length > 0) message = `Invalid input: expected ${expected.join(" or ")}, received ${value === undefined ? "undefined" : Array.isArray(value) ? "array" : value === null ? "null" : typeof value}`;
  }
  if (ADDRESS_FIELDS.test(p) && typeof value === "number") {
    message = "must be a quoted string: YAML reads an unquoted 0x… address as a number; write it as \"0x…\" (checksummed)";
  }
  if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union" || issue.code === "invalid_value" || /received undefined/i.test(message))) {
    message = message.startsWith("must be one of") ? `is required; ${message}` : `is required (${message.replace(/^Invalid input: /, "")})`;
  }
  return [{ path: p, value, message }];
}

function dedupe(issues: SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = `${i.path}\u0000${i.message}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

export { SecretValue };
