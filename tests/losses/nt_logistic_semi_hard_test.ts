import { assert, assertAlmostEquals } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { ntLogistic } from "../../lib/losses/nt_logistic.ts";
import { ntLogisticSemiHard } from "../../lib/losses/nt_logistic_semi_hard.ts";

const backend = () => tf.setBackend("cpu");

Deno.test("ntLogisticSemiHard: equals NT-Logistic when every negative is semi-hard", async () => {
  await backend();
  // identical views: s⁺ = 1 > every negative similarity, so all negatives are semi-hard
  const z = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0.6, 0.8, 0], [0, 0.6, 0.8]]);
  const a = ntLogisticSemiHard(z, z, 0.5).dataSync()[0];
  const b = ntLogistic(z, z, 0.5).dataSync()[0];
  assertAlmostEquals(a, b, 1e-5);
  tf.dispose(z);
});

Deno.test("ntLogisticSemiHard: uses only negatives less similar than the positive", async () => {
  await backend();
  // anchor 0's positive is orthogonal to it; negative row 1 is identical to anchor 0 (not semi-hard)
  const z1 = tf.tensor2d([[1, 0], [1, 0]]), z2 = tf.tensor2d([[0, 1], [-1, 0]]);
  const v = ntLogisticSemiHard(z1, z2, 1).dataSync()[0];
  assert(Number.isFinite(v));
  const g = tf.grad((x: tf.Tensor) => ntLogisticSemiHard(x as tf.Tensor2D, z2, 1))(z1);
  assert(g.dataSync().every(Number.isFinite));
  tf.dispose([z1, z2, g]);
});
