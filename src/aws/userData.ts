/**
 * EC2 user-data encoding (pure, no Pulumi): the boot script gzip-compressed, then base64, within EC2's
 * limit. Used by the launch template (src/aws/instance.ts).
 */
import { gzipSync } from "zlib";

/** EC2 refuses user-data over 16 KB (what it stores, i.e. before base64: here the gzip-compressed script). */
export const USER_DATA_LIMIT = 16384;

/**
 * The boot script gzip-compressed (cloud-init detects the gzip magic and decompresses user-data itself).
 * Deterministic, so an unchanged script never makes a new launch template version: level 9, and the
 * RFC 1952 header written here rather than left to zlib (MTIME 0, XFL 2 = maximum compression, OS 3 = Unix;
 * zlib already writes MTIME 0 but its OS byte depends on the platform it was built for). The deflate
 * stream itself comes from Node's bundled zlib: identical for a given zlib build.
 */
export function gzipUserData(script: string): Buffer {
  const gz = gzipSync(Buffer.from(script, "utf8"), { level: 9 });
  gz.writeUInt32LE(0, 4);
  gz[8] = 2;
  gz[9] = 3;
  return gz;
}

/**
 * A node's launch template `userData`: its boot script gzip-compressed, then base64. Throws, naming the
 * node, when the compressed script is over EC2's limit (16,384 bytes).
 */
export function encodeUserData(nodeName: string, script: string): string {
  const gz = gzipUserData(script);
  if (gz.length > USER_DATA_LIMIT) {
    throw new Error(
      `the boot script of node ${nodeName} is ${gz.length} bytes gzip-compressed (${Buffer.byteLength(script, "utf8")} raw); ` +
        `EC2 user-data is limited to ${USER_DATA_LIMIT} bytes`,
    );
  }
  return gz.toString("base64");
}
