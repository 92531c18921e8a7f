import { assertEquals, assertLess } from "@std/assert";
import { batchNormTraining, hasFusedBatchNorm } from "../../lib/backend/batch_norm.ts";
import { tf } from "../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor, relativeError } from "./_compare.ts";

/** y and the gradients of Σ y·w with respect to x, γ, β; `fused: false` forces tfjs' composition. */
function withGradients(shape: number[], relu: boolean, fused = true): tf.Tensor[] {
  const c = shape[shape.length - 1];
  const x = randomTensor(11, shape), gamma = randomTensor(12, [c]).add(1), beta = randomTensor(13, [c]);
  const w = randomTensor(14, shape);
  const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const r = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, { relu, fused });
    r.mean.dispose();
    r.variance.dispose();
    return r.y;
  };
  const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => f(a, g, b).mul(w).sum())([
    x,
    gamma,
    beta,
  ]);
  const stats = batchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, 1e-5, { relu, fused });
  return [stats.y, stats.mean, stats.variance, ...grads];
}

for (const relu of [false, true]) {
  Deno.test(`batchNormTraining (fused on wasm) equals tfjs' composition on cpu, gradients included, relu ${relu}`, async () => {
    await assertWasmMatchesCpu(() => withGradients([6, 5, 4, 3], relu));
    await assertWasmMatchesCpu(() => withGradients([10, 4], relu));
  });

  Deno.test(`batchNormTraining fused equals unfused on wasm itself, relu ${relu}`, async () => {
    await ensureWasm();
    assertEquals(hasFusedBatchNorm(), true);
    const fused = tf.tidy(() => withGradients([5, 3, 3, 4], relu, true).map((t) => t.dataSync()));
    const plain = tf.tidy(() => withGradients([5, 3, 3, 4], relu, false).map((t) => t.dataSync()));
    for (let i = 0; i < plain.length; i++) assertLess(relativeError(fused[i], plain[i]), 1e-4, `output ${i}`);
  });
}

Deno.test("fused batch-norm gradient on wasm matches central finite differences (float64 loss of float32 outputs)", async () => {
  await ensureWasm();
  const shape = [4, 3, 2, 3], c = 3, n = 72;
  const rng = (i: number) => Math.sin(i * 12.9898) * 43758.5453 % 1;
  const xv = Float32Array.from({ length: n }, (_, i) => 2 * rng(i + 1));
  const gv = Float32Array.from([0.7, -1.3, 1.1]), bv = Float32Array.from([0.2, -0.1, 0.4]);
  const wv = Float32Array.from({ length: n }, (_, i) => rng(i + 500));
  const loss = (x: Float32Array, g: Float32Array, b: Float32Array): number =>
    tf.tidy(() => {
      const r = batchNormTraining(tf.tensor(x, shape), tf.tensor1d(g), tf.tensor1d(b), 1e-5);
      r.mean.dispose();
      r.variance.dispose();
      const y = r.y.dataSync();
      let s = 0;
      for (let i = 0; i < n; i++) s += y[i] * wv[i];
      return s;
    });
  const [dx, dg, db] = tf.tidy(() =>
    tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
      const r = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5);
      r.mean.dispose();
      r.variance.dispose();
      return r.y.mul(tf.tensor(wv, shape)).sum();
    })([tf.tensor(xv, shape), tf.tensor1d(gv), tf.tensor1d(bv)]).map((t) => t.dataSync())
  );
  const h = 1e-2;
  const fd = (arr: Float32Array, i: number, f: (a: Float32Array) => number) => {
    const p = arr.slice(), m = arr.slice();
    p[i] += h;
    m[i] -= h;
    return (f(p) - f(m)) / (2 * h);
  };
  const numDx = Array.from({ length: n }, (_, i) => fd(xv, i, (a) => loss(a, gv, bv)));
  const numDg = Array.from({ length: c }, (_, i) => fd(gv, i, (a) => loss(xv, a, bv)));
  const numDb = Array.from({ length: c }, (_, i) => fd(bv, i, (a) => loss(xv, gv, a)));
  assertLess(relativeError(dx, numDx), 5e-3, "dx");
  assertLess(relativeError(dg, numDg), 5e-3, "dgamma");
  assertLess(relativeError(db, numDb), 5e-3, "dbeta");
});

Deno.test("fused batch norm leaks no tensors under tf.variableGrads and tf.tidy", async () => {
  await ensureWasm();
  const x = randomTensor(1, [4, 3, 3, 2]);
  const gamma = tf.variable(tf.ones([2])), beta = tf.variable(tf.zeros([2]));
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(() => {
    const r = batchNormTraining(x, gamma as tf.Tensor1D, beta as tf.Tensor1D, 1e-5, { relu: true });
    r.mean.dispose();
    r.variance.dispose();
    return r.y.square().sum() as tf.Scalar;
  }, [gamma, beta]);
  tf.dispose([value, ...Object.values(grads)]);
  assertEquals(tf.memory().numTensors, before);
  tf.dispose([x, gamma, beta]);
});
