/**
 * Public entry of the self-supervised reproduction suite: everything a notebook needs.
 *
 * @module
 */
export { tf } from "./tf.ts";
export { Rng } from "./rng.ts";
export * from "./backend/mod.ts";
export * from "./data/mod.ts";
export * from "./papers.ts";
export * from "./paths.ts";
export * from "./models/types.ts";
export * from "./models/init.ts";
export * from "./models/layers.ts";
export * from "./models/cnn3.ts";
export * from "./models/resnet.ts";
export * from "./models/vit.ts";
export * from "./models/heads.ts";
export * from "./models/tokens.ts";
export * from "./models/transformer.ts";
export * from "./train/types.ts";
export * from "./train/optimizers.ts";
export * from "./train/schedules.ts";
export * from "./train/checkpoint.ts";
export * from "./train/loop.ts";
export * from "./train/progress.ts";
export * from "./train/ema.ts";
export * from "./augment/mod.ts";
