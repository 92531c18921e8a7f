import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, randomTensor } from "../_compare.ts";

Deno.test("depthwise conv2d gradients on wasm (cpu fallback) equal cpu", async () => {
  await assertWasmMatchesCpu(() => {
    const x = randomTensor(1, [2, 7, 7, 3]) as tf.Tensor4D;
    const w = randomTensor(2, [3, 3, 3, 2]) as tf.Tensor4D;
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) =>
      tf.depthwiseConv2d(a as tf.Tensor4D, b as tf.Tensor4D, 2, "same").square().sum()
    );
    return g([x, w]);
  });
});

Deno.test("einsum on wasm (cpu fallback) equals cpu", async () => {
  await assertWasmMatchesCpu(() =>
    tf.einsum("bij,bjk->bik", randomTensor(3, [2, 3, 4]), randomTensor(4, [2, 4, 5]))
  );
});
