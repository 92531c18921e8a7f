/**
 * The PIRL-specific figure: the Figure 3 histograms of jigsaw-invariance distances. The method and per-stage
 * comparisons use the shared bar and line charts of `lib/report/charts.ts` (re-exported here for the notebook).
 *
 * @module
 */
import type { VegaLiteSpec } from "../../report/figure.ts";
import { wideLegend } from "../../report/charts.ts";

export * from "../../report/charts.ts";

/** One histogram series: a name and its values. */
export interface HistogramSeries {
  /** Legend name of the series. */
  name: string;
  /** The values to bin (distances in [0, 2]). */
  values: number[];
}

/**
 * Overlaid histograms (one colour per series, shared bins of width `step` over [0, 2], the range of distances
 * between unit vectors), counts as the fraction of each series' values.
 */
export function histogramSpec(
  series: HistogramSeries[],
  opts: { title: string; x: string; step?: number },
): VegaLiteSpec {
  const step = opts.step ?? 0.05;
  const values = series.flatMap((s) => {
    const bins = new Map<number, number>();
    for (const v of s.values) {
      // (the epsilon keeps values on a bin edge, e.g. 0.3 / 0.1 = 2.9999…, in the bin they start)
      const b = Math.min(Math.floor(v / step + 1e-9), Math.round(2 / step) - 1);
      bins.set(b, (bins.get(b) ?? 0) + 1);
    }
    return [...bins.entries()].sort((a, b) => a[0] - b[0]).map(([b, c]) => ({
      series: s.name,
      lo: Math.round(b * step * 1e6) / 1e6,
      hi: Math.round((b + 1) * step * 1e6) / 1e6,
      fraction: c / s.values.length,
    }));
  });
  return {
    title: opts.title,
    data: { values },
    width: 320,
    height: 200,
    mark: { type: "bar", opacity: 0.55, binSpacing: 0 },
    encoding: {
      x: { field: "lo", type: "quantitative", bin: { binned: true, step }, title: opts.x },
      x2: { field: "hi" },
      y: { field: "fraction", type: "quantitative", stack: null, title: "fraction of images" },
      color: {
        field: "series",
        type: "nominal",
        title: null,
        legend: wideLegend(series.map((s) => s.name), 320),
      },
    },
  };
}
