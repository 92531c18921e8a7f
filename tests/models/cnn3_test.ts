import { assertEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { cnn3 } from "../../lib/models/cnn3.ts";
import { linearHead } from "../../lib/models/heads.ts";
import { countParameters } from "../../lib/models/layers.ts";
import { maxAbsDiff, naiveConv, randomImages, useCpu } from "./_helpers.ts";

await useCpu();

Deno.test("cnn3 + linear head has the PyTorch reference's parameter count", () => {
  const enc = cnn3(new Rng(0));
  const head = linearHead(new Rng(1), enc.outDim, 10);
  // conv weights (no bias) 3->32->64->128, then Linear(128, 10) with bias
  const expected = 9 * (3 * 32 + 32 * 64 + 64 * 128) + 128 * 10 + 10;
  assertEquals(countParameters(enc) + countParameters(head), expected);
  assertEquals(expected, 94314);
  assertEquals(Object.keys(enc.namedVariables()), ["conv1.weight", "conv2.weight", "conv3.weight"]);
  enc.dispose();
  head.dispose();
});

Deno.test("cnn3 forward: stage shapes and first stage equals naive conv → ReLU → 2×2 max-pool", () => {
  const enc = cnn3(new Rng(0));
  const x = randomImages(1, [2, 16, 16, 3]);
  tf.tidy(() => {
    const { h, stages } = enc.apply(x, { training: true });
    assertEquals(stages.map((s) => s.shape), [[2, 8, 8, 32], [2, 4, 4, 64], [2, 2, 2, 128]]);
    assertEquals(h.shape, [2, 128]);
    const conv = naiveConv(
      x.dataSync() as Float32Array,
      x.shape,
      enc.convs[0].weight.dataSync() as Float32Array,
      3,
      32,
      1,
      1,
    );
    const pooled: number[] = [];
    const at = (n: number, i: number, j: number, c: number) =>
      Math.max(0, conv.data[((n * 16 + i) * 16 + j) * 32 + c]);
    for (let n = 0; n < 2; n++) {
      for (let i = 0; i < 8; i++) {
        for (let j = 0; j < 8; j++) {
          for (let c = 0; c < 32; c++) {
            pooled.push(
              Math.max(
                at(n, 2 * i, 2 * j, c),
                at(n, 2 * i + 1, 2 * j, c),
                at(n, 2 * i, 2 * j + 1, c),
                at(n, 2 * i + 1, 2 * j + 1, c),
              ),
            );
          }
        }
      }
    }
    assertLess(maxAbsDiff(stages[0].dataSync(), pooled), 1e-4);
    // h is the global average of the last stage
    assertLess(maxAbsDiff(h.dataSync(), tf.mean(stages[2], [1, 2]).dataSync()), 1e-6);
  });
  assertThrows(
    () => enc.apply(tf.zeros([1, 4, 4, 3]) as tf.Tensor4D, { training: false }),
    Error,
    "at least 8×8",
  );
  x.dispose();
  enc.dispose();
});

Deno.test("cnn3 supports grayscale input and custom widths", () => {
  const enc = cnn3(new Rng(0), { inChannels: 1, widths: [4, 8, 16], inputNorm: { mean: [0.5], std: [0.5] } });
  const x = randomImages(2, [3, 8, 8, 1]);
  const h = tf.tidy(() => enc.apply(x, { training: false }).h);
  assertEquals(h.shape, [3, 16]);
  assertEquals(enc.name, "cnn3-4-8-16");
  tf.dispose([x, h]);
  enc.dispose();
});
