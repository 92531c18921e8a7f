import { assert, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { MaeDecoder } from "../../lib/models/mae_decoder.ts";
import { sincosPositionEmbedding } from "../../lib/models/vit.ts";
import { maxAbsDiff, randn, useCpu } from "./_helpers.ts";

await useCpu();
const opts = { inDim: 6, dim: 8, depth: 2, heads: 2, grid: 3, outDim: 5 };

Deno.test("MaeDecoder: [B, K, inDim] visible tokens and Q queries give [B, Q, outDim]", () => {
  const dec = new MaeDecoder(new Rng(0), opts);
  const vis = randn(1, [2, 3, 6]) as tf.Tensor3D;
  const y = dec.apply(vis, [[0, 4, 8], [1, 2, 3]], [[1, 2], [0, 8]]);
  assertEquals(y.shape, [2, 2, 5]);
  assertThrows(() => dec.apply(randn(1, [2, 3, 5]) as tf.Tensor3D, [0, 1, 2], [3]));
  tf.dispose([vis, y]);
  dec.dispose();
});

Deno.test("MaeDecoder: position rows are the sin-cos embedding without its CLS row, and fixed", async () => {
  const dec = new MaeDecoder(new Rng(0), opts);
  const ref = sincosPositionEmbedding(3, 8).slice(8);
  assert(maxAbsDiff(await dec.pos.data(), ref) < 1e-7);
  assert(!dec.pos.trainable);
  dec.dispose();
});

Deno.test("MaeDecoder: permuting the visible tokens with their positions leaves the predictions unchanged", async () => {
  const dec = new MaeDecoder(new Rng(1), opts);
  const vis = randn(2, [1, 3, 6]) as tf.Tensor3D;
  const a = dec.apply(vis, [[0, 4, 8]], [[1, 5]]);
  const perm = tf.gather(vis, [2, 0, 1], 1) as tf.Tensor3D;
  const b = dec.apply(perm, [[8, 0, 4]], [[1, 5]]);
  // swapping the queries swaps the outputs
  const c = dec.apply(vis, [[0, 4, 8]], [[5, 1]]);
  assert(maxAbsDiff(await a.data(), await b.data()) < 1e-5);
  const ad = await a.data(), cd = await c.data();
  assert(maxAbsDiff(ad.slice(0, 5), cd.slice(5)) < 1e-5);
  assert(maxAbsDiff(ad.slice(0, 5), ad.slice(5)) > 1e-4, "different positions give different predictions");
  tf.dispose([vis, a, perm, b, c]);
  dec.dispose();
});

Deno.test("MaeDecoder: gradients reach every trainable variable", () => {
  const dec = new MaeDecoder(new Rng(2), opts);
  const vis = randn(3, [2, 2, 6]) as tf.Tensor3D;
  const vars = dec.trainableVariables();
  const { grads } = tf.variableGrads(() => tf.sum(tf.square(dec.apply(vis, [0, 1], [[2, 3], [4, 5]]))), vars);
  for (const v of vars) {
    assert(grads[v.name] !== undefined, v.name);
  }
  assertEquals(Object.keys(dec.namedVariables()).filter((k) => k.startsWith("blocks.")).length > 0, true);
  tf.dispose([vis, ...Object.values(grads)]);
  dec.dispose();
});
