/**
 * The correlation analysis of Ericsson et al. 2021 (Sec. 4), shared by the re-analysis of the published tables
 * and by our own model zoo: accuracies are mapped to log-odds (`lib/stats/logit.ts`) and averaged over the
 * datasets of a setting per model; Pearson's r and Spearman's ρ between the upstream score and that average
 * are reported with percentile-bootstrap 95% intervals over *models* (a resample draws models with
 * replacement; `lib/stats/bootstrap.ts`), and two correlations of the same models (e.g. near vs far transfer)
 * are compared by the paired bootstrap of their difference (the same resampled models for both).
 *
 * @module
 */
import { bootstrapCI } from "../../stats/bootstrap.ts";
import { pearson, spearman } from "../../stats/correlation.ts";
import { logit } from "../../stats/logit.ts";
import type { Estimate } from "../../stats/confidence.ts";

/** Which correlation coefficient. */
export type CorrelationMethod = "pearson" | "spearman";

/** Options of the bootstrap over models. */
export interface CorrelationOptions {
  /** Resamples (default 2000). */
  resamples?: number;
  /** Seed of the resampling (default 0). */
  seed?: number;
}

/** Pearson and Spearman correlations with bootstrap 95% CIs over models (`mean` = the coefficient). */
export interface CorrelationEstimate {
  /** Pearson's r with its percentile-bootstrap 95% CI. */
  pearson: Estimate;
  /** Spearman's ρ with its percentile-bootstrap 95% CI. */
  spearman: Estimate;
}

/**
 * The mean log-odds of accuracies given in `scale` units (100 for percent, 1 for fractions): the paper's
 * per-model aggregate of a setting spanning several datasets.
 */
export function logitMean(values: readonly number[], scale = 100): number {
  if (values.length === 0) throw new Error("logitMean: no values");
  let s = 0;
  for (const v of values) s += logit(v / scale);
  return s / values.length;
}

function coefficient(method: CorrelationMethod) {
  return method === "pearson" ? pearson : spearman;
}

const UNDEFINED_CI: [number, number] = [NaN, NaN];

/**
 * Bootstrap `statistic` over n models; a statistic that is NaN on the data (a constant sample) or on every
 * resample has no estimate: NaN with a NaN interval (verdict rules then say "inconclusive").
 */
function overModels(n: number, statistic: (idx: Int32Array) => number, opts: CorrelationOptions): Estimate {
  const all = statistic(Int32Array.from({ length: n }, (_, i) => i));
  if (Number.isNaN(all)) return { mean: NaN, ci95: UNDEFINED_CI, n };
  try {
    const b = bootstrapCI(n, statistic, { resamples: opts.resamples ?? 2000, seed: opts.seed ?? 0 });
    return { mean: b.estimate, ci95: b.ci95, n };
  } catch {
    return { mean: all, ci95: UNDEFINED_CI, n };
  }
}

function pick(x: readonly number[], idx: Int32Array): Float64Array {
  const out = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = x[idx[i]];
  return out;
}

/**
 * One coefficient between x and y (one value per model) with its bootstrap 95% CI over models (NaN when either
 * sample is constant).
 */
export function correlationWithCI(
  x: readonly number[],
  y: readonly number[],
  method: CorrelationMethod,
  opts: CorrelationOptions = {},
): Estimate {
  if (x.length !== y.length) throw new Error(`correlation: length mismatch (${x.length} vs ${y.length})`);
  const r = coefficient(method);
  return overModels(x.length, (idx) => r(pick(x, idx), pick(y, idx)), opts);
}

/** Pearson and Spearman with bootstrap CIs over models. */
export function correlations(
  x: readonly number[],
  y: readonly number[],
  opts: CorrelationOptions = {},
): CorrelationEstimate {
  return {
    pearson: correlationWithCI(x, y, "pearson", opts),
    spearman: correlationWithCI(x, y, "spearman", opts),
  };
}

/**
 * corr(x, a) − corr(x, b) over the same models, with the paired bootstrap 95% CI (each resample draws one set
 * of models for both coefficients).
 */
export function correlationDifference(
  x: readonly number[],
  a: readonly number[],
  b: readonly number[],
  method: CorrelationMethod,
  opts: CorrelationOptions = {},
): Estimate {
  if (a.length !== x.length || b.length !== x.length) {
    throw new Error(`correlationDifference: length mismatch (${x.length}, ${a.length}, ${b.length})`);
  }
  const r = coefficient(method);
  return overModels(x.length, (idx) => {
    const xs = pick(x, idx);
    return r(xs, pick(a, idx)) - r(xs, pick(b, idx));
  }, opts);
}
