import { assert, assertEquals, assertStringIncludes, assertThrows } from "@std/assert";
import {
  unlessAtCeiling,
  unlessAtFloor,
  verdictGreater,
  verdictLess,
  verdictRankAgreement,
  verdictWithin,
} from "../../lib/report/verdict.ts";
import { meanCI } from "../../lib/stats/confidence.ts";

const est = (lo: number, hi: number, n = 3) => ({
  mean: (lo + hi) / 2,
  ci95: [lo, hi] as [number, number],
  n,
});

Deno.test("verdictGreater / verdictLess compare confidence intervals", () => {
  assertEquals(verdictGreater(est(5, 6), est(3, 4)).verdict, "reproduced");
  assertEquals(verdictGreater(est(1, 2), est(3, 4)).verdict, "not-reproduced");
  assertEquals(verdictGreater(est(3, 5), est(4, 6)).verdict, "inconclusive");
  assertEquals(verdictGreater(est(0.1, 0.2), 0).verdict, "reproduced");
  assertEquals(verdictLess(est(1, 2), est(3, 4)).verdict, "reproduced");
  assertEquals(verdictLess(est(5, 6), 4).verdict, "not-reproduced");
  // n = 1 has no interval ([NaN, NaN] from meanCI): never decisive
  assertEquals(verdictGreater(meanCI([10]), meanCI([1])).verdict, "inconclusive");
  const j = verdictGreater(est(5, 6), 3, { a: "PIRL", b: "Jigsaw" });
  assertStringIncludes(j.rule, "PIRL > Jigsaw");
  assertStringIncludes(j.rule, "otherwise inconclusive");
});

Deno.test("verdictWithin checks the CI against the paper's value ± tolerance", () => {
  assertEquals(verdictWithin(est(0.6, 0.7), 0.65, 0.1).verdict, "reproduced");
  assertEquals(verdictWithin(est(0.2, 0.3), 0.65, 0.1).verdict, "not-reproduced");
  assertEquals(verdictWithin(est(0.5, 0.6), 0.65, 0.1).verdict, "inconclusive");
  assertThrows(() => verdictWithin(est(0, 1), 0, -1), Error, "tolerance");
});

Deno.test("verdictRankAgreement uses Spearman's rho, per seed when given", () => {
  const paper = [60, 63, 65, 70];
  const same = verdictRankAgreement([1, 2, 3, 4], paper);
  assertEquals([same.verdict, same.rho.mean], ["reproduced", 1]);
  assertEquals(verdictRankAgreement([4, 3, 2, 1], paper).verdict, "not-reproduced");
  const seeds = verdictRankAgreement([[1, 2, 3, 4], [2, 1, 4, 3], [4, 3, 2, 1]], paper);
  assertEquals(seeds.rho.n, 3);
  assertEquals(seeds.verdict, "inconclusive");
  assertStringIncludes(seeds.rule, "95% CI over 3 seeds");
});

Deno.test("unlessAtCeiling: inconclusive when every compared mean is at the ceiling, else the judgement", () => {
  const j = verdictGreater({ mean: 2, ci95: [1, 3], n: 5 }, 0);
  const capped = unlessAtCeiling(j, [0.99, 0.985], 0.98, "accuracy");
  assertEquals(capped.verdict, "inconclusive");
  assert(capped.reason!.includes("at its ceiling"), capped.reason!);
  const free = unlessAtCeiling(j, [0.99, 0.9], 0.98, "accuracy");
  assertEquals(free.verdict, "reproduced");
  assert(free.rule.includes("≥ 0.98"));
});

Deno.test("unlessAtFloor: inconclusive when every compared mean is at or below chance, else the judgement", () => {
  const j = verdictLess({ mean: -3, ci95: [-4, -2], n: 5 }, 0);
  const floored = unlessAtFloor(j, [6.2, 7.9], 12.5, "accuracy (%)");
  assertEquals(floored.verdict, "inconclusive");
  assert(floored.reason!.includes("at or below chance") && floored.reason!.includes("7.9"), floored.reason!);
  // one arm above chance: the comparison stands (a rule that destroys accuracy is a finding)
  const free = unlessAtFloor(j, [6.2, 22], 12.5, "accuracy (%)");
  assertEquals(free.verdict, "reproduced");
  assert(free.rule.includes("≤ 12.5"));
});
