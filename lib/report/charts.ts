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
  /** Category on the x axis. */
  x: string;
  /** Series (colour) the point belongs to. */
  series: string;
  /** Mean, in display units (e.g. percent). */
  mean: number;
  /** Lower end of the 95% CI (equal to `mean` when there is no CI). */
  lo: number;
  /** Upper end of the 95% CI (equal to `mean` when there is no CI). */
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

/**
 * Estimated width in pixels of `text` set in DejaVu Sans at `fontSize` (its average advance is ≈ 0.6 em; a
 * slight overestimate, used to choose label angles, legend columns and label positions before rendering).
 */
export function textWidth(text: string, fontSize = 10): number {
  return Math.ceil(0.62 * fontSize * [...text].length);
}

/**
 * The legend of a chart `chartWidth` pixels wide whose entries are `labels`: below the plot (or above it, for
 * charts with turned x labels, whose estimated extent would leave a gap), so it never overlaps marks or text
 * near the right edge; labels never cut (vega-lite cuts at 160 px by default); as many columns as fit in the
 * chart's width.
 */
export function wideLegend(
  labels: string[],
  chartWidth: number,
  orient: "bottom" | "top" = "bottom",
): Record<string, unknown> {
  // an entry is its symbol (≈ 16 px), its label and the column padding (10 px)
  const entry = 26 + Math.max(0, ...labels.map((l) => textWidth(l, 10)));
  const columns = Math.max(1, Math.min(labels.length, Math.floor(chartWidth / entry)));
  return { orient, direction: "horizontal", columns, labelLimit: 400 };
}

/**
 * The x axis of categorical labels on `step` pixels each: horizontal when the longest fits, else turned by
 * -40° (vega-lite aligns turned labels at their end, under the tick) so that neighbours never overprint.
 */
export function categoryAxis(labels: string[], step: number): Record<string, unknown> {
  const widest = Math.max(0, ...labels.map((l) => textWidth(l, 10)));
  return widest <= step - 4 ? { labelAngle: 0 } : { labelAngle: -40, labelLimit: 200 };
}

/** Title and axis titles of a {@link barsSpec} or {@link linesSpec} chart. */
export interface ChartOptions {
  /** Chart title. */
  title: string;
  /** Title of the x (category) axis. */
  x: string;
  /** Title of the y axis (the mean and its CI). */
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
    /** Pixels per x category (for the label angle). */
    step: number;
    height: number;
    /** Extra x encodings (after `x`, before `color`), e.g. `xOffset` for grouped bars. */
    xExtra?: Record<string, unknown>;
    meanMark: unknown;
    /** Extra properties of the mean's y encoding (after its title). */
    meanY?: Record<string, unknown>;
    ciMark: unknown;
  },
): VegaLiteSpec {
  const categories = opts.xOrder ?? [...new Set(points.map((p) => p.x))];
  const series = [...new Set(points.map((p) => p.series))];
  const x = {
    field: "x",
    type: chart.xType,
    title: opts.x,
    sort: opts.xOrder ?? null,
    axis: categoryAxis(categories, chart.step),
  };
  const width = typeof chart.width === "number" ? chart.width : chart.width.step * categories.length;
  return {
    title: opts.title,
    data: { values: points },
    width: chart.width,
    height: chart.height,
    encoding: {
      x,
      ...chart.xExtra,
      color: { field: "series", type: "nominal", title: null, legend: wideLegend(series, width) },
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
  const perGroup = 18 * Math.max(1, new Set(points.map((p) => p.series)).size);
  // a group widens to fit its label (up to 90 px, ≈ 14 characters); longer labels are turned
  const widest = Math.max(0, ...[...new Set(points.map((p) => p.x))].map((l) => textWidth(l, 10)));
  const step = Math.max(perGroup, Math.min(widest + 8, 90));
  return seriesSpec(points, opts, {
    xType: "nominal",
    width: { step },
    step,
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
  const categories = opts.xOrder?.length ?? new Set(points.map((p) => p.x)).size;
  return seriesSpec(points, opts, {
    xType: "ordinal",
    width: 260,
    step: 260 / Math.max(1, categories),
    height: 200,
    meanMark: { type: "line", point: true },
    meanY: { scale: { zero: false } },
    ciMark: { type: "errorbar" },
  });
}
