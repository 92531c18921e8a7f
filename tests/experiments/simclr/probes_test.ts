import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { Rng } from "../../../lib/rng.ts";
import type { FeatureSet } from "../../../lib/eval/features.ts";
import { knnClassify } from "../../../lib/experiments/simclr/knn.ts";
import { mlpProbe } from "../../../lib/experiments/simclr/mlp_probe.ts";
import { applyTaskTransform, balancedLabels } from "../../../lib/experiments/simclr/transform_prediction.ts";
import { backend } from "./_helpers.ts";

/** Two classes in directions (1, 0) and (0, 1) with small noise; `xor` makes the label non-linear. */
function blobs(n: number, seed: number, xor = false): FeatureSet {
  const rng = new Rng(seed), f = new Float32Array(n * 2), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const a = rng.int(2), b = rng.int(2);
    labels[i] = xor ? a ^ b : a;
    f[2 * i] = (xor ? 2 * a - 1 : a) + 0.1 * rng.normal();
    f[2 * i + 1] = (xor ? 2 * b - 1 : 1 - a) + 0.1 * rng.normal();
  }
  return { features: f, n, dim: 2, labels };
}

Deno.test("knnClassify: separates two clusters by cosine similarity", async () => {
  await backend();
  const r = knnClassify(blobs(100, 1), blobs(50, 2), 5);
  assert(r.accuracy.mean > 0.95);
  assertEquals(r.predictions.length, 50);
});

Deno.test("mlpProbe: learns a non-linear (XOR) labelling a linear model cannot", async () => {
  await backend();
  const r = await mlpProbe(blobs(200, 3, true), blobs(100, 4, true), { steps: 150, hidden: 16 });
  assert(r.accuracy.mean > 0.9, `accuracy ${r.accuracy.mean}`);
});

Deno.test("transform prediction: balanced labels; label 0 leaves an image unchanged", async () => {
  await backend();
  const l = balancedLabels(10, 4, new Rng(0));
  assertEquals([0, 1, 2, 3].map((k) => l.filter((v) => v === k).length), [3, 3, 2, 2]);
  const x = tf.randomUniform([2, 8, 8, 3], 0, 1, "float32", 3) as tf.Tensor4D;
  for (const task of ["color vs grayscale", "orig vs corrupted", "orig vs sobel", "rotation"] as const) {
    const y = applyTaskTransform(task, x, Int32Array.from([0, 1]), new Rng(1));
    const d = tf.tidy(() => tf.abs(tf.sub(y, x)).max([1, 2, 3]).arraySync() as number[]);
    assertEquals(d[0], 0, `${task}: label 0`);
    assert(d[1] > 0, `${task}: label 1`);
    y.dispose();
  }
  x.dispose();
});
