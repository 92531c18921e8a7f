import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import {
  correlationDifference,
  correlations,
  correlationWithCI,
  logitMean,
} from "../../../lib/experiments/transfer/correlation.ts";

Deno.test("logitMean: the mean log-odds, in percent or fraction units", () => {
  // logit(0.5) = 0, logit(0.9) = ln 9, logit(0.1) = −ln 9
  assertAlmostEquals(logitMean([50]), 0, 1e-12);
  assertAlmostEquals(logitMean([90, 10]), 0, 1e-12);
  assertAlmostEquals(logitMean([90, 50]), Math.log(9) / 2, 1e-12);
  assertAlmostEquals(logitMean([0.9], 1), Math.log(9), 1e-12);
  assertThrows(() => logitMean([]));
});

Deno.test("correlationWithCI: the coefficient of the data, and a CI that contains it", () => {
  const x = [1, 2, 3, 4, 5, 6, 7, 8];
  const y = [2, 1, 4, 3, 6, 5, 8, 7]; // Spearman ρ = 1 − 6·8/(8·63) = 0.905 (each pair swapped)
  const s = correlationWithCI(x, y, "spearman", { resamples: 500 });
  assertAlmostEquals(s.mean, 1 - (6 * 8) / (8 * 63), 1e-12);
  assertEquals(s.n, 8);
  assert(s.ci95[0] <= s.mean && s.mean <= s.ci95[1], JSON.stringify(s));
  // a perfect linear relation: every resample that is not constant gives r = 1
  const p = correlationWithCI(x, x.map((v) => 3 * v - 2), "pearson", { resamples: 200 });
  assertAlmostEquals(p.mean, 1, 1e-12);
  assertAlmostEquals(p.ci95[0], 1, 1e-12);
  assertThrows(() => correlationWithCI([1, 2], [1, 2, 3], "pearson"));
});

Deno.test("correlations: seeded, Pearson and Spearman together", () => {
  const x = [3, 1, 4, 1.5, 5, 9, 2, 6], y = [2, 7, 1, 8, 2, 8, 1, 8];
  const a = correlations(x, y, { seed: 3, resamples: 300 }),
    b = correlations(x, y, { seed: 3, resamples: 300 });
  assertEquals(a, b);
  assert(a.pearson.mean !== a.spearman.mean);
});

Deno.test("correlationDifference: r(x, a) − r(x, b), zero CI width when both are perfect", () => {
  const x = [1, 2, 3, 4, 5, 6];
  const same = correlationDifference(x, x, x.map((v) => 2 * v), "pearson", { resamples: 200 });
  assertAlmostEquals(same.mean, 0, 1e-12);
  assertAlmostEquals(same.ci95[0], 0, 1e-12);
  assertAlmostEquals(same.ci95[1], 0, 1e-12);
  // a is x, b reverses it: r(x, a) − r(x, b) = 1 − (−1) = 2 on every resample
  const opposite = correlationDifference(x, x, x.map((v) => -v), "spearman", { resamples: 200 });
  assertAlmostEquals(opposite.mean, 2, 1e-12);
  assertAlmostEquals(opposite.ci95[0], 2, 1e-12);
  assertThrows(() => correlationDifference(x, x, [1, 2], "pearson"));
});

Deno.test("correlationWithCI / correlationDifference: a constant sample has no estimate (NaN, no CI)", () => {
  const x = [1, 2, 3, 4], flat = [0.5, 0.5, 0.5, 0.5];
  const c = correlationWithCI(x, flat, "spearman", { resamples: 50 });
  assert(Number.isNaN(c.mean) && Number.isNaN(c.ci95[0]) && c.n === 4);
  const d = correlationDifference(x, x, flat, "pearson", { resamples: 50 });
  assert(Number.isNaN(d.mean));
});
