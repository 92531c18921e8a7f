import { assertAlmostEquals, assertEquals, assertRejects } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { extractFeatures, type LabeledBatch } from "../../lib/eval/features.ts";
import type { Split } from "../../lib/data/types.ts";
import type { Encoder, ForwardOptions } from "../../lib/models/types.ts";

await initBackend("cpu", { quiet: true });

/** A fixed encoder: h = [mean pixel, max pixel] (+ 100 in training mode, to check eval mode is used). */
function toyEncoder(): Encoder & { modes: boolean[] } {
  const modes: boolean[] = [];
  return {
    name: "toy",
    outDim: 2,
    modes,
    trainableVariables: () => [],
    namedVariables: () => ({}),
    dispose: () => {},
    apply(x: tf.Tensor4D, opts: ForwardOptions) {
      modes.push(opts.training);
      const h = tf.stack([tf.mean(x, [1, 2, 3]), tf.max(x, [1, 2, 3])], 1) as tf.Tensor2D;
      return {
        h: opts.training ? tf.add(h, 100) : h,
        stages: [tf.mul(x, 2), tf.reshape(x, [x.shape[0], -1])],
      };
    },
  };
}

function toySplit(n: number): Split {
  const images = new Uint8Array(n * 4 * 4);
  for (let i = 0; i < n; i++) for (let k = 0; k < 16; k++) images[i * 16 + k] = (i * 7 + k * 13) % 256;
  return {
    n,
    height: 4,
    width: 4,
    channels: 1,
    images,
    labels: { label: Int32Array.from({ length: n }, (_, i) => i % 3) },
  };
}

Deno.test("extractFeatures: eval mode, batched, exact values, stage pooling, labels, no leaks", async () => {
  const enc = toyEncoder(), split = toySplit(10);
  const before = tf.memory().numTensors;
  const f = await extractFeatures(enc, split, { batchSize: 4, stages: true });
  assertEquals(tf.memory().numTensors, before);
  assertEquals(enc.modes, [false, false, false]); // 3 batches (4 + 4 + 2), eval mode
  assertEquals([f.n, f.dim], [10, 2]);
  assertEquals(f.labels, split.labels.label);
  for (let i = 0; i < 10; i++) {
    const px = Array.from(split.images.subarray(i * 16, (i + 1) * 16), (v) => v / 255);
    assertAlmostEquals(f.features[2 * i], px.reduce((s, v) => s + v, 0) / 16, 1e-6);
    assertAlmostEquals(f.features[2 * i + 1], Math.max(...px), 1e-6);
    // Stage 0 is rank 4 → spatially pooled [C = 1]; stage 1 is rank 2 → kept (16 values).
    assertAlmostEquals(f.stages![0].features[i], 2 * px.reduce((s, v) => s + v, 0) / 16, 1e-6);
    assertAlmostEquals(f.stages![1].features[i * 16 + 5], px[5], 1e-6);
  }
  assertEquals(f.stages!.map((s) => s.dim), [1, 16]);
});

Deno.test("extractFeatures: accepts (async) iterables of batches and disposes them", async () => {
  const enc = toyEncoder();
  const before = tf.memory().numTensors;
  async function* gen(): AsyncGenerator<LabeledBatch> {
    for (let b = 0; b < 3; b++) yield { x: tf.fill([2, 4, 4, 1], b / 4) as tf.Tensor4D, y: [b, b] };
  }
  const f = await extractFeatures(enc, gen());
  assertEquals(tf.memory().numTensors, before);
  assertEquals(Array.from(f.features), [0, 0, 0, 0, 0.25, 0.25, 0.25, 0.25, 0.5, 0.5, 0.5, 0.5]);
  assertEquals(Array.from(f.labels), [0, 0, 1, 1, 2, 2]);
  await assertRejects(() => extractFeatures(enc, []), Error, "no batches");
  await assertRejects(
    () => extractFeatures(enc, [{ x: tf.zeros([2, 4, 4, 1]) as tf.Tensor4D, y: [1] }]),
    Error,
    "length mismatch",
  );
  assertEquals(tf.memory().numTensors, before);
});
