import { assert, assertEquals } from "@std/assert";
import {
  correlationBarsSpec,
  datasetBars,
  imagenetScatter,
  scatterSpec,
  zooScatter,
} from "../../../lib/experiments/transfer/figures.ts";
import { loadEricssonTables, modelNames, setting } from "../../../lib/experiments/transfer/published.ts";
import { datasetCorrelations } from "../../../lib/experiments/transfer/reanalysis.ts";
import { renderSvg } from "../../../lib/report/figure.ts";

Deno.test("datasetBars + correlationBarsSpec: one bar per dataset, rendering to SVG", async () => {
  const t = await loadEricssonTables();
  const rows = datasetCorrelations(t, setting("cdfsl-20"), modelNames(t), { resamples: 50 });
  const bars = datasetBars(rows, "pearson");
  assertEquals(
    bars.map((b) => b.x),
    ["CropDiseases", "EuroSAT", "ISIC", "ChestX"].map((d) => `${d} · CD-FSL 20`),
  );
  assertEquals(bars[0].estimate, rows[0].pearson);
  const svg = await renderSvg(correlationBarsSpec(bars, { title: "t", y: "r" }));
  assert(svg.startsWith("<svg") && svg.includes("ChestX"));
});

Deno.test("imagenetScatter + scatterSpec: 14 points, means in percent (mIoU scaled)", async () => {
  const t = await loadEricssonTables();
  const pts = imagenetScatter(t, setting("segmentation"));
  assertEquals(pts.length, 14);
  const byol = pts.find((p) => p.label === "BYOL")!;
  assertEquals([byol.x, byol.y, byol.series], [74.3, 29.4, "self-supervised"]);
  assertEquals(pts.find((p) => p.label === "Supervised")!.series, "supervised");
  const svg = await renderSvg(scatterSpec(pts, { title: "t", x: "x", y: "y" }));
  assert(svg.includes("BYOL"));
});

Deno.test("zooScatter: one point per model and domain, seed means in percent", () => {
  const e = (m: number) => ({ mean: m, ci95: [m, m] as [number, number], n: 1 });
  const task = (task: string, domain: "near" | "far", a: number) => ({
    task,
    domain,
    linear: e(a),
    fewShot: [],
    finetune: e(a),
  });
  const runs = [0.4, 0.6].map((u, seed) => ({
    model: "m",
    seed,
    upstream: e(u),
    trainSeconds: 0,
    tasks: [task("n", "near", u), task("f", "far", 0.9)],
  }));
  const pts = zooScatter([{ model: "m", runs }], "linear");
  assertEquals(pts.length, 2);
  assertEquals(pts.map((p) => [p.x, p.y].map((v) => Math.round(v * 1e9) / 1e9)), [[50, 50], [50, 90]]);
});
