/**
 * Correlation coefficients between two paired samples: Pearson's r, Spearman's ρ (Pearson on average ranks,
 * so ties get the mean of the ranks they span) and Kendall's τ_b (tie-corrected), in double precision.
 *
 * Inputs are any numeric array-likes of equal length n >= 2 without NaN. A constant input has no defined
 * correlation: Pearson and Spearman then return NaN, and Kendall's τ_b returns NaN when either sample has every
 * pair tied (matching scipy.stats). Use `ranks` for the average-rank transform itself.
 *
 * @module
 */

/** Numbers accepted by the statistics functions. */
export type Numbers = ArrayLike<number>;

/** Throw a one-line error unless x, y are equal-length (>= minN), NaN-free samples. */
export function checkPaired(x: Numbers, y: Numbers, what: string, minN = 2): void {
  if (x.length !== y.length) throw new Error(`${what}: length mismatch (${x.length} vs ${y.length})`);
  checkSample(x, what, minN);
  checkSample(y, what, minN);
}

/** Throw a one-line error unless x has at least minN finite-or-infinite, non-NaN values. */
export function checkSample(x: Numbers, what: string, minN = 1): void {
  if (x.length < minN) throw new Error(`${what}: too few samples (${x.length}, need at least ${minN})`);
  for (let i = 0; i < x.length; i++) {
    if (Number.isNaN(x[i])) throw new Error(`${what}: NaN at index ${i}`);
  }
}

/**
 * Pearson's product-moment correlation r = Σ(x−x̄)(y−ȳ) / sqrt(Σ(x−x̄)² Σ(y−ȳ)²), clamped to [−1, 1].
 * NaN when either sample is constant.
 */
export function pearson(x: Numbers, y: Numbers): number {
  checkPaired(x, y, "pearson");
  const n = x.length;
  let mx = 0, my = 0;
  for (let i = 0; i < n; i++) {
    mx += x[i];
    my += y[i];
  }
  mx /= n;
  my /= n;
  let sxy = 0, sxx = 0, syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = x[i] - mx, dy = y[i] - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  if (sxx === 0 || syy === 0) return NaN;
  return Math.max(-1, Math.min(1, sxy / Math.sqrt(sxx * syy)));
}

/** Ranks 1..n of x, ties receiving the average of the ranks they span (e.g. [10, 20, 20, 30] → [1, 2.5, 2.5, 4]). */
export function ranks(x: Numbers): Float64Array {
  checkSample(x, "ranks");
  const n = x.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => x[a] - x[b]);
  const r = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && x[order[j + 1]] === x[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) r[order[k]] = avg;
    i = j + 1;
  }
  return r;
}

/** Spearman's rank correlation ρ: Pearson's r of the average ranks. NaN when either sample is constant. */
export function spearman(x: Numbers, y: Numbers): number {
  checkPaired(x, y, "spearman");
  return pearson(ranks(x), ranks(y));
}

/**
 * Kendall's τ_b = (C − D) / sqrt((n₀ − n₁)(n₀ − n₂)), with C / D the concordant / discordant pairs, n₀ = n(n−1)/2,
 * n₁ / n₂ the pairs tied in x / y. O(n²), fine for the tens to thousands of points correlations are taken over
 * here. NaN when either sample is constant.
 */
export function kendall(x: Numbers, y: Numbers): number {
  checkPaired(x, y, "kendall");
  const n = x.length;
  let s = 0, tiesX = 0, tiesY = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const dx = Math.sign(x[i] - x[j]), dy = Math.sign(y[i] - y[j]);
      if (dx === 0) tiesX++;
      if (dy === 0) tiesY++;
      s += dx * dy;
    }
  }
  const n0 = (n * (n - 1)) / 2;
  const denom = Math.sqrt((n0 - tiesX) * (n0 - tiesY));
  if (denom === 0) return NaN;
  return Math.max(-1, Math.min(1, s / denom));
}
