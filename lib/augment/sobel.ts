/**
 * Sobel filtering (one of SimCLR's Figure 5 transforms): the gradient magnitude `sqrt(gx² + gy²)` of the
 * grayscale image, computed with the 3×3 Sobel kernels on a reflect-padded border (as `tf.image.sobel_edges`),
 * scaled into [0, 1] and replicated to the input's channel count.
 *
 * Scaling: `"bound"` (default) divides by 4√2, an upper bound of the magnitude for images in [0, 1], so the
 * map is a fixed linear function of the gradients; `"max"` divides each sample by its own maximum (if > 0).
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import { assertImages } from "./common.ts";
import { luma } from "./grayscale.ts";

/** Options of {@link sobel}. */
export interface SobelOptions {
  /** How the magnitude is scaled into [0, 1]; default "bound". */
  normalize?: "bound" | "max";
}

/** Horizontal Sobel kernel (cross-correlation; responds to intensity increasing to the right). */
export const SOBEL_X: readonly (readonly number[])[] = [[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]];
/** Vertical Sobel kernel (responds to intensity increasing downwards). */
export const SOBEL_Y: readonly (readonly number[])[] = [[-1, -2, -1], [0, 0, 0], [1, 2, 1]];

/** Gradients of the grayscale image: [B, H, W, 2] holding gx and gy (reflect padding, unscaled). */
export function sobelGradients(x: Tensor4D): Tensor4D {
  assertImages(x, "sobel", [1, 3]);
  const [, h, w] = x.shape;
  if (h < 2 || w < 2) throw new Error(`sobel: images must be at least 2x2, got ${h}x${w}`);
  return tf.tidy(() => {
    const g = tf.mirrorPad(luma(x), [[0, 0], [1, 1], [1, 1], [0, 0]], "reflect");
    const k = new Float32Array(18);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        k[(i * 3 + j) * 2] = SOBEL_X[i][j];
        k[(i * 3 + j) * 2 + 1] = SOBEL_Y[i][j];
      }
    }
    return tf.conv2d(g, tf.tensor4d(k, [3, 3, 1, 2]), 1, "valid");
  });
}

/** Sobel gradient magnitude of the grayscale image, in [0, 1], with the input's channel count. */
export function sobel(x: Tensor4D, opts: SobelOptions = {}): Tensor4D {
  assertImages(x, "sobel", [1, 3]);
  const norm = opts.normalize ?? "bound";
  if (norm !== "bound" && norm !== "max") {
    throw new Error(`sobel: normalize must be "bound" or "max", got ${norm}`);
  }
  return tf.tidy(() => {
    const mag = tf.sqrt(tf.sum(tf.square(sobelGradients(x)), 3, true));
    let out: tf.Tensor;
    if (norm === "bound") out = tf.div(mag, 4 * Math.SQRT2);
    else {
      const m = tf.max(mag, [1, 2, 3], true);
      out = tf.div(mag, tf.where(tf.greater(m, 0), m, tf.onesLike(m)));
    }
    out = tf.clipByValue(out, 0, 1);
    return (x.shape[3] === 1 ? out : tf.mul(out, tf.ones([1, 1, 1, x.shape[3]]))) as Tensor4D;
  });
}
