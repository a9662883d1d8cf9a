/** One problem found in a fleet spec: where, what was given, what would be accepted. */
export interface SpecIssue {
  /** Field path in the spec, e.g. `regions[1].workers[0].maxSize`. */
  path: string;
  /** The value found there (secrets are never echoed: they show as "[secret]"). */
  value: unknown;
  /** What is wrong and what would be accepted. */
  message: string;
}

/** Thrown once, before any resource is registered, listing every problem in a spec. */
export class FleetConfigError extends Error {
  readonly issues: SpecIssue[];
  constructor(issues: SpecIssue[]) {
    super(formatIssues(issues));
    this.name = "FleetConfigError";
    this.issues = issues;
  }
}

export function formatValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  let s: string;
  try {
    s = typeof value === "string" ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  } catch {
    s = String(value);
  }
  return s.length > 120 ? s.slice(0, 117) + "..." : s;
}

export function formatIssues(issues: SpecIssue[]): string {
  const lines = issues.map((i) => `  - ${i.path || "(spec)"}: ${i.message}${i.value === undefined ? "" : ` (got ${formatValue(i.value)})`}`);
  return `invalid fleet spec: ${issues.length} problem${issues.length === 1 ? "" : "s"}\n${lines.join("\n")}`;
}

/** Renders a path array as `a.b[1].c`. */
export function pathToString(path: ReadonlyArray<string | number | symbol>): string {
  let out = "";
  for (const p of path) {
    if (typeof p === "number") out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}
