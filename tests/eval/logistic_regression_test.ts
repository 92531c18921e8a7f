import { assertAlmostEquals, assertEquals, assertLess, assertRejects } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import {
  fitLogisticRegression,
  fitStandardizer,
  predictLogistic,
  standardize,
} from "../../lib/eval/logistic_regression.ts";
import { withoutSyncReads } from "../_no_sync_reads.ts";

await initBackend("cpu", { quiet: true });

/** Double-precision gradient of the documented objective at θ ([(D+1) × C], bias last). */
function refGrad(
  x: Float32Array,
  n: number,
  d: number,
  y: Int32Array,
  C: number,
  l2: number,
  theta: Float32Array,
) {
  const g = new Float64Array((d + 1) * C);
  for (let i = 0; i < n; i++) {
    const xi = [...x.subarray(i * d, (i + 1) * d), 1];
    const logits = Array.from({ length: C }, (_, c) => xi.reduce((s, v, j) => s + v * theta[j * C + c], 0));
    const mx = Math.max(...logits), z = logits.reduce((s, l) => s + Math.exp(l - mx), 0);
    for (let c = 0; c < C; c++) {
      const r = Math.exp(logits[c] - mx) / z - (y[i] === c ? 1 : 0);
      for (let j = 0; j <= d; j++) g[j * C + c] += (r * xi[j]) / n;
    }
  }
  for (let j = 0; j < d; j++) for (let c = 0; c < C; c++) g[j * C + c] += l2 * theta[j * C + c];
  return g;
}

function noisyBlobs(rng: Rng, n: number, d: number, C: number, noise: number) {
  const centers = Array.from({ length: C }, () => Array.from({ length: d }, () => rng.normal()));
  const x = new Float32Array(n * d), y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i % C;
    for (let j = 0; j < d; j++) x[i * d + j] = centers[y[i]][j] + noise * rng.normal();
  }
  return { x, y };
}

Deno.test("fitLogisticRegression: the optimum has (independently computed) zero gradient", async () => {
  const rng = new Rng(1);
  for (const [n, d, C, l2] of [[40, 3, 2, 0.01], [60, 4, 3, 0.1]] as const) {
    const { x, y } = noisyBlobs(rng, n, d, C, 1.5);
    const m = await fitLogisticRegression(x, n, d, y, C, l2, { gradTol: 1e-6 });
    const g = refGrad(x, n, d, y, C, l2, m.theta);
    assertLess(Math.max(...g.map(Math.abs)), 5e-5);
  }
});

Deno.test("fitLogisticRegression: intercept-only problem recovers log class frequencies", async () => {
  // All features zero: W stays 0 (penalised, no signal) and softmax(b) equals the class frequencies.
  const n = 10, y = Int32Array.from([0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
  const m = await fitLogisticRegression(new Float32Array(n * 2), n, 2, y, 3, 0.1, { gradTol: 1e-7 });
  const b = Array.from(m.theta.subarray(2 * 3));
  const z = b.reduce((s, v) => s + Math.exp(v), 0);
  [0.5, 0.3, 0.2].forEach((p, c) => assertAlmostEquals(Math.exp(b[c]) / z, p, 1e-5));
  for (let j = 0; j < 6; j++) assertAlmostEquals(m.theta[j], 0, 1e-7);
});

Deno.test("fitLogisticRegression: separable data is classified perfectly; no tensors leak", async () => {
  const rng = new Rng(2);
  const before = tf.memory().numTensors;
  const { x, y } = noisyBlobs(rng, 90, 5, 3, 0.1);
  const m = await fitLogisticRegression(x, 90, 5, y, 3, 1e-4);
  assertEquals(await predictLogistic(m, x, 90), y);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("fit and predict never read tensors synchronously (webgpu under Deno); identical results", async () => {
  const { x, y } = noisyBlobs(new Rng(5), 60, 4, 3, 1);
  const plain = await fitLogisticRegression(x, 60, 4, y, 3, 1e-2);
  const before = tf.memory().numTensors;
  const [guarded, pred] = await withoutSyncReads(async () => {
    const m = await fitLogisticRegression(x, 60, 4, y, 3, 1e-2);
    return [m, await predictLogistic(m, x, 60)] as const;
  });
  assertEquals(guarded, plain);
  assertEquals(pred, await predictLogistic(plain, x, 60));
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("standardizer: zero mean, unit variance, constant features untouched", () => {
  const x = Float32Array.from([1, 5, 3, 5, 5, 5]); // 3 rows × 2 dims, second dim constant
  const s = fitStandardizer(x, 3, 2);
  assertAlmostEquals(s.mean[0], 3, 1e-6);
  assertAlmostEquals(s.std[0], Math.sqrt(8 / 3), 1e-6);
  assertEquals(s.std[1], 1);
  const z = standardize(x, 3, 2, s);
  assertAlmostEquals(z[0] + z[2] + z[4], 0, 1e-6);
  assertEquals([z[1], z[3], z[5]], [0, 0, 0]);
});

Deno.test("fitLogisticRegression: bad input rejects with one-line errors", async () => {
  const x = new Float32Array(6);
  await assertRejects(() => fitLogisticRegression(x, 3, 2, [0, 1], 2, 0.1), Error, "length mismatch");
  await assertRejects(() => fitLogisticRegression(x, 3, 2, [0, 1, 5], 2, 0.1), Error, "not a class");
  await assertRejects(
    () => fitLogisticRegression(Float32Array.from([NaN, 0, 0, 0, 0, 0]), 3, 2, [0, 1, 1], 2, 0.1),
    Error,
    "non-finite",
  );
  await assertRejects(() => fitLogisticRegression(x, 3, 2, [0, 1, 1], 2, -1), Error, "l2");
  const m = await fitLogisticRegression(x, 3, 2, [0, 1, 1], 2, 0.1);
  await assertRejects(() => predictLogistic(m, new Float32Array(5), 3), Error, "features length");
});
