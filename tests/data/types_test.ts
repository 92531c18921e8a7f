import { assertEquals, assertThrows } from "@std/assert";
import { classCounts, subsetSplit, validateSplit } from "../../lib/data/types.ts";
import type { Split } from "../../lib/data/types.ts";

const s: Split = {
  n: 3,
  height: 1,
  width: 1,
  channels: 1,
  images: Uint8Array.from([5, 6, 7]),
  labels: { a: Int32Array.from([0, 1, 1]) },
};

Deno.test("subsetSplit copies images and labels in order; classCounts", () => {
  const t = subsetSplit(s, [2, 0, 2]);
  assertEquals(Array.from(t.images), [7, 5, 7]);
  assertEquals(Array.from(t.labels.a), [1, 0, 1]);
  assertEquals(classCounts(s.labels.a, 3), [1, 2, 0]);
  assertThrows(() => subsetSplit(s, [3]), Error, "out of range");
});

Deno.test("validateSplit names the problem", () => {
  validateSplit(s, { a: ["x", "y"] });
  assertThrows(
    () => validateSplit(s, { a: ["x"] }, "toy"),
    Error,
    'toy: label set "a" has class 1 at index 1',
  );
  assertThrows(
    () => validateSplit({ ...s, images: new Uint8Array(2) }),
    Error,
    "expected 3x1x1x1 = 3 bytes of pixels, got 2",
  );
  assertThrows(
    () => validateSplit({ ...s, channels: 2, images: new Uint8Array(6) }),
    Error,
    "channels must be 1 or 3",
  );
  assertThrows(() => validateSplit(s, {}), Error, "no class names");
});
