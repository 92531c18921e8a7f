import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { accuracyCI, meanCI, wilsonCI } from "../../lib/stats/confidence.ts";

Deno.test("meanCI: matches scipy.stats.t.interval(0.95, n−1, mean, sem)", () => {
  const r = meanCI([0.61, 0.72, 0.55, 0.68, 0.70]);
  assertAlmostEquals(r.mean, 0.652, 1e-12);
  assertAlmostEquals(r.ci95[0], 0.5644648896862309, 1e-10);
  assertAlmostEquals(r.ci95[1], 0.739535110313769, 1e-10);
  assertEquals(r.n, 5);
  // Two points: half-width = t_{0.975,1} · |a − b| / 2.
  const two = meanCI([1, 3]);
  assertAlmostEquals(two.ci95[1] - two.mean, 12.706204736174694, 1e-9);
  // A constant sample has a zero-width interval; one value has no interval.
  assertEquals(meanCI([4, 4, 4]).ci95, [4, 4]);
  assertEquals(meanCI([4]).ci95, [NaN, NaN]);
  assertThrows(() => meanCI([]), Error, "too few samples");
});

Deno.test("wilsonCI: matches the closed form; stays in [0, 1] at the extremes", () => {
  const w = wilsonCI(81, 100);
  assertEquals(w.mean, 0.81);
  assertAlmostEquals(w.ci95[0], 0.7222115462093562, 1e-10);
  assertAlmostEquals(w.ci95[1], 0.8748524849023126, 1e-10);
  const zero = wilsonCI(0, 10);
  assertAlmostEquals(zero.ci95[0], 0, 1e-15);
  assertAlmostEquals(zero.ci95[1], 0.2775327998628892, 1e-10);
  const all = wilsonCI(10, 10);
  assertAlmostEquals(all.ci95[0], 0.7224672001371107, 1e-10);
  assertAlmostEquals(all.ci95[1], 1, 1e-15);
  assertThrows(() => wilsonCI(11, 10), Error, "successes");
});

Deno.test("accuracyCI: counts matches and rejects mismatched lengths", () => {
  const r = accuracyCI([1, 2, 3, 4], [1, 2, 0, 4]);
  assertEquals(r.mean, 0.75);
  assertEquals(r.n, 4);
  assertThrows(() => accuracyCI([1], [1, 2]), Error, "length mismatch");
});
