import { assert, assertEquals } from "@std/assert";
import { barsSpec, categoryAxis, linesSpec, point, textWidth, wideLegend } from "../../lib/report/charts.ts";
import { renderSvg } from "../../lib/report/figure.ts";

const est = (m: number, lo = m, hi = m) => ({ mean: m, ci95: [lo, hi] as [number, number], n: 5 });

Deno.test("point scales the estimate and collapses a missing CI to the mean", () => {
  assertEquals(point("a", "s", est(0.5, 0.4, 0.6)), { x: "a", series: "s", mean: 50, lo: 40, hi: 60 });
  assertEquals(point("b", "s", { mean: 2, ci95: [NaN, NaN], n: 1 }, 1), {
    x: "b",
    series: "s",
    mean: 2,
    lo: 2,
    hi: 2,
  });
});

Deno.test("bar and line specs render to SVG with the given titles and x order", async () => {
  const pts = [point("b", "h", est(0.5)), point("a", "h", { mean: 0.4, ci95: [NaN, NaN], n: 1 })];
  const bars = barsSpec(pts, { title: "T-bars", x: "X", y: "Y", xOrder: ["a", "b"] });
  assertEquals((bars.encoding as { x: { sort: string[] } }).x.sort, ["a", "b"]);
  const svg = await renderSvg(bars);
  assert(svg.includes("<svg") && svg.includes("T-bars"));
  assert((await renderSvg(linesSpec(pts, { title: "T-lines", x: "X", y: "Y" }))).includes("T-lines"));
});

Deno.test("the CI layer does not rename the y axis, and long series names are not cut", async () => {
  const long = "PCAE, mean-token dropping at inference";
  const svg = await renderSvg(
    linesSpec([point("a", long, est(0.5, 0.4, 0.6))], { title: "t", x: "X", y: "acc (%)" }),
  );
  assert(!svg.includes("acc (%), lo"), "axis title joined with the CI field");
  assert(svg.includes(long), "legend label cut");
});

Deno.test("bar x labels stay horizontal when they fit their group and turn when not; legends sit below, uncut", () => {
  const e = { mean: 0.5, ci95: [0.4, 0.6] as [number, number], n: 3 };
  const names = ["random init", "supervised", "Jigsaw", "NPID++", "PIRL"];
  type Spec = {
    encoding: { x: { axis: { labelAngle: number } }; color: { legend: Record<string, unknown> } };
  };
  const fit = barsSpec(names.map((m) => point(m, "best stage", e)), { title: "t", x: "m", y: "%" }) as Spec;
  assertEquals(fit.encoding.x.axis.labelAngle, 0);
  assertEquals(fit.encoding.color.legend.orient, "bottom");
  assertEquals(fit.encoding.color.legend.labelLimit, 400);
  const long = names.map((m) => `${m} with a very long configuration name`);
  const turned = barsSpec(long.map((m) => point(m, "s", e)), { title: "t", x: "m", y: "%" }) as Spec;
  assertEquals(turned.encoding.x.axis.labelAngle, -40);
  assertEquals(categoryAxis(["a"], 20), { labelAngle: 0 });
  assertEquals(wideLegend(["SimCLR (linear probe)", "supervised (own classifier)"], 260).columns, 1);
  assertEquals(wideLegend(["far", "near"], 340).columns, 2);
  assert(textWidth("SimCLR (linear probe)") > 100);
});
