import { assertEquals } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { hsvToRgb, hueValueChroma, rgbToHsv } from "../../lib/augment/hsv.ts";
import { assertAllClose, assertNoLeak, randomImages, take, useBackend } from "./_helpers.ts";

await useBackend("cpu");

Deno.test("rgbToHsv: known colours", () => {
  const colours = [[1, 0, 0], [0, 1, 0], [0, 0, 1], [0.5, 0.5, 0.5], [1, 0.5, 0], [0, 0, 0], [0.2, 0.4, 0.8]];
  const x = tf.tensor4d(colours.flat(), [1, 1, colours.length, 3]);
  const expected = [
    [0, 1, 1],
    [1 / 3, 1, 1],
    [2 / 3, 1, 1],
    [0, 0, 0.5],
    [30 / 360, 1, 1],
    [0, 0, 0],
    [220 / 360, 0.75, 0.8],
  ];
  assertAllClose(take(rgbToHsv(x)), expected.flat(), 1e-6);
  x.dispose();
});

Deno.test("hsvToRgb inverts rgbToHsv; hue of a hue-wrapped input is the same colour", () => {
  const x = randomImages(4, 3, 5, 5);
  const hsv = rgbToHsv(x);
  assertAllClose(take(hsvToRgb(hsv)), x.dataSync(), 2e-6);
  const shifted = tf.add(hsv, tf.tensor1d([2, 0, 0])) as tf.Tensor4D; // hue + 2 turns
  assertAllClose(take(hsvToRgb(shifted)), x.dataSync(), 2e-6);
  assertNoLeak(() => rgbToHsv(x));
  assertNoLeak(() => hsvToRgb(hsv));
  const { h, v, c } = hueValueChroma(x);
  assertEquals(h.shape, [3, 5, 5, 1]);
  [h, v, c, hsv, shifted, x].forEach((t) => t.dispose());
});
