/** Where a raw spec holds secrets, and which of them are written as plain text. Pure. */

/** Paths of every secret field present in a raw spec (`rpcUrls[0]`, `regions[0].orchestrators[1].password`, …). */
export function secretPaths(raw: any): { path: string; value: unknown }[] {
  const out: { path: string; value: unknown }[] = [];
  if (!raw || typeof raw !== "object") return out;
  if (Array.isArray(raw.rpcUrls)) raw.rpcUrls.forEach((v: unknown, i: number) => out.push({ path: `rpcUrls[${i}]`, value: v }));
  if (raw.orchSecret !== undefined) out.push({ path: "orchSecret", value: raw.orchSecret });
  for (const k of ["redeemer", "reward"]) {
    if (raw[k] && typeof raw[k] === "object" && raw[k].password !== undefined) out.push({ path: `${k}.password`, value: raw[k].password });
  }
  if (Array.isArray(raw.regions)) {
    raw.regions.forEach((r: any, ri: number) => {
      if (r && Array.isArray(r.orchestrators)) {
        r.orchestrators.forEach((o: any, oi: number) => {
          if (o && typeof o === "object" && o.password !== undefined) out.push({ path: `regions[${ri}].orchestrators[${oi}].password`, value: o.password });
        });
      }
    });
  }
  return out;
}

/** Secret fields written as plain strings (in a stack file they should be `secure:` values). */
export const plainSecretPaths = (raw: unknown) => secretPaths(raw).filter((s) => typeof s.value === "string").map((s) => s.path);
