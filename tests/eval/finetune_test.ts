import { assert, assertEquals, assertGreater, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { finetune, softmaxCrossEntropy } from "../../lib/eval/finetune.ts";
import { cnn3 } from "../../lib/models/cnn3.ts";
import { linearHead } from "../../lib/models/heads.ts";
import type { Split } from "../../lib/data/types.ts";

await initBackend("cpu", { quiet: true });

/** 8×8 grey images: class 0 bright on the left half, class 1 bright on the right half, plus noise. */
function halves(n: number, rng: Rng): Split {
  const images = new Uint8Array(n * 64), label = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    label[i] = i % 2;
    for (let r = 0; r < 8; r++) {
      for (let c = 0; c < 8; c++) {
        const bright = (c < 4) === (label[i] === 0);
        images[i * 64 + r * 8 + c] = Math.max(0, Math.min(255, (bright ? 200 : 40) + 30 * rng.normal()));
      }
    }
  }
  return { n, height: 8, width: 8, channels: 1, images, labels: { label } };
}

Deno.test("softmaxCrossEntropy: matches a double-precision reference", () => {
  const logits = [[1, 2, 0.5], [-1, 0, 3]], labels = [1, 2];
  const ref =
    logits.reduce((s, l, i) => s + Math.log(l.reduce((t, v) => t + Math.exp(v), 0)) - l[labels[i]], 0) / 2;
  const got = tf.tidy(() => softmaxCrossEntropy(tf.tensor2d(logits), labels).dataSync()[0]);
  assert(Math.abs(got - ref) < 1e-6 * ref);
  assertThrows(() => tf.tidy(() => softmaxCrossEntropy(tf.tensor2d(logits), [0, 3])), Error, "not a class");
});

Deno.test("finetune: learns a trivially separable task end to end, deterministically, without leaks", async () => {
  const rng = new Rng(1);
  const train = halves(64, rng), test = halves(40, rng);
  const run = async () => {
    const r = new Rng(7);
    const encoder = cnn3(r, { inChannels: 1, widths: [4, 8, 8] });
    const head = linearHead(r, encoder.outDim, 2);
    const before = tf.memory().numTensors;
    const res = await finetune({ encoder, head, train, test, steps: 40, lr: 0.1, batchSize: 16, seed: 3 });
    assertEquals(tf.memory().numTensors, before);
    encoder.dispose();
    head.dispose();
    return res;
  };
  const a = await run();
  assertGreater(a.accuracy.mean, 0.9);
  assertEquals(a.accuracy.n, 40);
  assertLess(a.losses.at(-1)!, a.losses[0]);
  const b = await run();
  assertEquals(a.losses, b.losses);
});
