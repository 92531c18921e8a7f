/**
 * Additive Gaussian noise (one of SimCLR's Figure 5 transforms): `x + σ·z`, `z ~ N(0, 1)` per element, with σ
 * fixed or drawn per sample, then clipped to [0, 1]. The noise is drawn from the seeded {@link Rng} on the JS
 * side, so it is identical on every backend.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages, assertProbability, assertRange } from "./common.ts";

/** Options of {@link gaussianNoise}. */
export interface NoiseOptions {
  /** Noise standard deviation, or a range [lo, hi] to draw it from uniformly per sample; default 0.1. */
  std?: number | [number, number];
  /** Probability of adding noise to each sample; default 1. */
  p?: number;
  /** Clip the result to [0, 1]; default true. */
  clip?: boolean;
}

/** Add Gaussian noise to each sample (see module doc). */
export function gaussianNoise(x: Tensor4D, rng: Rng, opts: NoiseOptions = {}): Tensor4D {
  assertImages(x, "gaussianNoise");
  const std = opts.std ?? 0.1;
  const range: [number, number] = typeof std === "number" ? [std, std] : std;
  assertRange(range, "gaussianNoise", "std", 0);
  const p = opts.p ?? 1;
  assertProbability(p, "gaussianNoise");
  const [b, h, w, c] = x.shape;
  const per = h * w * c;
  const noise = new Float32Array(b * per);
  const sig = new Float32Array(b);
  for (let i = 0; i < b; i++) {
    const apply = rng.bernoulli(p);
    sig[i] = apply ? rng.uniform(range[0], range[1]) : (rng.next(), 0);
    for (let j = 0; j < per; j++) noise[i * per + j] = rng.normal();
  }
  if (sig.every((s) => s === 0)) return x.clone();
  return tf.tidy(() => {
    const y: Tensor4D = tf.add(x, tf.mul(tf.tensor4d(noise, [b, h, w, c]), tf.tensor4d(sig, [b, 1, 1, 1])));
    return (opts.clip ?? true) ? tf.clipByValue(y, 0, 1) : y;
  });
}
