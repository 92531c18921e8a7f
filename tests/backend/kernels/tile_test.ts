import { assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor } from "../_compare.ts";

const CASES: [number[], number[]][] = [
  [[1, 1, 1, 5], [3, 4, 2, 1]],
  [[2, 3], [3, 1]],
  [[2, 3], [1, 4]],
  [[3, 1, 2], [2, 5, 3]],
  [[4], [7]],
  [[2, 1, 3, 1, 2], [1, 3, 1, 2, 2]],
  [[3, 2], [1, 1]],
];

for (const [shape, reps] of CASES) {
  Deno.test(`Tile on wasm equals cpu: [${shape}] x [${reps}]`, async () => {
    await assertWasmMatchesCpu(() => tf.tile(randomTensor(1, shape), reps), 0);
  });
}

Deno.test("Tile on wasm handles int32, bool and zero-size tensors", async () => {
  await ensureWasm();
  const i = tf.tile(tf.tensor2d([[1, 2]], [1, 2], "int32"), [2, 2]);
  assertEquals(Array.from(i.dataSync()), [1, 2, 1, 2, 1, 2, 1, 2]);
  const b = tf.tile(tf.tensor1d([true, false], "bool"), [2]);
  assertEquals(Array.from(b.dataSync()), [1, 0, 1, 0]);
  const z = tf.tile(tf.zeros([0, 3]), [2, 1]);
  assertEquals(z.shape, [0, 3]);
  tf.dispose([i, b, z]);
});

Deno.test("batch-norm gradient (which tiles) on wasm equals cpu", async () => {
  await assertWasmMatchesCpu(() => {
    const x = randomTensor(2, [3, 4, 4, 5]);
    const g = tf.grads((a: tf.Tensor, s: tf.Tensor, o: tf.Tensor) => {
      const { mean, variance } = tf.moments(a, [0, 1, 2]);
      return tf.batchNorm(a, mean, variance, o, s, 1e-5).mul(randomTensor(5, [3, 4, 4, 5])).sum();
    });
    return g([x, randomTensor(3, [5]), randomTensor(4, [5])]);
  });
});
