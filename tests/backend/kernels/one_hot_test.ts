import { assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm } from "../_compare.ts";

Deno.test("OneHot on wasm equals cpu: float32 and int32, on/off values, out-of-range indices, rank 2", async () => {
  await assertWasmMatchesCpu(() => {
    const ids = tf.tensor1d([0, 3, 1, -1, 4, 2], "int32");
    return [
      tf.oneHot(ids, 4, 1, 0, "float32"),
      tf.oneHot(ids, 4),
      tf.oneHot(ids, 5, 0.9, 0.025, "float32"),
      tf.oneHot(tf.tensor2d([[1, 0], [2, 2]], [2, 2], "int32"), 3, 1, 0, "float32"),
    ].map((t) => tf.cast(t, "float32"));
  }, 0);
});

Deno.test("OneHot float32 on wasm holds 1.0, not the bits of the integer 1", async () => {
  await ensureWasm();
  const t = tf.oneHot(tf.tensor1d([1], "int32"), 2, 1, 0, "float32");
  assertEquals(t.dtype, "float32");
  assertEquals(Array.from(t.dataSync()), [0, 1]);
  t.dispose();
});
