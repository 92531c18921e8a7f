import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, randomTensor } from "../_compare.ts";

const CASES: [number[], number | [number, number], number | [number, number], "valid" | "same"][] = [
  [[2, 8, 8, 3], 2, 2, "valid"],
  [[2, 7, 9, 4], 2, 2, "valid"],
  [[2, 7, 9, 4], 3, 2, "same"],
  [[1, 6, 6, 2], 3, 1, "same"],
  [[2, 9, 7, 3], [3, 2], [2, 1], "valid"],
];

for (const [shape, filter, stride, pad] of CASES) {
  Deno.test(`MaxPoolGrad on wasm equals cpu: [${shape}] filter ${filter} stride ${stride} ${pad}`, async () => {
    await assertWasmMatchesCpu(() => {
      const x = randomTensor(1, shape) as tf.Tensor4D;
      const r = tf.tidy(() => tf.maxPool(x, filter, stride, pad));
      return tf.grad((a: tf.Tensor) =>
        tf.maxPool(a as tf.Tensor4D, filter, stride, pad).mul(randomTensor(2, r.shape))
      )(x);
    }, 1e-6);
  });
}

Deno.test("MaxPoolGrad on wasm equals cpu with ties (ReLU zeros): the first maximum gets the gradient", async () => {
  await assertWasmMatchesCpu(() => {
    const x = tf.relu(randomTensor(3, [2, 6, 6, 3]).sub(0.8)) as tf.Tensor4D; // mostly zeros
    return tf.grad((a: tf.Tensor) =>
      tf.maxPool(a as tf.Tensor4D, 2, 2, "valid").mul(randomTensor(4, [2, 3, 3, 3]))
    )(x);
  }, 0);
});
