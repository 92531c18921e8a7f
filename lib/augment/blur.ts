/**
 * Gaussian blur with a per-sample σ, as in SimCLR (applied with p = 0.5, σ ~ U[0.1, 2.0], kernel side 10% of
 * the image side: `radius = floor(floor(H / 10) / 2)`, `k = 2 * radius + 1` taps).
 *
 * The batch is blurred by two separable depthwise convolutions in one go: [B, H, W, C] is rearranged to
 * [1, H, W, B·C] so that every (sample, channel) pair is a channel with its own 1-D kernel. Samples that are not
 * blurred get a delta kernel, which is an exact identity. Borders are reflect-padded (torchvision's choice,
 * which keeps a constant image constant); `padding: "zero"` gives SimCLR's `SAME` zero padding instead.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages, assertProbability, assertRange } from "./common.ts";

/** Border handling of the blur. */
export type BlurPadding = "reflect" | "zero";

/** Options of {@link gaussianBlur}. */
export interface BlurOptions {
  /** Odd number of taps; default SimCLR's `2 * floor(floor(H / 10) / 2) + 1` (3 for 32×32 images). */
  kernelSize?: number;
  /** Border handling; default "reflect". */
  padding?: BlurPadding;
}

/** Options of {@link randomGaussianBlur}. */
export interface RandomBlurOptions extends BlurOptions {
  /** Probability of blurring each sample; default 0.5. */
  p?: number;
  /** Range of σ in pixels, sampled uniformly per sample; default [0.1, 2.0]. */
  sigma?: [number, number];
}

/** SimCLR's kernel size for an image side: 10% of the side, made odd (`2 * floor(floor(side/10)/2) + 1`). */
export function simclrKernelSize(side: number): number {
  return 2 * Math.floor(Math.floor(side / 10) / 2) + 1;
}

/**
 * Normalised 1-D Gaussian kernel with `size` (odd) taps: `exp(-t² / 2σ²)`, t = -r..r, divided by its sum.
 * σ = 0 gives the delta kernel (identity).
 */
export function gaussianKernel1d(sigma: number, size: number): Float32Array {
  if (!(Number.isInteger(size) && size >= 1 && size % 2 === 1)) {
    throw new Error(`gaussianBlur: kernel size must be a positive odd integer, got ${size}`);
  }
  if (!(sigma >= 0 && Number.isFinite(sigma))) {
    throw new Error(`gaussianBlur: sigma must be >= 0, got ${sigma}`);
  }
  const r = (size - 1) / 2;
  const k = new Float32Array(size);
  if (sigma === 0) {
    k[r] = 1;
    return k;
  }
  let sum = 0;
  const w = new Float64Array(size);
  for (let i = 0; i < size; i++) sum += w[i] = Math.exp(-((i - r) ** 2) / (2 * sigma * sigma));
  for (let i = 0; i < size; i++) k[i] = w[i] / sum;
  return k;
}

/**
 * Blur each sample with its own σ (one number for all, or one per sample; 0 leaves a sample unchanged).
 * The kernel radius is clipped to keep reflect padding valid on tiny images.
 */
export function gaussianBlur(
  x: Tensor4D,
  sigmas: number | readonly number[],
  opts: BlurOptions = {},
): Tensor4D {
  assertImages(x, "gaussianBlur");
  const [b, h, w, c] = x.shape;
  const sig = typeof sigmas === "number" ? new Array<number>(b).fill(sigmas) : [...sigmas];
  if (sig.length !== b) throw new Error(`gaussianBlur: got ${sig.length} sigmas for a batch of ${b}`);
  const padding = opts.padding ?? "reflect";
  if (padding !== "reflect" && padding !== "zero") {
    throw new Error(`gaussianBlur: padding must be "reflect" or "zero", got ${padding}`);
  }
  let size = opts.kernelSize ?? simclrKernelSize(h);
  gaussianKernel1d(0, size); // validates the size
  const maxR = Math.min(h, w) - 1;
  if ((size - 1) / 2 > maxR) size = 2 * maxR + 1;
  const r = (size - 1) / 2;
  if (r === 0 || sig.every((s) => s === 0)) {
    sig.forEach((s) => gaussianKernel1d(s, 1));
    return x.clone();
  }
  // Filter [size, B*C]: channel b*C + ch uses sample b's kernel.
  const filt = new Float32Array(size * b * c);
  sig.forEach((s, bi) => {
    const k = gaussianKernel1d(s, size);
    for (let t = 0; t < size; t++) for (let ch = 0; ch < c; ch++) filt[t * b * c + bi * c + ch] = k[t];
  });
  return tf.tidy(() => {
    const bc = b * c;
    let y = tf.reshape(tf.transpose(x, [1, 2, 0, 3]), [1, h, w, bc]) as Tensor4D;
    const pads: Array<[number, number]> = [[0, 0], [r, r], [r, r], [0, 0]];
    y = padding === "reflect" ? tf.mirrorPad(y, pads, "reflect") : tf.pad(y, pads);
    const kv = tf.tensor4d(filt, [size, 1, bc, 1]);
    const kh = tf.tensor4d(filt, [1, size, bc, 1]);
    y = tf.depthwiseConv2d(y, kv, 1, "valid");
    y = tf.depthwiseConv2d(y, kh, 1, "valid");
    return tf.transpose(tf.reshape(y, [h, w, b, c]), [2, 0, 1, 3]) as Tensor4D;
  });
}

/** SimCLR's random blur: with probability `p` per sample, blur with σ ~ U[sigma]; others are unchanged. */
export function randomGaussianBlur(x: Tensor4D, rng: Rng, opts: RandomBlurOptions = {}): Tensor4D {
  assertImages(x, "randomGaussianBlur");
  const p = opts.p ?? 0.5;
  const range = opts.sigma ?? [0.1, 2.0];
  assertProbability(p, "randomGaussianBlur");
  assertRange(range, "randomGaussianBlur", "sigma", 0);
  const sig: number[] = [];
  for (let i = 0; i < x.shape[0]; i++) {
    const apply = rng.bernoulli(p);
    const s = rng.uniform(range[0], range[1]);
    sig.push(apply ? s : 0);
  }
  return gaussianBlur(x, sig, opts);
}
