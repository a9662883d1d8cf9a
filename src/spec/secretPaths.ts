/** Where a raw spec holds secrets, and which of them are written as plain text. Pure. */
import type { SpecIssue } from "./errors";

/** The stack config key holding the spec (also in load.ts; repeated here to keep this module dependency-free). */
const STACK_KEY = "livepeer-fleet:fleet";

function specSecretPaths(raw: any, prefix: string, out: { path: string; value: unknown }[]): void {
  const at = (p: string) => (prefix ? `${prefix}.${p}` : p);
  if (Array.isArray(raw.rpcUrls)) raw.rpcUrls.forEach((v: unknown, i: number) => out.push({ path: at(`rpcUrls[${i}]`), value: v }));
  else if (raw.rpcUrls !== undefined) out.push({ path: at("rpcUrls"), value: raw.rpcUrls });
  if (raw.orchSecret !== undefined) out.push({ path: at("orchSecret"), value: raw.orchSecret });
  for (const k of ["redeemer", "reward"]) {
    const nodes = Array.isArray(raw[k]) ? raw[k].map((n: unknown, i: number) => [n, `${k}[${i}]`]) : [[raw[k], k]];
    for (const [n, p] of nodes) if (n && typeof n === "object" && n.password !== undefined) out.push({ path: at(`${p}.password`), value: n.password });
  }
  if (Array.isArray(raw.regions)) {
    raw.regions.forEach((r: any, ri: number) => {
      if (r && Array.isArray(r.orchestrators)) {
        r.orchestrators.forEach((o: any, oi: number) => {
          if (o && typeof o === "object" && o.password !== undefined) out.push({ path: at(`regions[${ri}].orchestrators[${oi}].password`), value: o.password });
        });
      }
      if (r && Array.isArray(r.workers)) {
        r.workers.forEach((w: any, wi: number) => {
          const token = w && typeof w === "object" && w.modelCache && typeof w.modelCache === "object" ? w.modelCache.token : undefined;
          if (token !== undefined) out.push({ path: at(`regions[${ri}].workers[${wi}].modelCache.token`), value: token });
        });
      }
    });
  }
}

/**
 * Paths of every secret field present in a raw spec (`rpcUrls[0]`, `regions[0].orchestrators[1].password`, …).
 * A spec written as a list is searched element by element (`[0].rpcUrls[0]`); a spec that is one string
 * is itself reported (path ""): it is plain text that may well be a secret.
 */
export function secretPaths(raw: any): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  if (typeof raw === "string") return [{ path: "", value: raw }];
  if (!raw || typeof raw !== "object") return out;
  if (Array.isArray(raw)) {
    raw.forEach((el, i) => {
      if (typeof el === "string") out.push({ path: `[${i}]`, value: el });
      else if (el && typeof el === "object" && !Array.isArray(el)) specSecretPaths(el, `[${i}]`, out);
    });
    return out;
  }
  specSecretPaths(raw, "", out);
  return out;
}

/** Secret fields written as plain strings (in a stack file they should be `secure:` values). */
export const plainSecretPaths = (raw: unknown) => secretPaths(raw).filter((s) => typeof s.value === "string").map((s) => s.path);

/** A `pulumi config set --path` path under the stack key: `livepeer-fleet:fleet.rpcUrls[0]`, `livepeer-fleet:fleet[0]…`. */
export const stackConfigPath = (p: string) => (p === "" ? STACK_KEY : p.startsWith("[") ? `${STACK_KEY}${p}` : `${STACK_KEY}.${p}`);

/**
 * The issues for plain-text secrets in a stack file's spec (the CLI and the Pulumi program say the same).
 * The value is never shown.
 */
export function plainSecretIssues(raw: unknown): SpecIssue[] {
  return plainSecretPaths(raw).map((p) => ({
    path: p,
    value: "[secret]",
    message:
      p === "" || /^\[\d+\]$/.test(p)
        ? `is plain text in a stack file; ${STACK_KEY} must be a mapping holding the fleet spec, with its secrets as secure values: pulumi config set --secret --path '${STACK_KEY}.<field>' <value>`
        : `is plain text in a stack file; make it a secure value: pulumi config set --secret --path '${stackConfigPath(p)}' <value>`,
  }));
}
