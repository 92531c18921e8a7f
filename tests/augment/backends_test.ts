/**
 * Every augmentation gives the same result on the wasm backend as on the cpu reference (tolerance 1e-5), since
 * all random parameters are drawn on the JS side.
 */
import { assertEquals } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import * as aug from "../../lib/augment/mod.ts";
import { assertAllClose, randomImages, take, useBackend } from "./_helpers.ts";

const perms = aug.maxHammingPermutations(10).perms;

function runAll(): Record<string, Float32Array> {
  const out: Record<string, Float32Array> = {};
  const x = randomImages(42, 4, 20, 20);
  const r = (s: number) => new Rng(s);
  out.crop = take(aug.randomResizedCrop(x, r(1), { size: 14 }));
  out.flip = take(aug.randomFlip(x, r(2)));
  out.hsv = take(aug.rgbToHsv(x));
  out.hue = take(aug.adjustHue(x, [0.1, -0.3, 0.5, 1 / 3]));
  out.saturation = take(aug.adjustSaturation(x, [0, 0.5, 1.5, 3]));
  out.jitter = take(aug.colorJitter(x, r(3), { strength: 1, p: 1 }));
  out.distortion = take(aug.colorDistortion(x, r(4)));
  out.gray = take(aug.randomGrayscale(x, r(5), { p: 0.5 }));
  out.blur = take(aug.randomGaussianBlur(x, r(6), { p: 0.7, kernelSize: 5 }));
  out.blurZero = take(aug.gaussianBlur(x, [0.5, 1, 1.5, 2], { padding: "zero", kernelSize: 3 }));
  out.cutout = take(aug.cutout(x, r(7)));
  out.sobel = take(aug.sobel(x));
  out.sobelMax = take(aug.sobel(x, { normalize: "max" }));
  out.noise = take(aug.gaussianNoise(x, r(8)));
  const rot = aug.randomRot90(x, r(9));
  out.rotate = take(rot.images);
  out.allRot = take(aug.allRotations(x).images);
  const jig = aug.jigsaw(x, r(10), { perms, color: { strength: 0.5 } });
  out.jigsawGrid = take(aug.reassembleJigsaw(jig.patches, jig.permIndex, perms));
  out.jigsaw = take(jig.patches);
  const [v1, v2] = aug.twoViews(x, r(11), aug.simclrPipeline({ strength: 0.5, blur: true, size: 16 }));
  out.view1 = take(v1);
  out.view2 = take(v2);
  out.ablation = take(aug.pipelineFor(["crop", "cutout", "noise", "rotate"])(x, r(12)));
  x.dispose();
  return out;
}

Deno.test("augmentations: wasm matches cpu within 1e-5, without leaks on either", async () => {
  await useBackend("cpu");
  let before = tf.memory().numTensors;
  const cpu = runAll();
  assertEquals(tf.memory().numTensors, before, "cpu leak");
  await useBackend("wasm");
  before = tf.memory().numTensors;
  const wasm = runAll();
  assertEquals(tf.memory().numTensors, before, "wasm leak");
  await useBackend("cpu");
  for (const k of Object.keys(cpu)) assertAllClose(wasm[k], cpu[k], 1e-5, k);
});
