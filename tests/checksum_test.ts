import { assertEquals } from "@std/assert";
import { createHash } from "node:crypto";
import { DIGEST_BYTES, sha256, verifiedBody } from "../lib/checksum.ts";

Deno.test("sha256 of chunks equals the digest of their concatenation; verifiedBody checks the trailer", () => {
  const a = Uint8Array.from([1, 2, 3]), b = Uint8Array.from([4, 5]);
  const whole = createHash("sha256").update(Uint8Array.from([1, 2, 3, 4, 5])).digest();
  assertEquals(Array.from(sha256([a, b])), Array.from(whole));
  const file = new Uint8Array([...a, ...b, ...sha256([a, b])]);
  assertEquals(file.length, 5 + DIGEST_BYTES);
  assertEquals(Array.from(verifiedBody(file)!), [1, 2, 3, 4, 5]);
  const flipped = file.slice();
  flipped[2] ^= 0xff;
  assertEquals(verifiedBody(flipped), null);
  assertEquals(verifiedBody(file.subarray(0, file.length - 1)), null, "truncated");
  assertEquals(verifiedBody(new Uint8Array(10)), null, "shorter than a digest");
});
