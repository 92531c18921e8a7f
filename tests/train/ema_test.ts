import { assertEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { copyVariables, emaUpdate } from "../../lib/train/ema.ts";
import { vit } from "../../lib/models/vit.ts";

await tf.setBackend("cpu");

Deno.test("emaUpdate computes m·target + (1-m)·source and leaks nothing", () => {
  const t = { w: tf.variable(tf.tensor1d([1, 2])) }, s = { w: tf.variable(tf.tensor1d([3, -2])) };
  const before = tf.memory().numTensors;
  emaUpdate(t, s, 0.75);
  assertEquals(tf.memory().numTensors, before);
  assertLess(Math.abs(t.w.dataSync()[0] - 1.5) + Math.abs(t.w.dataSync()[1] - 1), 1e-6);
  assertThrows(() => emaUpdate(t, {}, 0.5), Error, 'source lacks variable "w"');
  assertThrows(() => emaUpdate(t, { w: tf.variable(tf.zeros([3])) }, 0.5), Error, "has shape");
  assertThrows(() => emaUpdate(t, s, 1.5), Error, "momentum");
  tf.dispose([t.w, s.w]);
});

Deno.test("copyVariables makes a momentum encoder identical to its student", () => {
  const student = vit(new Rng(1), { imageSize: 8, patchSize: 4, dim: 4, depth: 1, heads: 1 });
  const teacher = vit(new Rng(2), { imageSize: 8, patchSize: 4, dim: 4, depth: 1, heads: 1 });
  copyVariables(teacher.namedVariables(), student.namedVariables());
  const x = tf.randomUniform([1, 8, 8, 3], 0, 1, "float32", 3) as tf.Tensor4D;
  const a = tf.tidy(() => student.apply(x, { training: false }).h),
    b = tf.tidy(() => teacher.apply(x, { training: false }).h);
  assertEquals(Array.from(a.dataSync()), Array.from(b.dataSync()));
  tf.dispose([x, a, b]);
  student.dispose();
  teacher.dispose();
});
