/**
 * Batched, seeded image augmentations on NHWC float32 images in [0, 1]: SimCLR's crop / flip / colour
 * distortion / blur, the Figure 5 ablation transforms (cutout, Sobel, noise, rotation), and PIRL's jigsaw.
 *
 * @module
 */
export * from "./common.ts";
export * from "./crop.ts";
export * from "./flip.ts";
export * from "./hsv.ts";
export * from "./grayscale.ts";
export * from "./color.ts";
export * from "./color_fused.ts";
export * from "./blur.ts";
export * from "./cutout.ts";
export * from "./sobel.ts";
export * from "./noise.ts";
export * from "./rotate.ts";
export * from "./permutations.ts";
export * from "./jigsaw.ts";
export * from "./pipeline.ts";
