/**
 * Keystore passwords come from a file or a no-echo terminal prompt, never from a command-line argument
 * (arguments land in shell history and `ps`). No message ever quotes a password.
 */
import * as fs from "fs";
import { readTextFile } from "../files";

/** A password could not be obtained (unreadable or empty file, no terminal, cancelled). */
export class PasswordInputError extends Error {
  constructor(message: string, readonly cancelled = false) {
    super(message);
    this.name = "PasswordInputError";
  }
}

/** Shortest password `keys new` accepts for a new keystore. */
export const MIN_NEW_PASSWORD_LENGTH = 12;

/**
 * A password from a file, whitespace-trimmed exactly as go-livepeer reads `-ethPassword <file>`
 * (common.ReadFromFile trims), so the keystore is encrypted with what the node will use.
 */
export function readPasswordFile(file: string, flag: string): string {
  let text: string;
  try {
    text = readTextFile(file, 64 << 10);
  } catch (e: any) {
    throw new PasswordInputError(`${flag} ${file} cannot be read (${e?.code ?? "error"})`);
  }
  const pw = text.trim();
  if (pw === "") throw new PasswordInputError(`${flag} ${file} is empty; it must hold the password`);
  return pw;
}

/** Why a password is too weak for a new keystore, or undefined. */
export function checkNewPassword(pw: string): string | undefined {
  if (pw.length < MIN_NEW_PASSWORD_LENGTH) return `is shorter than ${MIN_NEW_PASSWORD_LENGTH} characters`;
  return undefined;
}

/** What promptHidden needs from stdin / stderr. */
export interface PromptStreams {
  input: NodeJS.ReadStream;
  output: NodeJS.WritableStream;
}

/**
 * Asks for a secret on the terminal without echoing it: raw mode, characters kept in memory only,
 * backspace edits, Enter ends, Ctrl-C / Ctrl-D on an empty line cancel.
 */
export function promptHidden(question: string, s: PromptStreams = { input: process.stdin, output: process.stderr }): Promise<string> {
  const { input, output } = s;
  return new Promise((resolve, reject) => {
    if (!input.isTTY || typeof input.setRawMode !== "function") {
      reject(new PasswordInputError("there is no terminal to prompt for a password on"));
      return;
    }
    output.write(question);
    const wasRaw = input.isRaw;
    input.setRawMode(true);
    input.setEncoding("utf8");
    input.resume();
    let chars: string[] = [];
    const finish = (err?: Error) => {
      input.removeListener("data", onData);
      input.setRawMode(wasRaw);
      input.pause();
      output.write("\n");
      const value = chars.join("");
      chars = [];
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of Array.from(String(chunk))) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003" || (ch === "\u0004" && chars.length === 0)) return finish(new PasswordInputError("cancelled at the password prompt", true));
        if (ch === "\u007f" || ch === "\b") chars.pop();
        else if (ch === "\u0015") chars = [];
        else if (ch >= " ") chars.push(ch);
      }
    };
    input.on("data", onData);
  });
}
