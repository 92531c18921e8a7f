/**
 * Vega-lite specs of the SimCLR figures (rendered and saved by `lib/report/figure.ts`): the Figure 5 heatmap
 * and grouped bar / line charts with 95% CI error bars for the other ablations, each with the paper's values
 * beside ours where the paper tabulates them.
 *
 * @module
 */
import type { VegaLiteSpec } from "../../report/figure.ts";
import type { Estimate } from "../../stats/confidence.ts";
import type { GridResult } from "./ablations.ts";

/** One bar or point: x category, colour series, estimate (already in display units). */
export interface Point {
  x: string;
  series: string;
  mean: number;
  lo: number;
  hi: number;
}

/** A point from an estimate (× k; a missing CI collapses to the mean). */
export function point(x: string, series: string, e: Estimate, k = 100): Point {
  const ok = Number.isFinite(e.ci95[0]) && Number.isFinite(e.ci95[1]);
  return {
    x,
    series,
    mean: k * e.mean,
    lo: k * (ok ? e.ci95[0] : e.mean),
    hi: k * (ok ? e.ci95[1] : e.mean),
  };
}

/** Title and axis titles of a {@link barsSpec} or {@link linesSpec} chart. */
export interface ChartOptions {
  title: string;
  x: string;
  y: string;
  /** Order of the x categories (default: as they come). */
  xOrder?: string[];
}

/**
 * The skeleton shared by {@link barsSpec} and {@link linesSpec}: `points` as data, x from `Point.x`, colour by
 * series, and two layers: `mean` drawn with `meanMark` (y titled `opts.y`) and the 95% CI [lo, hi] with
 * `ciMark`.
 */
function seriesSpec(
  points: Point[],
  opts: ChartOptions,
  chart: {
    xType: "nominal" | "ordinal";
    width: number | { step: number };
    height: number;
    /** Extra x encodings (after `x`, before `color`), e.g. `xOffset` for grouped bars. */
    xExtra?: Record<string, unknown>;
    meanMark: unknown;
    /** Extra properties of the mean's y encoding (after its title). */
    meanY?: Record<string, unknown>;
    ciMark: unknown;
  },
): VegaLiteSpec {
  const x = {
    field: "x",
    type: chart.xType,
    title: opts.x,
    sort: opts.xOrder ?? null,
    axis: { labelAngle: 0 },
  };
  return {
    title: opts.title,
    data: { values: points },
    width: chart.width,
    height: chart.height,
    encoding: { x, ...chart.xExtra, color: { field: "series", type: "nominal", title: null } },
    layer: [
      {
        mark: chart.meanMark,
        encoding: { y: { field: "mean", type: "quantitative", title: opts.y, ...chart.meanY } },
      },
      {
        mark: chart.ciMark,
        encoding: { y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } },
      },
    ],
  };
}

/** Grouped bars (one group per x, one bar per series) with 95% CI error bars. */
export function barsSpec(points: Point[], opts: ChartOptions): VegaLiteSpec {
  return seriesSpec(points, opts, {
    xType: "nominal",
    width: { step: 18 * Math.max(1, new Set(points.map((p) => p.series)).size) },
    height: 220,
    xExtra: { xOffset: { field: "series" } },
    meanMark: "bar",
    ciMark: { type: "rule", color: "black" },
  });
}

/** Lines over an ordered x with 95% CI bands. */
export function linesSpec(
  points: Point[],
  opts: ChartOptions & { independentY?: boolean },
): VegaLiteSpec {
  return seriesSpec(points, opts, {
    xType: "ordinal",
    width: 260,
    height: 200,
    meanMark: { type: "line", point: true },
    meanY: { scale: { zero: false } },
    ciMark: { type: "errorbar" },
  });
}

/** The Figure 5 heatmap: linear accuracy (%) of every pair, first transformation by row, second by column. */
export function gridSpec(grid: GridResult): VegaLiteSpec {
  const values = grid.cells.map((c) => ({
    first: c.row,
    second: c.col,
    acc: Math.round(1000 * c.result.linear.mean) / 10,
    seeds: c.result.runs.length,
  }));
  const order = grid.transforms;
  return {
    title: "Linear accuracy (%) with one branch transformed (Figure 5 protocol)",
    data: { values },
    width: 320,
    height: 320,
    encoding: {
      x: {
        field: "second",
        type: "nominal",
        sort: order,
        title: "2nd transformation",
        axis: { labelAngle: -30 },
      },
      y: { field: "first", type: "nominal", sort: order, title: "1st transformation" },
    },
    layer: [
      {
        mark: "rect",
        encoding: {
          color: { field: "acc", type: "quantitative", title: "acc. %", scale: { scheme: "blues" } },
        },
      },
      {
        mark: { type: "text", fontSize: 10 },
        encoding: { text: { field: "acc", type: "quantitative", format: ".1f" } },
      },
    ],
  };
}
