/**
 * Random horizontal flip: each sample is mirrored left-right independently with probability `p`
 * (SimCLR: p = 0.5).
 *
 * Two implementations with bit-identical results and the same draws (the mask is drawn on the JS side first):
 * on the CPU backends (`cpu`, `wasm`; {@link isCpuBackend}) one pass in plain JS over the data reverses the
 * rows of the flipped samples and copies the others ({@link randomFlipFused}: one read, one upload); elsewhere
 * `tf.image.flipLeftRight` of the batch and a per-sample select ({@link randomFlipTensorOps}). On the pure-JS
 * `cpu` backend the select alone costs ~20 ms for 64 × 16×16×3 images (its broadcast arithmetic is slow).
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages, assertProbability, drawMask, isCpuBackend, whereSamples } from "./common.ts";

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

function drawFlips(x: Tensor4D, rng: Rng, opts: FlipOptions): boolean[] {
  assertImages(x, "randomFlip");
  const p = opts.p ?? 0.5;
  assertProbability(p, "randomFlip");
  return drawMask(rng, x.shape[0], p);
}

/**
 * Flip each sample left-right with probability `p` (one Bernoulli draw per sample from `rng`). Fused single
 * pass on the CPU backends, tensor ops elsewhere (see the module doc).
 */
export function randomFlip(x: Tensor4D, rng: Rng, opts: FlipOptions = {}): Tensor4D {
  return isCpuBackend() ? randomFlipFused(x, rng, opts) : randomFlipTensorOps(x, rng, opts);
}

/** {@link randomFlip} with tensor ops (any backend; the path used on webgpu and tensorflow). */
export function randomFlipTensorOps(x: Tensor4D, rng: Rng, opts: FlipOptions = {}): Tensor4D {
  const mask = drawFlips(x, rng, opts);
  if (!mask.some((m) => m)) return x.clone();
  return tf.tidy(() => whereSamples(mask, tf.image.flipLeftRight(x), x));
}

/** {@link randomFlip} as one pass in plain JS over the data (any backend; meant for `cpu` and `wasm`). */
export function randomFlipFused(x: Tensor4D, rng: Rng, opts: FlipOptions = {}): Tensor4D {
  return flipSamples(x, drawFlips(x, rng, opts));
}

/**
 * Mirror left-right the samples with `mask[i]` and copy the others bit for bit, in one pass over the data read
 * synchronously (meant for the CPU backends). Returns a new tensor; `x` is not disposed.
 */
export function flipSamples(x: Tensor4D, mask: readonly boolean[]): Tensor4D {
  assertImages(x, "flipSamples");
  const [b, h, w, c] = x.shape;
  if (mask.length !== b) throw new Error(`flipSamples: mask has ${mask.length} entries for a batch of ${b}`);
  const src = x.dataSync() as Float32Array;
  const dst = new Float32Array(src.length);
  const row = w * c;
  for (let s = 0; s < b; s++) {
    const off = s * h * row;
    if (!mask[s]) {
      dst.set(src.subarray(off, off + h * row), off);
      continue;
    }
    for (let y = 0; y < h; y++) {
      const r0 = off + y * row;
      for (let col = 0; col < w; col++) {
        const from = r0 + col * c, to = r0 + (w - 1 - col) * c;
        for (let k = 0; k < c; k++) dst[to + k] = src[from + k];
      }
    }
  }
  return tf.tensor4d(dst, [b, h, w, c]);
}
