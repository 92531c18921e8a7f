/**
 * The transfer notebook's figures as vega-lite specs (rendered by `lib/report/figure.ts`): correlation bars with
 * 95% CIs per downstream dataset (the paper's per-dataset correlation figures), and labelled scatter plots of
 * an upstream score against a transfer score, one point per model. The shared bar and line charts of
 * `lib/report/charts.ts` are re-exported for the notebook.
 *
 * @module
 */
import { nice } from "d3-array";
import type { VegaLiteSpec } from "../../report/figure.ts";
import { textWidth, wideLegend } from "../../report/charts.ts";
import type { Estimate } from "../../stats/confidence.ts";
import type { TargetCorrelation } from "./reanalysis.ts";
import {
  type EricssonTables,
  imagenetTop1,
  modelNames,
  type Setting,
  settingValues,
  SUPERVISED,
} from "./published.ts";
import { type ModelResults, type Protocol, protocolAccuracy } from "./study.ts";

export * from "../../report/charts.ts";

/** One bar: a category, its colour group and an estimate with its CI. */
export interface CorrelationBar {
  /** The bar's label (e.g. a dataset). */
  x: string;
  /** Colour group (e.g. the setting). */
  group: string;
  /** The bar's height (`mean`, a correlation coefficient in [−1, 1]) and its 95% CI. */
  estimate: Estimate;
}

/** Bars of correlation coefficients with 95% CI rules, in the given order, coloured by group. */
export function correlationBarsSpec(
  bars: CorrelationBar[],
  opts: { title: string; y: string },
): VegaLiteSpec {
  const values = bars.map((b) => ({
    x: b.x,
    group: b.group,
    r: b.estimate.mean,
    lo: Number.isFinite(b.estimate.ci95[0]) ? b.estimate.ci95[0] : b.estimate.mean,
    hi: Number.isFinite(b.estimate.ci95[1]) ? b.estimate.ci95[1] : b.estimate.mean,
  }));
  const x = {
    field: "x",
    type: "nominal",
    sort: bars.map((b) => b.x),
    title: null,
    axis: { labelAngle: -45, labelLimit: 220 },
  };
  return {
    title: opts.title,
    data: { values },
    width: { step: 16 },
    height: 220,
    encoding: { x },
    layer: [
      {
        mark: "bar",
        encoding: {
          y: { field: "r", type: "quantitative", title: opts.y, scale: { domain: [-1, 1] } },
          color: {
            field: "group",
            type: "nominal",
            title: null,
            sort: [...new Set(bars.map((b) => b.group))],
            legend: wideLegend([...new Set(bars.map((b) => b.group))], 16 * bars.length, "top"),
          },
        },
      },
      {
        mark: { type: "rule", color: "black" },
        encoding: { y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
    ],
  };
}

/** One scatter point. */
export interface ScatterPoint {
  /** Text label of the point (the model's name). */
  label: string;
  /** Colour and shape group of the point (e.g. "near" / "far"). */
  series: string;
  /** Horizontal position (data units). */
  x: number;
  /** Vertical position (data units). */
  y: number;
}

/** Plot size of {@link scatterSpec} in pixels. */
const SCATTER = { width: 340, height: 260, fontSize: 9 } as const;

/** A point label placed by {@link placeLabels}: its text anchor in data units, alignment and leader line. */
export interface PlacedLabel {
  /** The label's text. */
  label: string;
  /** The point it labels (data units). */
  x: number;
  /** Vertical position of the labelled point (data units). */
  y: number;
  /** The text anchor (data units; the text's vertical middle). */
  tx: number;
  /** Vertical position of the text anchor (data units). */
  ty: number;
  /** Horizontal alignment of the text at its anchor. */
  align: "left" | "center" | "right";
  /** Whether the label sits away from its point, joined to it by a thin line. */
  leader: boolean;
  /** Where that line meets the label's box: its point nearest to the labelled point (data units). */
  lx: number;
  /** Vertical position of where the leader line meets the label (data units). */
  ly: number;
}

/** A padded, rounded axis domain holding `values` (padding 4% of the range, at least ±1 for a single value). */
function scatterDomain(values: number[]): [number, number] {
  const lo = Math.min(...values), hi = Math.max(...values);
  const pad = Math.max(0.04 * (hi - lo), hi === lo ? 1 : 0);
  const [a, b] = nice(lo - pad, hi + pad, 6);
  return [a, b];
}

/** Distances in pixels from a point at which {@link placeLabels} tries its label, nearest first. */
const RADII = [6, 16, 28, 42, 58];

interface Box {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

function overlap(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0);
  const h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  return w > 0 && h > 0 ? w * h : 0;
}

/**
 * Place the labels of `labelled` points without collisions on a `width` × `height` plot with the given data
 * domains: each label tries, in order, the right, left, top and bottom of its point and the four diagonals, at
 * a growing distance ({@link RADII}), and takes the first spot that overlaps no point of `all`, no label
 * already placed and stays inside the plot; where none is free it takes the spot of least overlap. The most
 * crowded points are placed first. Labels placed away from their point get a leader line.
 */
export function placeLabels(
  labelled: ScatterPoint[],
  all: ScatterPoint[],
  plot: { width: number; height: number; fontSize: number; x: [number, number]; y: [number, number] },
): PlacedLabel[] {
  const { width: W, height: H, fontSize } = plot;
  const px = (x: number) => ((x - plot.x[0]) / (plot.x[1] - plot.x[0])) * W;
  const py = (y: number) => H - ((y - plot.y[0]) / (plot.y[1] - plot.y[0])) * H;
  const obstacles: Box[] = all.map((p) => {
    const [cx, cy] = [px(p.x), py(p.y)];
    return { x0: cx - 5, y0: cy - 5, x1: cx + 5, y1: cy + 5 };
  });
  const crowd = (p: ScatterPoint) =>
    all.filter((q) => Math.hypot(px(q.x) - px(p.x), py(q.y) - py(p.y)) < 40).length;
  const order = labelled.map((p, i) => ({ p, i, n: crowd(p) })).sort((a, b) => b.n - a.n || a.i - b.i);
  const placed: (PlacedLabel | undefined)[] = new Array(labelled.length);
  const h = fontSize + 2;
  for (const { p, i } of order) {
    const w = textWidth(p.label, fontSize);
    const [cx, cy] = [px(p.x), py(p.y)];
    let best: { box: Box; align: PlacedLabel["align"]; tx: number; r: number; cost: number } | null = null;
    for (const r of RADII) {
      const d = r * Math.SQRT1_2;
      // [left edge of the box, vertical middle, alignment]
      const spots: [number, number, PlacedLabel["align"]][] = [
        [cx + r, cy, "left"],
        [cx - r - w, cy, "right"],
        [cx - w / 2, cy - r - h / 2, "center"],
        [cx - w / 2, cy + r + h / 2, "center"],
        [cx + d, cy - d - h / 2, "left"],
        [cx + d, cy + d + h / 2, "left"],
        [cx - d - w, cy - d - h / 2, "right"],
        [cx - d - w, cy + d + h / 2, "right"],
      ];
      for (const [x0, my, align] of spots) {
        const box = { x0, y0: my - h / 2, x1: x0 + w, y1: my + h / 2 };
        const outside = box.x0 < 0 || box.y0 < 0 || box.x1 > W || box.y1 > H;
        const cost = obstacles.reduce((a, o) => a + overlap(box, o), 0) + (outside ? 1e6 : 0);
        if (!best || cost < best.cost) {
          const tx = align === "left" ? x0 : align === "right" ? x0 + w : x0 + w / 2;
          best = { box, align, tx, r, cost };
        }
        if (cost === 0) break;
      }
      if (best && best.cost === 0) break;
    }
    const b = best!;
    obstacles.push(b.box);
    const my = (b.box.y0 + b.box.y1) / 2;
    const dataX = (v: number) => plot.x[0] + (v / W) * (plot.x[1] - plot.x[0]);
    const dataY = (v: number) => plot.y[0] + ((H - v) / H) * (plot.y[1] - plot.y[0]);
    const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
    placed[i] = {
      label: p.label,
      x: p.x,
      y: p.y,
      tx: dataX(b.tx),
      ty: dataY(my),
      align: b.align,
      leader: b.r > 6,
      lx: dataX(clamp(cx, b.box.x0, b.box.x1)),
      ly: dataY(clamp(cy, b.box.y0, b.box.y1)),
    };
  }
  return placed as PlacedLabel[];
}

/**
 * A labelled scatter plot (one point per model, coloured by series; legend below the plot); with
 * `labelSeries`, only that series' points carry text labels (the others would overprint them). Labels are
 * placed by {@link placeLabels} on explicit axis domains, so they neither collide with each other or with
 * points nor leave the plot.
 */
export function scatterSpec(
  points: ScatterPoint[],
  opts: { title: string; x: string; y: string; labelSeries?: string },
): VegaLiteSpec {
  const domains = {
    x: scatterDomain(points.map((p) => p.x)),
    y: scatterDomain(points.map((p) => p.y)),
  };
  const axis = (field: string, title: string, domain: [number, number]) => ({
    field,
    type: "quantitative",
    title,
    scale: { domain, nice: false, zero: false },
  });
  const x = (field: string) => axis(field, opts.x, domains.x);
  const y = (field: string) => axis(field, opts.y, domains.y);
  const labelled = opts.labelSeries ? points.filter((p) => p.series === opts.labelSeries) : points;
  const labels = placeLabels(labelled, points, { ...SCATTER, ...domains });
  const text = (align: PlacedLabel["align"]) => ({
    data: { values: labels.filter((l) => l.align === align) },
    mark: { type: "text", align, baseline: "middle", fontSize: SCATTER.fontSize },
    encoding: { x: x("tx"), y: y("ty"), text: { field: "label", type: "nominal" } },
  });
  const series = [...new Set(points.map((p) => p.series))];
  return {
    title: opts.title,
    width: SCATTER.width,
    height: SCATTER.height,
    layer: [
      {
        data: { values: labels.filter((l) => l.leader) },
        mark: { type: "rule", color: "#999", strokeWidth: 0.6 },
        encoding: { x: x("x"), y: y("y"), x2: { field: "lx" }, y2: { field: "ly" } },
      },
      {
        data: { values: points },
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          x: x("x"),
          y: y("y"),
          color: { field: "series", type: "nominal", title: null, legend: wideLegend(series, 340) },
          shape: { field: "series", type: "nominal", title: null },
        },
      },
      ...(["left", "center", "right"] as const).map(text),
    ],
  };
}

const SHORT: Record<string, string> = {
  "many-shot-linear": "linear",
  "many-shot-finetune": "finetune",
  "few-shot-5": "5-shot",
  "few-shot-20": "20-shot",
  "few-shot-50": "50-shot",
  "cdfsl-5": "CD-FSL 5",
  "cdfsl-20": "CD-FSL 20",
  "cdfsl-50": "CD-FSL 50",
};

/** Bars of per-dataset correlations ("dataset · setting"), coloured by setting. */
export function datasetBars(rows: TargetCorrelation[], method: "pearson" | "spearman"): CorrelationBar[] {
  return rows.map((r) => ({
    x: `${r.dataset ?? r.label} · ${SHORT[r.setting] ?? r.setting}`,
    group: r.label,
    estimate: r[method],
  }));
}

/** Scatter points of ImageNet top-1 (%) against a setting's arithmetic mean (%) for all 14 models. */
export function imagenetScatter(tables: EricssonTables, s: Setting): ScatterPoint[] {
  return modelNames(tables, { supervised: true }).map((m) => {
    const v = settingValues(tables, s, m);
    return {
      label: m,
      series: m === SUPERVISED ? "supervised" : "self-supervised",
      x: imagenetTop1(tables, m),
      y: (100 / s.scale) * (v.reduce((a, b) => a + b, 0) / v.length),
    };
  });
}

/** The series names of {@link zooScatter}. */
export const ZOO_SERIES = { near: "near", far: "far" } as const;

/**
 * Scatter points of our zoo: upstream probe accuracy (%) against the mean accuracy (%) over the near tasks and
 * over the far tasks under a protocol, each averaged over seeds (one point per model and domain).
 */
export function zooScatter(results: ModelResults[], p: Protocol): ScatterPoint[] {
  const mean = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  return results.flatMap((m) =>
    (["near", "far"] as const).map((domain) => ({
      label: m.model,
      series: ZOO_SERIES[domain],
      x: 100 * mean(m.runs.map((r) => r.upstream.mean)),
      y: 100 * mean(m.runs.flatMap((r) =>
        r.tasks.filter((t) => t.domain === domain).map((t) => protocolAccuracy(t, p))
      )),
    }))
  );
}
