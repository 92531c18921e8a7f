import { assert, assertEquals } from "@std/assert";
import { pcaeConfig } from "../../../lib/experiments/pcae/config.ts";
import { dropCurveSpec, methodsSpec, throughputSpec } from "../../../lib/experiments/pcae/figures.ts";
import { loadPaperTable } from "../../../lib/papers.ts";
import { renderSvg } from "../../../lib/report/figure.ts";
import type { PcaeEval } from "../../../lib/experiments/pcae/evaluate.ts";
import type { MethodRuns } from "../../../lib/experiments/pcae/experiments.ts";

const cfg = pcaeConfig("cpu");
const est = (p: number) => ({ mean: p, ci95: [p - 0.02, p + 0.02] as [number, number], n: 100 });
const ev = (p: number): PcaeEval => ({
  full: { ratio: 0, mode: "mean-token", linear: est(p), knn: est(p) },
  drops: [
    ...cfg.dropRatios.filter((r) => r > 0).map((ratio) => ({
      ratio,
      mode: "mean-token" as const,
      linear: est(p),
      knn: est(p),
    })),
    ...cfg.randomDropRatios.map((ratio) => ({
      ratio,
      mode: "random" as const,
      linear: est(p - 0.1),
      knn: est(p),
    })),
  ],
  redundancy: [],
});
const run = (p: number) => ({
  run: { method: "pcae" as const, maskRatio: 0.75, steps: 1, seed: 0 },
  label: "",
  status: "done" as const,
  trainSeconds: 0,
  firstLoss: 0,
  finalLoss: 0,
  lossCurve: [],
  eval: ev(p),
});
const runs: MethodRuns = {
  seeds: [0, 1],
  mae: [run(0.3), run(0.32)],
  pcae: [run(0.4), run(0.41)],
  random: [ev(0.2), ev(0.25)],
  pixels: [ev(0.15), ev(0.16)],
};

Deno.test("figure specs: the points they plot, and they render", async () => {
  const curve = dropCurveSpec(cfg, runs);
  const pts = (curve.data as { values: { series: string; x: string; mean: number }[] }).values;
  assertEquals(pts.filter((p) => p.series === "PCAE, random drop").map((p) => p.x), ["0", "0.2", "0.4"]);
  assertEquals(pts.find((p) => p.series === "PCAE, random drop" && p.x === "0.4")!.mean.toFixed(1), "30.5");
  const table = await loadPaperTable("pcae2023", "drop_ratio.csv");
  const tp = [0, 1].map((seed) => ({
    seed,
    ratios: cfg.dropRatios,
    imagesPerSecond: cfg.dropRatios.map((r) => 100 * (1 + r)),
  }));
  const t = throughputSpec(cfg, tp, table);
  const tv = (t.data as { values: { series: string; x: string; mean: number }[] }).values;
  assertEquals(tv.find((p) => p.series === "ours" && p.x === "0.4")!.mean.toFixed(2), "1.40");
  assertEquals(tv.find((p) => p.series !== "ours" && p.x === "0.4")!.mean.toFixed(3), (538 / 286).toFixed(3));
  const methods = methodsSpec(runs);
  const bars = (methods.data as { values: { x: string; series: string; mean: number }[] }).values;
  assertEquals([...new Set(bars.map((b) => b.x))], ["raw pixels", "random init", "MAE", "PCAE"]);
  for (const spec of [curve, t, methods]) assert((await renderSvg(spec)).startsWith("<svg"));
});
