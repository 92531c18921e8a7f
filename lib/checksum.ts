/**
 * Files that end with a checksum: the 32-byte SHA-256 of everything before it. Checkpoints
 * (`train/checkpoint.ts`) and the decoded-dataset cache (`data/cache.ts`) are written this way, so a changed or
 * truncated byte anywhere is found on read instead of being trained on.
 *
 * @example
 * ```ts
 * import { sha256, verifiedBody } from "./checksum.ts";
 * const body = new TextEncoder().encode("payload");
 * const file = new Uint8Array([...body, ...sha256([body])]);
 * verifiedBody(file); // the 7 payload bytes
 * file[0] ^= 1;
 * verifiedBody(file); // null: the trailer no longer matches
 * ```
 *
 * @module
 */
import { createHash } from "node:crypto";

/** Length of the trailer. */
export const DIGEST_BYTES = 32;

/** SHA-256 of the concatenation of `chunks` (streamed, nothing is copied). */
export function sha256(chunks: readonly Uint8Array[]): Uint8Array {
  const h = createHash("sha256");
  for (const c of chunks) h.update(c);
  return new Uint8Array(h.digest());
}

/** The bytes before the trailer when the trailer is their SHA-256, else null (changed, truncated or too short). */
export function verifiedBody(file: Uint8Array): Uint8Array | null {
  if (file.byteLength < DIGEST_BYTES) return null;
  const body = file.subarray(0, file.byteLength - DIGEST_BYTES);
  const stored = file.subarray(file.byteLength - DIGEST_BYTES);
  const actual = sha256([body]);
  return actual.every((b, i) => b === stored[i]) ? body : null;
}
