import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { sobel, sobelGradients } from "../../lib/augment/sobel.ts";
import { assertInRange, assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

/** A 6x6 gray image with a vertical step edge: columns 0..2 = lo, 3..5 = hi. */
function stepEdge(lo: number, hi: number, transpose = false): tf.Tensor4D {
  const v: number[] = [];
  for (let y = 0; y < 6; y++) {
    for (let x = 0; x < 6; x++) {
      const val = (transpose ? y : x) < 3 ? lo : hi;
      v.push(val, val, val);
    }
  }
  return tf.tensor4d(v, [1, 6, 6, 3]);
}

Deno.test("sobel on a vertical step edge: gx = 4·step on the two edge columns, 0 elsewhere", () => {
  const x = stepEdge(0, 1);
  const g = take(sobelGradients(x));
  const lumaStep = 0.2989 + 0.587 + 0.114;
  for (let y = 0; y < 6; y++) {
    for (let i = 0; i < 6; i++) {
      const gx = g[(y * 6 + i) * 2], gy = g[(y * 6 + i) * 2 + 1];
      assertAlmostEquals(gx, i === 2 || i === 3 ? 4 * lumaStep : 0, 1e-5);
      assertAlmostEquals(gy, 0, 1e-6);
    }
  }
  const s = take(sobel(x));
  for (let y = 0; y < 6; y++) {
    for (let i = 0; i < 6; i++) {
      for (let c = 0; c < 3; c++) {
        assertAlmostEquals(s[(y * 6 + i) * 3 + c], i === 2 || i === 3 ? lumaStep / Math.SQRT2 : 0, 1e-5);
      }
    }
  }
  const m = take(sobel(x, { normalize: "max" }));
  assertAlmostEquals(Math.max(...m), 1, 1e-6);
  x.dispose();
});

Deno.test("sobel on a horizontal edge uses gy; constant image gives 0; range and channels", () => {
  const x = stepEdge(0.2, 0.6, true);
  const g = take(sobelGradients(x));
  assertAlmostEquals(g[(2 * 6 + 1) * 2 + 1], 4 * 0.4 * 0.9999, 1e-5);
  assertAlmostEquals(g[(2 * 6 + 1) * 2], 0, 1e-6);
  const c = tf.fill([2, 5, 5, 3], 0.3) as tf.Tensor4D;
  assertEquals(Math.max(...take(sobel(c)).map(Math.abs)), 0);
  const r = randomImages(1, 2, 8, 8);
  assertInRange(take(sobel(r)));
  assertEquals(sobel(randomImages(2, 1, 4, 4, 1)).shape, [1, 4, 4, 1]);
  assertNoLeak(() => sobel(r));
  assertThrows(() => sobel(randomImages(1, 1, 1, 4)), Error, "at least 2x2");
  [x, c, r].forEach((t) => t.dispose());
});
