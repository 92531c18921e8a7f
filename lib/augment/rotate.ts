/**
 * Rotation by multiples of 90° (RotNet's pretext task, Gidaris et al. 2018; a SimCLR Table 3 / Figure 5
 * transform). Label k means a counter-clockwise rotation by k·90° (as `np.rot90(img, k)`); the labels are
 * returned with the images so they can serve as pretext targets.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages } from "./common.ts";

/** Images with their rotation labels (0..3, counter-clockwise quarter turns). */
export interface RotatedBatch {
  /** The rotated images. */
  images: Tensor4D;
  /** Quarter turns applied to each image. */
  labels: Int32Array;
}

/** Rotate a whole batch by k quarter turns counter-clockwise. */
function rotAll(x: Tensor4D, k: number): Tensor4D {
  return tf.tidy(() => {
    switch (((k % 4) + 4) % 4) {
      case 0:
        return x.clone();
      // Built from flipLeftRight and transposes, which are much faster on wasm than tf.reverse.
      case 1: // out[i, j] = in[j, W-1-i]
        return tf.transpose(tf.image.flipLeftRight(x), [0, 2, 1, 3]) as Tensor4D;
      case 2: // out[i, j] = in[H-1-i, W-1-j]
        return rotAll(rotAll(x, 1), 1);
      default: // out[i, j] = in[H-1-j, i]
        return tf.image.flipLeftRight(tf.transpose(x, [0, 2, 1, 3]) as Tensor4D);
    }
  });
}

/**
 * Rotate sample i by `k[i]` quarter turns counter-clockwise (one k for all, or one per sample). Mixed odd and
 * even k need square images, since a quarter turn swaps height and width.
 */
export function rot90(x: Tensor4D, k: number | readonly number[]): Tensor4D {
  assertImages(x, "rot90");
  const [b, h, w] = x.shape;
  const ks = typeof k === "number" ? new Array<number>(b).fill(k) : [...k];
  if (ks.length !== b) throw new Error(`rot90: got ${ks.length} rotations for a batch of ${b}`);
  if (!ks.every(Number.isInteger)) throw new Error(`rot90: rotations must be integers, got ${ks}`);
  const q = ks.map((v) => ((v % 4) + 4) % 4);
  if (q.every((v) => v === q[0])) return rotAll(x, q[0]);
  if (h !== w && q.some((v) => v % 2 !== q[0] % 2)) {
    throw new Error(`rot90: per-sample rotations mixing 90° and 180° need square images, got ${h}x${w}`);
  }
  return tf.tidy(() => {
    const used = [...new Set(q)].sort();
    const all = tf.concat(used.map((r) => rotAll(x, r)), 0);
    return tf.gather(all, Int32Array.from(q, (r, i) => used.indexOf(r) * b + i)) as Tensor4D;
  });
}

/** Rotate each sample by a uniformly random multiple of 90° and return the labels. */
export function randomRot90(x: Tensor4D, rng: Rng): RotatedBatch {
  assertImages(x, "randomRot90");
  const labels = Int32Array.from({ length: x.shape[0] }, () => rng.int(4));
  return { images: rot90(x, [...labels]), labels };
}

/** RotNet batch: all four rotations of every sample, [4B, ...] ordered by rotation then sample. */
export function allRotations(x: Tensor4D): RotatedBatch {
  assertImages(x, "allRotations");
  const [b, h, w] = x.shape;
  if (h !== w) throw new Error(`allRotations: needs square images, got ${h}x${w}`);
  const images = tf.tidy(() => tf.concat([0, 1, 2, 3].map((r) => rotAll(x, r)), 0));
  return { images, labels: Int32Array.from({ length: 4 * b }, (_, i) => Math.floor(i / b)) };
}
