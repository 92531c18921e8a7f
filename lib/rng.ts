/**
 * Seeded pseudo-random numbers for everything that must be reproducible: data generation, augmentation
 * parameters, splits, episode sampling, initialisation.
 *
 * The generator is SplitMix32-seeded xoshiro128**: fast, 128-bit state, good statistical quality, and trivially
 * portable, so a seed means the same stream on every backend and machine. Random parameters are drawn on the JS
 * side and then turned into tensors, which keeps augmentation identical across backends.
 *
 * @module
 */

/** Hash a string (e.g. a sub-stream label) to a 32-bit integer (FNV-1a). */
export function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x9e3779b9) | 0;
    let z = s;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
}

/** A seeded random stream. `fork(label)` derives an independent, reproducible sub-stream. */
export class Rng {
  #s: Uint32Array;
  #spare: number | null = null;
  /** The seed this stream was created from. */
  readonly seed: number;

  /**
   * A xoshiro128** state seeded through SplitMix32 from `seed` (floored, taken mod 2³²).
   * @param seed any finite number; equal seeds give equal streams.
   */
  constructor(seed: number) {
    if (!Number.isFinite(seed)) throw new Error(`Rng: seed must be a finite number, got ${seed}`);
    this.seed = Math.floor(seed) >>> 0;
    const sm = splitmix32(this.seed);
    this.#s = new Uint32Array([sm(), sm(), sm(), sm()]);
  }

  /** Next raw 32-bit unsigned integer. */
  u32(): number {
    const s = this.#s;
    const result = Math.imul(rotl(Math.imul(s[1], 5), 7), 9) >>> 0;
    const t = s[1] << 9;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 11);
    return result;
  }

  /** Uniform float in [0, 1). */
  next(): number {
    return this.u32() / 4294967296;
  }

  /** Uniform float in [lo, hi). */
  uniform(lo = 0, hi = 1): number {
    return lo + (hi - lo) * this.next();
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1)) throw new Error(`Rng.int: n must be >= 1, got ${n}`);
    return Math.floor(this.next() * n);
  }

  /** True with probability p. */
  bernoulli(p: number): boolean {
    return this.next() < p;
  }

  /** Standard normal deviate (Box-Muller, caching the second value). */
  normal(mean = 0, std = 1): number {
    if (this.#spare !== null) {
      const v = this.#spare;
      this.#spare = null;
      return mean + std * v;
    }
    let u = 0;
    while (u === 0) u = this.next();
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.#spare = r * Math.sin(2 * Math.PI * v);
    return mean + std * r * Math.cos(2 * Math.PI * v);
  }

  /** In-place Fisher-Yates shuffle; returns the array. */
  shuffle<T>(a: T[]): T[] {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /** An independent stream derived from this stream's seed and a label (does not advance this stream). */
  fork(label: string | number): Rng {
    return new Rng((Math.imul(this.seed ^ 0x5bd1e995, 31) ^ hashString(String(label))) >>> 0);
  }

  /** A fresh integer seed drawn from this stream (advances it), e.g. for tf.random* ops. */
  seedInt(): number {
    return this.u32() & 0x7fffffff;
  }
}

function rotl(x: number, k: number): number {
  return ((x << k) | (x >>> (32 - k))) >>> 0;
}
