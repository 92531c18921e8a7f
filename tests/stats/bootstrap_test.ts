import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { Rng } from "../../lib/rng.ts";
import { bootstrap, bootstrapCI, mean, pairedBootstrapDiff } from "../../lib/stats/bootstrap.ts";
import { pearson } from "../../lib/stats/correlation.ts";

Deno.test("bootstrap: seeded and reproducible; CI of the mean close to the normal-theory interval", () => {
  const rng = new Rng(5);
  const x = Array.from({ length: 400 }, () => rng.normal(3, 2));
  const a = bootstrap(x, mean, { seed: 1 }), b = bootstrap(x, mean, { seed: 1 });
  assertEquals(a.ci95, b.ci95);
  assertAlmostEquals(a.estimate, mean(x), 1e-12);
  // Normal theory: mean ± 1.96 s/√n; the percentile bootstrap agrees to within a few percent of its width.
  const m = mean(x), s = Math.sqrt(x.reduce((t, v) => t + (v - m) ** 2, 0) / (x.length - 1));
  const half = 1.96 * s / Math.sqrt(x.length);
  assertLess(Math.abs(a.ci95[0] - (m - half)), 0.1 * half);
  assertLess(Math.abs(a.ci95[1] - (m + half)), 0.1 * half);
  assertEquals(a.resamples, 2000);
});

Deno.test("bootstrapCI: percentile interval equals quantiles of its own samples; works for paired statistics", () => {
  const x = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], y = [2, 1, 4, 3, 6, 5, 8, 7, 10, 9];
  const r = bootstrapCI(
    x.length,
    (idx) => pearson(Array.from(idx, (i) => x[i]), Array.from(idx, (i) => y[i])),
    {
      resamples: 500,
      seed: 3,
    },
  );
  const sorted = Array.from(r.samples).sort((p, q) => p - q);
  // type-7 quantile at 0.025 of 500 - dropped values: h = (m − 1)·0.025
  const h = (sorted.length - 1) * 0.025,
    lo = sorted[Math.floor(h)] + (h % 1) * (sorted[Math.ceil(h)] - sorted[Math.floor(h)]);
  assertAlmostEquals(r.ci95[0], lo, 1e-12);
  assert(r.ci95[0] <= r.estimate && r.estimate <= r.ci95[1]);
  assertEquals(r.resamples + r.dropped, 500);
});

Deno.test("pairedBootstrapDiff: detects a consistent improvement and is centred on the observed difference", () => {
  const rng = new Rng(9);
  const base = Array.from({ length: 200 }, () => rng.normal());
  const better = base.map((v) => v + 0.3 + 0.05 * rng.normal());
  const r = pairedBootstrapDiff(better, base, mean, { seed: 2 });
  assertAlmostEquals(r.estimate, mean(better) - mean(base), 1e-12);
  assert(r.ci95[0] > 0.25 && r.ci95[1] < 0.35, `CI ${r.ci95}`);
  assertEquals(r.probNotPositive, 0);
  const same = pairedBootstrapDiff(base, base, mean, { seed: 2 });
  assertEquals(same.ci95, [0, 0]);
});

Deno.test("bootstrap: bad input throws", () => {
  assertThrows(() => bootstrap([1], mean), Error, "too few samples");
  assertThrows(() => pairedBootstrapDiff([1, 2], [1, 2, 3], mean), Error, "length mismatch");
  assertThrows(() => bootstrap([1, 2, 3], () => NaN, { resamples: 20 }), Error, "NaN on every resample");
});
