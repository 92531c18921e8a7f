/**
 * Turning images of a split into a model input: a float32 NHWC tensor in [0, 1], optionally resized
 * (bilinear, half-pixel centres) and converted grey -> RGB (or RGB -> grey), all inside one `tf.tidy`.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { imageBytes, type Split } from "./types.ts";

/** Options of `toBatch`. */
export interface BatchOptions {
  /** Output side length; resized bilinearly when different from the split's (default: unchanged). */
  size?: number;
  /** Output channels: 3 replicates grey images, 1 converts RGB to luma (default: unchanged). */
  channels?: 1 | 3;
}

/**
 * Gather images `indices` of `split` into a float32 [B, H, W, C] tensor scaled to [0, 1].
 * The caller owns (and must dispose) the returned tensor.
 */
export function toBatch(split: Split, indices: ArrayLike<number>, opts: BatchOptions = {}): tf.Tensor4D {
  const bytes = imageBytes(split);
  const b = indices.length;
  const data = new Float32Array(b * bytes);
  const inv = 1 / 255;
  for (let j = 0; j < b; j++) {
    const i = indices[j];
    if (!Number.isInteger(i) || i < 0 || i >= split.n) {
      throw new Error(`toBatch: index ${i} at position ${j} is out of range 0..${split.n - 1}`);
    }
    const src = split.images.subarray(i * bytes, (i + 1) * bytes);
    const off = j * bytes;
    for (let k = 0; k < bytes; k++) data[off + k] = src[k] * inv;
  }
  const { size, channels } = opts;
  if (size !== undefined && !(Number.isInteger(size) && size >= 1)) {
    throw new Error(`toBatch: size must be a positive integer, got ${size}`);
  }
  if (channels !== undefined && channels !== 1 && channels !== 3) {
    throw new Error(`toBatch: channels must be 1 or 3, got ${channels}`);
  }
  return tf.tidy(() => {
    let x: tf.Tensor4D = tf.tensor4d(data, [b, split.height, split.width, split.channels], "float32");
    if (size !== undefined && (size !== split.height || size !== split.width)) {
      x = tf.image.resizeBilinear(x, [size, size], false, true);
    }
    if (channels !== undefined && channels !== split.channels) {
      if (channels === 3) x = tf.tile(x, [1, 1, 1, 3]);
      else {
        x = tf.sum(tf.mul(x, tf.tensor1d([0.299, 0.587, 0.114])), -1, true) as tf.Tensor4D;
      }
    }
    return x;
  });
}
