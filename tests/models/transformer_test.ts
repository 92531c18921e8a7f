import { assertEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { MultiHeadAttention, TransformerBlock } from "../../lib/models/transformer.ts";
import { maxAbsDiff, randn, useCpu } from "./_helpers.ts";

await useCpu();

/** Naive multi-head attention in float64 loops. */
function naiveAttention(
  x: number[][][],
  wqkv: number[][],
  bqkv: number[],
  wo: number[][],
  bo: number[],
  heads: number,
) {
  const d = x[0][0].length, dh = d / heads;
  return x.map((seq) => {
    const proj = seq.map((tok) => bqkv.map((b, o) => tok.reduce((s, v, i) => s + v * wqkv[i][o], b)));
    const concat = seq.map(() => new Array(d).fill(0));
    for (let h = 0; h < heads; h++) {
      const q = proj.map((r) => r.slice(h * dh, (h + 1) * dh));
      const k = proj.map((r) => r.slice(d + h * dh, d + (h + 1) * dh));
      const v = proj.map((r) => r.slice(2 * d + h * dh, 2 * d + (h + 1) * dh));
      q.forEach((qi, i) => {
        const logits = k.map((kj) => qi.reduce((s, a, c) => s + a * kj[c], 0) / Math.sqrt(dh));
        const mx = Math.max(...logits);
        const e = logits.map((l) => Math.exp(l - mx));
        const z = e.reduce((a, b) => a + b);
        for (let c = 0; c < dh; c++) {
          concat[i][h * dh + c] = e.reduce((s, ej, j) => s + (ej / z) * v[j][c], 0);
        }
      });
    }
    return concat.map((row) => bo.map((b, o) => row.reduce((s, val, i) => s + val * wo[i][o], b)));
  });
}

Deno.test("MultiHeadAttention matches a naive per-head softmax(qkᵀ/√d)v reference", () => {
  const attn = new MultiHeadAttention(new Rng(1), 8, 2, { std: 0.5 });
  const x = randn(2, [2, 5, 8]) as tf.Tensor3D;
  const y = attn.apply(x);
  const ref = naiveAttention(
    x.arraySync(),
    attn.qkv.weight.arraySync() as number[][],
    attn.qkv.bias!.arraySync() as number[],
    attn.proj.weight.arraySync() as number[][],
    attn.proj.bias!.arraySync() as number[],
    2,
  );
  assertEquals(y.shape, [2, 5, 8]);
  assertLess(maxAbsDiff(y.dataSync(), ref.flat(2)), 1e-5);
  assertThrows(() => new MultiHeadAttention(new Rng(1), 8, 3), Error, "do not divide");
  tf.dispose([x, y]);
  attn.dispose();
});

Deno.test("TransformerBlock is permutation-equivariant and the identity when its residual branches are zero", () => {
  const blk = new TransformerBlock(new Rng(2), 8, 2, { mlpRatio: 2, init: { std: 0.3 } });
  const x = randn(3, [1, 4, 8]) as tf.Tensor3D;
  const perm = [2, 0, 3, 1];
  const y = blk.apply(x);
  const yp = blk.apply(tf.gather(x, perm, 1) as tf.Tensor3D);
  assertLess(maxAbsDiff(yp.dataSync(), tf.gather(y, perm, 1).dataSync()), 1e-5);
  for (const v of [blk.attn.proj.weight, blk.attn.proj.bias!, blk.mlp.fc2.weight, blk.mlp.fc2.bias!]) {
    v.assign(tf.zerosLike(v));
  }
  assertLess(maxAbsDiff(blk.apply(x).dataSync(), x.dataSync()), 1e-7);
  assertEquals(Object.keys(blk.namedVariables()).length, 4 + 4 + 4);
  tf.dispose([x, y, yp]);
  blk.dispose();
});
