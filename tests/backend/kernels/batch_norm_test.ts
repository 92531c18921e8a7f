import { assertEquals, assertThrows } from "@std/assert";
import { BN_TRAIN, BN_TRAIN_GRAD } from "../../../lib/backend/kernels/batch_norm.ts";
import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor } from "../_compare.ts";

/** Forward outputs and (dx, dγ, dβ) for upstream gradient `dy`: the fused kernels on wasm, tfjs ops on cpu. */
function forwardBackward(shape: number[], relu: boolean, offset = 0): tf.Tensor[] {
  const c = shape[shape.length - 1];
  const x = randomTensor(1, shape).mul(2).add(offset);
  const gamma = randomTensor(2, [c]), beta = randomTensor(3, [c]);
  const dy = randomTensor(4, shape);
  const eps = 1e-5;
  if (tf.getBackend() === "wasm") {
    const attrs = { epsilon: eps, relu } as unknown as tf.NamedAttrMap;
    const [y, mean, variance] = tf.engine().runKernel(BN_TRAIN, { x, gamma, beta }, attrs) as tf.Tensor[];
    const grads = tf.engine().runKernel(
      BN_TRAIN_GRAD,
      { dy, x, gamma, beta, mean, variance },
      attrs,
    ) as tf.Tensor[];
    return [y, mean, variance, ...grads];
  }
  const axes = shape.slice(0, -1).map((_, i) => i);
  const { mean, variance } = tf.moments(x, axes);
  const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => {
    const m = tf.moments(a, axes);
    const z = tf.batchNorm(a, m.mean, m.variance, b, g, eps);
    return relu ? tf.relu(z) : z;
  };
  const y = f(x, gamma, beta);
  const grads = tf.grads((a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => f(a, g, b).mul(dy).sum())([
    x,
    gamma,
    beta,
  ]);
  return [y, mean, variance, ...grads];
}

for (
  const [shape, relu, offset] of [
    [[4, 5, 6, 3], false, 0],
    [[4, 5, 6, 3], true, 0],
    [[16, 7], true, 0],
    [[3, 4, 9], false, 0],
    [[2, 3, 3, 5], true, 1000], // a large mean: the shifted sums must not cancel
    [[256, 4, 4, 16], true, 0],
  ] as [number[], boolean, number][]
) {
  Deno.test(`fused batch-norm kernels on wasm equal tfjs' ops on cpu: [${shape}] relu ${relu} offset ${offset}`, async () => {
    await assertWasmMatchesCpu(
      () => forwardBackward(shape, relu, offset),
      offset ? 1e-3 : 1e-4,
      `[${shape}]`,
    );
  });
}

Deno.test("fused batch-norm kernels reject wrong shapes, dtypes and single-value batches", async () => {
  await ensureWasm();
  const attrs = { epsilon: 1e-5, relu: false } as unknown as tf.NamedAttrMap;
  const run = (x: tf.Tensor, c = x.shape[x.rank - 1]) => () =>
    tf.tidy(() => tf.engine().runKernel(BN_TRAIN, { x, gamma: tf.ones([c]), beta: tf.zeros([c]) }, attrs));
  assertThrows(run(tf.ones([4, 3]), 2), Error, "expected x");
  assertThrows(run(tf.ones([1, 3])), Error, "N ≥ 2");
  assertThrows(run(tf.ones([4, 3], "int32")), Error, "float32");
  assertEquals(tf.getKernel(BN_TRAIN_GRAD, "wasm") !== undefined, true);
});
