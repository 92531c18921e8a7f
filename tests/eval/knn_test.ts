import { assertAlmostEquals, assertEquals, assertRejects } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { knnClassify, knnPredict } from "../../lib/eval/knn.ts";
import { featureSet } from "./_feature_set.ts";

await initBackend("cpu", { quiet: true });

const fs = featureSet;

Deno.test("knn: hand-checked weighted votes", async () => {
  // Train: two class-0 points at 60° and 90° from the query, one class-1 point at 0° (same direction).
  const train = fs([[0.5, Math.sqrt(3) / 2], [0, 1], [1, 0]], [0, 0, 1]);
  const test = fs([[2, 0]], [1]);
  // τ = 0.07: class 1 weight e^{1/0.07} dwarfs class 0's e^{0.5/0.07} + e^{0}. → class 1.
  assertEquals(Array.from(await knnPredict(train, test, { k: 3 })), [1]);
  // τ = 100: weights ≈ 1 each → majority class 0 wins (2 votes vs 1).
  assertEquals(Array.from(await knnPredict(train, test, { k: 3, temperature: 100 })), [0]);
  // k = 1: nearest neighbour only.
  assertEquals(Array.from(await knnPredict(train, test, { k: 1, temperature: 100 })), [1]);
  // Cosine, not Euclidean: scaling a training row does not change anything.
  const scaled = fs([[5, 5 * Math.sqrt(3)], [0, 0.1], [100, 0]], [0, 0, 1]);
  assertEquals(Array.from(await knnPredict(scaled, test, { k: 3, temperature: 100 })), [0]);
});

Deno.test("knn: a tiny temperature neither overflows nor gives NaN votes (exp(1/τ) is Inf in float32)", async () => {
  // Two class-0 points a little less similar than one class-1 point, and the reverse for the second query.
  const train = fs([[1, 0.05], [1, -0.05], [1, 0]], [0, 0, 1]);
  const test = fs([[1, 0.001], [0, 1]], [1, 0]);
  // τ = 0.001: the most similar neighbour decides (its weight is e^{Δs/τ} times the others').
  assertEquals(Array.from(await knnPredict(train, test, { k: 3, temperature: 0.001 })), [1, 0]);
  assertEquals(Array.from(await knnPredict(train, test, { k: 3, temperature: 1e-6 })), [1, 0]);
});

Deno.test("knn: chunking does not change predictions; accuracy with CI; no leaks", async () => {
  const rng = new Rng(1);
  const mk = (n: number) => {
    const rows = Array.from(
      { length: n },
      (_, i) => [i % 3 === 0 ? 3 : 0, i % 3 === 1 ? 3 : 0, i % 3 === 2 ? 3 : 0].map((v) => v + rng.normal()),
    );
    return fs(rows, rows.map((_, i) => i % 3));
  };
  const train = mk(120), test = mk(45);
  const before = tf.memory().numTensors;
  const a = await knnClassify(train, test, { k: 20 });
  const b = await knnClassify(train, test, { k: 20, maxElements: 250 }); // 2 test rows per chunk
  assertEquals(a.predictions, b.predictions);
  assertEquals(tf.memory().numTensors, before);
  // Reference: plain-JS weighted kNN.
  const ref = Array.from({ length: test.n }, (_, q) => {
    const v = test.features.subarray(q * 3, q * 3 + 3), nv = Math.hypot(...v);
    const sims = Array.from({ length: train.n }, (_, i) => {
      const u = train.features.subarray(i * 3, i * 3 + 3);
      return { s: (u[0] * v[0] + u[1] * v[1] + u[2] * v[2]) / (Math.hypot(...u) * nv), c: train.labels[i] };
    }).sort((x, y) => y.s - x.s).slice(0, 20);
    const votes = [0, 0, 0];
    for (const { s, c } of sims) votes[c] += Math.exp(s / 0.07);
    return votes.indexOf(Math.max(...votes));
  });
  assertEquals(Array.from(a.predictions), ref);
  const acc = ref.filter((p, i) => p === test.labels[i]).length / test.n;
  assertAlmostEquals(a.accuracy.mean, acc, 1e-12);
  assertEquals(a.accuracy.n, 45);
});

Deno.test("knn: bad input throws", async () => {
  const t = fs([[1, 0]], [0]);
  await assertRejects(() => knnPredict(t, fs([[1, 0, 0]], [0])), Error, "dim");
  await assertRejects(() => knnPredict(t, t, { temperature: 0 }), Error, "temperature");
});
