/** Quotes one word for bash (POSIX single quotes). Safe words stay bare for readability. */
export function shellQuote(s: string): string {
  if (/^[A-Za-z0-9_@%+=:,.\/-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'\\''`)}'`;
}
