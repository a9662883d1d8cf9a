/** EC2 user-data as the instance sees it. */
import { gunzipSync } from "zlib";

/** True when the bytes start with the gzip magic (cloud-init decompresses such user-data itself). */
export const isGzip = (b: Buffer) => b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;

/** A launch template's `userData` (base64) decoded to the boot script: gunzipped when it is compressed. */
export function decodeUserData(b64: string): string {
  const raw = Buffer.from(b64, "base64");
  return (isGzip(raw) ? gunzipSync(raw) : raw).toString("utf8");
}
