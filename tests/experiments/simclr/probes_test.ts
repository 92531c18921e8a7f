import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { Rng } from "../../../lib/rng.ts";
import type { FeatureSet } from "../../../lib/eval/features.ts";
import { knnClassify } from "../../../lib/eval/knn.ts";
import { majorityKnnOptions } from "../../../lib/experiments/simclr/evaluate.ts";
import { mlpProbe } from "../../../lib/experiments/simclr/mlp_probe.ts";
import { applyTaskTransform, balancedLabels } from "../../../lib/experiments/simclr/transform_prediction.ts";
import { backend } from "./_helpers.ts";
import { featureSet } from "../../eval/_feature_set.ts";
import { withoutSyncReads } from "../../_no_sync_reads.ts";

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

const rows = featureSet;

Deno.test("kNN on h (majorityKnnOptions): separates two clusters by cosine similarity", async () => {
  await backend();
  const r = await knnClassify(blobs(100, 1), blobs(50, 2), majorityKnnOptions(5));
  assert(r.accuracy.mean > 0.95);
  assertEquals(r.predictions.length, 50);
});

Deno.test("kNN on h (majorityKnnOptions): most votes win, ties go to the more similar class", async () => {
  await backend();
  const at = (deg: number) => [Math.cos(deg * Math.PI / 180), Math.sin(deg * Math.PI / 180)];
  const q = rows([[3, 0]], [0]); // direction 0°; rows are compared by cosine, so the norm does not matter
  // One class-0 row at 0° (identical direction) against two class-1 rows at 80° and 85°: two votes win.
  const majority = rows([at(0), at(80), at(85)], [0, 1, 1]);
  assertEquals(Array.from((await knnClassify(majority, q, majorityKnnOptions(3))).predictions), [1]);
  // 2–2 ties: the class whose voters are more similar in total wins, whichever its index.
  const tie1 = rows([at(10), at(20), at(30), at(40)], [1, 0, 1, 0]); // Σcos: class 1 > class 0
  assertEquals(Array.from((await knnClassify(tie1, q, majorityKnnOptions(4))).predictions), [1]);
  const tie0 = rows([at(10), at(20), at(30), at(40)], [0, 1, 0, 1]);
  assertEquals(Array.from((await knnClassify(tie0, q, majorityKnnOptions(4))).predictions), [0]);
  // k = 200 (the gpu profile): still a count, 101 far votes beat 99 identical-direction ones.
  const big = rows([...Array(99).fill(at(0)), ...Array(101).fill(at(89))], [
    ...Array(99).fill(0),
    ...Array(101).fill(1),
  ]);
  assertEquals(Array.from((await knnClassify(big, q, majorityKnnOptions(200))).predictions), [1]);
});

Deno.test("kNN on h never reads tensors synchronously (webgpu under Deno)", async () => {
  await backend();
  const train = blobs(60, 5), test = blobs(20, 6);
  const plain = await knnClassify(train, test, majorityKnnOptions(5, 2));
  assertEquals(await withoutSyncReads(() => knnClassify(train, test, majorityKnnOptions(5, 2))), plain);
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
