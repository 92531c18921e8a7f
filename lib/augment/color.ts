/**
 * SimCLR colour distortion: colour jitter of strength `s` (brightness 0.8s, contrast 0.8s, saturation 0.8s,
 * hue 0.2s, applied in a random order per sample, the whole jitter applied with probability 0.8) followed by
 * random grayscale with probability 0.2. Every step is clipped to [0, 1], as in SimCLR's `color_jitter_rand`.
 *
 * The four adjustments, each with one factor per sample:
 * - brightness is **multiplicative** (SimCLR v2 / torchvision): `x * f`, `f ~ U[max(0, 1 - 0.8s), 1 + 0.8s]`
 *   (SimCLR v1 used an additive delta; we pick the multiplicative form);
 * - contrast is `tf.image.adjust_contrast`: `(x - m) * f + m` with `m` the per-channel spatial mean of the
 *   sample, `f ~ U[max(0, 1 - 0.8s), 1 + 0.8s]`;
 * - saturation is `tf.image.adjust_saturation`: S of HSV multiplied by `f ~ U[max(0, 1 - 0.8s), 1 + 0.8s]` and
 *   clipped to [0, 1], with H and V unchanged. It is computed exactly without forming the hue:
 *   `c' = V - (V - c) * min(f, V / C)` where `V = max`, `C = max - min` of the pixel;
 * - hue is an exact HSV hue rotation by `δ ~ U[-0.2s, 0.2s]` turns (`tf.image.adjust_hue`).
 *
 * Two implementations, picked by `tf.getBackend()` ({@link isCpuBackend}), with identical results (to
 * float32 rounding, ~1e-6) and identical random draws (the parameters and the grayscale mask are drawn on the JS
 * side, the same way, before either runs):
 * - **fused** (`cpu`, `wasm`; `color_fused.ts`): the batch is read once with `dataSync()`, each sample gets its
 *   operations in its own order and then its grayscale, as tight loops in plain JS over its pixels, and one
 *   output tensor is written. On tiny images this replaces ~280 kernel launches per batch, whose fixed cost
 *   dominates, by one read and one upload.
 * - **tensor ops** (webgpu, tensorflow, where a synchronous read would stall the device;
 *   {@link applyJitterTensorOps}, {@link colorDistortionTensorOps}): each step of the random order is batched,
 *   the samples whose k-th operation is, say, contrast being adjusted together, so a jitter costs about four
 *   adjustments of the batch (plus two row permutations).
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages, assertProbability, drawMask, isCpuBackend } from "./common.ts";
import { hueValueChroma, hvcToRgb } from "./hsv.ts";
import { randomGrayscale } from "./grayscale.ts";
import { fusedColorDistortion } from "./color_fused.ts";

/** Per-sample factors (one number per sample, or one number for the whole batch). */
export type Factors = number | readonly number[];

function factorTensor(f: Factors, b: number, op: string, min = -Infinity): tf.Tensor4D {
  const values = typeof f === "number" ? new Array<number>(b).fill(f) : [...f];
  if (values.length !== b) throw new Error(`${op}: got ${values.length} factors for a batch of ${b}`);
  const bad = values.find((v) => !Number.isFinite(v) || v < min);
  if (bad !== undefined) throw new Error(`${op}: factors must be finite and >= ${min}, got ${bad}`);
  return tf.tensor4d(values, [b, 1, 1, 1]);
}

/** Multiply each sample by its brightness factor (not clipped). */
export function adjustBrightness(x: Tensor4D, factors: Factors): Tensor4D {
  assertImages(x, "adjustBrightness");
  return tf.tidy(() => tf.mul(x, factorTensor(factors, x.shape[0], "adjustBrightness")));
}

/** `(x - mean) * f + mean` per sample, with the mean taken per channel over the spatial axes (not clipped). */
export function adjustContrast(x: Tensor4D, factors: Factors): Tensor4D {
  assertImages(x, "adjustContrast");
  return tf.tidy(() => {
    const m = tf.mean(x, [1, 2], true);
    return tf.add(tf.mul(tf.sub(x, m), factorTensor(factors, x.shape[0], "adjustContrast")), m);
  });
}

/** Scale the HSV saturation of each sample by its factor, clipping S to [0, 1]; hue and value are kept. */
export function adjustSaturation(x: Tensor4D, factors: Factors): Tensor4D {
  assertImages(x, "adjustSaturation", [3]);
  return tf.tidy(() => {
    const f = factorTensor(factors, x.shape[0], "adjustSaturation", 0);
    const v = tf.max(x, 3, true);
    const c = tf.sub(v, tf.min(x, 3, true));
    // f is broadcast by a multiplication first: wasm's Minimum is very slow when it has to broadcast.
    const k = tf.div(v, tf.clipByValue(c, 1e-12, Infinity));
    const r = tf.minimum(tf.mul(tf.onesLike(k), f), k);
    return tf.sub(v, tf.mul(tf.sub(v, x), r));
  });
}

/** Rotate the HSV hue of each sample by its delta, in turns (1 = 360°), exactly (not clipped). */
export function adjustHue(x: Tensor4D, deltas: Factors): Tensor4D {
  assertImages(x, "adjustHue", [3]);
  return tf.tidy(() => {
    const { h, v, c } = hueValueChroma(x);
    return hvcToRgb(tf.add(h, factorTensor(deltas, x.shape[0], "adjustHue")), v, c);
  });
}

/** The four jitter operations, in SimCLR's canonical order. */
export const JITTER_OPS = ["brightness", "contrast", "saturation", "hue"] as const;
/** One of {@link JITTER_OPS}. */
export type JitterOp = typeof JITTER_OPS[number];

/** The random parameters of one sample's colour jitter. */
export interface JitterParams {
  /** Whether the jitter is applied to this sample at all. */
  apply: boolean;
  /** The order of the four operations (a permutation of {@link JITTER_OPS}). */
  order: JitterOp[];
  /** Brightness factor. */
  brightness: number;
  /** Contrast factor. */
  contrast: number;
  /** Saturation factor. */
  saturation: number;
  /** Hue delta in turns. */
  hue: number;
}

/** Options of {@link colorJitter}. */
export interface ColorJitterOptions {
  /** SimCLR colour strength s (default 1; SimCLR uses 0.5 on CIFAR-10). 0 is the identity. */
  strength?: number;
  /** Probability of jittering each sample; default 0.8. */
  p?: number;
  /** Apply the four operations in a random order per sample (default true, as SimCLR). */
  randomOrder?: boolean;
}

/**
 * Draw the jitter parameters of `n` samples. The number of draws per sample does not depend on the options,
 * so changing `p` or `strength` does not shift the random stream of later samples.
 */
export function sampleJitterParams(rng: Rng, n: number, opts: ColorJitterOptions = {}): JitterParams[] {
  const s = opts.strength ?? 1;
  const p = opts.p ?? 0.8;
  if (!(s >= 0 && Number.isFinite(s))) throw new Error(`colorJitter: strength must be >= 0, got ${s}`);
  assertProbability(p, "colorJitter");
  const lo = Math.max(0, 1 - 0.8 * s), hi = 1 + 0.8 * s;
  const out: JitterParams[] = [];
  for (let i = 0; i < n; i++) {
    const apply = rng.bernoulli(p);
    const perm = rng.permutation(4);
    const order = (opts.randomOrder ?? true) ? perm.map((k) => JITTER_OPS[k]) : [...JITTER_OPS];
    out.push({
      apply: apply && s > 0,
      order,
      brightness: rng.uniform(lo, hi),
      contrast: rng.uniform(lo, hi),
      saturation: rng.uniform(lo, hi),
      hue: rng.uniform(-0.2 * s, 0.2 * s),
    });
  }
  return out;
}

const ADJUST: Record<JitterOp, (x: Tensor4D, f: number[]) => Tensor4D> = {
  brightness: adjustBrightness,
  contrast: adjustContrast,
  saturation: adjustSaturation,
  hue: adjustHue,
};

function checkParams(x: Tensor4D, params: readonly JitterParams[]): void {
  assertImages(x, "colorJitter", [3]);
  if (params.length !== x.shape[0]) {
    throw new Error(`colorJitter: got ${params.length} parameter sets for ${x.shape[0]} samples`);
  }
}

/**
 * Apply given per-sample jitter parameters (each operation followed by a clip to [0, 1]). Samples with
 * `apply: false` are returned unchanged, bit for bit. Fused single pass on the CPU backends, tensor ops
 * elsewhere (see the module doc).
 */
export function applyJitter(x: Tensor4D, params: readonly JitterParams[]): Tensor4D {
  checkParams(x, params);
  return isCpuBackend() ? fusedColorDistortion(x, params) : applyJitterTensorOps(x, params);
}

/**
 * {@link applyJitter} with tensor ops, on any backend: the path used where synchronous reads are slow
 * (webgpu, tensorflow), and the reference the fused CPU path is tested against.
 */
export function applyJitterTensorOps(x: Tensor4D, params: readonly JitterParams[]): Tensor4D {
  checkParams(x, params);
  const b = x.shape[0];
  if (!params.some((p) => p.apply)) return x.clone();
  // Sort the samples by their operation sequence (jittered first, lexicographic in the order), so that at every
  // step the samples sharing an operation form a few contiguous runs: runs are cut with cheap contiguous slices,
  // and the batch is permuted only twice (wasm's Gather is slow compared with the adjustments themselves).
  const code = (p: JitterParams) => (p.apply ? p.order.map((op) => JITTER_OPS.indexOf(op)).join("") : "9");
  const sorted = Array.from({ length: b }, (_, i) => i).sort((i, j) => {
    const ci = code(params[i]), cj = code(params[j]);
    return ci < cj ? -1 : ci > cj ? 1 : i - j;
  });
  const isIdentity = sorted.every((v, i) => v === i);
  return tf.tidy(() => {
    let cur: Tensor4D = isIdentity ? x : tf.gather(x, sorted);
    for (let step = 0; step < 4; step++) {
      // Maximal runs [start, end) of sorted rows with the same operation at this step (null: not jittered).
      const runs: { start: number; end: number; op: JitterOp | null }[] = [];
      sorted.forEach((sample, row) => {
        const p = params[sample];
        const op = p.apply ? p.order[step] : null;
        const last = runs[runs.length - 1];
        if (last && last.op === op) last.end = row + 1;
        else runs.push({ start: row, end: row + 1, op });
      });
      const slice = (r: { start: number; end: number }) =>
        r.start === 0 && r.end === b ? cur : tf.slice(cur, [r.start, 0, 0, 0], [r.end - r.start, -1, -1, -1]);
      const out = new Array<Tensor4D>(runs.length);
      for (const op of JITTER_OPS) {
        const mine = runs.map((r, k) => ({ ...r, k })).filter((r) => r.op === op);
        if (mine.length === 0) continue;
        const parts = mine.map(slice);
        const input = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
        const factors = mine.flatMap((r) => sorted.slice(r.start, r.end).map((sample) => params[sample][op]));
        const result = tf.clipByValue(ADJUST[op](input, factors), 0, 1);
        let offset = 0;
        for (const r of mine) {
          const n = r.end - r.start;
          out[r.k] = mine.length === 1 ? result : tf.slice(result, [offset, 0, 0, 0], [n, -1, -1, -1]);
          offset += n;
        }
      }
      runs.forEach((r, k) => (out[k] ??= slice(r)));
      cur = out.length === 1 ? out[0] : tf.concat(out, 0);
    }
    if (isIdentity) return cur;
    const inverse = new Int32Array(b);
    sorted.forEach((sample, row) => (inverse[sample] = row));
    return tf.gather(cur, inverse);
  });
}

/** SimCLR colour jitter of strength `s` with probability `p` per sample, in random order (see module doc). */
export function colorJitter(x: Tensor4D, rng: Rng, opts: ColorJitterOptions = {}): Tensor4D {
  assertImages(x, "colorJitter", [3]);
  return applyJitter(x, sampleJitterParams(rng, x.shape[0], opts));
}

/** Options of {@link colorDistortion}. */
export interface ColorDistortionOptions extends ColorJitterOptions {
  /** Probability of the random grayscale after the jitter; default 0.2. */
  grayP?: number;
}

/**
 * SimCLR's full colour distortion: {@link colorJitter} (p = 0.8) then random grayscale (p = 0.2). Draws the
 * jitter parameters ({@link sampleJitterParams}) and then one grayscale decision per sample from `rng`; runs
 * the fused single pass on the CPU backends and tensor ops elsewhere (see the module doc).
 */
export function colorDistortion(x: Tensor4D, rng: Rng, opts: ColorDistortionOptions = {}): Tensor4D {
  return isCpuBackend() ? colorDistortionFused(x, rng, opts) : colorDistortionTensorOps(x, rng, opts);
}

/** {@link colorDistortion} as one fused pass over the data (any backend; meant for `cpu` and `wasm`). */
export function colorDistortionFused(x: Tensor4D, rng: Rng, opts: ColorDistortionOptions = {}): Tensor4D {
  assertImages(x, "colorJitter", [3]);
  const params = sampleJitterParams(rng, x.shape[0], opts);
  // randomGrayscale's checks and draws, in its order.
  const p = opts.grayP ?? 0.2;
  assertProbability(p, "randomGrayscale");
  return fusedColorDistortion(x, params, drawMask(rng, x.shape[0], p));
}

/** {@link colorDistortion} with tensor ops (any backend; the path used on webgpu and tensorflow). */
export function colorDistortionTensorOps(x: Tensor4D, rng: Rng, opts: ColorDistortionOptions = {}): Tensor4D {
  assertImages(x, "colorJitter", [3]);
  return tf.tidy(() => {
    const jittered = applyJitterTensorOps(x, sampleJitterParams(rng, x.shape[0], opts));
    return randomGrayscale(jittered, rng, { p: opts.grayP ?? 0.2 });
  });
}
