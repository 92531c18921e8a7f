import { assert, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { cropResize, randomResizedCrop, sampleCropBoxes } from "../../lib/augment/crop.ts";
import { assertAllClose, assertInRange, assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

Deno.test("sampleCropBoxes: inside the image, area and ratio within range up to rounding", () => {
  for (const [h, w] of [[32, 32], [24, 40], [224, 224]]) {
    const boxes = sampleCropBoxes(new Rng(1), 2000, h, w);
    let wide = 0, tall = 0, small = 0;
    for (const b of boxes) {
      assert(b.top >= 0 && b.left >= 0 && b.height >= 1 && b.width >= 1, JSON.stringify(b));
      assert(b.top + b.height <= h && b.left + b.width <= w, JSON.stringify(b));
      // w = round(sqrt(A r)), h = round(sqrt(A / r)): the unrounded values were within 0.5.
      assert((b.width + 0.5) * (b.height + 0.5) >= 0.08 * h * w - 1e-9, `area ${JSON.stringify(b)}`);
      assert((b.width + 0.5) / (b.height - 0.5 || 1e-9) >= 3 / 4, `ratio ${JSON.stringify(b)}`);
      assert((b.width - 0.5) / (b.height + 0.5) <= 4 / 3, `ratio ${JSON.stringify(b)}`);
      if (b.width / b.height > 1.15) wide++;
      if (b.width / b.height < 0.87) tall++;
      if (b.width * b.height < 0.25 * h * w) small++;
    }
    assert(wide > 200 && tall > 200 && small > 200, `spread wide ${wide} tall ${tall} small ${small}`);
  }
});

Deno.test("sampleCropBoxes: custom ranges and seeded determinism", () => {
  const a = sampleCropBoxes(new Rng(5), 50, 64, 64, { scale: [0.5, 0.5], ratio: [1, 1] });
  for (const b of a) {
    assertEquals(b.width, b.height);
    assertEquals(b.width, Math.round(Math.sqrt(0.5 * 64 * 64)));
  }
  assertEquals(sampleCropBoxes(new Rng(5), 20, 32, 32), sampleCropBoxes(new Rng(5), 20, 32, 32));
  assertNotEquals(sampleCropBoxes(new Rng(5), 20, 32, 32), sampleCropBoxes(new Rng(6), 20, 32, 32));
  assertThrows(() => sampleCropBoxes(new Rng(1), 1, 8, 8, { scale: [0.9, 0.1] }), Error, "scale");
});

Deno.test("cropResize: full box at input size is the identity; box at its own size is the exact sub-image", () => {
  const sq = randomImages(4, 2, 6, 6);
  const full = { top: 0, left: 0, height: 6, width: 6 };
  assertAllClose(take(cropResize(sq, [full, full], 6)), sq.dataSync(), 1e-6);
  sq.dispose();
  const x = randomImages(3, 2, 5, 6);
  const xv = x.dataSync();
  const box = { top: 1, left: 2, height: 3, width: 3 };
  const out = take(cropResize(x, [box, box], 3));
  const ref: number[] = [];
  for (let b = 0; b < 2; b++) {
    for (let y = 0; y < 3; y++) {
      for (let xx = 0; xx < 3; xx++) {
        for (let c = 0; c < 3; c++) ref.push(xv[((b * 5 + y + 1) * 6 + xx + 2) * 3 + c]);
      }
    }
  }
  assertAllClose(out, ref, 1e-6);
  x.dispose();
});

Deno.test("cropResize: bilinear upsampling of a 2-pixel box matches hand-computed values", () => {
  // One row [0, 1]: a 1x2 box resized to 1x3 samples at x = 0, 0.5, 1.
  const x = tf.tensor4d([0, 1, 0.25, 0.75], [1, 2, 2, 1]);
  const out = take(cropResize(x, [{ top: 0, left: 0, height: 2, width: 2 }], 3));
  // Row 0 [0, 1], row 1 [0.25, 0.75]; rows sampled at y = 0, 0.5, 1.
  assertAllClose(out, [0, 0.5, 1, 0.125, 0.5, 0.875, 0.25, 0.5, 0.75], 1e-6);
  x.dispose();
});

Deno.test("randomResizedCrop: shape, range, determinism, no leaks, errors", () => {
  const x = randomImages(7, 4, 32, 32);
  const a = randomResizedCrop(x, new Rng(1), { size: 24 });
  assertEquals(a.shape, [4, 24, 24, 3]);
  const av = take(a);
  assertInRange(av);
  assertEquals(av, take(randomResizedCrop(x, new Rng(1), { size: 24 })));
  assertNotEquals(av, take(randomResizedCrop(x, new Rng(2), { size: 24 })));
  assertNoLeak(() => randomResizedCrop(x, new Rng(3)));
  assertThrows(() => randomResizedCrop(tf.zeros([2, 3]) as never, new Rng(1)), Error, "rank 4");
  const bad = { top: 30, left: 0, height: 5, width: 5 };
  assertThrows(() => cropResize(x, [bad, bad, bad, bad], 8), Error, "box 0");
  assertThrows(() => cropResize(x, [bad], 8), Error, "1 boxes for a batch of 4");
  x.dispose();
});
