import { assert, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import {
  inferenceThroughput,
  makeStepper,
  median,
  stepSeconds,
} from "../../../lib/experiments/pcae/timing.ts";
import { buildEncoder } from "../../../lib/experiments/pcae/model.ts";
import { tiny } from "./_helpers.ts";

Deno.test("median: middle value, mean of the middle two, throws on empty", () => {
  assertEquals(median([3, 1, 2]), 2);
  assertEquals(median([4, 1, 3, 2]), 2.5);
  assertThrows(() => median([]));
});

Deno.test("inferenceThroughput: one positive rate per ratio; no tensors leak", async () => {
  const { cfg } = await tiny();
  const enc = buildEncoder(cfg, 0);
  const x = tf.zeros([4, cfg.imageSize, cfg.imageSize, 3]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const ips = await inferenceThroughput(enc, x, [0, 0.5], [1, 2], { warmup: 0, repeats: 1 });
  assertEquals(ips.length, 2);
  assert(ips.every((v) => v > 0 && Number.isFinite(v)));
  assertEquals(tf.memory().numTensors, before);
  x.dispose();
  enc.dispose();
});

Deno.test("makeStepper: a training step updates the student and leaves no tensors behind", async () => {
  const { cfg } = await tiny();
  const x = tf.randomUniform([4, cfg.imageSize, cfg.imageSize, 3]) as tf.Tensor4D;
  const s = makeStepper(cfg, "pcae", 0, x);
  await s.step();
  const before = tf.memory().numTensors;
  const secs = await s.step();
  assert(secs > 0);
  assertEquals(tf.memory().numTensors, before);
  s.dispose();
  x.dispose();
});

Deno.test("stepSeconds: one positive median per method and per swept mask ratio; no tensors leak", async () => {
  const { cfg } = await tiny();
  const x = tf.randomUniform([4, cfg.imageSize, cfg.imageSize, 3]) as tf.Tensor4D;
  const before = tf.memory().numTensors;
  const t = await stepSeconds(cfg, 0, x, { warmup: 0, repeats: 1 }, [0.5, 0.9]);
  assertEquals(t.sweep.length, 2);
  assert([t.mae, t.pcae, ...t.sweep].every((v) => v > 0 && Number.isFinite(v)));
  assertEquals(tf.memory().numTensors, before);
  assertEquals((await stepSeconds(cfg, 0, x, { warmup: 0, repeats: 1 })).sweep, []);
  x.dispose();
});
