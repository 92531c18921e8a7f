import { assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor } from "../_compare.ts";

Deno.test("Identity on wasm shares the data: a clone outlives its source and reads the same values", async () => {
  await ensureWasm();
  const x = tf.tensor2d([[1, 2, 3], [4, 5, 6]]);
  const idsBefore = (tf.backend() as unknown as { numDataIds(): number }).numDataIds();
  const y = tf.clone(x);
  assertEquals((tf.backend() as unknown as { numDataIds(): number }).numDataIds(), idsBefore);
  x.dispose();
  assertEquals(Array.from(y.dataSync()), [1, 2, 3, 4, 5, 6]);
  y.dispose();
  const s = tf.clone(tf.tensor1d(["a", "bc"], "string"));
  assertEquals(s.arraySync() as unknown as string[], ["a", "bc"]);
  s.dispose();
});

Deno.test("Cast on wasm equals cpu: same dtype, float32 to int32 and bool, int32 and bool to float32", async () => {
  await assertWasmMatchesCpu(() => {
    const x = tf.tensor1d([-2.7, -0.5, 0, 0.25, 1.5, 3.99]);
    return [
      tf.cast(x, "float32"),
      tf.cast(x, "int32"),
      tf.cast(x, "bool"),
      tf.cast(tf.cast(x, "int32"), "float32"),
      tf.cast(tf.cast(x, "bool"), "float32"),
      tf.cast(tf.cast(x, "int32"), "int32"),
    ];
  }, 0);
});

Deno.test("gradients through saved (cloned) tensors on wasm equal cpu", async () => {
  await assertWasmMatchesCpu(() => {
    const g = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.mul(a, b).square().mul(a).sum());
    return g([randomTensor(1, [4, 5]), randomTensor(2, [4, 5])]);
  });
});
