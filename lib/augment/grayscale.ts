/**
 * Grayscale conversion (SimCLR's "colour drop"): luma `Y = 0.2989 R + 0.5870 G + 0.1140 B` (the ITU-R BT.601
 * weights that `tf.image.rgb_to_grayscale` uses), replicated to three channels so the shape is unchanged.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages, assertProbability, drawMask, whereSamples } from "./common.ts";

/** Luma weights for R, G, B (as `tf.image.rgb_to_grayscale`). */
export const LUMA_WEIGHTS: readonly [number, number, number] = [0.2989, 0.587, 0.114];

/** Options of {@link randomGrayscale}. */
export interface GrayscaleOptions {
  /** Probability of converting each sample; default 0.2 (SimCLR). */
  p?: number;
}

/** The luma of RGB images as a single channel: [B, H, W, 3] -> [B, H, W, 1]. One-channel input is copied. */
export function luma(x: Tensor4D): Tensor4D {
  assertImages(x, "luma", [1, 3]);
  if (x.shape[3] === 1) return x.clone();
  const [b, h, w] = x.shape;
  return tf.tidy(() =>
    tf.reshape(tf.matMul(tf.reshape(x, [b * h * w, 3]), tf.tensor2d([...LUMA_WEIGHTS], [3, 1])), [b, h, w, 1])
  );
}

/** Grayscale RGB images, keeping three (equal) channels. */
export function grayscale(x: Tensor4D): Tensor4D {
  assertImages(x, "grayscale", [3]);
  return tf.tidy(() => tf.mul(luma(x), tf.ones([1, 1, 1, 3])));
}

/** Convert each sample to grayscale (3 equal channels) with probability `p`. */
export function randomGrayscale(x: Tensor4D, rng: Rng, opts: GrayscaleOptions = {}): Tensor4D {
  assertImages(x, "randomGrayscale", [3]);
  const p = opts.p ?? 0.2;
  assertProbability(p, "randomGrayscale");
  const mask = drawMask(rng, x.shape[0], p);
  if (!mask.some((m) => m)) return x.clone();
  return tf.tidy(() => whereSamples(mask, grayscale(x), x));
}
