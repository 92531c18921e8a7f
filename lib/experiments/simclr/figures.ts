/**
 * The SimCLR-specific figure: the Figure 5 heatmap. The other ablations use the shared bar and line charts of
 * `lib/report/charts.ts` (re-exported here for the notebook).
 *
 * @module
 */
import type { VegaLiteSpec } from "../../report/figure.ts";
import type { GridResult } from "./ablations.ts";

export * from "../../report/charts.ts";

/**
 * The Figure 5 heatmap: linear accuracy (%) of every pair's one-seed heatmap run, first transformation by row,
 * second by column.
 */
export function gridSpec(grid: GridResult): VegaLiteSpec {
  const values = grid.cells.map((c) => ({
    first: c.row,
    second: c.col,
    acc: Math.round(1000 * c.single.mean) / 10,
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
