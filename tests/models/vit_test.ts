import { assert, assertEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { sincosPositionEmbedding, vit } from "../../lib/models/vit.ts";
import { dropTokens, patchify } from "../../lib/models/tokens.ts";
import { countParameters } from "../../lib/models/layers.ts";
import { maxAbsDiff, randomImages, useCpu } from "./_helpers.ts";

await useCpu();

const cfg = { imageSize: 8, patchSize: 2, dim: 8, depth: 3, heads: 2, mlpRatio: 2 };

Deno.test("ViT shapes and parameter count", () => {
  const m = vit(new Rng(0), cfg);
  const x = randomImages(1, [2, 8, 8, 3]);
  tf.tidy(() => {
    const out = m.apply(x, { training: true });
    assertEquals(out.h.shape, [2, 8]);
    assertEquals(out.tokens.shape, [2, 17, 8]);
    assertEquals(out.stages.map((s) => s.shape), [[2, 17, 8], [2, 17, 8], [2, 17, 8]]);
  });
  const d = 8, n = 16, hid = 16;
  const block = 2 * 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + (d * hid + hid) + (hid * d + d);
  const expected = (2 * 2 * 3 * d + d) + d + (n + 1) * d + 3 * block + 2 * d;
  assertEquals(countParameters(m), expected);
  assertEquals(m.name, "vit-d8-l3-h2-p2");
  x.dispose();
  m.dispose();
});

Deno.test("ViT patch embedding equals patchify · W + b plus position embeddings", () => {
  const m = vit(new Rng(0), cfg);
  const x = randomImages(2, [1, 8, 8, 3]);
  tf.tidy(() => {
    const w = tf.reshape(m.patchEmbed.weight, [2 * 2 * 3, 8]);
    const ref = tf.add(
      tf.add(tf.matMul(patchify(x, 2).squeeze([0]), w), m.patchEmbed.bias!),
      tf.slice(m.pos, [0, 1, 0], [1, 16, 8]).squeeze([0]),
    );
    assertLess(maxAbsDiff(m.embedPatches(x).dataSync(), ref.dataSync()), 1e-5);
    const all = m.embed(x);
    assertEquals(all.shape, [1, 17, 8]);
    assertLess(
      maxAbsDiff(
        tf.slice(all, [0, 0, 0], [1, 1, 8]).dataSync(),
        tf.add(m.cls, tf.slice(m.pos, [0, 0, 0], [1, 1, 8])).dataSync(),
      ),
      1e-7,
    );
  });
  x.dispose();
  m.dispose();
});

Deno.test("ViT token dropping: keep-all equals the full forward; dropped runs have fewer tokens", () => {
  const m = vit(new Rng(0), cfg);
  const x = randomImages(3, [2, 8, 8, 3]);
  tf.tidy(() => {
    const full = m.apply(x, { training: false });
    const all = Array.from({ length: 17 }, (_, i) => i);
    const same = m.apply(x, { training: false, keep: () => all });
    assertLess(maxAbsDiff(same.tokens.dataSync(), full.tokens.dataSync()), 1e-6);
    const nulls = m.apply(x, { training: false, keep: () => null });
    assertEquals(Array.from(nulls.h.dataSync()), Array.from(full.h.dataSync()));
    // keep CLS + the first 8 patches before block 1, then CLS + 3 per-sample tokens before block 2
    const seen: number[][] = [];
    const dropped = m.apply(x, {
      training: false,
      keep: (i, tokens) => {
        seen.push(tokens.shape);
        if (i === 1) return [0, 1, 2, 3, 4, 5, 6, 7, 8];
        if (i === 2) return [[0, 1, 5], [0, 8, 2]];
        return null;
      },
    });
    assertEquals(seen, [[2, 17, 8], [2, 17, 8], [2, 9, 8]]);
    assertEquals(dropped.stages.map((s) => s.shape), [[2, 17, 8], [2, 9, 8], [2, 3, 8]]);
    assertEquals(dropped.tokens.shape, [2, 3, 8]);
    // dropping before block 0 equals running the blocks on the selected embedded tokens
    const keep0 = [[0, 3, 7, 12], [0, 16, 1, 2]];
    const a = m.apply(x, { training: false, keep: (i) => (i === 0 ? keep0 : null) });
    const b = m.finalNorm(m.forwardTokens(dropTokens(m.embed(x), keep0)).tokens);
    assertLess(maxAbsDiff(a.tokens.dataSync(), b.dataSync()), 1e-6);
    // attention is permutation-equivariant: permuting the patch tokens (CLS first) leaves h unchanged
    const perm = [0, ...Array.from({ length: 16 }, (_, i) => 16 - i)];
    const p = m.apply(x, { training: false, keep: (i) => (i === 0 ? perm : null) });
    assertLess(maxAbsDiff(p.h.dataSync(), full.h.dataSync()), 1e-5);
  });
  x.dispose();
  m.dispose();
});

Deno.test("ViT: gradients reach every variable through token dropping; MAE-style encoder path", () => {
  const m = vit(new Rng(0), { ...cfg, pool: "mean" });
  const x = randomImages(4, [2, 8, 8, 3]);
  const vars = m.trainableVariables();
  const { value, grads } = tf.variableGrads(() => {
    const out = m.apply(x, { training: true, keep: (i) => (i === 1 ? [0, 2, 4, 6] : null) });
    return tf.sum(tf.square(out.h)) as tf.Scalar;
  }, vars);
  for (const v of vars) {
    assert(grads[v.name] && tf.sum(tf.abs(grads[v.name])).dataSync()[0] > 0, `no gradient for ${v.name}`);
  }
  tf.dispose([value, ...Object.values(grads)]);
  // MAE encoder: visible patches only, then CLS
  const out = tf.tidy(() => {
    const vis = dropTokens(m.embedPatches(x), [[1, 5, 9], [0, 2, 15]]);
    return m.finalNorm(m.forwardTokens(m.prependCls(vis)).tokens);
  });
  assertEquals(out.shape, [2, 4, 8]);
  out.dispose();
  x.dispose();
  m.dispose();
});

Deno.test("ViT with fixed sin-cos position embedding", () => {
  const pe = sincosPositionEmbedding(2, 4);
  assertEquals(Array.from(pe.slice(0, 4)), [0, 0, 0, 0]);
  // token (i=1, j=0): [sin 0, cos 0, sin 1, cos 1] with ω = 1 for the first frequency
  assertLess(maxAbsDiff(pe.slice(3 * 4, 4 * 4), [0, 1, Math.sin(1), Math.cos(1)]), 1e-6);
  const m = vit(new Rng(0), { ...cfg, posEmbed: "sincos" });
  assert(!m.pos.trainable);
  assertEquals(m.trainableVariables().includes(m.pos), false);
  assertThrows(() => sincosPositionEmbedding(2, 6), Error, "divisible by 4");
  assertThrows(() => vit(new Rng(0), { imageSize: 8, patchSize: 3 }), Error, "does not divide");
  assertThrows(
    () => m.apply(tf.zeros([1, 4, 4, 3]) as tf.Tensor4D, { training: false }),
    Error,
    "expected [B, 8, 8, C]",
  );
  assertThrows(
    () => m.forwardTokens(tf.zeros([1, 2, 8]) as tf.Tensor3D, { from: 2, to: 1 }),
    Error,
    "invalid block range",
  );
  m.dispose();
});
