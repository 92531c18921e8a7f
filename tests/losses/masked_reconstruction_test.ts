import { assert, assertAlmostEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import {
  cosineDistanceLoss,
  maskedMse,
  standardizeLastAxis,
} from "../../lib/losses/masked_reconstruction.ts";

await tf.setBackend("cpu");

Deno.test("standardizeLastAxis: (x − mean)/√(var + ε) per row, as MAE's norm-pix target", async () => {
  const x = tf.tensor2d([[1, 2, 3, 4], [5, 5, 5, 5]]);
  const y = await standardizeLastAxis(x).data();
  const m = 2.5, v = 1.25; // population variance of 1..4
  for (let i = 0; i < 4; i++) assertAlmostEquals(y[i], (i + 1 - m) / Math.sqrt(v + 1e-6), 1e-5);
  for (let i = 4; i < 8; i++) assertAlmostEquals(y[i], 0, 1e-6);
  x.dispose();
});

Deno.test("maskedMse: mean of squared differences; shape mismatch throws", async () => {
  const a = tf.tensor3d([[[1, 2], [3, 4]]]), b = tf.tensor3d([[[0, 2], [3, 1]]]);
  assertAlmostEquals(await maskedMse(a, b).data().then((d) => d[0]), (1 + 0 + 0 + 9) / 4, 1e-6);
  assertThrows(() => maskedMse(a, tf.zeros([1, 2, 3])));
});

Deno.test("cosineDistanceLoss: 0 parallel (any scale), 1 orthogonal, 2 opposite, averaged over tokens", async () => {
  const v = async (p: number[][], t: number[][]) =>
    (await cosineDistanceLoss(tf.tensor2d(p), tf.tensor2d(t)).data())[0];
  assertAlmostEquals(await v([[1, 2]], [[3, 6]]), 0, 1e-6);
  assertAlmostEquals(await v([[1, 0]], [[0, 5]]), 1, 1e-6);
  assertAlmostEquals(await v([[1, 1]], [[-2, -2]]), 2, 1e-6);
  assertAlmostEquals(await v([[1, 0], [1, 0]], [[1, 0], [-1, 0]]), 1, 1e-6);
  // gradient check against a finite difference
  const t = tf.tensor2d([[0.3, -1.2, 0.5]]);
  const p0 = [0.7, 0.1, -0.4];
  const g = await tf.grad((p: tf.Tensor) => cosineDistanceLoss(p, t))(tf.tensor2d([p0])).data();
  for (let i = 0; i < 3; i++) {
    const h = 1e-3, up = [...p0], dn = [...p0];
    up[i] += h;
    dn[i] -= h;
    const fd = ((await cosineDistanceLoss(tf.tensor2d([up]), t).data())[0] -
      (await cosineDistanceLoss(tf.tensor2d([dn]), t).data())[0]) / (2 * h);
    assert(Math.abs(fd - g[i]) < 1e-3, `component ${i}: ${fd} vs ${g[i]}`);
  }
});
