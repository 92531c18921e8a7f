import { assert, assertEquals } from "@std/assert";
import type { RunResult } from "../../../lib/experiments/simclr/run.ts";
import {
  augmentationGrid,
  lossFunctions,
  pickByValidation,
  temperatureL2,
} from "../../../lib/experiments/simclr/ablations.ts";
import type { SimclrConfig } from "../../../lib/experiments/simclr/config.ts";
import { tiny } from "./_helpers.ts";

/** A context on a fresh temporary cache that records every run it computes or loads. */
async function context(override: Partial<SimclrConfig> = {}) {
  const { cfg, data } = await tiny({ seeds: 2, ...override });
  const dir = await Deno.makeTempDir();
  const trained: string[] = [];
  return {
    ctx: { cfg, data, cache: { dir, fresh: false }, log: (l: string) => trained.push(l) },
    trained,
    cleanup: () => Deno.remove(dir, { recursive: true }),
  };
}

Deno.test("augmentationGrid: a one-seed heatmap, then the cells picked on validation trained with every seed", async () => {
  const { ctx, cleanup } = await context();
  const cfg = ctx.cfg;
  ctx.cfg = { ...cfg, grid: { ...cfg.grid, transforms: ["crop", "color", "noise"] } };
  const grid = await augmentationGrid(ctx);
  assertEquals(grid.cells.length, 9);
  // every heatmap run is the grid's own seed at the grid's budget
  for (const c of grid.cells) {
    assertEquals([c.run.run.seed, c.run.run.epochs], [cfg.grid.seed, cfg.grid.epochs]);
    assertEquals(c.validation, c.run.eval.linear.valAccuracy);
  }
  const { cropColour, bestOtherComposition, bestSingle } = grid.compared;
  assertEquals(cropColour.cell.tested, ["crop", "color"]);
  const maxVal = (cs: typeof grid.cells) => Math.max(...cs.map((c) => c.validation));
  assertEquals(bestSingle.cell.row, bestSingle.cell.col);
  assertEquals(bestSingle.cell.validation, maxVal(grid.cells.filter((c) => c.row === c.col)));
  const others = grid.cells.filter((c) => c.row !== c.col && c !== cropColour.cell);
  assert(others.includes(bestOtherComposition.cell));
  assertEquals(bestOtherComposition.cell.validation, maxVal(others));
  // the judged runs: the study's seeds (never the heatmap's) at the base budget
  for (const { result } of Object.values(grid.compared)) {
    assertEquals(result.runs.map((r) => [r.run.seed, r.run.epochs]), [[0, cfg.base.epochs], [
      1,
      cfg.base.epochs,
    ]]);
  }
  await cleanup();
});

Deno.test("lossFunctions: each loss at the value its tuning seed's validation picks; tuning runs are reused", async () => {
  const { ctx, trained, cleanup } = await context();
  const temps = await temperatureL2(ctx);
  const study = await lossFunctions(ctx, temps);
  const [xent, logistic, margin] = study.tuning;
  assertEquals(xent.sweep.map((v) => v.value), ctx.cfg.temperatures.l2);
  assertEquals(logistic.sweep.map((v) => v.value), ctx.cfg.tuning.logisticTemperatures);
  assertEquals(margin.sweep.map((v) => v.value), ctx.cfg.tuning.margins);
  for (const t of study.tuning) assertEquals(t.chosen, pickByValidation(t.sweep));
  const loss = (name: string) => study.rows.find((r) => r.name === name)!.runs[0].run.loss;
  assertEquals(loss("NT-Xent"), { kind: "nt-xent", temperature: xent.chosen, normalize: true });
  assertEquals(loss("NT-Logi. (sh)"), { kind: "nt-logistic", temperature: logistic.chosen, semiHard: true });
  assertEquals(loss("Margin"), { kind: "margin", margin: margin.chosen, semiHard: false });
  // the NT-Xent row is Table 5's row of the chosen temperature (same runs, nothing retrained)
  const t5 = temps.find((t) => t.l2 && t.tau === xent.chosen)!;
  assertEquals(study.rows.find((r) => r.name === "NT-Xent")!.runs, t5.result.runs);
  // runs trained: Table 5's rows × seeds, the two sweeps on seed 0, and the four other losses' runs that the
  // sweeps did not already train (the chosen value's seed-0 run of NT-Logistic and margin is reused)
  const seeds = ctx.cfg.seeds;
  const expected = temps.length * seeds + logistic.sweep.length + margin.sweep.length + 4 * seeds - 2;
  assertEquals(trained.length, expected, trained.join("\n"));
  const seedOf = (r: RunResult) => r.run.seed;
  assert(study.rows.every((r) => r.runs.map(seedOf).join() === "0,1"));
  await cleanup();
});
