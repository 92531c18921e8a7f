import { assert, assertEquals, assertStringIncludes } from "@std/assert";
import {
  claimsTable,
  correlationTable,
  formatR,
  supervisedTable,
  zooCorrelationTable,
  zooMarkdown,
} from "../../../lib/experiments/transfer/tables.ts";
import type { Estimate } from "../../../lib/stats/confidence.ts";
import { makeClaim } from "../../../lib/report/results.ts";
import { verdictGreater } from "../../../lib/report/verdict.ts";

const e = (mean: number, lo = mean - 0.1, hi = mean + 0.1): Estimate => ({ mean, ci95: [lo, hi], n: 5 });

Deno.test("formatR: two decimals with the CI, or n without one", () => {
  assertEquals(formatR(e(0.856, 0.6, 0.961)), "0.86 [0.60, 0.96]");
  assertEquals(formatR({ mean: 0.5, ci95: [NaN, NaN], n: 1 }), "0.50 (n=1)");
});

Deno.test("tables: one row per item, with the numbers formatted", () => {
  const corr = correlationTable([{
    setting: "cdfsl-20",
    label: "CD-FSL 20-shot",
    group: "cross-domain",
    dataset: "ChestX",
    models: ["a", "b", "c"],
    pearson: e(0.5),
    spearman: e(0.25),
  }]);
  assertStringIncludes(
    corr,
    "| CD-FSL 20-shot: ChestX | cross-domain | 3 | 0.50 [0.40, 0.60] | 0.25 [0.15, 0.35] |",
  );
  const sup = supervisedTable([
    { setting: "s", dataset: "A", bestModel: "m", best: 2, supervised: 1, matchesOrBeats: true },
    { setting: "s", dataset: "B", bestModel: "m", best: 1, supervised: 3, matchesOrBeats: false },
  ]);
  assertStringIncludes(sup, "| s | 1 of 2 | B (3 vs m 1) |");
  const zoo = zooMarkdown([{ model: "r", upstream: e(0.4), tasks: { t: { linear: e(0.5) } } }], ["linear"]);
  assertStringIncludes(zoo, "| model | upstream | t linear |");
  assertStringIncludes(zoo, "| r | 40.0 [30.0, 50.0] | 50.0 [40.0, 60.0] |");
  const zc = zooCorrelationTable([{
    protocol: "linear",
    near: { pearson: e(0.9), spearman: e(0.8) },
    far: { pearson: e(0.1), spearman: e(0.2) },
    spearmanGap: e(0.6),
    pearsonGap: e(0.8),
  }]);
  assertStringIncludes(zc, "| linear | 0.80 [0.70, 0.90] | 0.20 [0.10, 0.30] | 0.60 [0.50, 0.70] |");
  const c = makeClaim({ id: "x", claim: "A > 0", paper: null, ours: e(0.3) }, verdictGreater(e(0.3), 0));
  const md = claimsTable([c]);
  assertStringIncludes(md, "| A > 0 | — | 0.30 [0.20, 0.40] | **reproduced** |");
  assert(md.split("\n").length === 3);
});
