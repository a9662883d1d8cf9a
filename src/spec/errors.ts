/** One problem found in a fleet spec: where, what was given, what would be accepted. */
export interface SpecIssue {
  /** Field path in the spec, e.g. `regions[1].workers[0].maxSize`. */
  path: string;
  /**
   * The value found there (secrets are never echoed: they show as "[secret]"; a mapping or a list shows
   * as `<object>` / `<list of N>`, and a string that looks like a private key as "[looks like a private key]").
   */
  value: unknown;
  /** What is wrong and what would be accepted. */
  message: string;
}

/** Shown instead of anything that looks like a raw private key (64 hex digits, with or without 0x). */
export const PRIVATE_KEY_PLACEHOLDER = "[looks like a private key]";

/**
 * A run of exactly 64 hex digits (optionally 0x-prefixed): what a raw private key looks like. Not when part
 * of a longer hex run, and not an image digest (`sha256:<64 hex>`), which is public.
 */
const PRIVATE_KEY_RUN = /(?<![0-9a-fA-F])(0x)?[0-9a-fA-F]{64}(?![0-9a-fA-F])/g;

/** `s` with every run that looks like a private key replaced by the placeholder. */
export function redactPrivateKeys(s: string): string {
  return s.replace(PRIVATE_KEY_RUN, (m, _x, offset: number, whole: string) => (whole.slice(Math.max(0, offset - 7), offset) === "sha256:" ? m : PRIVATE_KEY_PLACEHOLDER));
}

/** A short description of a value's shape, never its content. */
export function describeShape(value: unknown): string {
  if (Array.isArray(value)) return `<list of ${value.length}>`;
  if (value === null) return "<null>";
  if (typeof value === "object") return "<object>";
  if (typeof value === "string") return "<string>";
  return `<${typeof value}>`;
}

/**
 * The value an issue may show: scalars as they are (strings with anything that looks like a private key
 * blanked), containers and the whole spec (path "") only by their shape. Every issue goes through this
 * (FleetConfigError applies it), so no rule can echo a structure that holds secrets.
 */
export function safeIssueValue(path: string, value: unknown): unknown {
  if (value === undefined || value === null) return value;
  if (typeof value === "object") {
    // A SecretValue (or anything rendering itself as "[secret]") stays "[secret]".
    if (typeof (value as { toJSON?: unknown }).toJSON === "function" && !Array.isArray(value)) {
      try {
        if ((value as { toJSON(): unknown }).toJSON() === "[secret]") return "[secret]";
      } catch {
        /* fall through */
      }
    }
    return describeShape(value);
  }
  if (path === "") return describeShape(value);
  if (typeof value === "string") return redactPrivateKeys(value);
  if (typeof value === "number" || typeof value === "boolean") return value;
  return describeShape(value);
}

/** Control characters (C0 but newline, DEL, C1, bidi overrides) written as `\uXXXX`, so a spec value cannot drive a terminal. */
export const escapeControls = (s: string) =>
  s.replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);

/** An issue safe to print: its value per `safeIssueValue`; its message and path without private-key-like runs or control characters. */
export function safeIssue(i: SpecIssue): SpecIssue {
  return { path: escapeControls(redactPrivateKeys(i.path)), value: safeIssueValue(i.path, i.value), message: escapeControls(redactPrivateKeys(i.message)) };
}

/** Thrown once, before any resource is registered, listing every problem in a spec. */
export class FleetConfigError extends Error {
  readonly issues: SpecIssue[];
  constructor(issues: SpecIssue[]) {
    const safe = issues.map(safeIssue);
    super(formatIssues(safe));
    this.name = "FleetConfigError";
    this.issues = safe;
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
