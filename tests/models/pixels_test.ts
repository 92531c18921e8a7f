import { assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { pixelEncoder } from "../../lib/models/pixels.ts";

Deno.test("pixelEncoder: h is the flattened image, or its block means with pool", async () => {
  await tf.setBackend("cpu");
  const x = tf.tensor4d(Float32Array.from({ length: 2 * 4 * 4 * 1 }, (_, i) => i), [2, 4, 4, 1]);
  const full = pixelEncoder(4, 1);
  const h = tf.tidy(() => full.apply(x, { training: false }).h);
  assertEquals([full.outDim, ...h.shape], [16, 2, 16]);
  assertEquals(Array.from(h.dataSync()), Array.from(x.dataSync()));
  const pooled = pixelEncoder(4, 1, { pool: 2 });
  const hp = tf.tidy(() => pooled.apply(x, { training: false }).h);
  // top-left 2×2 block of image 0: 0, 1, 4, 5 → 2.5
  assertEquals([pooled.outDim, hp.dataSync()[0]], [4, 2.5]);
  assertEquals(full.trainableVariables(), []);
  assertThrows(() => pixelEncoder(4, 1, { pool: 3 }), Error, "pool must be a positive integer dividing");
  assertThrows(
    () => full.apply(tf.zeros([1, 8, 8, 1]) as tf.Tensor4D, { training: false }),
    Error,
    "expected [B, 4, 4, 1]",
  );
  tf.dispose([x, h, hp]);
});
