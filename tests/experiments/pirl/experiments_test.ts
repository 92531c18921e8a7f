import { assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { LR_KEYS, pirlConfig } from "../../../lib/experiments/pirl/config.ts";
import {
  ablationSpecs,
  bestStage,
  extraLambdas,
  meanDistance,
  method,
  methodSpecs,
  runAll,
  runStudy,
  summarize,
  sweepLearningRates,
} from "../../../lib/experiments/pirl/experiments.ts";
import type { PirlContext } from "../../../lib/experiments/pirl/run.ts";
import { fakeRun, tiny } from "./_helpers.ts";

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
  assertThrows(
    () => method({ methods: [s], lambdas: [], negatives: [], permutations: [], pixels: s }, "Jigsaw"),
    Error,
    "Jigsaw",
  );
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

Deno.test("sweepLearningRates: every method × factor on the sweep seed, chosen by validation; the study reuses the run", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const ctx: PirlContext = { cfg, data, cache: { dir, fresh: false }, log: (l: string) => lines.push(l) };
  try {
    const sweep = await sweepLearningRates(ctx);
    const { factors } = cfg.lrSweep;
    assertEquals(cfg.lrSweep.methods, [...LR_KEYS], "smoke sweeps every method");
    assertEquals(sweep.rows.length, LR_KEYS.length * factors.length);
    assertEquals(lines.length, LR_KEYS.length * factors.length, "one trained run per row");
    for (const key of LR_KEYS) {
      const mine = sweep.rows.filter((r) => r.key === key);
      assertEquals(
        mine.map((r) => r.lr),
        factors.map((f) => cfg.optimizer.lr[key] * f).sort((a, b) => a - b),
      );
      const best = Math.max(...mine.map((r) => r.validation));
      assertEquals(mine.filter((r) => r.chosen).length, 1);
      assertEquals(mine.find((r) => r.chosen)!.validation, best);
      assertEquals(sweep.chosen[key], mine.find((r) => r.chosen)!.lr);
    }
    // the study's run on the sweep seed at the chosen rate is the sweep's run: answered from the cache
    const seedRun = methodSpecs({ ...ctx, cfg: { ...cfg, seeds: 1 } }, [], sweep.chosen)
      .filter((r) => r.method !== "random");
    const before = lines.length;
    await runAll(ctx, seedRun);
    assertEquals(lines.length - before, 0, "no new training for the sweep seed");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ablationSpecs / runStudy: negatives and |T| runs beside the base ones, grouped without mixing", async () => {
  const { cfg: base, data } = await tiny();
  const cfg = { ...base, negativeCounts: [8], permutationCounts: [4], lambdas: [] };
  const ctx: PirlContext = { cfg, data, log: null };
  const specs = ablationSpecs(ctx);
  assertEquals(specs.map((r) => [r.method, r.negatives, r.permutations ?? null]), [
    ["pirl", 8, null],
    ["pirl", base.base.negatives, 4],
    ["jigsaw", base.base.negatives, 4],
  ]);
  const dir = await Deno.makeTempDir();
  try {
    const study = await runStudy({ ...ctx, cache: { dir, fresh: false } });
    assertEquals(study.negatives.map((n) => n.negatives), [8, base.base.negatives]);
    assertEquals(study.permutations.map((t) => t.permutations), [4, base.jigsaw.permutations]);
    assertEquals(study.permutations[0].jigsaw.runs[0].run.permutations, 4);
    assertEquals(study.permutations[0].jigsaw.runs[0].eval.pretext!.chance, 1 / 4);
    assertEquals(study.permutations[1].jigsaw.runs[0].run.permutations, undefined);
    assertEquals(study.negatives[0].result.runs[0].run.negatives, 8);
    assertEquals(method(study, "PIRL").runs[0].run.negatives, base.base.negatives);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("sweepLearningRates: methods left out of the sweep keep the profile's rate and train nothing", async () => {
  const { cfg: base, data } = await tiny();
  const cfg = { ...base, lrSweep: { ...base.lrSweep, methods: ["jigsaw" as const] } };
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  try {
    const sweep = await sweepLearningRates({
      cfg,
      data,
      cache: { dir, fresh: false },
      log: (l) => lines.push(l),
    });
    assertEquals(sweep.rows.map((r) => r.key), cfg.lrSweep.factors.map(() => "jigsaw"));
    assertEquals(lines.length, cfg.lrSweep.factors.length);
    assertEquals([sweep.chosen.supervised, sweep.chosen.npid, sweep.chosen.pirl], [
      cfg.optimizer.lr.supervised,
      cfg.optimizer.lr.npid,
      cfg.optimizer.lr.pirl,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
