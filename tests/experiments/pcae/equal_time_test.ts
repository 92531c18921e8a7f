import { assert, assertEquals, assertThrows } from "@std/assert";
import { equalTimeSteps, equalTimeStudy, trainStepRatio } from "../../../lib/experiments/pcae/equal_time.ts";
import { finetuneStudy, type StepTiming } from "../../../lib/experiments/pcae/experiments.ts";
import { tiny } from "./_helpers.ts";

const timing = (seed: number, mae: number, pcae: number): StepTiming => ({
  seed,
  mae: 1,
  pcae: 1,
  sweep: [],
  train: { batch: 32, mae, pcae },
});

Deno.test("equalTimeSteps: the faster method gets the steps it takes in the other's time, on the grid", () => {
  assertEquals(equalTimeSteps(1500, 1.08, 0.05), { mae: 1500, pcae: 1650 });
  assertEquals(equalTimeSteps(1500, 1 / 1.08, 0.05), { mae: 1650, pcae: 1500 });
  // within half a grid step of 1: the base runs are the equal-time pair
  assertEquals(equalTimeSteps(1500, 0.987, 0.05), { mae: 1500, pcae: 1500 });
  assertEquals(equalTimeSteps(1500, 1.024, 0.05), { mae: 1500, pcae: 1500 });
  // the paper's 8× fewer GPU days would give PCAE 8× the steps
  assertEquals(equalTimeSteps(1000, 8, 0.05), { mae: 1000, pcae: 8000 });
  assertThrows(() => equalTimeSteps(1500, 0, 0.05), Error, "not positive");
  assertThrows(() => equalTimeSteps(1500, NaN, 0.05), Error, "not positive");
  assertThrows(() => equalTimeSteps(1500, 1, 0), Error, "grid");
});

Deno.test("trainStepRatio: mean over seeds of t_MAE / t_PCAE at the training batch (not the timing batch)", () => {
  assertEquals(trainStepRatio([timing(0, 0.2, 0.1), timing(1, 0.1, 0.1)]), 1.5);
});

Deno.test("equalTimeStudy: reuses the base fine-tunes when the ratio rounds to 1, else pretrains the faster longer", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  const ctx = { cfg, data, cache: { dir, fresh: false }, log: null };
  const ft = await finetuneStudy(ctx);
  const even = await equalTimeStudy(ctx, ft, [timing(0, 0.1, 0.1)]);
  assertEquals(even.steps, { mae: cfg.base.steps, pcae: cfg.base.steps });
  assert(even.mae === ft.mae && even.pcae === ft.pcae, "the base fine-tunes themselves");
  const fast = await equalTimeStudy(ctx, ft, [timing(0, 0.2, 0.1)]); // PCAE twice as fast a step
  assertEquals(fast.steps, { mae: cfg.base.steps, pcae: 2 * cfg.base.steps });
  assert(fast.mae === ft.mae);
  assertEquals(fast.pcae.length, ft.seeds.length);
  assert(fast.pcae[0].label.includes(`${2 * cfg.base.steps} steps`), fast.pcae[0].label);
  const pending = await equalTimeStudy(ctx, Promise.resolve(ft), [timing(0, 0.1, 0.2)]); // the study still running
  assertEquals(pending.steps, { mae: 2 * cfg.base.steps, pcae: cfg.base.steps });
  assert(pending.pcae === ft.pcae && pending.mae.length === ft.seeds.length);
  await Deno.remove(dir, { recursive: true });
});
