/**
 * The augmentation contract shared by every op in `lib/augment`: batched NHWC float32 images in [0, 1], a
 * seeded {@link Rng} from which all per-sample random parameters are drawn on the JS side (so results are
 * identical on every backend), and one-line errors for bad input.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";

/** A batched image transform: `(x, rng) => y`, returning a new tensor (the input is not disposed). */
export type Augment = (x: Tensor4D, rng: Rng) => Tensor4D;

/**
 * Check that `x` is a rank-4 float32 NHWC batch; with `channels`, that its channel count is one of them.
 * Throws a one-line Error naming `op` and the cause.
 */
export function assertImages(x: unknown, op: string, channels?: readonly number[]): asserts x is Tensor4D {
  const t = x as Tensor4D | null | undefined;
  if (!t || !Array.isArray(t.shape) || typeof t.dtype !== "string") {
    throw new Error(`${op}: expected a tf.Tensor4D of images, got ${t === null ? "null" : typeof t}`);
  }
  if (t.isDisposed) throw new Error(`${op}: the input tensor has been disposed`);
  if (t.rank !== 4) throw new Error(`${op}: expected NHWC images of rank 4, got shape [${t.shape}]`);
  if (t.dtype !== "float32") throw new Error(`${op}: expected float32 images, got ${t.dtype}`);
  const [, h, w, c] = t.shape;
  if (h < 1 || w < 1) throw new Error(`${op}: images must have positive height and width, got ${h}x${w}`);
  if (channels && !channels.includes(c)) {
    throw new Error(`${op}: expected ${channels.join(" or ")} channels, got ${c}`);
  }
}

/** Check that `p` is a probability in [0, 1]; throws a one-line Error naming `op` and `name`. */
export function assertProbability(p: number, op: string, name = "p"): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`${op}: ${name} must be in [0, 1], got ${p}`);
}

/** Check that `[lo, hi]` is a finite range with lo <= hi (and lo >= `min`); throws a one-line Error. */
export function assertRange(r: readonly [number, number], op: string, name: string, min = -Infinity): void {
  if (
    !Array.isArray(r) || r.length !== 2 || !Number.isFinite(r[0]) || !Number.isFinite(r[1]) || r[0] > r[1] ||
    r[0] < min
  ) {
    throw new Error(
      `${op}: ${name} must be a range [lo, hi] with ${min} <= lo <= hi, got ${JSON.stringify(r)}`,
    );
  }
}

/**
 * Whether the current backend keeps tensors in CPU memory (`cpu`, `wasm`). There a synchronous read is cheap
 * and the fixed cost of a kernel launch dominates on small images, so some transforms (colour distortion,
 * flip) run as one pass in plain JS over the data instead of as several tensor ops; on webgpu / tensorflow
 * they keep the tensor ops.
 */
export function isCpuBackend(): boolean {
  const b = tf.getBackend();
  return b === "cpu" || b === "wasm";
}

/** Draw one Bernoulli(p) decision per sample from `rng`. */
export function drawMask(rng: Rng, n: number, p: number): boolean[] {
  const out: boolean[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.bernoulli(p);
  return out;
}

/**
 * Per-sample select: sample i of the result is `a[i]` where `mask[i]`, else `b[i]`. Computed as
 * `a·m + b·(1 - m)` with m ∈ {0, 1}, which is exact for finite values and much faster on wasm than a
 * broadcast `tf.where`.
 */
export function whereSamples(mask: readonly boolean[], a: Tensor4D, b: Tensor4D): Tensor4D {
  if (mask.length !== a.shape[0]) {
    throw new Error(`whereSamples: mask has ${mask.length} entries for a batch of ${a.shape[0]}`);
  }
  if (mask.every((m) => m)) return a.clone();
  if (mask.every((m) => !m)) return b.clone();
  return tf.tidy(() => {
    const m = tf.tensor4d(mask.map(Number), [mask.length, 1, 1, 1]);
    return tf.add(tf.mul(a, m), tf.mul(b, tf.sub(1, m)));
  });
}

/**
 * The channels of NHWC images as separate [B, H, W, 1] tensors. Goes through a channel-first transpose, since
 * contiguous slices are far cheaper on wasm than strided ones (`tf.split` on the last axis).
 */
export function splitChannels(x: Tensor4D): Tensor4D[] {
  const [b, h, w, c] = x.shape;
  return tf.tidy(() => {
    const t = tf.reshape(tf.transpose(x, [3, 0, 1, 2]), [c, b * h * w]);
    return Array.from({ length: c }, (_, i) => tf.reshape(tf.slice(t, [i, 0], [1, -1]), [b, h, w, 1]));
  });
}

/** Inverse of {@link splitChannels}: concatenate [B, H, W, 1] tensors on the channel axis (wasm-friendly). */
export function joinChannels(chs: readonly tf.Tensor[]): Tensor4D {
  const [b, h, w] = chs[0].shape;
  return tf.tidy(() => {
    const t = tf.concat(chs.map((ch) => tf.reshape(ch, [1, b * h * w])), 0);
    return tf.transpose(tf.reshape(t, [chs.length, b, h, w]), [1, 2, 3, 0]) as Tensor4D;
  });
}
