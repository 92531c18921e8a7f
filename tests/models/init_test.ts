import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import {
  heNormalValues,
  makeVariable,
  sizeOf,
  truncatedNormalValues,
  uniformValues,
} from "../../lib/models/init.ts";
import { useCpu } from "./_helpers.ts";

await useCpu();

const std = (a: Float32Array) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0) / a.length);

Deno.test("sizeOf multiplies dimensions and rejects bad shapes", () => {
  assertEquals([sizeOf([]), sizeOf([3, 4]), sizeOf([2, 0])], [1, 12, 0]);
  assertThrows(() => sizeOf([2, -1]), Error, "invalid shape");
});

Deno.test("initialisers: spread, bounds and seeding", () => {
  assertAlmostEquals(std(heNormalValues(new Rng(1), [100, 100], 50)), Math.sqrt(2 / 50), 0.005);
  const t = truncatedNormalValues(new Rng(2), [10000], 0.02);
  assert(t.every((v) => Math.abs(v) <= 0.04));
  // std of a N(0,1) truncated to ±2 is ≈ 0.8796
  assertAlmostEquals(std(t), 0.02 * 0.8796, 0.0005);
  const u = uniformValues(new Rng(3), [10000], 0.5);
  assert(u.every((v) => v >= -0.5 && v < 0.5));
  assertAlmostEquals(std(u), 0.5 / Math.sqrt(3), 0.01);
  assertEquals(Array.from(uniformValues(new Rng(4), [5], 1)), Array.from(uniformValues(new Rng(4), [5], 1)));
  assertThrows(() => heNormalValues(new Rng(1), [2], 0), Error, "fan must be positive");
});

Deno.test("makeVariable builds a float32 variable without leaking and checks the value count", () => {
  const before = tf.memory().numTensors;
  const v = makeVariable(2, [2, 3], false);
  assertEquals(tf.memory().numTensors, before + 1);
  assertEquals([v.shape, v.trainable, v.dtype], [[2, 3], false, "float32"]);
  assertEquals(Array.from(v.dataSync()), [2, 2, 2, 2, 2, 2]);
  assertThrows(() => makeVariable(new Float32Array(5), [2, 3]), Error, "do not fill shape");
  v.dispose();
});
