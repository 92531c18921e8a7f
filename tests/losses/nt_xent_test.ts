import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertLess,
  assertRejects,
  assertThrows,
} from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { ntXent, ntXentStats } from "../../lib/losses/nt_xent.ts";
import { fdGrad, maxRelErr, randMatrix, sim } from "./_util.ts";
import { withoutSyncReads } from "../_no_sync_reads.ts";

await initBackend("cpu", { quiet: true });

/** Independent double-precision NT-Xent with its diagnostics. */
function reference(z1: number[][], z2: number[][], tau: number, normalize = true) {
  const n = z1.length, z = [...z1, ...z2];
  let loss = 0, acc = 0, ent = 0;
  for (let i = 0; i < 2 * n; i++) {
    const p = (i + n) % (2 * n);
    const logits: number[] = [];
    const idx: number[] = [];
    for (let k = 0; k < 2 * n; k++) {
      if (k === i) continue;
      logits.push(sim(z[i], z[k], normalize) / tau);
      idx.push(k);
    }
    const mx = Math.max(...logits);
    const lse = mx + Math.log(logits.reduce((s, l) => s + Math.exp(l - mx), 0));
    loss += lse - sim(z[i], z[p], normalize) / tau;
    acc += idx[logits.indexOf(mx)] === p ? 1 : 0;
    ent -= logits.reduce((s, l) => s + Math.exp(l - lse) * (l - lse), 0);
  }
  return { loss: loss / (2 * n), accuracy: acc / (2 * n), entropy: ent / (2 * n) };
}

async function statsOf(z1: number[][], z2: number[][], tau: number, normalize = true) {
  const a = tf.tensor2d(z1), b = tf.tensor2d(z2);
  const st = await ntXentStats(a, b, tau, { normalize });
  tf.dispose([a, b]);
  return st;
}

function lossOf(z1: number[][], z2: number[][], tau: number, normalize = true): number {
  return tf.tidy(() => ntXent(tf.tensor2d(z1), tf.tensor2d(z2), tau, { normalize }).dataSync()[0]);
}

Deno.test("ntXent: matches a double-precision reference (cosine and dot product)", async () => {
  const rng = new Rng(1);
  for (const [n, d, tau, normalize] of [[4, 8, 0.5, true], [7, 5, 0.1, true], [5, 6, 1, false]] as const) {
    const z1 = randMatrix(rng, n, d), z2 = randMatrix(rng, n, d, normalize ? 1 : 0.3);
    const ref = reference(z1, z2, tau, normalize);
    assertAlmostEquals(lossOf(z1, z2, tau, normalize), ref.loss, 1e-5 * Math.abs(ref.loss));
    const st = await statsOf(z1, z2, tau, normalize);
    assertAlmostEquals(st.loss, ref.loss, 1e-5 * Math.abs(ref.loss));
    assertAlmostEquals(st.accuracy, ref.accuracy, 1e-6);
    assertAlmostEquals(st.entropy, ref.entropy, 1e-5 * ref.entropy);
  }
});

Deno.test("ntXent: gradient matches finite differences of the reference", () => {
  const rng = new Rng(2);
  const z1 = randMatrix(rng, 3, 4), z2 = randMatrix(rng, 3, 4), tau = 0.5;
  const [g1, g2] = tf.tidy(() => {
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => ntXent(a as tf.Tensor2D, b as tf.Tensor2D, tau));
    return g([tf.tensor2d(z1), tf.tensor2d(z2)]).map((t) => t.dataSync());
  });
  const fd1 = fdGrad((x) => reference(x, z2, tau).loss, z1);
  const fd2 = fdGrad((x) => reference(z1, x, tau).loss, z2);
  assertLess(maxRelErr(g1, fd1), 1e-4);
  assertLess(maxRelErr(g2, fd2), 1e-4);
});

Deno.test("ntXent: limiting cases, permutation invariance, temperature and scale", async () => {
  const rng = new Rng(3);
  const n = 6, tau = 0.1;
  // Orthogonal identical pairs: positive similarity 1, negatives 0 -> loss = log(1 + (2N-2) e^{-1/τ}) ≈ 0.
  const eye = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
  const minimum = Math.log(1 + (2 * n - 2) * Math.exp(-1 / tau));
  assertAlmostEquals(lossOf(eye, eye, tau), minimum, 1e-6);
  const st = await statsOf(eye, eye, tau);
  assertEquals(st.accuracy, 1);
  // All embeddings equal: uniform softmax over 2N-1 -> loss = entropy = log(2N-1), positive not strictly best.
  const same = Array.from({ length: n }, () => [1, 2, 3]);
  const stSame = await statsOf(same, same, tau);
  assertAlmostEquals(stSame.loss, Math.log(2 * n - 1), 1e-5);
  assertAlmostEquals(stSame.entropy, Math.log(2 * n - 1), 1e-5);
  // Permuting the pairs jointly, or swapping the views, leaves the loss unchanged.
  const z1 = randMatrix(rng, n, 5), z2 = randMatrix(rng, n, 5);
  const perm = rng.permutation(n);
  const base = lossOf(z1, z2, tau);
  assertAlmostEquals(lossOf(perm.map((i) => z1[i]), perm.map((i) => z2[i]), tau), base, 1e-5);
  assertAlmostEquals(lossOf(z2, z1, tau), base, 1e-5);
  // Cosine similarity is invariant to rescaling rows; the dot-product variant is not.
  const scaled = z1.map((r, i) => r.map((v) => v * (i + 2)));
  assertAlmostEquals(lossOf(scaled, z2, tau), base, 1e-5);
  // Dot-product variant: scaling both views by c multiplies the logits by c², i.e. temperature τ / c².
  const c = 1.7, u1 = z1.map((r) => r.map((v) => v * c)), u2 = z2.map((r) => r.map((v) => v * c));
  assertAlmostEquals(lossOf(u1, u2, 1, false), lossOf(z1, z2, 1 / (c * c), false), 1e-4);
  // Lower temperature on well-aligned pairs lowers the loss.
  const noisy = z1.map((r) => r.map((v) => v + 0.05 * rng.normal()));
  assertLess(lossOf(z1, noisy, 0.05), lossOf(z1, noisy, 0.5));
});

Deno.test("ntXentStats: never reads tensors synchronously (webgpu under Deno); inputs may be freed at once", async () => {
  const rng = new Rng(4);
  const z1 = randMatrix(rng, 5, 3), z2 = randMatrix(rng, 5, 3);
  const plain = await statsOf(z1, z2, 0.2);
  const before = tf.memory().numTensors;
  const guarded = await withoutSyncReads(() => {
    const a = tf.tensor2d(z1), b = tf.tensor2d(z2);
    const p = ntXentStats(a, b, 0.2);
    tf.dispose([a, b]); // before awaiting: the inputs are consumed synchronously
    return p;
  });
  assertEquals(guarded, plain);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("ntXent: bad input gives one-line errors and no leaks", async () => {
  const before = tf.memory().numTensors;
  const a = tf.zeros([4, 3]) as tf.Tensor2D,
    b = tf.zeros([4, 2]) as tf.Tensor2D,
    c = tf.zeros([1, 3]) as tf.Tensor2D;
  assertThrows(() => ntXent(a, b, 0.5), Error, "shape mismatch");
  assertThrows(() => ntXent(c, c, 0.5), Error, "N >= 2");
  assertThrows(() => ntXent(a, a, 0), Error, "temperature");
  await assertRejects(() => ntXentStats(a, b, 0.5), Error, "shape mismatch");
  await assertRejects(() => ntXentStats(a, a, 0), Error, "temperature");
  const l = ntXent(a, a, 0.5);
  assert(Number.isFinite(l.dataSync()[0]), "zero rows stay finite");
  tf.dispose([a, b, c, l]);
  assertEquals(tf.memory().numTensors, before);
});
