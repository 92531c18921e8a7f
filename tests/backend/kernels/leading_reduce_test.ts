import { assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { assertWasmMatchesCpu, ensureWasm, randomTensor } from "../_compare.ts";

Deno.test("Sum and Mean over leading axes (fast path) on wasm equal cpu, with and without keepDims", async () => {
  await assertWasmMatchesCpu(() => {
    const x = randomTensor(1, [16, 16, 20, 3]);
    return [
      tf.sum(x, [0, 1, 2]),
      tf.mean(x, [0, 1, 2]),
      tf.sum(x, [2, 0, 1], true),
      tf.mean(x, [0, 1], true),
      tf.sum(x.reshape([5120, 3]), 0),
    ];
  });
});

Deno.test("Sum and Mean elsewhere (inner axes, all axes, small, int32) on wasm equal cpu", async () => {
  await assertWasmMatchesCpu(() => {
    const x = randomTensor(2, [16, 16, 20, 3]);
    return [
      tf.sum(x, -1),
      tf.mean(x, [1, 2]),
      tf.sum(x),
      tf.mean(x),
      tf.sum(x.slice([0, 0, 0, 0], [2, 2, 2, 3]), [0, 1, 2]),
      tf.sum(tf.tensor2d([[1, 2], [3, 4]], [2, 2], "int32"), 0).toFloat(),
    ];
  });
});

Deno.test("moments over [B, H, W] (batch-norm statistics) on wasm equal cpu", async () => {
  await ensureWasm();
  await assertWasmMatchesCpu(() => {
    const { mean, variance } = tf.moments(randomTensor(3, [32, 12, 12, 4]).mul(3).add(1), [0, 1, 2]);
    return [mean, variance];
  });
  assertEquals(tf.getBackend(), "wasm");
});
