import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { pirlConfig } from "../../../lib/experiments/pirl/config.ts";
import {
  bestStage,
  extraLambdas,
  meanDistance,
  method,
  methodSpecs,
  summarize,
} from "../../../lib/experiments/pirl/experiments.ts";
import type { PirlContext } from "../../../lib/experiments/pirl/run.ts";
import { fakeRun } from "./_helpers.ts";

Deno.test("summarize: per-stage means, best stage per seed, mean distance per seed", () => {
  const runs = [fakeRun("pirl", 0, [0.2, 0.5, 0.4], [0.2, 0.4]), fakeRun("pirl", 1, [0.3, 0.4, 0.6], [0.6])];
  assertEquals(runs.map(bestStage), [0.5, 0.6]);
  assertAlmostEquals(meanDistance(runs[0]), 0.3, 1e-12);
  const s = summarize("PIRL", runs);
  assertAlmostEquals(s.stages[0].mean, 0.25, 1e-12);
  assertAlmostEquals(s.stages[2].mean, 0.5, 1e-12);
  assertAlmostEquals(s.best.mean, 0.55, 1e-12);
  // two seeds: t(0.975, 1) = 12.706, sd of {0.5, 0.6} = 0.0707 → half-width 0.635
  assertAlmostEquals(s.best.ci95[1] - s.best.mean, 12.7062 * 0.05, 1e-3);
  assertAlmostEquals(s.invariance.mean, 0.45, 1e-12);
  assertThrows(() => method({ methods: [s], lambdas: [], pixels: s }, "Jigsaw"), Error, "Jigsaw");
});

Deno.test("methodSpecs: every method per seed, NPID++ as λ = 0, the extra λ values queued behind", () => {
  const cfg = { ...pirlConfig("cpu"), seeds: 2, lambdas: [0, 0.25, 0.5, 1] };
  const ctx = { cfg } as PirlContext;
  assertEquals(extraLambdas(ctx), [0.25, 1]);
  const specs = methodSpecs(ctx, extraLambdas(ctx));
  assertEquals(specs.length, 5 * 2 + 2 * 2);
  const key = (r: (typeof specs)[number]) => `${r.method}:${r.method === "pirl" ? r.lambda : "-"}:${r.seed}`;
  assertEquals(new Set(specs.map(key)).size, specs.length, "no duplicate run");
  assertEquals(specs.filter((r) => r.method === "pirl" && r.lambda === 0).length, 2);
});
