/**
 * The two inputs of a PIRL training example, as in the paper's §4.1 (scaled to 32-px images):
 *
 * - the whole-image view v_I: random resized crop (area `cfg.cropScale`) resized to `cfg.imageSize`, horizontal
 *   flip, colour distortion of strength `cfg.colorStrength` (SimCLR's pipeline, `lib/augment/pipeline.ts`);
 * - the jigsaw transform I^t: a random resized crop of at least 60% of the image resized to
 *   `cfg.jigsaw.cropSize`, cut into a 3×3 grid with one `tile`-px patch at a random offset in each cell, each
 *   patch colour-distorted on its own, the 9 patches shuffled by a permutation of the max-Hamming set
 *   (`lib/augment/jigsaw.ts`, `lib/augment/permutations.ts`).
 *
 * Every random draw comes from the given {@link Rng}, so a seed replays the inputs exactly.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { Tensor4D } from "../../tf.ts";
import type { Rng } from "../../rng.ts";
import { randomResizedCrop } from "../../augment/crop.ts";
import { simclrPipeline } from "../../augment/pipeline.ts";
import { jigsaw, type JigsawBatch } from "../../augment/jigsaw.ts";
import { maxHammingPermutations } from "../../augment/permutations.ts";
import type { PirlConfig } from "./config.ts";

/** The permutation set of a config (max-min Hamming, seed 0; memoised by `maxHammingPermutations`). */
export function permutationSet(cfg: PirlConfig): number[][] {
  return maxHammingPermutations(cfg.jigsaw.permutations).perms;
}

/** The whole-image view v_I of a batch of full images, [B, imageSize, imageSize, C] (caller owns it). */
export function imageView(x: Tensor4D, rng: Rng, cfg: PirlConfig): Tensor4D {
  return simclrPipeline({ size: cfg.imageSize, strength: cfg.colorStrength, scale: cfg.cropScale })(x, rng);
}

/**
 * The jigsaw transform of a batch of full images: shuffled patches [B, 9, tile, tile, C] with the index of the
 * permutation of each sample (caller disposes `patches`).
 */
export function jigsawView(x: Tensor4D, rng: Rng, cfg: PirlConfig, perms: number[][]): JigsawBatch {
  const j = cfg.jigsaw;
  const crop = randomResizedCrop(x, rng, { size: j.cropSize, scale: j.cropScale });
  try {
    return jigsaw(crop, rng, {
      perms,
      tile: j.tile,
      color: j.colorStrength > 0 ? { strength: j.colorStrength } : false,
    });
  } finally {
    crop.dispose();
  }
}

/** Flatten patches [B, n, t, t, C] to a batch of images [B·n, t, t, C] for the shared encoder. */
export function patchBatch(patches: tf.Tensor5D): Tensor4D {
  const [b, n, t, t2, c] = patches.shape;
  return tf.reshape(patches, [b * n, t, t2, c]) as Tensor4D;
}
