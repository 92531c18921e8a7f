/**
 * Vega-lite specs shared by the notebooks (rendered and saved by `./figure.ts`): grouped bars and lines over
 * categories, each point a mean with its 95% CI.
 *
 * @module
 */
import type { VegaLiteSpec } from "./figure.ts";
import type { Estimate } from "../stats/confidence.ts";

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
    encoding: {
      x,
      ...chart.xExtra,
      // long series names are shown whole (vega-lite cuts legend labels at 160 px by default)
      color: { field: "series", type: "nominal", title: null, legend: { labelLimit: 400 } },
    },
    layer: [
      {
        mark: chart.meanMark,
        encoding: { y: { field: "mean", type: "quantitative", title: opts.y, ...chart.meanY } },
      },
      {
        mark: chart.ciMark,
        // the same axis title as the mean layer, or vega-lite joins both into "<title>, lo"
        encoding: { y: { field: "lo", type: "quantitative", title: opts.y }, y2: { field: "hi" } },
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
