/**
 * A secret value carried through the pure layers without being printable. `String(s)`, template
 * strings, `JSON.stringify` and `util.inspect` all render "[secret]"; only `reveal()` gives the value,
 * and only the secret-store code calls it (wrapping it in `pulumi.secret`).
 */
import { inspect } from "util";

export const REDACTED = "[secret]";

export class SecretValue {
  readonly #value: string;
  /** True when the config held ciphertext this process could not decrypt (offline `plan`). */
  readonly encrypted: boolean;

  constructor(value: string, encrypted = false) {
    this.#value = value;
    this.encrypted = encrypted;
  }

  /** The plaintext (or, for undecryptable config, a placeholder naming the field). */
  reveal(): string {
    return this.#value;
  }

  toString(): string {
    return REDACTED;
  }
  toJSON(): string {
    return REDACTED;
  }
  [inspect.custom](): string {
    return REDACTED;
  }
}

export const isSecretValue = (v: unknown): v is SecretValue => v instanceof SecretValue;
