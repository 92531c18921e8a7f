import { assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor } from "../_compare.ts";

Deno.test("UnsortedSegmentSum on wasm equals cpu (float32, repeated and out-of-range ids, inner dims)", async () => {
  await assertWasmMatchesCpu(() => {
    const x = randomTensor(1, [7, 3, 2]);
    const ids = tf.tensor1d([2, 0, 2, 5, -1, 9, 4], "int32");
    return tf.unsortedSegmentSum(x, ids, 6);
  });
});

Deno.test("UnsortedSegmentSum on wasm sums int32 values exactly", async () => {
  await ensureWasm();
  const out = tf.unsortedSegmentSum(
    tf.tensor1d([1, 2, 3, 4], "int32"),
    tf.tensor1d([1, 1, 0, 1], "int32"),
    3,
  );
  assertEquals(out.dtype, "int32");
  assertEquals(Array.from(out.dataSync()), [3, 7, 0]);
  out.dispose();
});

Deno.test("gather gradient (embedding lookup, axis 0 and 1) on wasm equals cpu", async () => {
  await assertWasmMatchesCpu(() => {
    const table = randomTensor(2, [10, 4]);
    const other = randomTensor(3, [3, 6, 2]);
    const idx = tf.tensor2d([[1, 3, 3], [9, 0, 1]], [2, 3], "int32");
    const r = randomTensor(4, [2, 3, 4]);
    const g = tf.grads((t: tf.Tensor, o: tf.Tensor) =>
      tf.gather(t, idx).mul(r).sum().add(tf.gather(o, tf.tensor1d([5, 5, 2], "int32"), 1).square().sum())
    );
    return g([table, other]);
  });
});
