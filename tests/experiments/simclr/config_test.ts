import { assert, assertEquals, assertNotEquals } from "@std/assert";
import {
  baseRun,
  CPU_SHAPES,
  GRID_TRANSFORMS,
  runLabel,
  simclrConfig,
  stepsOf,
} from "../../../lib/experiments/simclr/config.ts";
import { loadSimclrData } from "../../../lib/experiments/simclr/run.ts";

Deno.test("simclrConfig: every profile is complete and the cpu profile compares ≥ 3 seeds", () => {
  for (const p of ["smoke", "cpu", "gpu"] as const) {
    const c = simclrConfig(p);
    assertEquals(c.profile, p);
    assertEquals(c.grid.transforms, GRID_TRANSFORMS);
    assert(c.temperatures.l2.length >= 2 && c.batchSizes.length >= 2 && c.epochs.length >= 2);
    assert(c.imageSize <= 32 && c.cropScale[0] > 0 && c.cropScale[1] === 1);
  }
  assert(simclrConfig("cpu").seeds >= 3);
  assert(
    simclrConfig("cpu").temperatures.l2.length >= 3,
    "an interior temperature needs three or more values",
  );
  assertEquals(simclrConfig("cpu", { seeds: 5 }).seeds, 5);
  assertEquals(simclrConfig("gpu").dataset.name, "cifar10");
  assertEquals(simclrConfig("gpu", { dataset: "shapes" }).dataset.name, "shapes");
});

Deno.test("baseRun: overrides one field and copies the rest", () => {
  const cfg = simclrConfig("cpu");
  const a = baseRun(cfg, 2), b = baseRun(cfg, 2, { head: "none" });
  assertEquals(a.seed, 2);
  assertEquals(b.head, "none");
  assertEquals(b.loss, a.loss);
  (a.aug as { strength: number }).strength = 99;
  assertNotEquals((cfg.base.aug as { strength: number }).strength, 99, "the base run must not be aliased");
});

Deno.test("stepsOf: epochs × images / batch, at least one step", () => {
  const cfg = simclrConfig("cpu");
  assertEquals(stepsOf(cfg, { epochs: 1, batchSize: 100 }), 20);
  assertEquals(stepsOf(cfg, { epochs: 0.0001, batchSize: 256 }), 1);
  assert(runLabel(baseRun(cfg, 0)).includes("nt-xent"));
});

Deno.test("cpu profile: one large solid upright object on a flat background, 16px views, BN encoder", async () => {
  const cfg = simclrConfig("cpu");
  assertEquals(cfg.dataset.shapes, CPU_SHAPES);
  assertEquals(cfg.imageSize, 16);
  assert(cfg.encoder.kind === "cnn3" && cfg.encoder.batchNorm === true);
  // The variant renders (every object placeable) and is what loadSimclrData returns.
  const small = { ...cfg, dataset: { ...cfg.dataset, nTrain: 48, nTest: 16 } };
  const data = await loadSimclrData(small);
  assertEquals([data.train.n, data.test.n, data.numClasses], [48, 16, 8]);
  assert(data.provenance.includes("maxObjects=1"), data.provenance);
  assertEquals(new Set(data.train.labels.count).size, 1);
  assertEquals(new Set(data.train.labels.background).size, 1);
});
