import { assertEquals } from "@std/assert";
import * as aug from "../../lib/augment/mod.ts";

Deno.test("lib/augment/mod.ts re-exports the augmentation API", () => {
  const names = [
    "randomResizedCrop",
    "sampleCropBoxes",
    "randomFlip",
    "colorJitter",
    "colorDistortion",
    "colorDistortionFused",
    "colorDistortionTensorOps",
    "fusedColorDistortion",
    "randomFlipFused",
    "isCpuBackend",
    "adjustHue",
    "rgbToHsv",
    "randomGrayscale",
    "randomGaussianBlur",
    "cutout",
    "sobel",
    "gaussianNoise",
    "rot90",
    "randomRot90",
    "maxHammingPermutations",
    "jigsaw",
    "reassembleJigsaw",
    "compose",
    "pipelineFor",
    "simclrAugment",
    "twoViews",
    "ablationPipelines",
  ];
  for (const n of names) assertEquals(typeof (aug as Record<string, unknown>)[n], "function", n);
});
