/**
 * The transfer notebook's figures as vega-lite specs (rendered by `lib/report/figure.ts`): correlation bars with
 * 95% CIs per downstream dataset (the paper's per-dataset correlation figures), and labelled scatter plots of
 * an upstream score against a transfer score, one point per model. The shared bar and line charts of
 * `lib/report/charts.ts` are re-exported for the notebook.
 *
 * @module
 */
import type { VegaLiteSpec } from "../../report/figure.ts";
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
  label: string;
  series: string;
  x: number;
  y: number;
}

/**
 * A labelled scatter plot (one point per model, coloured by series); with `labelSeries`, only that series'
 * points carry text labels (the others would overprint them).
 */
export function scatterSpec(
  points: ScatterPoint[],
  opts: { title: string; x: string; y: string; labelSeries?: string },
): VegaLiteSpec {
  const axis = (field: "x" | "y", title: string) => ({
    field,
    type: "quantitative",
    title,
    scale: { zero: false },
  });
  return {
    title: opts.title,
    data: { values: points },
    width: 340,
    height: 260,
    encoding: { x: axis("x", opts.x), y: axis("y", opts.y) },
    layer: [
      {
        mark: { type: "point", filled: true, size: 60 },
        encoding: {
          color: { field: "series", type: "nominal", title: null },
          shape: { field: "series", type: "nominal" },
        },
      },
      {
        ...(opts.labelSeries
          ? { transform: [{ filter: { field: "series", equal: opts.labelSeries } }] }
          : {}),
        mark: { type: "text", align: "left", dx: 5, dy: -4, fontSize: 9 },
        encoding: { text: { field: "label", type: "nominal" } },
      },
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
