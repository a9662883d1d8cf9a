/** IPv4 arithmetic and the managed network's address plan. Pure. */
import { createHash } from "crypto";

export function parseIpv4(ip: string): number | undefined {
  // Canonical dotted decimal only: a leading zero (`10.40.0.050`) is octal to some parsers and would
  // let two spellings of one address escape the collision check.
  const m = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3];
}

export const formatIpv4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

export function parseCidr(cidr: string): { base: number; prefix: number } | undefined {
  const m = /^([\d.]+)\/(0|[1-9]\d?)$/.exec(cidr); // canonical prefix: no leading zero (`/08`)
  if (!m) return undefined;
  const base = parseIpv4(m[1]);
  const prefix = Number(m[2]);
  if (base === undefined || prefix > 32) return undefined;
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  if ((base & mask) >>> 0 !== base) return undefined; // host bits set
  return { base, prefix };
}

export function cidrContains(cidr: string, ip: string): boolean {
  const c = parseCidr(cidr);
  const n = parseIpv4(ip);
  if (!c || n === undefined) return false;
  const mask = c.prefix === 0 ? 0 : (~0 << (32 - c.prefix)) >>> 0;
  return ((n & mask) >>> 0) === c.base;
}

/** Index of an availability zone by its letter (`us-east-1a` → 0, `…c` → 2): stable when zones are reordered. */
export function zoneIndex(region: string, zone: string): number | undefined {
  if (!zone.startsWith(region) || zone.length !== region.length + 1) return undefined;
  const i = zone.charCodeAt(zone.length - 1) - 97;
  return i >= 0 && i < MAX_ZONES ? i : undefined;
}

/** Zones a managed /16 can hold (private /20 blocks start at x.16.0.0). */
export const MAX_ZONES = 15;

/**
 * The managed network's subnets for a zone: public `x.y.<i>.0/24`, private `x.y.<16(i+1)>.0/20`.
 * Keyed by zone letter, so adding or reordering zones never moves an existing subnet.
 */
export function managedSubnets(vpcCidr: string, zi: number): { public: string; private: string } | undefined {
  const c = parseCidr(vpcCidr);
  if (!c || c.prefix !== 16 || zi < 0 || zi >= MAX_ZONES) return undefined;
  return {
    public: `${formatIpv4(c.base + (zi << 8))}/24`,
    private: `${formatIpv4(c.base + ((16 * (zi + 1)) << 8))}/20`,
  };
}

/**
 * A node's default stable private address in a subnet: host 10–249 chosen by a hash of its name, so it
 * does not move when other nodes are added, removed or reordered. Collisions are reported by validation.
 */
export function defaultNodeIp(subnetCidr: string, nodeName: string): string {
  const c = parseCidr(subnetCidr)!;
  const h = createHash("sha256").update(nodeName).digest().readUInt32BE(0);
  return formatIpv4(c.base + 10 + (h % 240));
}
