/**
 * Random horizontal flip: each sample is mirrored left-right independently with probability `p`
 * (SimCLR: p = 0.5).
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages, assertProbability, drawMask, whereSamples } from "./common.ts";

/** Options of {@link randomFlip}. */
export interface FlipOptions {
  /** Probability of flipping each sample; default 0.5. */
  p?: number;
}

/** Mirror every sample left-right (reverse the width axis). */
export function flipLeftRight(x: Tensor4D): Tensor4D {
  assertImages(x, "flipLeftRight");
  return tf.tidy(() => tf.image.flipLeftRight(x));
}

/** Flip each sample left-right with probability `p` (one Bernoulli draw per sample from `rng`). */
export function randomFlip(x: Tensor4D, rng: Rng, opts: FlipOptions = {}): Tensor4D {
  assertImages(x, "randomFlip");
  const p = opts.p ?? 0.5;
  assertProbability(p, "randomFlip");
  const mask = drawMask(rng, x.shape[0], p);
  if (!mask.some((m) => m)) return x.clone();
  return tf.tidy(() => whereSamples(mask, tf.image.flipLeftRight(x), x));
}
