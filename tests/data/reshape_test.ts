import { assertEquals, assertThrows } from "@std/assert";
import { convertChannels, padImages, reshapeSplit, resizeImages } from "../../lib/data/reshape.ts";
import type { Split } from "../../lib/data/types.ts";

Deno.test("padImages centres on a black canvas and crops symmetrically", () => {
  const src = Uint8Array.from([1, 2, 3, 4]); // 1 image 2x2x1
  assertEquals(Array.from(padImages(src, 1, 2, 2, 1, 4)), [0, 0, 0, 0, 0, 1, 2, 0, 0, 3, 4, 0, 0, 0, 0, 0]);
  assertEquals(Array.from(padImages(Uint8Array.from({ length: 16 }, (_, i) => i), 1, 4, 4, 1, 2)), [
    5,
    6,
    9,
    10,
  ]);
});

Deno.test("resizeImages: area mean when shrinking, identity at equal size, bilinear when growing", () => {
  const src = Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120, 130, 140, 150]);
  assertEquals(Array.from(resizeImages(src, 1, 4, 4, 1, 2, 2)), [25, 45, 105, 125]);
  assertEquals(resizeImages(src, 1, 4, 4, 1, 4, 4), src);
  // 3 -> 2 (non-integer factor): each output covers 1.5 input pixels
  assertEquals(Array.from(resizeImages(Uint8Array.from([0, 30, 60]), 1, 1, 3, 1, 1, 2)), [10, 50]);
  // growing 2 -> 4 along a ramp [0, 100]: half-pixel centres give 0, 25, 75, 100
  assertEquals(Array.from(resizeImages(Uint8Array.from([0, 100]), 1, 1, 2, 1, 1, 4)), [0, 25, 75, 100]);
  assertThrows(() => resizeImages(src, 1, 3, 3, 1, 2, 2), Error, "expected 9 bytes");
});

Deno.test("convertChannels and reshapeSplit (MNIST 28x28x1 -> 32x32x3 padded)", () => {
  assertEquals(Array.from(convertChannels(Uint8Array.from([7, 9]), 2, 1, 3)), [7, 7, 7, 9, 9, 9]);
  assertEquals(Array.from(convertChannels(Uint8Array.from([255, 255, 255, 0, 0, 255]), 2, 3, 1)), [255, 29]);
  const img = Uint8Array.from({ length: 2 * 28 * 28 }, (_, i) => i % 251);
  const s: Split = {
    n: 2,
    height: 28,
    width: 28,
    channels: 1,
    images: img,
    labels: { label: Int32Array.from([1, 2]) },
  };
  const out = reshapeSplit(s, { size: 32, channels: 3, fit: "pad" });
  assertEquals([out.n, out.height, out.width, out.channels], [2, 32, 32, 3]);
  assertEquals(out.labels, s.labels);
  assertEquals(out.images[((1 * 32 + 2) * 32 + 2) * 3 + 1], img[28 * 28]);
  assertEquals(out.images[0], 0);
  assertEquals(reshapeSplit(s, {}), s);
});
