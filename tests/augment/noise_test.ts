import { assert, assertAlmostEquals, assertEquals, assertNotEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { gaussianNoise } from "../../lib/augment/noise.ts";
import { assertInRange, assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

Deno.test("gaussianNoise: moments of the added noise, per-sample std range", () => {
  const x = tf.fill([4, 16, 16, 3], 0.5) as tf.Tensor4D;
  const v = take(gaussianNoise(x, new Rng(1), { std: 0.05 }));
  let s = 0, s2 = 0;
  for (const a of v) {
    s += a - 0.5;
    s2 += (a - 0.5) ** 2;
  }
  assertAlmostEquals(s / v.length, 0, 0.005);
  assertAlmostEquals(Math.sqrt(s2 / v.length), 0.05, 0.003);
  const r = take(gaussianNoise(x, new Rng(2), { std: [0, 0.1] }));
  const stds = [0, 1, 2, 3].map((b) => {
    const seg = r.slice(b * 768, (b + 1) * 768);
    return Math.sqrt(seg.reduce((a, y) => a + (y - 0.5) ** 2, 0) / seg.length);
  });
  assert(stds.every((d) => d <= 0.11) && new Set(stds.map((d) => d.toFixed(3))).size === 4, `${stds}`);
  x.dispose();
});

Deno.test("gaussianNoise: std 0 / p=0 identity, range, determinism, no leaks", () => {
  const x = randomImages(3, 2, 8, 8);
  const xv = take(x.clone());
  assertEquals(take(gaussianNoise(x, new Rng(1), { std: 0 })), xv);
  assertEquals(take(gaussianNoise(x, new Rng(1), { p: 0 })), xv);
  const a = take(gaussianNoise(x, new Rng(1), { std: 0.3 }));
  assertInRange(a);
  assertEquals(a, take(gaussianNoise(x, new Rng(1), { std: 0.3 })));
  assertNotEquals(a, take(gaussianNoise(x, new Rng(2), { std: 0.3 })));
  assertNoLeak(() => gaussianNoise(x, new Rng(4)));
  assertThrows(() => gaussianNoise(x, new Rng(1), { std: -1 }), Error, "std");
  x.dispose();
});
