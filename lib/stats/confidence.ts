/**
 * Point estimates with 95% confidence intervals, in the `{ mean, ci95, n }` shape every accuracy and averaged
 * metric of the suite is reported in.
 *
 * - `meanCI`: sample mean ± t_{1−α/2, n−1} · s/√n (Student's t, exact for normal data, right for small n).
 * - `wilsonCI`: Wilson score interval for a binomial proportion (k successes of n), e.g. test-set accuracy;
 *   unlike the normal approximation it stays inside [0, 1] and is sensible at 0% and 100%.
 *
 * @module
 */
import { checkSample, type Numbers } from "./correlation.ts";
import { normalQuantile, studentTQuantile } from "./student_t.ts";

/** An estimate with its confidence interval. */
export interface Estimate {
  /** The point estimate (a mean or a proportion). */
  mean: number;
  /** The confidence interval [lo, hi] (95% unless another level was asked for). */
  ci95: [number, number];
  /** Number of observations behind it (examples, episodes, seeds). */
  n: number;
}

function checkLevel(level: number, what: string): void {
  if (!(level > 0 && level < 1)) throw new Error(`${what}: level must be in (0, 1), got ${level}`);
}

/**
 * Mean with a Student-t confidence interval. n = 1 gives the degenerate interval [NaN, NaN] (no spread can be
 * estimated); n = 0 or NaN values throw.
 * @param level confidence level (default 0.95)
 */
export function meanCI(x: Numbers, level = 0.95): Estimate {
  checkSample(x, "meanCI", 1);
  checkLevel(level, "meanCI");
  const n = x.length;
  let m = 0;
  for (let i = 0; i < n; i++) m += x[i];
  m /= n;
  if (n === 1) return { mean: m, ci95: [NaN, NaN], n };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (x[i] - m) ** 2;
  const se = Math.sqrt(ss / (n - 1) / n);
  const h = studentTQuantile(1 - (1 - level) / 2, n - 1) * se;
  return { mean: m, ci95: [m - h, m + h], n };
}

/**
 * Wilson score interval for the proportion k/n:
 * (p̂ + z²/2n ± z·sqrt(p̂(1−p̂)/n + z²/4n²)) / (1 + z²/n), with z the normal quantile at 1 − α/2.
 * @param successes k (integer, 0 <= k <= n)
 * @param n trials (integer >= 1)
 * @param level confidence level (default 0.95)
 */
export function wilsonCI(successes: number, n: number, level = 0.95): Estimate {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`wilsonCI: n must be an integer >= 1, got ${n}`);
  if (!(Number.isInteger(successes) && successes >= 0 && successes <= n)) {
    throw new Error(`wilsonCI: successes must be an integer in [0, ${n}], got ${successes}`);
  }
  checkLevel(level, "wilsonCI");
  const z = normalQuantile(1 - (1 - level) / 2);
  const p = successes / n, z2 = z * z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { mean: p, ci95: [Math.max(0, centre - half), Math.min(1, centre + half)], n };
}

/** Accuracy of predictions against labels, with its Wilson 95% interval over the examples. */
export function accuracyCI(predictions: Numbers, labels: Numbers, level = 0.95): Estimate {
  if (predictions.length !== labels.length) {
    throw new Error(
      `accuracyCI: length mismatch (${predictions.length} predictions vs ${labels.length} labels)`,
    );
  }
  if (predictions.length === 0) throw new Error("accuracyCI: too few samples (0)");
  let k = 0;
  for (let i = 0; i < labels.length; i++) if (predictions[i] === labels[i]) k++;
  return wilsonCI(k, labels.length, level);
}
