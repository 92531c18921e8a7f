/**
 * Seeded nonparametric bootstrap with percentile confidence intervals.
 *
 * A resample draws n indices uniformly with replacement from 0..n−1; the statistic is recomputed on each of B
 * resamples and the interval is the (α/2, 1−α/2) quantiles of those B values (linear interpolation between
 * order statistics, d3-array's `quantile`, i.e. Hyndman–Fan type 7). The index-based form (`bootstrapCI`)
 * bootstraps any statistic of any paired data (e.g. a correlation over (x_i, y_i) pairs); the paired
 * difference (`pairedBootstrapDiff`) resamples the same indices for two systems evaluated on the same items.
 * Resamples whose statistic is NaN (e.g. a correlation on a constant resample) are dropped and counted.
 *
 * @module
 */
import { quantile } from "d3-array";
import { Rng } from "../rng.ts";
import { checkPaired, checkSample, type Numbers } from "./correlation.ts";

/** Options of the bootstrap. */
export interface BootstrapOptions {
  /** Number of resamples B (default 2000). */
  resamples?: number;
  /** Confidence level (default 0.95). */
  level?: number;
  /** Seed of the resampling stream (default 0). Ignored when `rng` is given. */
  seed?: number;
  /** A seeded stream to draw from instead of `seed`. */
  rng?: Rng;
}

/** A bootstrap estimate. */
export interface BootstrapResult {
  /** The statistic on the original (unresampled) data. */
  estimate: number;
  /** Percentile interval at the requested level (named ci95 for the default level). */
  ci95: [number, number];
  /** Number of items resampled. */
  n: number;
  /** Resamples used (B minus dropped). */
  resamples: number;
  /** Resamples dropped because the statistic was NaN. */
  dropped: number;
  /** The resampled statistics (finite or ±Infinity), in draw order. */
  samples: Float64Array;
}

/**
 * Bootstrap a statistic of n items given as a function of an index multiset.
 * @param n number of items (>= 2)
 * @param statistic computes the statistic on the items at `idx` (length n, with repetitions);
 *   it is also called once with the identity indices for `estimate`.
 */
export function bootstrapCI(
  n: number,
  statistic: (idx: Int32Array) => number,
  opts: BootstrapOptions = {},
): BootstrapResult {
  if (!(Number.isInteger(n) && n >= 2)) throw new Error(`bootstrap: too few samples (n = ${n}, need >= 2)`);
  const B = opts.resamples ?? 2000;
  if (!(Number.isInteger(B) && B >= 10)) {
    throw new Error(`bootstrap: resamples must be an integer >= 10, got ${B}`);
  }
  const level = opts.level ?? 0.95;
  if (!(level > 0 && level < 1)) throw new Error(`bootstrap: level must be in (0, 1), got ${level}`);
  const rng = opts.rng ?? new Rng(opts.seed ?? 0);
  const identity = Int32Array.from({ length: n }, (_, i) => i);
  const estimate = statistic(identity);
  const values: number[] = [];
  const idx = new Int32Array(n);
  for (let b = 0; b < B; b++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(n);
    const v = statistic(idx);
    if (!Number.isNaN(v)) values.push(v);
  }
  if (values.length === 0) throw new Error("bootstrap: the statistic was NaN on every resample");
  const sorted = Float64Array.from(values).sort();
  const alpha = 1 - level;
  const lo = quantile(sorted, alpha / 2) as number, hi = quantile(sorted, 1 - alpha / 2) as number;
  return {
    estimate,
    ci95: [lo, hi],
    n,
    resamples: values.length,
    dropped: B - values.length,
    samples: Float64Array.from(values),
  };
}

function pick(x: Numbers, idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = x[idx[i]];
  return out;
}

/** Bootstrap a statistic of one sample (e.g. its mean or median). */
export function bootstrap(
  x: Numbers,
  statistic: (sample: Float64Array) => number,
  opts: BootstrapOptions = {},
): BootstrapResult {
  checkSample(x, "bootstrap", 2);
  return bootstrapCI(x.length, (idx) => statistic(pick(x, idx)), opts);
}

/**
 * Paired bootstrap of statistic(x) − statistic(y), where x[i] and y[i] are two systems' scores on the same
 * item i (resampled together). `probNotPositive` is the fraction of resamples with a difference <= 0, a
 * one-sided bootstrap p-value for "x beats y".
 */
export function pairedBootstrapDiff(
  x: Numbers,
  y: Numbers,
  statistic: (sample: Float64Array) => number,
  opts: BootstrapOptions = {},
): BootstrapResult & { probNotPositive: number } {
  checkPaired(x, y, "pairedBootstrapDiff");
  const res = bootstrapCI(x.length, (idx) => statistic(pick(x, idx)) - statistic(pick(y, idx)), opts);
  let k = 0;
  for (const v of res.samples) if (v <= 0) k++;
  return { ...res, probNotPositive: k / res.resamples };
}

/** Arithmetic mean (a convenient statistic for the functions above). */
export function mean(x: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i];
  return s / x.length;
}
