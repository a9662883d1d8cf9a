/** Small helpers for tests that write spec files and expect validation errors. */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { FleetConfigError } from "../../src/spec/errors";

/** A temp directory removed after the file's tests, and a writer into it. */
export function tempDir(prefix: string): { dir: string; write: (name: string, text: string) => string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
  return {
    dir,
    write: (name, text) => {
      const f = path.join(dir, name);
      fs.writeFileSync(f, text);
      return f;
    },
  };
}

/** The FleetConfigError `f` throws (any other outcome fails the test). */
export function thrown(f: () => unknown): FleetConfigError {
  try {
    f();
  } catch (e) {
    if (e instanceof FleetConfigError) return e;
    throw e;
  }
  throw new Error("expected a FleetConfigError");
}
