/**
 * The fused CPU path of SimCLR's colour distortion: colour jitter (each sample's four adjustments in its own
 * order, each followed by a clip to [0, 1]) and the random grayscale after it, computed directly on the image
 * data in plain JS over typed arrays instead of with ~280 small tensor ops per batch.
 *
 * Why: on the `cpu` and `wasm` backends the images are tiny (e.g. 64 × 16×16×3) and the fixed cost of each
 * kernel launch dominates the tensor-op path of `color.ts`. Reading the batch once with `dataSync()` (cheap
 * there: the data already lives in CPU memory), transforming it in JS and uploading one output tensor is about
 * ten times faster. On webgpu / tensorflow a synchronous read would stall the device, so `color.ts` keeps the
 * tensor-op path there and picks by `tf.getBackend()` (`isCpuBackend` in `common.ts`).
 *
 * How: one copy of the batch, then sample by sample, that sample's operations in its order, each as one tight
 * in-place loop over the sample's pixels (a 16×16×3 sample is 3 KB, so it stays in L1 cache between
 * operations), then its grayscale. A loop per operation rather than a per-pixel switch over the operations:
 * V8 optimises the monomorphic loops about twice as well, and contrast needs the per-channel mean of the image
 * as it is just before it anyway. The formulas are the tensor path's, operation for operation:
 * - brightness `x·f`; contrast `(x - m)·f + m` with `m` the per-channel spatial mean;
 * - saturation `V - (V - x)·min(f, V / max(C, 1e-12))` with `V = max`, `C = max - min` of the pixel;
 * - hue: the hexcone hue `H` of the pixel (0 for grey), then `V - C·clamp(min(k, 4 - k), 0, 1)` with
 *   `k = (n + 6·frac(H + δ)) mod 6`, `n = 5, 3, 1` for R, G, B;
 * - grayscale: the luma `0.2989 R + 0.587 G + 0.114 B` (`grayscale.ts`) on all three channels.
 *
 * Each operation computes in float64 from float32 values and stores float32 (as the tensor path stores every
 * intermediate), with float32 factors and means, so the two paths agree to about 1e-6. Samples that are
 * neither jittered nor grayed are copied bit for bit. All randomness is drawn by the callers in `color.ts`, in
 * the same order for both paths.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { JitterParams } from "./color.ts";
import { assertImages } from "./common.ts";
import { LUMA_WEIGHTS } from "./grayscale.ts";

const BRIGHTNESS = 0, CONTRAST = 1, SATURATION = 2, HUE = 3;
const CODE: Readonly<Record<string, number>> = {
  brightness: BRIGHTNESS,
  contrast: CONTRAST,
  saturation: SATURATION,
  hue: HUE,
};
const OP_NAME = ["adjustBrightness", "adjustContrast", "adjustSaturation", "adjustHue"];
const KEY = ["brightness", "contrast", "saturation", "hue"] as const;
const SAT_EPS = Math.fround(1e-12);
const [WR, WG, WB] = LUMA_WEIGHTS.map(Math.fround);

function clip01(v: number): number {
  return v < 0 ? 0 : v > 1 ? 1 : v;
}

function frac(v: number): number {
  return v - Math.floor(v);
}

/** Per-sample operation codes (one per step; -1 where a step's name is not a jitter op) and float32 factors. */
function compile(p: JitterParams): { codes: number[]; factors: number[] } {
  const codes: number[] = [];
  for (let step = 0; step < 4; step++) {
    const op = p.order[step];
    codes.push(Object.hasOwn(CODE, op) ? CODE[op] : -1);
  }
  const factors = KEY.map((k) => Math.fround(p[k]));
  for (const c of codes) {
    if (c < 0) continue;
    const f = p[KEY[c]];
    const min = c === SATURATION ? 0 : -Infinity;
    if (!Number.isFinite(f) || f < min) {
      throw new Error(`${OP_NAME[c]}: factors must be finite and >= ${min}, got ${f}`);
    }
  }
  return { codes, factors };
}

/**
 * The fused colour distortion on raw data: `src` holds `b` NHWC samples of `hw` RGB pixels each; the result (a
 * new array of the same length) has every jittered sample (`params[i].apply`) adjusted in its order with a clip
 * to [0, 1] after each operation, then every sample with `gray[i]` replaced by its luma on all three channels
 * (`gray`: one flag per sample, or [] for none). Throws the tensor path's one-line errors for bad factors.
 * See the module doc.
 */
export function fusedColorDistortionData(
  src: ArrayLike<number>,
  b: number,
  hw: number,
  params: readonly JitterParams[],
  gray: readonly boolean[] = [],
): Float32Array {
  const n3 = hw * 3;
  if (src.length !== b * n3) throw new Error(`fusedColorDistortion: ${src.length} values for ${b}x${hw}x3`);
  if (params.length !== b) {
    throw new Error(`colorJitter: got ${params.length} parameter sets for ${b} samples`);
  }
  if (gray.length !== 0 && gray.length !== b) {
    throw new Error(`randomGrayscale: got ${gray.length} grayscale decisions for ${b} samples`);
  }
  const compiled = params.map((p) => (p.apply ? compile(p) : null));
  const dst = new Float32Array(b * n3);
  dst.set(src);
  for (let s = 0; s < b; s++) {
    const off = s * n3, end = off + n3;
    const job = compiled[s];
    if (job) {
      const { codes, factors } = job;
      for (const code of codes) {
        if (code === BRIGHTNESS) brightnessPass(dst, off, end, factors[BRIGHTNESS]);
        else if (code === CONTRAST) contrastPass(dst, off, end, factors[CONTRAST]);
        else if (code === SATURATION) saturationPass(dst, off, end, factors[SATURATION]);
        else if (code === HUE) huePass(dst, off, end, factors[HUE]);
      }
    }
    if (gray[s] === true) grayPass(dst, off, end);
  }
  return dst;
}

/** `x·f` clipped to [0, 1], in place on the values [off, end) of `x`. */
function brightnessPass(x: Float32Array, off: number, end: number, f: number): void {
  for (let i = off; i < end; i++) x[i] = clip01(x[i] * f);
}

/** `(x - m)·f + m` clipped to [0, 1] with `m` the per-channel mean of the pixels [off, end), in place. */
function contrastPass(x: Float32Array, off: number, end: number, f: number): void {
  let s0 = 0, s1 = 0, s2 = 0;
  for (let i = off; i < end; i += 3) {
    s0 += x[i];
    s1 += x[i + 1];
    s2 += x[i + 2];
  }
  const n = (end - off) / 3;
  // Rounded to float32, as the tensor path's mean.
  const m0 = Math.fround(s0 / n), m1 = Math.fround(s1 / n), m2 = Math.fround(s2 / n);
  for (let i = off; i < end; i += 3) {
    x[i] = clip01((x[i] - m0) * f + m0);
    x[i + 1] = clip01((x[i + 1] - m1) * f + m1);
    x[i + 2] = clip01((x[i + 2] - m2) * f + m2);
  }
}

/** Saturation scaled by `f` (clipped to [0, 1]) with hue and value kept, then clipped to [0, 1], in place. */
function saturationPass(x: Float32Array, off: number, end: number, f: number): void {
  for (let i = off; i < end; i += 3) {
    const r = x[i], g = x[i + 1], b = x[i + 2];
    const v = Math.max(r, g, b);
    const c = v - Math.min(r, g, b);
    const k = Math.min(f, v / (c > SAT_EPS ? c : SAT_EPS));
    x[i] = clip01(v - (v - r) * k);
    x[i + 1] = clip01(v - (v - g) * k);
    x[i + 2] = clip01(v - (v - b) * k);
  }
}

/** Hue rotated by `delta` turns (exact hexcone model), then clipped to [0, 1], in place. */
function huePass(x: Float32Array, off: number, end: number, delta: number): void {
  for (let i = off; i < end; i += 3) {
    const r = x[i], g = x[i + 1], b = x[i + 2];
    // Ternaries rather than Math.max/min: V8 compiles them to fewer instructions here.
    const v = r > g ? (r > b ? r : b) : (g > b ? g : b);
    const c = v - (r < g ? (r < b ? r : b) : (g < b ? g : b));
    let h = 0;
    if (c > 0) h = frac((r === v ? (g - b) / c : g === v ? (b - r) / c + 2 : (r - g) / c + 4) / 6);
    const h6 = frac(h + delta) * 6;
    x[i] = clip01(v - c * hueWeight(h6 + 5));
    x[i + 1] = clip01(v - c * hueWeight(h6 + 3));
    x[i + 2] = clip01(v - c * hueWeight(h6 + 1));
  }
}

/** BT.601 luma of the pixels [off, end) on all three channels, in place. */
function grayPass(x: Float32Array, off: number, end: number): void {
  for (let i = off; i < end; i += 3) {
    const y = WR * x[i] + WG * x[i + 1] + WB * x[i + 2];
    x[i] = y;
    x[i + 1] = y;
    x[i + 2] = y;
  }
}

/**
 * `clamp(min(km, 4 - km), 0, 1)` with `km = k mod 6`: the weight of C subtracted from V in HSV -> RGB. Here
 * `k = 6·frac(·) + n` lies in [1, 11], so the modulo is one conditional subtraction.
 */
function hueWeight(k: number): number {
  const km = k >= 6 ? k - 6 : k;
  const t = km < 4 - km ? km : 4 - km;
  return t < 0 ? 0 : t > 1 ? 1 : t;
}

/**
 * The fused colour distortion of a batch of RGB images (see the module doc): jitter with the given per-sample
 * parameters, then grayscale where `gray[i]` (`gray`: one flag per sample, or [] for none). Reads `x`
 * synchronously, so it is meant for the CPU backends; the result is a new tensor and `x` is not disposed.
 */
export function fusedColorDistortion(
  x: Tensor4D,
  params: readonly JitterParams[],
  gray: readonly boolean[] = [],
): Tensor4D {
  assertImages(x, "colorJitter", [3]);
  const [b, h, w] = x.shape;
  if (params.length !== b) {
    throw new Error(`colorJitter: got ${params.length} parameter sets for ${b} samples`);
  }
  const out = fusedColorDistortionData(x.dataSync() as Float32Array, b, h * w, params, gray);
  return tf.tensor4d(out, [b, h, w, 3]);
}
