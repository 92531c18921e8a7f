import { assert, assertEquals } from "@std/assert";
import {
  isTrained,
  makeRun,
  methodName,
  pirlConfig,
  runLabel,
  usesPatches,
} from "../../../lib/experiments/pirl/config.ts";
import { jigsawGeometry } from "../../../lib/augment/jigsaw.ts";

Deno.test("pirlConfig: every profile's jigsaw geometry fits the grid and survives the encoder's pooling", () => {
  for (const p of ["smoke", "cpu", "gpu"] as const) {
    const cfg = pirlConfig(p, { dataset: "shapes" });
    const g = jigsawGeometry(cfg.jigsaw.cropSize, cfg.jigsaw.cropSize);
    assertEquals(g.cellH * 3, cfg.jigsaw.cropSize, `${p}: crop side is a multiple of 3`);
    assert(cfg.jigsaw.tile <= g.cellH, `${p}: tile fits its cell`);
    // three 2×2 poolings (cnn3) need at least 8 px; the ResNet's stride 8 needs the same
    assert(cfg.jigsaw.tile >= 8, `${p}: tile ≥ 8 px`);
    assert(cfg.jigsaw.cropScale[0] >= 0.6 - 1e-9, `${p}: PIRL's ≥ 60% crop`);
    assertEquals([cfg.nce.temperature, cfg.nce.momentum, cfg.base.lambda], [0.07, 0.5, 0.5]);
    assert(cfg.base.negatives < cfg.dataset.nTrain, `${p}: fewer negatives than bank entries`);
  }
  assertEquals(pirlConfig("cpu", { seeds: 5 }).seeds, 5);
});

Deno.test("runs: names, labels, which methods train and encode patches", () => {
  const cfg = pirlConfig("cpu");
  const pirl = makeRun(cfg, "pirl", 2);
  assertEquals([pirl.lambda, pirl.negatives, pirl.seed], [0.5, cfg.base.negatives, 2]);
  assertEquals(methodName(pirl), "PIRL");
  assertEquals(methodName(makeRun(cfg, "pirl", 0, { lambda: 0 })), "NPID++");
  assertEquals(methodName(makeRun(cfg, "jigsaw", 0)), "Jigsaw");
  assert(runLabel(pirl).includes("λ=0.5") && runLabel(pirl).includes("seed 2"));
  assertEquals(usesPatches(makeRun(cfg, "pirl", 0, { lambda: 0 })), false);
  assertEquals(usesPatches(makeRun(cfg, "jigsaw", 0)), true);
  assertEquals(usesPatches(makeRun(cfg, "supervised", 0)), false);
  assertEquals([isTrained(makeRun(cfg, "random", 0)), isTrained(pirl)], [false, true]);
});
