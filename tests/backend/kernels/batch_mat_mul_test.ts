import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, randomTensor } from "../_compare.ts";

for (const [ta, tb] of [[false, false], [false, true], [true, false], [true, true]]) {
  Deno.test(`BatchMatMul on wasm equals cpu: transposeA ${ta} transposeB ${tb}, rank 2, rank 3 batch 1 and batched`, async () => {
    await assertWasmMatchesCpu(() => {
      const shapeOf = (r: number, c: number, t: boolean) => (t ? [c, r] : [r, c]);
      return [
        tf.matMul(randomTensor(1, shapeOf(7, 5, ta)), randomTensor(2, shapeOf(5, 9, tb)), ta, tb),
        tf.matMul(
          randomTensor(3, [1, ...shapeOf(6, 4, ta)]),
          randomTensor(4, [1, ...shapeOf(4, 3, tb)]),
          ta,
          tb,
        ),
        tf.matMul(
          randomTensor(5, [3, ...shapeOf(6, 4, ta)]),
          randomTensor(6, [3, ...shapeOf(4, 3, tb)]),
          ta,
          tb,
        ),
        tf.matMul(randomTensor(7, shapeOf(40, 33, ta)), randomTensor(8, shapeOf(33, 21, tb)), ta, tb),
      ];
    });
  });
}

Deno.test("dense-layer gradients (transposed products) on wasm equal cpu", async () => {
  await assertWasmMatchesCpu(() => {
    const g = tf.grads((x: tf.Tensor, w: tf.Tensor) => tf.matMul(x, w).relu().matMul(w, false, true).sum());
    return g([randomTensor(9, [16, 12]), randomTensor(10, [12, 12])]);
  });
});
