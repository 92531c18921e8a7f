import { assert, assertAlmostEquals, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import {
  gaussianBlur,
  gaussianKernel1d,
  randomGaussianBlur,
  simclrKernelSize,
} from "../../lib/augment/blur.ts";
import { assertAllClose, assertInRange, assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

/** Independent reference: 1-D convolution along rows then columns of one channel, reflect padding. */
function blurRef(img: number[][], k: number[]): number[][] {
  const r = (k.length - 1) / 2;
  const reflect = (i: number, n: number) => (i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
  const h = img.length, w = img[0].length;
  const tmp = img.map((_, y) =>
    img[0].map((_, x) => k.reduce((s, kv, t) => s + kv * img[reflect(y + t - r, h)][x], 0))
  );
  return tmp.map((row, y) =>
    row.map((_, x) => k.reduce((s, kv, t) => s + kv * tmp[y][reflect(x + t - r, w)], 0))
  );
}

Deno.test("gaussianKernel1d and simclrKernelSize", () => {
  const k = gaussianKernel1d(1.3, 7);
  assertAlmostEquals(k.reduce((a, b) => a + b, 0), 1, 1e-6);
  for (let i = 0; i < 3; i++) assertEquals(k[i], k[6 - i]);
  assertAlmostEquals(k[3] / k[4], Math.exp(1 / (2 * 1.3 * 1.3)), 1e-5);
  assertEquals([...gaussianKernel1d(0, 5)], [0, 0, 1, 0, 0]);
  assertEquals([simclrKernelSize(224), simclrKernelSize(32), simclrKernelSize(96), simclrKernelSize(9)], [
    23,
    3,
    9,
    1,
  ]);
  assertThrows(() => gaussianKernel1d(1, 4), Error, "odd");
});

Deno.test("gaussianBlur matches an independent separable 1-D convolution (reflect borders)", () => {
  const h = 6, w = 7, c = 2;
  const x = randomImages(1, 2, h, w, c);
  const xv = x.dataSync();
  const sig = [0.8, 1.7];
  const out = take(gaussianBlur(x, sig, { kernelSize: 5 }));
  for (let b = 0; b < 2; b++) {
    const k = [...gaussianKernel1d(sig[b], 5)];
    for (let ch = 0; ch < c; ch++) {
      const img = Array.from(
        { length: h },
        (_, y) => Array.from({ length: w }, (_, i) => xv[((b * h + y) * w + i) * c + ch]),
      );
      const ref = blurRef(img, k);
      for (let y = 0; y < h; y++) {
        for (let i = 0; i < w; i++) assertAlmostEquals(out[((b * h + y) * w + i) * c + ch], ref[y][i], 1e-5);
      }
    }
  }
  x.dispose();
});

Deno.test("gaussianBlur: constant image and mean preserved, σ=0 identity, zero padding darkens borders", () => {
  const ones = tf.fill([2, 8, 8, 3], 0.7) as tf.Tensor4D;
  assertAllClose(take(gaussianBlur(ones, [1, 2], { kernelSize: 5 })), ones.dataSync(), 1e-6);
  const zero = take(gaussianBlur(ones, 2, { kernelSize: 5, padding: "zero" }));
  assert(zero[0] < 0.7 - 0.1 && Math.abs(zero[(3 * 8 + 3) * 3] - 0.7) < 0.05, "zero padding");
  const x = randomImages(2, 3, 10, 10);
  const xv = take(x.clone());
  assertEquals(take(gaussianBlur(x, [0, 0, 0])), xv);
  // A single blurred sample among unblurred ones: the others are bit-exact.
  const mixed = take(gaussianBlur(x, [0, 1.5, 0], { kernelSize: 3 }));
  assertEquals(mixed.slice(0, 300), xv.slice(0, 300));
  assertEquals(mixed.slice(600), xv.slice(600));
  assertNotEquals(mixed.slice(300, 600), xv.slice(300, 600));
  // Blur with reflect padding keeps each channel's mean close (exactly for a periodic-free smooth image).
  const m0 = take(tf.mean(x, [1, 2])), m1 = take(tf.mean(gaussianBlur(x, 1, { kernelSize: 3 }), [1, 2]));
  assertAllClose(m1, m0, 0.03);
  ones.dispose();
  x.dispose();
});

Deno.test("randomGaussianBlur: p=0 identity, range, determinism, no leaks", () => {
  const x = randomImages(3, 4, 20, 20);
  const xv = take(x.clone());
  assertEquals(take(randomGaussianBlur(x, new Rng(1), { p: 0 })), xv);
  const a = take(randomGaussianBlur(x, new Rng(2), { p: 1 }));
  assertInRange(a);
  assertNotEquals(a, xv);
  assertEquals(a, take(randomGaussianBlur(x, new Rng(2), { p: 1 })));
  assertNotEquals(a, take(randomGaussianBlur(x, new Rng(3), { p: 1 })));
  assertNoLeak(() => randomGaussianBlur(x, new Rng(4), { p: 1 }));
  assertThrows(() => randomGaussianBlur(x, new Rng(1), { sigma: [2, 1] }), Error, "sigma");
  x.dispose();
});
