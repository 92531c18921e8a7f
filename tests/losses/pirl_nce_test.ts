import { assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { estimateNceZ, nceLoss, pirlLoss } from "../../lib/losses/pirl_nce.ts";
import { fdGrad, maxRelErr, randMatrix, sim } from "./_util.ts";

await initBackend("cpu", { quiet: true });

/** h(u, v) = e^{s/τ} / (e^{s/τ} + Z m / |D|), straight from PIRL eq. 3, in double precision. */
function h(u: number[], v: number[], tau: number, m: number, D: number, Z: number): number {
  const e = Math.exp(sim(u, v) / tau);
  return e / (e + (Z * m) / D);
}

/** Eq. 4 averaged over the batch; negatives shared ([m][d]) or per example ([B][m][d]). */
function refNce(
  key: number[][],
  query: number[][],
  neg: number[][] | number[][][],
  tau: number,
  D: number,
  Z = 1,
): number {
  let total = 0;
  for (let b = 0; b < key.length; b++) {
    const negs = (Array.isArray(neg[0][0]) ? (neg as number[][][])[b] : neg) as number[][];
    const m = negs.length;
    total -= Math.log(h(key[b], query[b], tau, m, D, Z));
    for (const n of negs) total -= Math.log(1 - h(query[b], n, tau, m, D, Z));
  }
  return total / key.length;
}

const T = (x: number[][]) => tf.tensor2d(x);

Deno.test("nceLoss: matches PIRL eq. 3/4 in double precision (shared and per-example negatives, Z)", () => {
  const rng = new Rng(31);
  const B = 4, d = 6, m = 7, D = 1000, tau = 0.2;
  const key = randMatrix(rng, B, d), q = randMatrix(rng, B, d), neg = randMatrix(rng, m, d);
  const neg3 = Array.from({ length: B }, () => randMatrix(rng, m, d));
  for (const Z of [1, 37.5]) {
    const got = tf.tidy(() =>
      nceLoss(T(key), T(q), T(neg), { temperature: tau, datasetSize: D, z: Z }).dataSync()[0]
    );
    const ref = refNce(key, q, neg, tau, D, Z);
    assertAlmostEquals(got, ref, 1e-5 * ref);
    const got3 = tf.tidy(() =>
      nceLoss(T(key), T(q), tf.tensor3d(neg3), { temperature: tau, datasetSize: D, z: Z }).dataSync()[0]
    );
    const ref3 = refNce(key, q, neg3, tau, D, Z);
    assertAlmostEquals(got3, ref3, 1e-5 * ref3);
  }
});

Deno.test("pirlLoss: λ-weighted sum of the two NCE terms (eq. 5)", () => {
  const rng = new Rng(32);
  const B = 3, d = 5, m = 4, D = 50, tau = 0.07;
  const mI = randMatrix(rng, B, d),
    g = randMatrix(rng, B, d),
    f = randMatrix(rng, B, d),
    neg = randMatrix(rng, m, d);
  for (const lambda of [0.5, 0.8]) {
    const got = tf.tidy(() =>
      pirlLoss(T(mI), T(g), T(f), T(neg), { temperature: tau, datasetSize: D, lambda }).dataSync()[0]
    );
    const ref = lambda * refNce(mI, g, neg, tau, D) + (1 - lambda) * refNce(mI, f, neg, tau, D);
    assertAlmostEquals(got, ref, 1e-5 * ref);
  }
});

Deno.test("pirlLoss: gradients w.r.t. both embeddings match finite differences", () => {
  const rng = new Rng(33);
  const B = 2, d = 4, m = 3, D = 20, tau = 0.5;
  const mI = randMatrix(rng, B, d),
    g = randMatrix(rng, B, d),
    f = randMatrix(rng, B, d),
    neg = randMatrix(rng, m, d);
  const opts = { temperature: tau, datasetSize: D };
  const [gg, gf] = tf.tidy(() =>
    tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      pirlLoss(T(mI), a as tf.Tensor2D, b as tf.Tensor2D, T(neg), opts)
    )([
      T(g),
      T(f),
    ]).map((t) => t.dataSync())
  );
  const ref = (gx: number[][], fx: number[][]) =>
    0.5 * refNce(mI, gx, neg, tau, D) + 0.5 * refNce(mI, fx, neg, tau, D);
  assertLess(maxRelErr(gg, fdGrad((x) => ref(x, f), g)), 1e-4);
  assertLess(maxRelErr(gf, fdGrad((x) => ref(g, x), f)), 1e-4);
});

Deno.test("nceLoss: aligned positives and opposite negatives approach the minimum; stable at low τ", () => {
  const D = 10, m = 4;
  const key = [[1, 0, 0], [0, 1, 0]], neg = Array.from({ length: m }, () => [-1, -1, 0]);
  const opts = { temperature: 0.01, datasetSize: D };
  const got = tf.tidy(() => nceLoss(T(key), T(key), T(neg), opts).dataSync()[0]);
  // −log h(k, k) with s = 1 is ≈ Z m/|D| e^{−1/τ}; negatives contribute ≈ m · (m/|D|) e^{s⁻/τ}: all tiny.
  assertLess(got, 1e-6);
  // Scores far beyond float32 exp range remain finite (softplus formulation).
  const bad = tf.tidy(() => nceLoss(T(key), T(neg.slice(0, 2)), T(key), opts).dataSync()[0]);
  assertEquals(Number.isFinite(bad), true);
});

Deno.test("estimateNceZ and input validation", async () => {
  const s = tf.tensor1d([0, Math.log(3) * 0.1]);
  assertAlmostEquals(await estimateNceZ(s, 0.1, 100), 100 * (1 + 3) / 2, 1e-3);
  s.dispose();
  const a = tf.zeros([2, 3]) as tf.Tensor2D, b = tf.zeros([2, 4]) as tf.Tensor2D;
  assertThrows(() => nceLoss(a, b, a, { temperature: 0.1, datasetSize: 10 }), Error, "shape mismatch");
  assertThrows(() => nceLoss(a, a, b, { temperature: 0.1, datasetSize: 10 }), Error, "negatives must be");
  assertThrows(() => nceLoss(a, a, a, { temperature: 0.1, datasetSize: 0 }), Error, "datasetSize");
  tf.dispose([a, b]);
});

/** −log softmax of the positive among the positive and the negatives, straight from the definition. */
function refInfoNce(key: number[][], query: number[][], neg: number[][], tau: number): number {
  let total = 0;
  for (let b = 0; b < key.length; b++) {
    const pos = Math.exp(sim(key[b], query[b]) / tau);
    const den = pos + neg.reduce((acc, n) => acc + Math.exp(sim(query[b], n) / tau), 0);
    total -= Math.log(pos / den);
  }
  return total / key.length;
}

Deno.test("nceLoss form infonce: matches the softmax definition, ignores Z, gradients match finite differences", () => {
  const rng = new Rng(34);
  const B = 3, d = 5, m = 6, D = 100, tau = 0.3;
  const key = randMatrix(rng, B, d), q = randMatrix(rng, B, d), neg = randMatrix(rng, m, d);
  const ref = refInfoNce(key, q, neg, tau);
  for (const z of [1, 5e4]) {
    const got = tf.tidy(() =>
      nceLoss(T(key), T(q), T(neg), { temperature: tau, datasetSize: D, z, form: "infonce" }).dataSync()[0]
    );
    assertAlmostEquals(got, ref, 1e-5 * ref);
  }
  const grad = tf.tidy(() =>
    tf.grad((x: tf.Tensor) =>
      nceLoss(T(key), x as tf.Tensor2D, T(neg), { temperature: tau, datasetSize: D, form: "infonce" })
    )(T(q)).dataSync()
  );
  assertLess(maxRelErr(grad, fdGrad((x) => refInfoNce(key, x, neg, tau), q)), 1e-4);
  // far below float32's exp range at τ = 0.01, still finite (log-sum-exp)
  const low = tf.tidy(() =>
    nceLoss(T(key), T(q), T(neg), { temperature: 0.01, datasetSize: D, form: "infonce" }).dataSync()[0]
  );
  assertEquals(Number.isFinite(low), true);
  const a = tf.zeros([2, 3]) as tf.Tensor2D;
  assertThrows(
    // @ts-expect-error: an unknown form is refused at run time too
    () => nceLoss(a, a, a, { temperature: 0.1, datasetSize: 10, form: "bogus" }),
    Error,
    "form must be",
  );
  a.dispose();
});
