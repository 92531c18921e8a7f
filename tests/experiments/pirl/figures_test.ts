import { assertAlmostEquals, assertEquals } from "@std/assert";
import { histogramSpec } from "../../../lib/experiments/pirl/figures.ts";

Deno.test("histogramSpec: fractions per series sum to 1, bins of the given step, 2 falls in the last bin", () => {
  const spec = histogramSpec([{ name: "a", values: [0.01, 0.02, 0.3, 2] }, { name: "b", values: [1.05] }], {
    title: "t",
    x: "d",
    step: 0.1,
  });
  const rows =
    (spec.data as { values: { series: string; lo: number; hi: number; fraction: number }[] }).values;
  const a = rows.filter((r) => r.series === "a");
  assertAlmostEquals(a.reduce((s, r) => s + r.fraction, 0), 1, 1e-12);
  assertEquals(a.map((r) => [r.lo, r.fraction]), [[0, 0.5], [0.3, 0.25], [1.9, 0.25]]);
  assertEquals(rows.filter((r) => r.series === "b").map((r) => [r.lo, r.hi]), [[1, 1.1]]);
});
