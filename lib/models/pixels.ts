/**
 * The raw-pixel "encoder": h is the image itself, flattened (optionally average-pooled first), with nothing to
 * train. A linear probe on it is the floor any learned representation should clear, beside the randomly
 * initialised encoder: together they say how much of an accuracy comes from the pixels, how much from the
 * architecture, and how much from training.
 *
 * @example
 * ```ts
 * import { tf } from "../tf.ts";
 * import { pixelEncoder } from "./pixels.ts";
 * const enc = pixelEncoder(16, 3, { pool: 2 }); // 16×16×3 images → 8·8·3 = 192 features
 * const h = tf.tidy(() => enc.apply(tf.zeros([4, 16, 16, 3]), { training: false }).h); // [4, 192]
 * ```
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Encoder, EncoderOutput } from "./types.ts";

/**
 * An encoder whose representation is the (average-pooled) pixels.
 * @param size the side of the square images it will see.
 * @param channels their channels.
 * @param opts.pool average-pool by this factor first (default 1: every pixel); must divide `size`.
 */
export function pixelEncoder(size: number, channels: number, opts: { pool?: number } = {}): Encoder {
  const pool = opts.pool ?? 1;
  if (!(Number.isInteger(pool) && pool >= 1 && size % pool === 0)) {
    throw new Error(
      `pixelEncoder: pool must be a positive integer dividing the image size ${size}, got ${pool}`,
    );
  }
  const side = size / pool;
  return {
    name: `pixels-${side}x${side}x${channels}`,
    outDim: side * side * channels,
    apply(x: tf.Tensor4D): EncoderOutput {
      if (x.shape[1] !== size || x.shape[2] !== size || x.shape[3] !== channels) {
        throw new Error(`pixelEncoder: expected [B, ${size}, ${size}, ${channels}] images, got [${x.shape}]`);
      }
      return tf.tidy(() => {
        const p = pool > 1 ? tf.avgPool(x, pool, pool, "valid") : x;
        return { h: tf.reshape(p, [x.shape[0], side * side * channels]) as tf.Tensor2D, stages: [] };
      });
    },
    trainableVariables: () => [],
    namedVariables: () => ({}),
    dispose() {},
  };
}
