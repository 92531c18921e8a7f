import { assertThrows } from "@std/assert";
import { batchNormTraining } from "../../../lib/backend/batch_norm.ts";
import { BN_TRAIN } from "../../../lib/backend/kernels/batch_norm.ts";
import { tf } from "../../../lib/tf.ts";
import { randomTensor } from "../_compare.ts";
import { assertOnednnMatchesCpu, ensureOnednn, onednnTest } from "./_onednn.ts";

/** Rank 4 (NHWC) and rank 2 / 3 (rows × C), batch 1 with spatial extent, odd channel counts, large offsets. */
const SHAPES: { shape: number[]; offset: number }[] = [
  { shape: [4, 5, 5, 8], offset: 0 },
  { shape: [1, 6, 7, 3], offset: 0 },
  { shape: [16, 12], offset: 0 },
  { shape: [7, 33], offset: 100 },
  { shape: [3, 5, 17], offset: 0 },
  { shape: [32, 4, 4, 64], offset: 3 },
];

for (const { shape, offset } of SHAPES) {
  for (const relu of [false, true]) {
    const name = `[${shape}] relu ${relu} offset ${offset}`;
    onednnTest(
      `oneDNN batch norm (forward, statistics, gradients) equals tfjs' ops on cpu: ${name}`,
      async () => {
        const c = shape[shape.length - 1];
        await assertOnednnMatchesCpu(
          () => {
            const x = randomTensor(1, shape).mul(2).add(offset);
            const gamma = randomTensor(2, [c]) as tf.Tensor1D;
            const beta = randomTensor(3, [c]) as tf.Tensor1D;
            const dy = randomTensor(4, shape);
            const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
              const r = batchNormTraining(a, g as tf.Tensor1D, b as tf.Tensor1D, 1e-5, { relu });
              r.mean.dispose();
              r.variance.dispose();
              return r.y.mul(dy).sum();
            };
            const r = batchNormTraining(x, gamma, beta, 1e-5, { relu });
            return [r.y, r.mean, r.variance, ...tf.grads(f)([x, gamma, beta])];
          },
          1e-4,
          name,
        );
      },
    );
  }
}

onednnTest(
  "oneDNN batch norm leaves wrong shapes, dtypes and single-value batches to the wasm kernel's errors",
  async () => {
    await ensureOnednn();
    const attrs = { epsilon: 1e-5, relu: false } as unknown as tf.NamedAttrMap;
    const run = (x: tf.Tensor, c = x.shape[x.rank - 1]) => () =>
      tf.tidy(() => tf.engine().runKernel(BN_TRAIN, { x, gamma: tf.ones([c]), beta: tf.zeros([c]) }, attrs));
    assertThrows(run(tf.ones([4, 3]), 2), Error, "expected x");
    assertThrows(run(tf.ones([1, 3])), Error, "N ≥ 2");
    assertThrows(run(tf.ones([4, 3], "int32")), Error, "float32");
  },
);
