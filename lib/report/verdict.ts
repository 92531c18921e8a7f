/**
 * Verdict rules: turn our numbers into `reproduced | not-reproduced | inconclusive` by a stated rule.
 *
 * Verdicts are never written by hand: a {@link Judgement} can only be made by the rule functions here (it
 * carries a private brand), and each one returns the rule text that is published beside the verdict.
 *
 * @module
 */
import { type Estimate, meanCI } from "../stats/confidence.ts";
import { spearman } from "../stats/correlation.ts";

/** The three possible outcomes for a claim. */
export type Verdict = "reproduced" | "not-reproduced" | "inconclusive";

/** All verdicts, in the order the report lists them. */
export const VERDICTS: readonly Verdict[] = ["reproduced", "not-reproduced", "inconclusive"];

/**
 * The brand key of {@link Judgement}: declared only (there is no runtime value), so a judgement cannot be
 * written as an object literal and comes from a rule function of this module.
 */
export declare const judged: unique symbol;

/** A verdict with the rule that produced it. Only the functions in this module create one. */
export interface Judgement {
  /** The outcome. */
  verdict: Verdict;
  /** The rule in words, published beside the verdict. */
  rule: string;
  /** Why the verdict is not `reproduced`, computed from the numbers (absent when reproduced). */
  reason?: string;
  /** The brand: only this module's rule functions create judgements. */
  readonly [judged]: true;
}

function judgement(verdict: Verdict, rule: string, reason?: string): Judgement {
  return (reason && verdict !== "reproduced" ? { verdict, rule, reason } : { verdict, rule }) as Judgement;
}

/**
 * Why two overlapping CIs do not separate, and roughly how many seeds the observed spread would need: CI half
 * widths shrink as 1/√n, so n · ((hA + hB) / |mA − mB|)² seeds would make them just disjoint.
 */
function overlapReason(a: Side, b: Side, ba: [number, number], bb: [number, number]): string {
  const ma = typeof a === "number" ? a : a.mean, mb = typeof b === "number" ? b : b.mean;
  const n = Math.max(typeof a === "number" ? 0 : a.n, typeof b === "number" ? 0 : b.n);
  const half = (ba[1] - ba[0]) / 2 + (bb[1] - bb[0]) / 2;
  const gap = Math.abs(ma - mb);
  if (gap === 0 || n < 2) return "the 95% CIs overlap and the means are equal";
  const need = Math.ceil(n * (half / gap) ** 2);
  return `the 95% CIs overlap (difference ${
    Number(gap.toPrecision(3))
  }); the observed spread would need about ${need} seeds`;
}

/** One side of a comparison: an estimate over seeds (its 95% CI is compared) or a fixed number (a point). */
export type Side = Estimate | number;

function bounds(x: Side): [number, number] | null {
  const b: [number, number] | null = typeof x === "number" ? [x, x] : x.ci95;
  return b && Number.isFinite(b[0]) && Number.isFinite(b[1]) ? b : null;
}

function label(x: Side, name: string): string {
  return typeof x === "number" ? `${name} (${x})` : `the 95% CI of ${name}`;
}

/**
 * Claim "A > B". Reproduced iff A's 95% CI lies entirely above B's (a number counts as a point);
 * not-reproduced iff entirely below; otherwise (overlap, or a CI missing because n < 2) inconclusive.
 */
export function verdictGreater(a: Side, b: Side, names: { a?: string; b?: string } = {}): Judgement {
  const na = names.a ?? "A", nb = names.b ?? "B";
  const rule = `claim ${na} > ${nb}: reproduced iff ${label(a, na)} lies entirely above ${label(b, nb)}; ` +
    `not-reproduced iff entirely below; otherwise inconclusive`;
  const ba = bounds(a), bb = bounds(b);
  if (!ba || !bb) return judgement("inconclusive", rule, "a 95% CI is missing (fewer than 2 seeds)");
  if (ba[0] > bb[1]) return judgement("reproduced", rule);
  if (ba[1] < bb[0]) return judgement("not-reproduced", rule, `${nb} is above ${na}, CIs disjoint`);
  return judgement("inconclusive", rule, overlapReason(a, b, ba, bb));
}

/** Claim "A < B": the mirror image of {@link verdictGreater}. */
export function verdictLess(a: Side, b: Side, names: { a?: string; b?: string } = {}): Judgement {
  const na = names.a ?? "A", nb = names.b ?? "B";
  const rule = `claim ${na} < ${nb}: reproduced iff ${label(a, na)} lies entirely below ${label(b, nb)}; ` +
    `not-reproduced iff entirely above; otherwise inconclusive`;
  const ba = bounds(a), bb = bounds(b);
  if (!ba || !bb) return judgement("inconclusive", rule, "a 95% CI is missing (fewer than 2 seeds)");
  if (ba[1] < bb[0]) return judgement("reproduced", rule);
  if (ba[0] > bb[1]) return judgement("not-reproduced", rule, `${na} is above ${nb}, CIs disjoint`);
  return judgement("inconclusive", rule, overlapReason(a, b, ba, bb));
}

/**
 * Claim "ours ≈ the paper's value": reproduced iff our 95% CI lies inside `[target - tol, target + tol]`;
 * not-reproduced iff it lies entirely outside that band; otherwise inconclusive.
 */
export function verdictWithin(ours: Estimate, target: number, tolerance: number): Judgement {
  if (!(tolerance >= 0)) throw new Error(`verdictWithin: tolerance must be >= 0, got ${tolerance}`);
  const lo = target - tolerance, hi = target + tolerance;
  const rule = `reproduced iff our 95% CI lies within ${target} ± ${tolerance}; ` +
    `not-reproduced iff it lies entirely outside; otherwise inconclusive`;
  const b = bounds(ours);
  if (!b) return judgement("inconclusive", rule, "the 95% CI is missing (fewer than 2 seeds)");
  if (b[0] >= lo && b[1] <= hi) return judgement("reproduced", rule);
  if (b[1] < lo || b[0] > hi) return judgement("not-reproduced", rule, "our CI lies outside the band");
  return judgement("inconclusive", rule, "our CI straddles an edge of the band");
}

/**
 * Claim "our ranking of methods agrees with the paper's". `ours` is one score per item, or one such list per
 * seed; `paper` the paper's scores for the same items (higher = better on both sides). The statistic is
 * Spearman's ρ per seed. Reproduced iff the lower bound of ρ (the 95% CI over seeds, or ρ itself for a single
 * ranking) is ≥ `minRho`; not-reproduced iff the upper bound is ≤ 0; otherwise inconclusive. A seed whose ρ is
 * undefined (all scores tied) is left out; when every seed's is, the claim is inconclusive, never ρ = 0.
 */
export function verdictRankAgreement(
  ours: readonly number[] | readonly (readonly number[])[],
  paper: readonly number[],
  opts: { minRho?: number } = {},
): Judgement & { rho: Estimate } {
  const minRho = opts.minRho ?? 0.5;
  const perSeed = (Array.isArray(ours[0]) ? ours : [ours]) as readonly (readonly number[])[];
  const rhos = perSeed.map((o) => spearman(o, paper)).filter((r) => !Number.isNaN(r));
  const rho = rhos.length ? meanCI(rhos) : { mean: NaN, ci95: [NaN, NaN] as [number, number], n: 0 };
  const [lo, hi] = bounds(rho) ?? [rho.mean, rho.mean];
  const rule = `Spearman ρ between our and the paper's ranking of ${paper.length} items` +
    `${
      perSeed.length > 1 ? ` (95% CI over ${perSeed.length} seeds)` : ""
    }: reproduced iff its lower bound ≥ ${minRho}; ` +
    `not-reproduced iff its upper bound ≤ 0; otherwise inconclusive`;
  if (rhos.length === 0) {
    return { ...judgement("inconclusive", rule, "ρ is undefined: every ranking is all ties"), rho };
  }
  const verdict: Verdict = lo >= minRho ? "reproduced" : hi <= 0 ? "not-reproduced" : "inconclusive";
  const reason = verdict === "not-reproduced"
    ? "the rankings disagree (ρ ≤ 0)"
    : `ρ's lower bound ${Number(lo.toPrecision(3))} is below ${minRho}${
      rhos.length < perSeed.length ? ` (${perSeed.length - rhos.length} all-tie seeds left out)` : ""
    }`;
  return { ...judgement(verdict, rule, reason), rho };
}

/**
 * A judgement made on a score that can saturate: when every compared mean in `means` is at or above
 * `ceiling` (e.g. 0.98 of an accuracy), the measurement cannot rank what it is meant to rank, and the claim is
 * inconclusive whatever `j` said; otherwise `j`, with the ceiling condition added to its rule.
 */
export function unlessAtCeiling(
  j: Judgement,
  means: readonly number[],
  ceiling: number,
  what: string,
): Judgement {
  return unlessSaturated(j, means, ceiling, "above", what);
}

/**
 * The mirror of {@link unlessAtCeiling} for a score with a chance level: when every compared mean in `means` is
 * at or below `floor` (e.g. chance accuracy), the arms carry no signal to rank, and the claim is inconclusive
 * whatever `j` said; otherwise `j`, with the floor condition added to its rule.
 *
 * @example
 * ```ts
 * import { unlessAtFloor, verdictGreater } from "./verdict.ts";
 * // two classifiers at 6% and 7% on an 8-way task (chance 12.5%): their difference says nothing
 * const j = unlessAtFloor(verdictGreater({ mean: 1, ci95: [0.2, 1.8], n: 5 }, 0), [6, 7], 12.5, "accuracy (%)");
 * j.verdict; // "inconclusive"
 * ```
 */
export function unlessAtFloor(
  j: Judgement,
  means: readonly number[],
  floor: number,
  what: string,
): Judgement {
  return unlessSaturated(j, means, floor, "below", what);
}

/** `j`, unless every mean sits at or beyond `bound` on `side`: then inconclusive (shared by the two above). */
function unlessSaturated(
  j: Judgement,
  means: readonly number[],
  bound: number,
  side: "above" | "below",
  what: string,
): Judgement {
  const above = side === "above";
  const [op, at] = above ? ["≥", "at its ceiling"] : ["≤", "at or below chance"];
  const rule = `${j.rule}; inconclusive when every compared ${what} is ${op} ${bound} (${at})`;
  if (means.length > 0 && means.every((m) => above ? m >= bound : m <= bound)) {
    const [word, edge] = above ? ["lowest", Math.min(...means)] : ["highest", Math.max(...means)];
    return judgement(
      "inconclusive",
      rule,
      `every compared ${what} is ${at} (${op} ${bound}; ${word} ${Number(edge.toPrecision(3))})`,
    );
  }
  return judgement(j.verdict, rule, j.reason);
}
