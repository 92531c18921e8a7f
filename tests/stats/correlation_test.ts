import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { kendall, pearson, ranks, spearman } from "../../lib/stats/correlation.ts";

// Reference values from scipy.stats (pearsonr, spearmanr, kendalltau with its default tau-b).
const X = [2.1, 3.4, 1.9, 5.6, 4.4, 3.3, 2.8, 6.1], Y = [1.0, 2.5, 2.0, 4.8, 3.9, 2.5, 2.5, 5.0];
const A = [1, 2, 2, 3, 4, 4, 4, 5], B = [3, 1, 2, 2, 5, 6, 6, 4];

Deno.test("pearson / spearman / kendall: match scipy on data with and without ties", () => {
  assertAlmostEquals(pearson(X, Y), 0.9646252720286712, 1e-13);
  assertAlmostEquals(spearman(X, Y), 0.95150257112482, 1e-13);
  assertAlmostEquals(kendall(X, Y), 0.8693182879212225, 1e-13);
  assertAlmostEquals(pearson(A, B), 0.6780026783960365, 1e-13);
  assertAlmostEquals(spearman(A, B), 0.6647116801916952, 1e-13);
  assertAlmostEquals(kendall(A, B), 0.4403524229639897, 1e-13);
});

Deno.test("ranks: average ranks for ties (scipy.stats.rankdata)", () => {
  assertEquals(Array.from(ranks([10, 20, 20, 30, 20, 5])), [2, 4, 4, 6, 4, 1]);
});

Deno.test("correlations: properties (perfect, reversed, monotone transform, symmetry)", () => {
  const x = [0.5, 1.5, 2, 3.25, 7, 11];
  const cube = x.map((v) => v ** 3);
  assertAlmostEquals(pearson(x, x.map((v) => 3 * v - 2)), 1, 1e-15);
  assertAlmostEquals(pearson(x, x.map((v) => -v)), -1, 1e-15);
  assertEquals(spearman(x, cube), 1);
  assertEquals(kendall(x, cube), 1);
  assertEquals(kendall(x, cube.map((v) => -v)), -1);
  assertAlmostEquals(spearman(X, Y), spearman(Y, X), 1e-15);
  assertAlmostEquals(kendall(A, B), kendall(B, A), 1e-15);
});

Deno.test("correlations: constant input gives NaN; bad input throws one-line errors", () => {
  const c = [2, 2, 2, 2];
  const v = [1, 2, 3, 4];
  assertEquals(pearson(c, v), NaN);
  assertEquals(spearman(v, c), NaN);
  assertEquals(kendall(c, v), NaN);
  assertThrows(() => pearson([1, 2, 3], [1, 2]), Error, "length mismatch");
  assertThrows(() => spearman([1, NaN], [1, 2]), Error, "NaN at index 1");
  assertThrows(() => kendall([1], [1]), Error, "too few samples");
});
