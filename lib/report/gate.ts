/**
 * The training gate: a comparison between methods means something only when every method in it has learned.
 *
 * An *arm* is one trained configuration of an experiment (e.g. "pirl", "simclr-base"). Its record holds the probe
 * estimate over seeds and the paired difference to the random-init encoder evaluated with the same protocol on
 * the same seeds. The arm has **learned** iff the 95% CI of that paired difference lies above zero. A claim names
 * the arms it depends on; {@link gateClaim} turns it `inconclusive` when any of them has not learned, whatever
 * its comparison said, and gives the reason.
 *
 * @example
 * ```ts
 * import { armRecord } from "./gate.ts";
 * const arm = armRecord([0.61, 0.63, 0.60], [0.48, 0.50, 0.49]); // probe per seed, random init per seed
 * arm.learned; // true: the paired gain is about +0.12 with a CI above zero
 * ```
 *
 * @module
 */
import { type Estimate, meanCI } from "../stats/confidence.ts";
import { studentTQuantile } from "../stats/student_t.ts";

/** What results.json records per arm. */
export interface ArmRecord {
  /** The arm's probe accuracy over seeds. */
  probe: Estimate;
  /** Paired (same seed) difference probe − random-init probe. */
  vsRandomInit: Estimate;
  /** Whether the 95% CI of {@link ArmRecord.vsRandomInit} lies above zero. */
  learned: boolean;
  /** The probe metric's maximum (1 for fractions, 100 for %), for telling when arms sit at the ceiling. */
  max?: number;
}

/** Arms within this share of the metric's maximum are at its ceiling (a comparison cannot separate them). */
export const CEILING_SHARE = 0.995;

/** The per-arm records of an experiment, by arm name. */
export type ArmRecords = Record<string, ArmRecord>;

/**
 * The gate record of one arm from its per-seed probe values and the random-init values of the same seeds.
 * Throws when the two lists differ in length (the seeds must be paired).
 */
export function armRecord(probe: readonly number[], randomInit: readonly number[]): ArmRecord {
  if (probe.length !== randomInit.length) {
    throw new Error(`armRecord: ${probe.length} probe values but ${randomInit.length} random-init values`);
  }
  const diff = probe.map((p, i) => p - randomInit[i]);
  const vsRandomInit = meanCI(diff);
  const lo = vsRandomInit.ci95[0];
  // accuracies are fractions or percentages: a value above 1 means the latter
  const max = probe.some((p) => p > 1) ? 100 : 1;
  return { probe: meanCI(probe), vsRandomInit, learned: Number.isFinite(lo) && lo > 0, max };
}

/**
 * When every arm among `names` sits at its metric's ceiling (mean ≥ {@link CEILING_SHARE} of the maximum), the
 * reason a comparison between them cannot decide; else null.
 */
export function ceilingReason(arms: ArmRecords, names: readonly string[]): string | null {
  const rs = names.map((n) => arms[n]);
  if (rs.length === 0 || rs.some((a) => !a?.max || !(a.probe.mean >= CEILING_SHARE * a.max))) return null;
  return `the arms sit at the metric's ceiling (${
    names.map((n, i) => `${n} ${fmt(rs[i].probe.mean)}`).join(", ")
  } of ${rs[0].max}): the task is too easy to separate them`;
}

/** The arms among `names` that have not learned, or are missing from `arms`, with why. */
export function untrainedArms(arms: ArmRecords, names: readonly string[]): string[] {
  const out: string[] = [];
  for (const name of names) {
    const a = arms[name];
    if (!a) out.push(`arm "${name}" has no gate record`);
    else if (!a.learned) {
      const d = a.vsRandomInit;
      out.push(
        `arm "${name}" has not learned (gain over random init ${fmt(d.mean)} [${fmt(d.ci95[0])}, ${
          fmt(d.ci95[1])
        }], n=${d.n})`,
      );
    }
  }
  return out;
}

function fmt(v: number): string {
  return Number.isFinite(v) ? String(Number(v.toPrecision(3))) : "—";
}

/**
 * Seeds needed for a paired difference with this mean and spread to have a 95% CI that excludes zero:
 * the smallest n with t_{0.975, n−1} · s/√n < |mean|, or null when the mean is 0 or the spread unknown.
 * @param diffs the observed per-seed differences (at least 2).
 */
export function seedsNeeded(diffs: readonly number[], maxSeeds = 10_000): number | null {
  const n = diffs.length;
  if (n < 2) return null;
  const m = diffs.reduce((a, b) => a + b, 0) / n;
  const s = Math.sqrt(diffs.reduce((a, b) => a + (b - m) ** 2, 0) / (n - 1));
  if (m === 0 || !Number.isFinite(s)) return null;
  if (s === 0) return n;
  for (let k = 2; k <= maxSeeds; k++) {
    if (studentTQuantile(0.975, k - 1) * s / Math.sqrt(k) < Math.abs(m)) return k;
  }
  return null;
}
