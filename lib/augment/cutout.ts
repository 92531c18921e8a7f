/**
 * Cutout (DeVries & Taylor 2017; one of SimCLR's Figure 5 transforms): per sample, a square of side `size`
 * centred on a uniformly random pixel is erased (set to `fill`), clipped at the image border.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages, assertProbability } from "./common.ts";
import type { CropBox } from "./crop.ts";

/** Options of {@link cutout}. */
export interface CutoutOptions {
  /** Side of the square: a fraction of the image height if < 1 (default 0.5), else pixels. */
  size?: number;
  /** Probability of erasing a square in each sample; default 1. */
  p?: number;
  /** Value written into the square; default 0. */
  fill?: number;
}

/** Side of the cutout square in pixels for an image of height `h`. */
export function cutoutSide(h: number, size = 0.5): number {
  if (!(size > 0 && Number.isFinite(size))) throw new Error(`cutout: size must be > 0, got ${size}`);
  return size < 1 ? Math.max(1, Math.round(size * h)) : Math.round(size);
}

/**
 * Draw the erased rectangle of each sample (null where the sample is left alone). Rectangles are the square
 * clipped to the image, so they may be smaller near the border.
 */
export function sampleCutoutBoxes(
  rng: Rng,
  n: number,
  height: number,
  width: number,
  opts: CutoutOptions = {},
): (CropBox | null)[] {
  const p = opts.p ?? 1;
  assertProbability(p, "cutout");
  const side = cutoutSide(height, opts.size);
  const out: (CropBox | null)[] = [];
  for (let i = 0; i < n; i++) {
    const apply = rng.bernoulli(p);
    const cy = rng.int(height), cx = rng.int(width);
    const y0 = Math.max(0, cy - Math.floor(side / 2)), x0 = Math.max(0, cx - Math.floor(side / 2));
    const y1 = Math.min(height, cy - Math.floor(side / 2) + side),
      x1 = Math.min(width, cx - Math.floor(side / 2) + side);
    out.push(apply ? { top: y0, left: x0, height: y1 - y0, width: x1 - x0 } : null);
  }
  return out;
}

/** Erase a random square in each sample (see module doc). */
export function cutout(x: Tensor4D, rng: Rng, opts: CutoutOptions = {}): Tensor4D {
  assertImages(x, "cutout");
  const [b, h, w] = x.shape;
  const fill = opts.fill ?? 0;
  if (!Number.isFinite(fill)) throw new Error(`cutout: fill must be finite, got ${fill}`);
  const boxes = sampleCutoutBoxes(rng, b, h, w, opts);
  if (boxes.every((bx) => bx === null)) return x.clone();
  const mask = new Uint8Array(b * h * w);
  boxes.forEach((bx, i) => {
    if (!bx) return;
    for (let y = bx.top; y < bx.top + bx.height; y++) {
      mask.fill(1, i * h * w + y * w + bx.left, i * h * w + y * w + bx.left + bx.width);
    }
  });
  // x·(1 - m) + fill·m with m ∈ {0, 1}: exact, and cheaper on wasm than a broadcast tf.where.
  return tf.tidy(() => {
    const m = tf.tensor4d(Float32Array.from(mask), [b, h, w, 1]);
    return tf.add(tf.mul(x, tf.sub(1, m)), tf.mul(m, fill));
  });
}
