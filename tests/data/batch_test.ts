import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { toBatch } from "../../lib/data/batch.ts";
import type { Split } from "../../lib/data/types.ts";

const grey: Split = {
  n: 3,
  height: 2,
  width: 2,
  channels: 1,
  images: Uint8Array.from([0, 51, 102, 255, 10, 20, 30, 40, 1, 2, 3, 4]),
  labels: { label: Int32Array.from([0, 1, 2]) },
};

Deno.test("toBatch gathers, scales to [0, 1] and replicates grey to RGB without leaking tensors", () => {
  const before = tf.memory().numTensors;
  const x = toBatch(grey, [2, 0]);
  assertEquals(x.shape, [2, 2, 2, 1]);
  const v = x.dataSync();
  assertAlmostEquals(v[0], 1 / 255, 1e-7);
  assertAlmostEquals(v[7], 1, 1e-7);
  const rgb = toBatch(grey, Int32Array.from([0]), { channels: 3 });
  assertEquals(rgb.shape, [1, 2, 2, 3]);
  assertEquals(Array.from(rgb.dataSync()).map((a) => Math.round(a * 255)), [
    0,
    0,
    0,
    51,
    51,
    51,
    102,
    102,
    102,
    255,
    255,
    255,
  ]);
  const up = toBatch(grey, [1], { size: 4, channels: 3 });
  assertEquals(up.shape, [1, 4, 4, 3]);
  // bilinear upsampling of a 2x2 image keeps the mean of a symmetric ramp and the corner values
  const u = up.dataSync();
  assertAlmostEquals(u[0], 10 / 255, 1e-6);
  assertAlmostEquals(u[u.length - 1], 40 / 255, 1e-6);
  tf.dispose([x, rgb, up]);
  assertEquals(tf.memory().numTensors, before);
});

Deno.test("toBatch converts RGB to luma and rejects bad indices", () => {
  const rgb: Split = {
    n: 1,
    height: 1,
    width: 1,
    channels: 3,
    images: Uint8Array.from([255, 0, 0]),
    labels: {},
  };
  const g = toBatch(rgb, [0], { channels: 1 });
  assertAlmostEquals(g.dataSync()[0], 0.299, 1e-6);
  g.dispose();
  assertThrows(() => toBatch(grey, [3]), Error, "index 3 at position 0 is out of range 0..2");
  assertThrows(() => toBatch(grey, [0.5]), Error, "out of range");
});
