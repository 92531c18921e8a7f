import { assert, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { logSumExpRows } from "../../lib/losses/log_sum_exp.ts";
import { fdGrad, maxRelErr, randMatrix } from "./_util.ts";

await initBackend("cpu", { quiet: true });

/** Double-precision reference: Σ_i w_i · lse(x_i). */
function weightedLse(x: number[][], w: number[]): number {
  return x.reduce((acc, row, i) => {
    const m = Math.max(...row);
    return acc + w[i] * (m + Math.log(row.reduce((s, v) => s + Math.exp(v - m), 0)));
  }, 0);
}

Deno.test("logSumExpRows: values and gradient match a double-precision reference", () => {
  const rng = new Rng(3);
  const x = randMatrix(rng, 5, 7, 4);
  const w = [0.5, -1, 2, 0.25, 1.5];
  const xt = tf.tensor2d(x);
  const wt = tf.tensor1d(w);
  const value = tf.sum(tf.mul(logSumExpRows(xt), wt)).dataSync()[0];
  assert(Math.abs(value - weightedLse(x, w)) < 1e-4 * Math.max(1, Math.abs(value)));
  const g = tf.grad((a: tf.Tensor) => tf.sum(tf.mul(logSumExpRows(a as tf.Tensor2D), wt)))(xt);
  assert(maxRelErr(g.dataSync(), fdGrad((m) => weightedLse(m, w), x)) < 1e-4);
  tf.dispose([xt, wt, g]);
});

Deno.test("logSumExpRows: equals tf.logSumExp with −∞ entries, large values, and in gradient", () => {
  const x = tf.tensor2d([[-Infinity, 1, 2, 1000], [3, -Infinity, -Infinity, 0.5], [0, 0, 0, 0]]);
  const ours = logSumExpRows(x).dataSync(), ref = tf.logSumExp(x, 1).dataSync();
  for (let i = 0; i < 3; i++) assert(Math.abs(ours[i] - ref[i]) < 1e-4, `row ${i}: ${ours[i]} vs ${ref[i]}`);
  const f = (lse: (a: tf.Tensor2D) => tf.Tensor) =>
    tf.grad((a: tf.Tensor) => tf.sum(tf.square(lse(a as tf.Tensor2D))))(x);
  const g1 = f((a) => logSumExpRows(a)).dataSync(), g2 = f((a) => tf.logSumExp(a, 1)).dataSync();
  for (let i = 0; i < g1.length; i++) {
    assert(Math.abs(g1[i] - g2[i]) < 1e-3, `grad ${i}: ${g1[i]} vs ${g2[i]}`);
  }
  x.dispose();
});

Deno.test("logSumExpRows: rank errors are one line; no tensors leak", () => {
  assertThrows(() => logSumExpRows(tf.zeros([3]) as unknown as tf.Tensor2D), Error, "expected a rank-2");
  const before = tf.memory().numTensors;
  const x = tf.ones([4, 4]) as tf.Tensor2D;
  tf.tidy(() => tf.grad((a: tf.Tensor) => tf.sum(logSumExpRows(a as tf.Tensor2D)))(x));
  x.dispose();
  assert(tf.memory().numTensors <= before + 1, "only the stray zeros([3]) may remain");
});
