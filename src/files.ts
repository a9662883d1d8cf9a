/**
 * Reading small text files an operator names on the command line or in a spec: only regular files (a FIFO
 * or a device would hang or exhaust memory), bounded in size, never blocking. Node's fs only.
 */
import * as fs from "fs";

export class FileReadError extends Error {
  constructor(message: string, readonly code: string) {
    super(message);
    this.name = "FileReadError";
  }
}

export function fileKind(st: fs.Stats): string {
  if (st.isDirectory()) return "a directory";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** Reads a regular file of at most `maxBytes` as UTF-8 text. Throws FileReadError (code ENOTREG/EFBIG) or fs errors. */
export function readTextFile(file: string, maxBytes: number): string {
  return readBoundedFile(file, maxBytes).toString("utf8");
}

/**
 * Reads a regular file (after following symlinks) of at most `maxBytes`. Never blocks and never reads more
 * than the limit: the path is stat'ed first, opened with O_NONBLOCK (a FIFO swapped in after the stat cannot
 * hang the open), and the open descriptor is checked again before reading.
 */
export function readBoundedFile(file: string, maxBytes: number): Buffer {
  const check = (st: fs.Stats) => {
    if (!st.isFile()) return new FileReadError(`is ${fileKind(st)}, not a regular file`, "ENOTREG");
    if (st.size > maxBytes) return new FileReadError(`is ${st.size} bytes, more than the ${maxBytes} accepted`, "EFBIG");
    return undefined;
  };
  const before = check(fs.statSync(file));
  if (before) throw before;
  const fd = fs.openSync(file, fs.constants.O_RDONLY | (fs.constants.O_NONBLOCK ?? 0) | (fs.constants.O_NOCTTY ?? 0));
  try {
    const after = check(fs.fstatSync(fd));
    if (after) throw after;
    const buf = Buffer.alloc(Math.min(maxBytes, Math.max(0, fs.fstatSync(fd).size)) + 1);
    let n = 0;
    for (;;) {
      if (n === buf.length) throw new FileReadError(`grew past the ${maxBytes} bytes accepted while being read`, "EFBIG");
      const got = fs.readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    return buf.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/** `(code)` or the message, for "cannot be read (…)" errors. */
export const readErrorText = (e: any) => (e instanceof FileReadError ? e.message : e?.code ?? String(e));
