import { assert, assertEquals } from "@std/assert";
import {
  correlationBarsSpec,
  datasetBars,
  imagenetScatter,
  type PlacedLabel,
  placeLabels,
  type ScatterPoint,
  scatterSpec,
  zooScatter,
} from "../../../lib/experiments/transfer/figures.ts";
import { loadEricssonTables, modelNames, setting } from "../../../lib/experiments/transfer/published.ts";
import { datasetCorrelations } from "../../../lib/experiments/transfer/reanalysis.ts";
import { renderSvg } from "../../../lib/report/figure.ts";
import { textWidth } from "../../../lib/report/charts.ts";

const PLOT = { width: 340, height: 260, fontSize: 9 };

/** The pixel box of a placed label (as placeLabels sizes it) on a plot with the given domains. */
function labelBox(l: PlacedLabel, x: [number, number], y: [number, number]) {
  const w = textWidth(l.label, PLOT.fontSize), h = PLOT.fontSize + 2;
  const tx = ((l.tx - x[0]) / (x[1] - x[0])) * PLOT.width;
  const ty = PLOT.height - ((l.ty - y[0]) / (y[1] - y[0])) * PLOT.height;
  const x0 = l.align === "left" ? tx : l.align === "right" ? tx - w : tx - w / 2;
  return { x0, y0: ty - h / 2, x1: x0 + w, y1: ty + h / 2 };
}

/** Asserts that no two label boxes overlap and every box lies inside the plot. */
function assertClear(labels: PlacedLabel[], x: [number, number], y: [number, number]) {
  const boxes = labels.map((l) => labelBox(l, x, y));
  boxes.forEach((a, i) => {
    assert(
      a.x0 >= -1e-6 && a.y0 >= -1e-6 && a.x1 <= PLOT.width + 1e-6 && a.y1 <= PLOT.height + 1e-6,
      `${labels[i].label} leaves the plot`,
    );
    boxes.slice(i + 1).forEach((b, j) => {
      const clear = a.x1 <= b.x0 || b.x1 <= a.x0 || a.y1 <= b.y0 || b.y1 <= a.y0;
      assert(clear, `labels ${labels[i].label} and ${labels[i + 1 + j].label} overlap`);
    });
  });
}

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

Deno.test("placeLabels: the 14 published models' labels neither overlap nor leave the plot", async () => {
  const t = await loadEricssonTables();
  const pts = imagenetScatter(t, setting("many-shot-linear"));
  const spec = scatterSpec(pts, { title: "t", x: "x", y: "y" }) as {
    layer: {
      encoding: { x: { scale: { domain: [number, number] } }; y: { scale: { domain: [number, number] } } };
    }[];
  };
  const x = spec.layer[1].encoding.x.scale.domain, y = spec.layer[1].encoding.y.scale.domain;
  assert(
    pts.every((p) => p.x >= x[0] && p.x <= x[1] && p.y >= y[0] && p.y <= y[1]),
    "domains hold every point",
  );
  const labels = placeLabels(pts, pts, { ...PLOT, x, y });
  assertEquals(labels.map((l) => l.label), pts.map((p) => p.label));
  assertClear(labels, x, y);
});

Deno.test("placeLabels: a crowded cluster (coincident points included) gets clear labels with leader lines", () => {
  const near: [string, number, number][] = [
    ["SimCLR crop only", 34.9, 31.1],
    ["random init", 41.5, 37.2],
    ["SimCLR colour 0.125", 41.5, 37.4],
    ["SimCLR B=256", 42.7, 39.5],
    ["SimCLR τ=10, no ℓ2", 43.3, 39.3],
    ["SimCLR 1 ep", 43.6, 39.7],
    ["SimCLR", 45.5, 43.0],
    ["SimCLR B=16", 47.9, 43.1],
    ["supervised 1 ep", 57.1, 50.3],
    ["supervised", 74.7, 67.2],
  ];
  const pts: ScatterPoint[] = near.flatMap(([label, x, y]) => [
    { label, series: "near", x, y },
    { label, series: "far", x, y: 76 + (x % 5) },
  ]);
  const x: [number, number] = [30, 80], y: [number, number] = [25, 85];
  const labels = placeLabels(pts.filter((p) => p.series === "near"), pts, { ...PLOT, x, y });
  assertEquals(labels.length, near.length);
  assertClear(labels, x, y);
  assert(labels.some((l) => l.leader), "some labels sit away from their point");
  for (const l of labels.filter((l) => l.leader)) {
    const b = labelBox(l, x, y);
    const lx = ((l.lx - x[0]) / (x[1] - x[0])) * PLOT.width;
    const ly = PLOT.height - ((l.ly - y[0]) / (y[1] - y[0])) * PLOT.height;
    assert(
      lx >= b.x0 - 1e-6 && lx <= b.x1 + 1e-6 && ly >= b.y0 - 1e-6 && ly <= b.y1 + 1e-6,
      "leader ends on the box",
    );
  }
});
