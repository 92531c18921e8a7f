import { assert, assertEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import {
  dropTokens,
  gatherRows,
  patchify,
  randomMasking,
  restoreTokens,
  unpatchify,
} from "../../lib/models/tokens.ts";
import { maxAbsDiff, randn, useCpu } from "./_helpers.ts";

await useCpu();

Deno.test("patchify orders patches row-major and flattens each as (row, col, channel); unpatchify inverts it", () => {
  const [b, h, w, c, p] = [2, 4, 6, 3, 2];
  const x = randn(1, [b, h, w, c]) as tf.Tensor4D;
  const xs = x.arraySync();
  const t = patchify(x, p);
  assertEquals(t.shape, [b, (h / p) * (w / p), p * p * c]);
  const ts = t.arraySync();
  for (let n = 0; n < b; n++) {
    for (let gi = 0; gi < h / p; gi++) {
      for (let gj = 0; gj < w / p; gj++) {
        for (let r = 0; r < p; r++) {
          for (let q = 0; q < p; q++) {
            for (let ch = 0; ch < c; ch++) {
              assertEquals(ts[n][gi * (w / p) + gj][(r * p + q) * c + ch], xs[n][gi * p + r][gj * p + q][ch]);
            }
          }
        }
      }
    }
  }
  const back = unpatchify(t, p, h, w);
  assertEquals(Array.from(back.dataSync()), Array.from(x.dataSync()));
  assertThrows(() => patchify(x, 4), Error, "not divisible");
  assertThrows(() => unpatchify(t, p, 4, 4), Error, "does not hold");
  tf.dispose([x, t, back]);
});

Deno.test("dropTokens keeps per-sample tokens in the given order (arrays, shared list, tensor)", () => {
  const x = tf.tensor3d([[[0, 0], [1, 1], [2, 2]], [[10, 10], [11, 11], [12, 12]]]);
  assertEquals(dropTokens(x, [[2, 0], [1, 1]]).arraySync(), [[[2, 2], [0, 0]], [[11, 11], [11, 11]]]);
  assertEquals(dropTokens(x, [0, 2]).arraySync(), [[[0, 0], [2, 2]], [[10, 10], [12, 12]]]);
  const idx = tf.tensor2d([[1], [2]], [2, 1], "int32");
  assertEquals(dropTokens(x, idx).arraySync(), [[[1, 1]], [[12, 12]]]);
  assertThrows(() => dropTokens(x, [[0, 3], [0, 1]]), Error, "out of range");
  assertThrows(() => dropTokens(x, [[0], [0], [0]]), Error, "3 index rows for a batch of 2");
  tf.dispose([x, idx]);
});

Deno.test("dropTokens / gatherRows gradient scatters and sums over repeated indices", () => {
  const x = randn(2, [2, 3, 2]) as tf.Tensor3D;
  const wts = randn(3, [2, 3, 2]);
  const g = tf.grad((t: tf.Tensor) =>
    tf.sum(tf.mul(dropTokens(t as tf.Tensor3D, [[2, 0, 2], [1, 1, 0]]), wts))
  )(x);
  const w = wts.arraySync() as number[][][];
  const ref = [
    [[w[0][1][0], w[0][1][1]], [0, 0], [w[0][0][0] + w[0][2][0], w[0][0][1] + w[0][2][1]]],
    [[w[1][2][0], w[1][2][1]], [w[1][0][0] + w[1][1][0], w[1][0][1] + w[1][1][1]], [0, 0]],
  ];
  assertLess(maxAbsDiff(g.dataSync(), ref.flat(2)), 1e-6);
  assertThrows(() => gatherRows(tf.zeros([2, 2]) as tf.Tensor2D, tf.tensor1d([0])), Error, "int32");
  tf.dispose([x, wts, g]);
});

Deno.test("restoreTokens puts visible tokens back among fill tokens; gradients reach both", () => {
  const vis = tf.tensor3d([[[1, 1], [2, 2]], [[3, 3], [4, 4]]]);
  const fill = tf.tensor1d([9, 8]);
  const keep = [[0, 3], [2, 1]];
  const full = restoreTokens(vis, keep, 4, fill);
  assertEquals(full.arraySync(), [
    [[1, 1], [9, 8], [9, 8], [2, 2]],
    [[9, 8], [4, 4], [3, 3], [9, 8]],
  ]);
  const [gv, gf] = tf.grads((v: tf.Tensor, f: tf.Tensor) =>
    tf.sum(restoreTokens(v as tf.Tensor3D, keep, 4, f))
  )([vis, fill]);
  assertEquals(Array.from(gv.dataSync()), new Array(8).fill(1));
  assertEquals(Array.from(gf.dataSync()), [4, 4]);
  assertThrows(() => restoreTokens(vis, [[0, 5], [1, 2]], 4, fill), Error, "out of range");
  tf.dispose([vis, fill, full, gv, gf]);
});

Deno.test("randomMasking keeps round(n·(1-ratio)) sorted distinct tokens, consistent with the mask, seeded", () => {
  const m = randomMasking(new Rng(1), 3, 16, 0.75);
  for (let b = 0; b < 3; b++) {
    assertEquals(m.keep[b].length, 4);
    assertEquals(new Set(m.keep[b]).size, 4);
    assertEquals(m.keep[b], m.keep[b].slice().sort((x, y) => x - y));
    assertEquals(m.mask[b].reduce((a, v) => a + v, 0), 12);
    for (const j of m.keep[b]) assertEquals(m.mask[b][j], 0);
  }
  assertEquals(randomMasking(new Rng(1), 3, 16, 0.75), m);
  assert(
    JSON.stringify(m.keep[0]) !== JSON.stringify(m.keep[1]) ||
      JSON.stringify(m.keep[1]) !== JSON.stringify(m.keep[2]),
  );
  assertThrows(() => randomMasking(new Rng(1), 1, 4, 1), Error, "ratio");
});
