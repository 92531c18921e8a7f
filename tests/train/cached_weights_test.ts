import { assertEquals } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { cachedTrainedWeights, lossCurve } from "../../lib/train/cached_weights.ts";

Deno.test("cachedTrainedWeights: trains once, then restores the same weights, losses and info", async () => {
  await tf.setBackend("cpu");
  const dir = await Deno.makeTempDir();
  try {
    let trainings = 0, disposed = 0;
    const train = () => {
      trainings++;
      const init = tf.tensor2d([[1, 2], [3, 4]]);
      const w = tf.variable(init, true, `w${trainings}`);
      init.dispose();
      return Promise.resolve({
        variables: { "layer.w": w },
        losses: [2, NaN, 1],
        info: { steps: 3, status: "done" as const, seconds: 0.5, extra: { z: 2.5, none: null } },
        dispose: () => {
          disposed++;
          w.dispose();
        },
      });
    };
    const before = tf.memory().numTensors;
    const seen: number[][] = [];
    const restore = (weights: Record<string, tf.Tensor>) => {
      assertEquals(Object.keys(weights), ["layer.w"]); // no _losses / _info.*
      seen.push(Array.from(weights["layer.w"].dataSync()));
    };
    const key = { what: "cached-weights-test" };
    const a = await cachedTrainedWeights(key, train, restore, { dir });
    const b = await cachedTrainedWeights(key, train, restore, { dir });
    assertEquals([trainings, disposed], [1, 1]);
    assertEquals(a, {
      losses: [2, 1],
      info: { steps: 3, status: "done", seconds: 0.5, extra: { z: 2.5, none: null } },
    });
    assertEquals(b, a);
    assertEquals(seen, [[1, 2, 3, 4], [1, 2, 3, 4]]);
    assertEquals(tf.memory().numTensors, before, "no tensors leak");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("lossCurve: window means of about `points` windows", () => {
  assertEquals(lossCurve([1, 3, 5, 7], 2), [[0, 2], [2, 6]]);
  assertEquals(lossCurve([], 5), []);
  assertEquals(lossCurve([1, 2, 3, 4], 2), [[0, 1.5], [2, 3.5]]);
  assertEquals(lossCurve([]), []);
});
