import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { loadEricssonTables, modelNames, setting } from "../../../lib/experiments/transfer/published.ts";
import {
  compareWithSupervised,
  correlationGap,
  datasetCorrelations,
  fractionWithCI,
  imagenetScores,
  targetCorrelation,
  targetScores,
  topWinnerShare,
  winners,
} from "../../../lib/experiments/transfer/reanalysis.ts";
import { pearson, spearman } from "../../../lib/stats/correlation.ts";

Deno.test("targetCorrelation: Pearson of the log-odds, as computed by hand from the table", async () => {
  const t = await loadEricssonTables();
  const models = modelNames(t);
  const s = setting("cdfsl-20");
  const lg = (p: number) => Math.log(p / (1 - p));
  const x = models.map((m) =>
    lg(Number(t.imagenet_linear.rows.find((r) => r.model === m)!.imagenet_top1) / 100)
  );
  const y = models.map((m) => {
    const r = t.few_shot_cdfsl_5way_20shot.rows.find((r) => r.model === m)!;
    return ["CropDiseases", "EuroSAT", "ISIC", "ChestX"].reduce((a, c) => a + lg(Number(r[c]) / 100), 0) / 4;
  });
  const c = targetCorrelation(t, { setting: s }, models, { resamples: 100 });
  assertAlmostEquals(c.pearson.mean, pearson(x, y), 1e-12);
  assertAlmostEquals(c.spearman.mean, spearman(x, y), 1e-12);
  assertEquals(c.models, models);
  imagenetScores(t, models).forEach((v, i) => assertAlmostEquals(v, x[i], 1e-12));
  targetScores(t, { setting: s }, models).forEach((v, i) => assertAlmostEquals(v, y[i], 1e-12));
});

Deno.test("datasetCorrelations and correlationGap: one per column; a gap with itself is zero", async () => {
  const t = await loadEricssonTables();
  const models = modelNames(t);
  const rows = datasetCorrelations(t, setting("cdfsl-20"), models, { resamples: 50 });
  assertEquals(rows.map((r) => r.dataset), ["CropDiseases", "EuroSAT", "ISIC", "ChestX"]);
  const s = { setting: setting("few-shot-20") };
  const g = correlationGap(t, s, s, models, "pearson", { resamples: 50 });
  assertEquals([g.mean, ...g.ci95], [0, 0, 0]);
});

Deno.test("compareWithSupervised: the best self-supervised model per dataset, against the table", async () => {
  const t = await loadEricssonTables();
  const cmp = compareWithSupervised(t, [setting("few-shot-20")]);
  assertEquals(cmp.length, 10);
  const aircraft = cmp.find((c) => c.dataset === "Aircraft")!;
  assertEquals([aircraft.bestModel, aircraft.best, aircraft.supervised, aircraft.matchesOrBeats], [
    "BYOL",
    62.65,
    68.9,
    false,
  ]);
  const flowers = cmp.find((c) => c.dataset === "Flowers")!;
  assertEquals([flowers.bestModel, flowers.matchesOrBeats], ["BYOL", true]);
  assertEquals(winners(t, [setting("few-shot-20")]).map((w) => w.model), cmp.map((c) => c.bestModel));
});

Deno.test("fractionWithCI and topWinnerShare: shares with bootstrap CIs over items", () => {
  const f = fractionWithCI([true, true, true, false], { resamples: 500 });
  assertEquals(f.mean, 0.75);
  assert(f.ci95[0] <= 0.75 && f.ci95[1] <= 1);
  const all = fractionWithCI([true, true, true], { resamples: 50 });
  assertEquals([all.mean, ...all.ci95], [1, 1, 1]);
  const w = topWinnerShare([{ model: "a" }, { model: "b" }, { model: "a" }, { model: "c" }], {
    resamples: 500,
  });
  assertEquals([w.model, w.wins, w.share.mean], ["a", 2, 0.5]);
  // the top share of a resample is at least 1/4 (one of four) and at most 1
  assert(w.share.ci95[0] >= 0.25 && w.share.ci95[1] <= 1);
  const one = topWinnerShare([{ model: "a" }, { model: "a" }], { resamples: 50 });
  assertEquals([one.share.mean, ...one.share.ci95], [1, 1, 1]);
});
