import { assert, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { Rng } from "../../../lib/rng.ts";
import {
  dropKeepFn,
  keepLeastRedundant,
  keepRandom,
  meanTokenSimilarity,
  patchTokensKept,
} from "../../../lib/experiments/pcae/redundancy.ts";
import { vit } from "../../../lib/models/vit.ts";
import { useCpu } from "./_helpers.ts";

await useCpu();

Deno.test("meanTokenSimilarity: cosine of each token to the mean token (naive reference)", async () => {
  const rows = [[1, 0], [0, 1], [1, 1], [-1, 2]];
  const sim = await meanTokenSimilarity(tf.tensor3d([rows])).data();
  const m = [0.25, 1];
  const cos = (a: number[], b: number[]) => (a[0] * b[0] + a[1] * b[1]) / Math.hypot(...a) / Math.hypot(...b);
  rows.forEach((r, i) => assert(Math.abs(sim[i] - cos(r, m)) < 1e-6));
});

Deno.test("keepLeastRedundant: keeps the k tokens least similar to the mean, CLS first and unscored", async () => {
  // three near-identical tokens (close to the mean) and two outliers; CLS is an extreme outlier that must not
  // move the mean
  const cls = [100, -100];
  const toks = [cls, [1, 0.05], [1, 0], [1, -0.05], [-1, 3], [0, -2]];
  const idx = keepLeastRedundant(tf.tensor3d([toks]), 2, true);
  const got = Array.from(await idx.data());
  assertEquals(got[0], 0);
  assertEquals(new Set(got.slice(1)), new Set([4, 5]));
  assertEquals(idx.dtype, "int32");
  const noCls = Array.from(await keepLeastRedundant(tf.tensor3d([toks.slice(1)]), 2, false).data());
  assertEquals(new Set(noCls), new Set([3, 4]));
  assertThrows(() => keepLeastRedundant(tf.tensor3d([toks]), 6, true));
});

Deno.test("keepRandom: k distinct ascending patch positions, CLS kept; patchTokensKept halves", () => {
  const rows = keepRandom(new Rng(0), 3, 10, 4, true);
  for (const r of rows) {
    assertEquals(r.length, 5);
    assertEquals(r[0], 0);
    assertEquals(new Set(r).size, 5);
    assert(r.slice(1).every((j, i, a) => j >= 1 && j < 10 && (i === 0 || a[i - 1] < j)));
  }
  assertEquals(patchTokensKept(27, 0.5, 3), [27, 14, 7, 4]);
  assertEquals(patchTokensKept(36, 0, 2), [36, 36, 36]);
});

Deno.test("dropKeepFn: the ViT keeps round(n·(1−r)) patch tokens after each listed block; none at ratio 0", () => {
  const enc = vit(new Rng(0), { imageSize: 8, patchSize: 2, dim: 8, depth: 3, heads: 2, pool: "mean" });
  const x = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 1) as tf.Tensor4D;
  assertEquals(dropKeepFn(0, [1], "mean-token"), undefined);
  for (const mode of ["mean-token", "random"] as const) {
    const out = enc.apply(x, { training: false, keep: dropKeepFn(0.5, [1, 2], mode, { rng: new Rng(1) }) });
    assertEquals(out.stages.map((s) => s.shape[1]), [17, 9, 5]);
    tf.dispose([out.h, out.tokens, ...out.stages]);
    // one-shot: the progressive schedule's final count (16 → 8 → 4 patch tokens) goes before the first block
    const once = enc.apply(x, {
      training: false,
      keep: dropKeepFn(0.5, [1, 2], mode, { rng: new Rng(1), oneShot: true }),
    });
    assertEquals(once.stages.map((s) => s.shape[1]), [17, 5, 5]);
    tf.dispose([once.h, once.tokens, ...once.stages]);
  }
  enc.dispose();
});
