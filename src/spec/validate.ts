/**
 * Spec validation: structure (zod) then every cross-field rule. Collects all problems and throws one
 * FleetConfigError naming each field path, the bad value and what would be accepted. Pure apart from
 * the injected file reader (keystores are read, never decrypted).
 */
import * as path from "path";
import { getAddress, ZeroAddress } from "ethers";
import { FleetConfigError, SpecIssue, pathToString } from "./errors";
import { FleetSpecSchema, ParsedFleetSpec, Region } from "./schema";
import { inspectKeystore, KeystoreInfo, readKeystoreFile, KeystoreFileError } from "./keystore";
import { REDACTED, SecretValue } from "./secret";
import { checkFleetName, checkStem, gcpNames, join } from "../naming";
import { cidrContains, parseCidr, parseIpv4, managedSubnets, zoneIndex, defaultNodeIp } from "./net";
import { latencyRegion } from "../dns/latency";
import { checkPool, checkRegionPools, reservedSuffixProblem } from "./pools";
import { checkMonitoring, MONITORING_NODE } from "./monitoring";
import { checkGcpServiceAccounts, checkNameCollisions } from "./inventory";
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
  /** Keystore file reader, for tests. Default: `readKeystoreFile` (a regular file of at most 64 KiB, never blocking). */
  readFile?: (file: string) => string;
}

const FLOATING_TAGS = new Set(["latest", "stable", "edge", "nightly", "main", "master", "dev", "develop", "head", "canary", "beta", "rc"]);

/** Docker reference grammar (distribution/reference): registry host, path components, tag, digest. */
const REGISTRY_HOST = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*(?::[0-9]{1,5})?$/;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** A parsed image reference `[registry[:port]/]repo[/repo…][:tag][@sha256:digest]`, or why it is not one. */
export function parseImageReference(image: string): { registry?: string; repository: string; tag?: string; digest?: string } | { error: string } {
  if (image === "" || /[^\x21-\x7e]/.test(image)) return { error: "is not an image reference (empty, or holding spaces, control or non-ASCII characters)" };
  if (image.startsWith("-")) return { error: "is not an image reference (it starts with `-`)" };
  const at = image.indexOf("@");
  const name = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at + 1) : undefined;
  const lastSlash = name.lastIndexOf("/");
  const colon = name.indexOf(":", lastSlash + 1);
  const repoPart = colon >= 0 ? name.slice(0, colon) : name;
  const tag = colon >= 0 ? name.slice(colon + 1) : undefined;
  const parts = repoPart.split("/");
  let registry: string | undefined;
  // Docker reads a first component with a `.` or `:` (or `localhost`) as the registry; one with uppercase
  // letters too, which is never what was meant: that is reported as a bad path component below.
  if (parts.length > 1 && (/[.:]/.test(parts[0]) || parts[0] === "localhost")) {
    registry = parts.shift()!;
    if (!REGISTRY_HOST.test(registry)) return { error: `has an invalid registry \`${registry}\` (a host name, optionally with :port)` };
  }
  if (parts.length === 0 || parts.some((c) => c === "")) return { error: "has an empty repository name or path component" };
  const bad = parts.find((c) => !PATH_COMPONENT.test(c));
  if (bad !== undefined) return { error: `has an invalid repository path component \`${bad}\` (lowercase letters and digits, separated by \`.\`, \`_\`, \`__\` or \`-\`)` };
  if (repoPart.length > 255) return { error: "has a repository name longer than 255 characters" };
  return { ...(registry ? { registry } : {}), repository: parts.join("/"), ...(tag !== undefined ? { tag } : {}), ...(digest !== undefined ? { digest } : {}) };
}

/** Checks a container image reference is a well-formed Docker reference and pinned. Returns a message or undefined. */
export function checkImagePinned(image: string): string | undefined {
  const accepted = "accepted: `repo:tag` with an exact version tag (e.g. `livepeer/go-livepeer:v0.9.1`) or `repo@sha256:<64 hex>`";
  const ref = parseImageReference(image);
  if ("error" in ref) return `${ref.error}; ${accepted}`;
  const { tag, digest } = ref;
  const invalidTag = (t: string) => `has an invalid tag \`${t}\` (letters, digits, \`_\`, \`.\`, \`-\`, at most 128, not starting with \`.\` or \`-\`); ${accepted}`;
  if (digest !== undefined) {
    // Pinned by digest (the tag is then only a label), but the reference must still be well formed.
    if (tag !== undefined && !TAG.test(tag)) return invalidTag(tag);
    return /^sha256:[0-9a-f]{64}$/.test(digest) ? undefined : `has a malformed digest; ${accepted}`;
  }
  if (tag === undefined) return `has no tag (that means \`latest\`); ${accepted}`;
  if (FLOATING_TAGS.has(tag.toLowerCase()) || /(^|[-_.])latest([-_.]|$)/i.test(tag)) return `uses the floating tag \`${tag}\`; ${accepted}`;
  if (/(^|\.)[x*]($|[.-])/i.test(tag.replace(/^v/i, ""))) return `uses the wildcard tag \`${tag}\`; ${accepted}`;
  if (!TAG.test(tag)) return invalidTag(tag);
  if (/^v?\d+(\.\d+)?$/.test(tag)) return `uses the tag \`${tag}\`, which floats over patch releases; ${accepted}`;
  return undefined;
}

/** The semantic version in an image tag (`v0.9.1`, `0.9.2-rc1` → [0,9,2]), if any. */
export function imageVersion(image: string): [number, number, number] | undefined {
  const m = /:v?(\d+)\.(\d+)\.(\d+)/.exec(image.slice(image.lastIndexOf("/") + 1));
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;
const WEI = /^\d+$/;
/** go-livepeer's price feed is ETH/USD: any other currency makes it exit at start. */
const CURRENCY_PRICE = /^\d+(\.\d+)?USD$/;
/** Secrets Manager and Secret Manager hold at most 64 KiB per secret value. */
export const MAX_SECRET_BYTES = 64 * 1024;
/** GPU model as shown in plans and capacity figures. */

/** Parses and validates a raw spec. Throws FleetConfigError listing every problem. */
export function loadFleet(raw: unknown, opts: LoadOptions): Fleet {
  const readFile = opts.readFile ?? readKeystoreFile;
  // Keys that would rewrite an object's prototype are dropped silently by the structural check: refuse them.
  const protoIssues = prototypeKeys(raw);
  const parsed = FleetSpecSchema.safeParse(raw);
  if (!parsed.success || protoIssues.length > 0) {
    // An integer above a field's own bound is also outside the safe-integer range: report the bound only.
    const zIssues = parsed.success ? [] : parsed.error.issues;
    const bounded = new Set(zIssues.filter((i) => i.code === "too_big" && i.maximum !== Number.MAX_SAFE_INTEGER).map((i) => pathToString(i.path as (string | number)[])));
    const kept = zIssues.filter((i) => !(i.code === "too_big" && i.maximum === Number.MAX_SAFE_INTEGER && bounded.has(pathToString(i.path as (string | number)[]))));
    const protoPaths = new Set(protoIssues.map((i) => i.path));
    const issues = [...protoIssues, ...kept.flatMap((i) => zodIssue(raw, i as ZodIssueLike)).filter((i) => !protoPaths.has(i.path))];
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
    spec.regions.forEach((r, ri) => {
      if (r.cloud === "aws") add(`regions[${ri}].cloud`, r.cloud, "cannot be served by a Cloud DNS zone: a geo item needs a static address and an AWS network load balancer has none; use dns.provider route53 for fleets with AWS regions");
    });
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
    if (u.encrypted || !checkSecretText(u, `rpcUrls[${i}]`, add)) return;
    const problem = rpcUrlProblem(u.reveal());
    if (problem) add(`rpcUrls[${i}]`, REDACTED, problem);
  });
  if (spec.orchSecret && !spec.orchSecret.encrypted) {
    if (checkSecretText(spec.orchSecret, "orchSecret", add) && spec.orchSecret.reveal().trim().length < 32) {
      add("orchSecret", REDACTED, "must be at least 32 characters (random); omit it to have one generated");
    }
  }

  // ---- regions ----------------------------------------------------------------------------------
  if (spec.regions.length === 0) add("regions", [], "needs at least one region");
  const regionNames = new Map<string, number>();
  const nodeNames = new Map<string, string>();
  const hostnames = new Map<string, string>();
  const wallets = new Map<string, string>();
  /** Private addresses taken per region (index), so the redeemer is checked against the region's Os. */
  const ipsByRegion = new Map<number, Map<string, string>>();
  /** Names refused for their own reason (duplicates, reserved): the name inventory skips them. */
  const refusedNames = new Set<string>();
  if (serviceHost) hostnames.set(serviceHost, "serviceUri");
  // the redeemer's public name (orchestrators of other regions dial it) is `redeemer.<zone>`
  if (serviceHost && serviceHost === `redeemer.${zone}`) add("serviceUri", spec.serviceUri, `uses the redeemer's hostname (redeemer.${zone}); choose another host under ${zone}`);

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

  const readWallet = (w: { address: string; keystore: string; password: SecretValue }, where: string, node: string) => {
    checkAddress(w.address, `${where}.address`, add);
    if (!w.password.encrypted) checkSecretText(w.password, `${where}.password`, add);
    const file = path.resolve(opts.baseDir, w.keystore);
    let text: string;
    try {
      text = readFile(file);
    } catch (e: any) {
      const why = e instanceof KeystoreFileError ? e.message : `cannot be read (${e?.code ?? "error"})`;
      add(`${where}.keystore`, w.keystore, `${why}; give the path of an encrypted V3 keystore JSON, relative to ${opts.baseDir}`);
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
    const regionSuffixMsg = reservedSuffixProblem(r.name);
    if (regionSuffixMsg) add(`${rp}.name`, r.name, regionSuffixMsg);
    if (r.cloud === "aws" && r.assumeRoleArn !== undefined && !/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@\/-]+$/.test(r.assumeRoleArn)) {
      add(`${rp}.assumeRoleArn`, "[not shown]", "must be an IAM role ARN like `arn:aws:iam::111122223333:role/fleet`");
    }
    if (r.cloud === "gcp" && r.impersonateServiceAccount !== undefined && !/^[a-z][a-z0-9-]{4,28}[a-z0-9]@[a-z0-9.-]+\.iam\.gserviceaccount\.com$/.test(r.impersonateServiceAccount)) {
      add(`${rp}.impersonateServiceAccount`, "[not shown]", "must be a service account email like `fleet@my-project.iam.gserviceaccount.com`");
    }
    if (regionNames.has(r.name)) {
      add(`${rp}.name`, r.name, `duplicates regions[${regionNames.get(r.name)}].name; region names must be unique`);
      refusedNames.add(`${rp}.name`);
    }
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
      const suffixMsg = reservedSuffixProblem(o.name);
      if (suffixMsg) add(`${op}.name`, o.name, suffixMsg);
      if (!reserved && o.hostname === "redeemer") add(`${op}.hostname`, o.hostname, "is reserved for the redeemer's hostname (used when orchestrators of other regions dial it)");
      const stemMsg = checkStem(join(spec.name, r.name, o.name));
      if (stemMsg) add(`${op}.name`, o.name, stemMsg);
      if (duplicate || reserved || o.name === MONITORING_NODE) refusedNames.add(`${op}.name`);
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

    checkRegionPools(r.workers, rp, add);
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
      if (duplicate) refusedNames.add(`${wp}.name`);
      if (w.maxSize < w.minSize) add(`${wp}.maxSize`, w.maxSize, `must be ≥ minSize (${w.minSize})`);
      if (w.desiredSize !== undefined && (w.desiredSize < w.minSize || w.desiredSize > w.maxSize)) {
        add(`${wp}.desiredSize`, w.desiredSize, `must be between minSize (${w.minSize}) and maxSize (${w.maxSize})`);
      }
      if (w.spot && w.sizeUnit !== "sessions" && w.spot.onDemandBase > w.maxSize) add(`${wp}.spot.onDemandBase`, w.spot.onDemandBase, `must be ≤ maxSize (${w.maxSize})`);
      if (cloud === "gcp" && w.spot && w.spot.onDemandPercentAboveBase !== 0) {
        add(`${wp}.spot.onDemandPercentAboveBase`, w.spot.onDemandPercentAboveBase, "must be 0 on GCP: a managed instance group is all spot or all on demand, so the pool becomes an on-demand group of `onDemandBase` instances plus a spot group for the rest");
      }
      checkPool(cloud, w, wp, add);
      if (w.kind === "ai") {
        w.models.forEach((m, mi) => {
          if (m.pricePerUnit === undefined && !effectivePricing(spec, r).pricePerUnit) {
            add(`${wp}.models[${mi}].pricePerUnit`, undefined, "is required: neither this model nor the region's pricing sets pricePerUnit (go-livepeer panics without a price)");
          }
        });
        if (w.modelCache.source === "download" && checkSecretText(w.modelCache.token, `${wp}.modelCache.token`, add) && !/^[\x21-\x7e]+$/.test(w.modelCache.token.reveal())) {
          add(`${wp}.modelCache.token`, REDACTED, "must be one line of printable ASCII without spaces, like a Hugging Face token `hf_…`: it is written into an env file, where a newline would start another variable");
        }
      }
    });
  });

  checkNameCollisions(spec, regionZones, add, (where) => refusedNames.has(where));
  checkGcpServiceAccounts(spec, add, (where) => refusedNames.has(where));

  // ---- fleet-wide roles --------------------------------------------------------------------------
  const regionOf = (name: string, where: string) => {
    const ri = regionNames.get(name);
    if (ri === undefined) add(where, name, `must name a region of this fleet: ${[...regionNames.keys()].join(", ") || "(none)"}`);
    return ri === undefined ? undefined : spec.regions[ri];
  };

  /** The redeemer's or the reward node's placement, names, machine type and wallet; returns its region. */
  const checkFleetNode = (key: "redeemer" | "reward", n: { region: string; zone: string; instanceType?: string; address: string; keystore: string; password: SecretValue }) => {
    const r = regionOf(n.region, `${key}.region`);
    if (r) {
      const zs = privateZones(r);
      if (!zs.includes(n.zone)) add(`${key}.zone`, n.zone, `must be one of ${r.name}'s zones${"existing" in r.network ? " with a private subnet" : ""}: ${zs.join(", ")}`);
      const stem = join(spec.name, r.name, key);
      const stemMsg = checkStem(stem);
      if (stemMsg) add(`${key}.region`, n.region, stemMsg);
      const typeMsg = n.instanceType === undefined ? undefined : checkMachineType(r.cloud, n.instanceType);
      if (typeMsg) add(`${key}.instanceType`, n.instanceType, typeMsg);
    }
    claimWallet(n.address, key);
    readWallet(n, key, key);
    return r;
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
    const r = checkFleetNode("redeemer", rd);
    if (r) checkNodeIp(r, "redeemer", rd.zone, rd.privateIp, "public", "redeemer.privateIp", ipsByRegion.get(regionNames.get(r.name)!) ?? new Map(), add);
    if (sameAddress(rd.address, spec.registeredAddress)) {
      add("redeemer.address", rd.address, "is the registered address; the redeemer must use its own hot wallet (with -ethOrchAddr)");
    }
  }

  const rw = spec.reward;
  if (rw.mode !== "external") {
    checkFleetNode("reward", rw);
    if (!/^\d+$/.test(rw.maxGasPrice)) add("reward.maxGasPrice", rw.maxGasPrice, "must be an integer wei amount (e.g. `1000000000` for 1 gwei)");
    else if (BigInt(rw.maxGasPrice) === 0n) add("reward.maxGasPrice", rw.maxGasPrice, "must be > 0 wei: 0 means no cap in go-livepeer (the reward call would be sent at any gas price); e.g. `1000000000` for 1 gwei");
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

  // ---- monitoring (node, Grafana ranges, log retention, alerts) ------------------------------------
  checkMonitoring(spec, add);
  if (spec.monitoring) {
    const msg = checkImagePinned(spec.monitoring.image);
    if (msg) add("monitoring.image", spec.monitoring.image, msg);
  }

  // ---- funding thresholds (chain check) ----------------------------------------------------------
  for (const [k, v] of Object.entries(spec.funding ?? {})) {
    if (!/^\d+(\.\d{1,18})?$/.test(v)) add(`funding.${k}`, v, "must be an ETH amount like `0.02` (a decimal number, at most 18 decimals)");
    else if (!/[1-9]/.test(v)) add(`funding.${k}`, v, "must be more than 0: it is the minimum `chain check` expects and the balance alerts' default threshold (0 never fires)");
  }

  const tagEntries = Object.entries(spec.tags);
  if (tagEntries.length > MAX_USER_TAGS) {
    add("tags", `${tagEntries.length} tags`, `holds at most ${MAX_USER_TAGS} tags: AWS allows 50 per resource and livepeer-fleet sets up to ${50 - MAX_USER_TAGS} of its own`);
  }
  const labelKeys = new Map<string, string>();
  const onGcp = spec.regions.some((r) => r.cloud === "gcp");
  for (const [k, v] of tagEntries) {
    if (k.length === 0) add("tags", k, "tag keys must not be empty");
    if (k.toLowerCase() === "name") add(`tags.${k}`, k, "is set by livepeer-fleet on each resource (its own name); choose another key");
    if (k.length > 128 || k.toLowerCase().startsWith("aws:")) add(`tags.${k}`, k, "tag keys must be ≤ 128 characters and not start with `aws:` (in any case)");
    else if (k.toLowerCase().startsWith("livepeer-fleet")) add(`tags.${k}`, k, "tag keys starting with `livepeer-fleet` are reserved (the fleet sets `livepeer-fleet:*` tags and `livepeer-fleet-*` GCP labels to find and scope its own resources)");
    if (!TAG_TEXT.test(k)) add(`tags.${k}`, k, "tag keys may hold letters, digits, spaces and `_ . : / = + - @` only (the character set AWS accepts on every service)");
    if (!TAG_TEXT.test(v)) add(`tags.${k}`, v, "tag values may hold letters, digits, spaces and `_ . : / = + - @` only (no newlines or control characters)");
    if (onGcp && k.length > 0) {
      const label = gcpNames.labelKey(k);
      const prior = labelKeys.get(label);
      if (prior !== undefined) add(`tags.${k}`, k, `becomes the GCP label key \`${label}\`, as tag \`${prior}\` does (keys are lowercased, other characters become \`_\`): one would overwrite the other`);
      else labelKeys.set(label, k);
    }
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
    add(`${at}.pricePerUnit`, p.pricePerUnit, /^\d+(\.\d+)?[A-Za-z]+$/.test(p.pricePerUnit)
      ? "must be a non-negative integer wei amount (e.g. `1200`) or a USD amount (e.g. `0.50USD`): go-livepeer's price feed is ETH/USD only, another currency makes it exit at start"
      : "must be a non-negative integer wei amount (e.g. `1200`) or a currency amount in USD (e.g. `0.50USD`)");
  }
  if (mine("pixelsPerUnit") && !/^[1-9]\d*$/.test(p.pixelsPerUnit)) add(`${at}.pixelsPerUnit`, p.pixelsPerUnit, "must be an integer > 0");
  for (const k of ["ticketEV", "maxFaceValue"] as const) {
    const v = p[k];
    if (mine(k) && v !== undefined && !WEI.test(v)) add(`${at}.${k}`, v, "must be a non-negative integer wei amount");
  }
  if (mine("pricePerGateway")) {
    const seen = new Set<string>();
    if ((p.pricePerGateway ?? []).length > MAX_GATEWAY_PRICES) {
      add(`${at}.pricePerGateway`, `${p.pricePerGateway!.length} entries`, `holds at most ${MAX_GATEWAY_PRICES} gateways: the list is part of each orchestrator's command line in its boot script, which EC2 limits to 16 KB compressed`);
    }
    (p.pricePerGateway ?? []).forEach((g, i) => {
      const gp = `${at}.pricePerGateway[${i}]`;
      checkAddress(g.address, `${gp}.address`, add);
      if (seen.has(g.address.toLowerCase())) add(`${gp}.address`, g.address, "is listed twice");
      seen.add(g.address.toLowerCase());
      if (!/^\d+(\.\d+)?$/.test(g.pricePerUnit)) add(`${gp}.pricePerUnit`, g.pricePerUnit, "must be a non-negative decimal amount (wei, or units of `currency`)");
      else if (!g.currency && !WEI.test(g.pricePerUnit)) add(`${gp}.pricePerUnit`, g.pricePerUnit, "must be an integer wei amount (or set `currency`)");
      if (g.pixelsPerUnit !== undefined && !/^[1-9]\d*$/.test(g.pixelsPerUnit)) add(`${gp}.pixelsPerUnit`, g.pixelsPerUnit, "must be an integer > 0");
      if (g.currency !== undefined && g.currency !== "USD") add(`${gp}.currency`, g.currency, "must be `USD` (go-livepeer's price feed is ETH/USD only), or omitted for wei");
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
      // A region that is well-formed on its own still gets its cloud checks (zones, machine types, GPUs).
      const parsed = Region.safeParse(r);
      if (parsed.success) regionCloudChecks(parsed.data, `regions[${ri}]`, add);
    });
  }
  wallet(raw.redeemer, "redeemer");
  wallet(raw.reward, "reward");
  if (raw.monitoring && typeof raw.monitoring === "object" && typeof raw.monitoring.image === "string") {
    const msg = checkImagePinned(raw.monitoring.image);
    if (msg) add("monitoring.image", raw.monitoring.image, msg);
  }
  return out;
}

/** The checks of one region that need nothing outside it: names, images, zones, machine types, GPUs. */
function regionCloudChecks(r: RegionSpec, rp: string, add: (p: string, v: unknown, m: string) => void): void {
  const regionMsg = checkRegionName(r.cloud, r.region);
  if (regionMsg) add(`${rp}.region`, r.region, regionMsg);
  for (const k of ["cpu", "gpu"] as const) {
    const img = r.machineImages[k];
    const msg = img === undefined ? undefined : checkMachineImage(r.cloud, img);
    if (msg) add(`${rp}.machineImages.${k}`, img, msg);
  }
  const zones = regionZones(r);
  r.orchestrators.forEach((o, oi) => {
    if (!zones.includes(o.zone)) add(`${rp}.orchestrators[${oi}].zone`, o.zone, `must be one of the region's zones: ${zones.join(", ")}`);
    const msg = o.instanceType === undefined ? undefined : checkMachineType(r.cloud, o.instanceType);
    if (msg) add(`${rp}.orchestrators[${oi}].instanceType`, o.instanceType, msg);
  });
  r.workers.forEach((w, wi) => {
    const msg = checkMachineType(r.cloud, w.instanceType);
    if (msg) add(`${rp}.workers[${wi}].instanceType`, w.instanceType, msg);
    else if (r.cloud === "gcp") checkGcpGpu(w.instanceType, w.gpu, `${rp}.workers[${wi}]`, add);
  });
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

/** Gateway-specific prices per fleet or region (each is ~70 bytes of every O's boot script). */
export const MAX_GATEWAY_PRICES = 50;
/** Tags the spec may add: AWS allows 50 per resource; the fleet's own (`Name`, `livepeer-fleet:*`) take up to 10. */
export const MAX_USER_TAGS = 40;
/** AWS's tag character set (the strictest of its services): letters, digits, spaces, `_ . : / = + - @`. */
const TAG_TEXT = /^[\p{L}\p{N} _.:/=+\-@]*$/u;

/** The service URI's host, e.g. `orch.fleet.example.com`. */
export function serviceHost(spec: FleetSpec): string {
  return new URL(spec.serviceUri).hostname.toLowerCase();
}

/** The only service URI shape accepted: `https://<lowercase DNS name>:8935`, nothing else. */
export const SERVICE_URI = /^https:\/\/[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+:8935$/;

/**
 * Why a service URI is not exactly `https://<host>:8935`: it is published on chain and dialled by every
 * gateway, so anything more (user info, a path, a query) would be published too. Empty when well formed.
 */
export function serviceUriProblems(uri: string): string[] {
  if (SERVICE_URI.test(uri)) return [];
  const out: string[] = [];
  const shape = "`https://<host>:8935` (scheme, lowercase host name and port only)";
  if (/[^\x21-\x7e]/.test(uri)) out.push("must be plain ASCII without spaces or control characters (write an internationalised name in its `xn--` form)");
  const m = /^([^:/?#]*):\/\/([^/?#]*)([\s\S]*)$/.exec(uri);
  if (!m) {
    out.push(/^[A-Za-z0-9.-]+(:\d*)?(\/.*)?$/.test(uri) ? `must use https:// (go-livepeer serves TLS on 8935): ${shape}` : `must be a URL ${shape}`);
    return out;
  }
  const [, scheme, authority, rest] = m;
  if (scheme.toLowerCase() !== "https") out.push("must use https:// (go-livepeer serves TLS on 8935)");
  else if (scheme !== "https") out.push("must write the scheme in lowercase: `https://`");
  if (authority.includes("@")) out.push("must not carry user info (`user:password@`): the service URI is published on chain; must be only scheme, host and port");
  if (rest !== "") {
    if (/[?#]/.test(rest)) out.push("must be only scheme, host and port: no query (`?`) or fragment (`#`)");
    if (rest.startsWith("/")) out.push("must be only scheme, host and port: no path, not even a trailing `/`");
  }
  const hostPort = authority.slice(authority.lastIndexOf("@") + 1);
  if (hostPort.startsWith("[")) {
    out.push("must name a host inside the DNS zone, not an IP address");
    return out;
  }
  const pm = /^([^:]*)(?::(.*))?$/.exec(hostPort)!;
  const host = pm[1];
  const port = pm[2];
  if (port === undefined) out.push("must name port 8935 explicitly: `https://<host>:8935`");
  else if (port !== "8935") out.push(/^0+8935$/.test(port) ? "must name port 8935 exactly (no leading zeros)" : "must name port 8935: `https://<host>:8935`");
  if (host === "") out.push("must name a host");
  else if (/[A-Z]/.test(host)) out.push(`host must be lowercase: \`${host.toLowerCase()}\``);
  if (host.includes("*")) out.push("host must not be a wildcard");
  if (host.includes("%")) out.push("host must not be percent-encoded");
  if (host.endsWith(".")) out.push("host must not end with a dot");
  else if (host.includes("..") || host.startsWith(".")) out.push("host has an empty label");
  if (/^\d+(\.\d+){3}$/.test(host)) out.push("must name a host inside the DNS zone, not an IP address");
  if (out.length === 0) out.push(`must be exactly ${shape}: the host must be a DNS name of lowercase letters, digits and '-' labels, with at least one dot`);
  return out;
}

function checkServiceUri(uri: string, zone: string, add: (p: string, v: unknown, m: string) => void): string | undefined {
  const problems = serviceUriProblems(uri);
  if (problems.length > 0) {
    // User info may hold a password: never echo it.
    add("serviceUri", uri.replace(/^([^:/?#]*:\/\/)[^/?#]*@/, "$1[secret]@"), problems.join("; "));
    return undefined;
  }
  const host = uri.slice("https://".length, -":8935".length);
  if (/^\d+(\.\d+){3}$/.test(host)) add("serviceUri", uri, `must name a host inside the DNS zone ${zone}, not an IP address`);
  else if (!(host === zone || host.endsWith(`.${zone}`))) add("serviceUri", uri, `host must be inside the DNS zone ${zone}`);
  else if (host === zone) add("serviceUri", uri, `host must be a name under ${zone} (the zone apex cannot hold the routed record set)`);
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

/** Paths of secret fields, and of anything inside one (e.g. `…password.secure`), wherever they sit (`[0].rpcUrls[1]`). */
const SECRET_FIELDS = /(^|[.\]])(password|orchSecret|rpcUrls|token)($|[.[])/;

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
  if (issue.code === "too_big" && issue.maximum === Number.MAX_SAFE_INTEGER) message = "must be an integer below 2^53 (YAML reads larger numbers as floating point, losing digits)";
  else if (issue.code === "too_big" && typeof issue.maximum === "number" && message.startsWith("Too big")) message = issue.inclusive === false ? `must be < ${issue.maximum}` : `must be ≤ ${issue.maximum}`;
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

/**
 * A plain-text secret's checks shared by every kind (boot refuses a blank secret and the literal `None`, the
 * secret stores refuse values over 64 KiB). Adds issues without the value; true when none was found.
 */
function checkSecretText(secret: SecretValue, where: string, add: (p: string, v: unknown, m: string) => void): boolean {
  const v = secret.reveal();
  if (v.trim() === "") {
    add(where, REDACTED, "must not be blank (only whitespace): the node refuses to start with a blank secret");
    return false;
  }
  if (v.trim() === "None") {
    add(where, REDACTED, "must not be the literal `None`: that is what a secret store returns for a missing value, and the node refuses to start with it");
    return false;
  }
  const bytes = Buffer.byteLength(v, "utf8");
  if (bytes > MAX_SECRET_BYTES) {
    add(where, REDACTED, `is ${bytes} bytes; a secret value holds at most ${MAX_SECRET_BYTES} bytes (64 KiB, the Secrets Manager / Secret Manager limit)`);
    return false;
  }
  return true;
}

/** Why an upstream RPC URL is unusable, or undefined. Never quotes the URL (it carries an API key). */
export function rpcUrlProblem(url: string): string | undefined {
  if (/[\s\x00-\x1f\x7f-\x9f]/.test(url)) return "must be an http(s) URL without spaces or control characters";
  if (url.includes("$")) return "must not contain `$`: the RPC proxy (eRPC) expands `${…}` in its config file, so the URL would change (percent-encode it as %24)";
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return "must be an http(s) URL (it does not parse as a URL)";
  }
  if (u.protocol !== "https:" && u.protocol !== "http:") return "must be an http(s) URL";
  // WHATWG URL parsing repairs `https:///host` and `https:\\host`; the proxy (Go's net/url) does not.
  if (u.hostname === "" || !/^https?:\/\/[^/?#\\]/i.test(url)) return "must be an http(s) URL with a host: `https://<host>/…`";
  return undefined;
}

/** Own keys named `__proto__` anywhere in a raw spec: they would rewrite an object's prototype, and the structural check drops them. */
function prototypeKeys(raw: unknown): SpecIssue[] {
  const out: SpecIssue[] = [];
  const walk = (v: unknown, p: string, depth: number) => {
    if (v === null || typeof v !== "object" || depth > 64) return;
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${p}[${i}]`, depth + 1));
    for (const k of Object.keys(v)) {
      const kp = p ? `${p}.${k}` : k;
      if (k === "__proto__") out.push({ path: kp, value: k, message: "is not allowed as a key (it would rewrite the object's prototype)" });
      else walk((v as Record<string, unknown>)[k], kp, depth + 1);
    }
  };
  walk(raw, "", 0);
  return out;
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
