import { assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor } from "../_compare.ts";

const SLICES: [number[], number[], number[]][] = [
  [[8, 4, 4, 3], [2, 0, 0, 0], [3, -1, -1, -1]], // contiguous rows
  [[8, 4, 4, 3], [1, 1, 0, 0], [2, 2, 4, 3]],
  [[8, 4, 4, 3], [0, 1, 2, 1], [8, 3, 2, 2]],
  [[6, 40], [1, 3], [4, 35]], // long runs
  [[5, 7], [0, 6], [5, 1]],
  [[9], [2], [5]],
  [[2, 3, 4, 5, 6], [1, 0, 1, 2, 0], [1, 3, 2, 3, 6]],
  [[4, 3], [1, 0], [0, 3]], // empty
];

for (const [shape, begin, size] of SLICES) {
  Deno.test(`Slice on wasm equals cpu: [${shape}] from [${begin}] size [${size}]`, async () => {
    await assertWasmMatchesCpu(() => tf.slice(randomTensor(1, shape), begin, size), 0);
  });
}

Deno.test("Slice on wasm: int32, bool and string tensors", async () => {
  await assertWasmMatchesCpu(() => [
    tf.cast(tf.slice(tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], "int32"), [0, 1], [2, 2]), "float32"),
    tf.cast(tf.slice(tf.tensor1d([true, false, true], "bool"), [1], [2]), "float32"),
  ], 0);
  await ensureWasm();
  const s = tf.slice(tf.tensor1d(["a", "b", "c"], "string"), [1], [2]);
  assertEquals(s.arraySync() as unknown as string[], ["b", "c"]);
  s.dispose();
});

Deno.test("GatherV2 on wasm equals cpu: axis 0, 1 and last, repeated indices, batchDims 1, int32", async () => {
  await assertWasmMatchesCpu(() => {
    const x = randomTensor(2, [6, 5, 4, 3]);
    const ids = tf.tensor1d([5, 0, 0, 3, 2], "int32");
    return [
      tf.gather(x, ids, 0),
      tf.gather(x, tf.tensor1d([4, 1], "int32"), 1),
      tf.gather(x, tf.tensor2d([[2, 0], [1, 1]], [2, 2], "int32"), 3),
      tf.gather(randomTensor(3, [3, 4, 5]), tf.tensor2d([[0, 3], [2, 2], [1, 0]], [3, 2], "int32"), 1, 1),
      tf.cast(
        tf.gather(tf.tensor2d([[1, 2], [3, 4], [5, 6]], [3, 2], "int32"), tf.tensor1d([2, 0], "int32")),
        "float32",
      ),
      tf.gather(randomTensor(4, [7, 40]), tf.tensor1d([6, 1, 3], "int32")),
    ];
  }, 0);
});

Deno.test("GatherV2 on wasm rejects out-of-range indices", async () => {
  await ensureWasm();
  const x = tf.ones([3, 2]);
  assertThrows(() => tf.gather(x, tf.tensor1d([3], "int32")), Error, "not in [0, 2]");
  assertThrows(() => tf.gather(x, tf.tensor1d([-1], "int32")), Error, "not in [0, 2]");
  x.dispose();
});
