/**
 * The logit (log-odds) transform, used to average or correlate accuracies on a scale where 50% → 90% and
 * 90% → 99% count alike (Ericsson et al. 2021 correlate log-odds of accuracies).
 *
 * @module
 */

/**
 * log(p / (1 − p)), with p clamped to [eps, 1 − eps] so that 0% and 100% map to finite values.
 * @param p a probability in [0, 1] (values outside throw; so does NaN)
 * @param eps clamping margin (default 1e-6; must be in (0, 0.5))
 */
export function logit(p: number, eps = 1e-6): number {
  if (Number.isNaN(p)) throw new Error("logit: p is NaN");
  if (p < 0 || p > 1) throw new Error(`logit: p must be in [0, 1], got ${p}`);
  if (!(eps > 0 && eps < 0.5)) throw new Error(`logit: eps must be in (0, 0.5), got ${eps}`);
  const q = Math.min(1 - eps, Math.max(eps, p));
  return Math.log(q) - Math.log1p(-q);
}

/** The inverse of `logit`: 1 / (1 + e^{−x}). */
export function sigmoid(x: number): number {
  if (Number.isNaN(x)) throw new Error("sigmoid: x is NaN");
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}
