import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { makeRun } from "../../../lib/experiments/pirl/config.ts";
import { buildPirlModel, disposePirlModel, type PirlModel } from "../../../lib/experiments/pirl/model.ts";
import { invariance, pretextAccuracy, stageProbes } from "../../../lib/experiments/pirl/evaluate.ts";
import { withoutSyncReads } from "../../_no_sync_reads.ts";
import type { Encoder } from "../../../lib/models/types.ts";
import { tiny } from "./_helpers.ts";

Deno.test("stageProbes: one probe per encoder stage, with the stage's width and a test-set CI", async () => {
  const { cfg, data } = await tiny();
  const m = buildPirlModel(cfg, makeRun(cfg, "random", 0), data.numClasses);
  const probes = await stageProbes(cfg, data, m);
  assertEquals(probes.map((p) => p.dim), cfg.encoder.kind === "cnn3" ? cfg.encoder.widths : []);
  for (const p of probes) {
    assertEquals(p.accuracy.n, data.test.n);
    assert(p.accuracy.mean >= 0 && p.accuracy.mean <= 1);
  }
  disposePirlModel(m);
});

/** An encoder whose h is the mean colour of its input plus a constant (no variables). */
function meanColour(offset: number): Encoder {
  return {
    name: "mean-colour",
    outDim: 3,
    apply: (x) => ({ h: tf.add(tf.mean(x, [1, 2]), offset) as tf.Tensor2D, stages: [] }),
    trainableVariables: () => [],
    namedVariables: () => ({}),
    dispose() {},
  };
}

Deno.test("invariance: distances between unit vectors; 0 for a constant encoder; PIRL heads reported", async () => {
  const { cfg, data } = await tiny();
  const run = makeRun(cfg, "pirl", 0);
  const constant: PirlModel = {
    encoder: { ...meanColour(0), apply: (x) => ({ h: tf.ones([x.shape[0], 3]), stages: [] }) },
    heads: {},
  };
  const c = await invariance(cfg, run, constant, data);
  assertEquals(c.encoder.length, cfg.eval.invarianceImages);
  c.encoder.forEach((d) => assertAlmostEquals(d, 0, 1e-6));
  assertEquals(c.heads, null);
  // mean colour (offset keeps it away from 0): patches carry roughly the image's colours, so distances are
  // small but positive, and never above 2
  const col = await invariance(cfg, run, { encoder: meanColour(0.1), heads: {} }, data);
  assert(col.encoder.every((d) => d >= 0 && d <= 2));
  const m = buildPirlModel(cfg, run, data.numClasses);
  const withHeads = await invariance(cfg, run, m, data);
  assertEquals(withHeads.heads!.length, cfg.eval.invarianceImages);
  assert(withHeads.heads!.every((d) => d >= 0 && d <= 2 + 1e-6));
  // the mismatched pairs: f̂ of image i against ĝ of image i + 1's transform (within each block of 100)
  assertEquals(withHeads.headsOther!.length, cfg.eval.invarianceImages);
  assert(withHeads.headsOther!.some((d, i) => Math.abs(d - withHeads.heads![i]) > 1e-6));
  assertEquals((await invariance(cfg, run, m, data)).encoder, withHeads.encoder, "seeded transforms");
  disposePirlModel(m);
});

Deno.test("stageProbes reads tensors asynchronously only (webgpu under Deno)", async () => {
  // (the invariance transform and the training views use the augmentations' fused path, which reads
  // synchronously on the CPU backends only, by design: see lib/augment/color.ts)
  const { cfg, data } = await tiny();
  const m = buildPirlModel(cfg, makeRun(cfg, "jigsaw", 0), data.numClasses);
  const guarded = await withoutSyncReads(() => stageProbes(cfg, data, m));
  assertEquals(guarded, await stageProbes(cfg, data, m));
  disposePirlModel(m);
});

Deno.test("pretextAccuracy: Jigsaw runs only; a constant classifier is right only when its permutation was drawn", async () => {
  const { cfg, data } = await tiny();
  const run = makeRun(cfg, "jigsaw", 0);
  const m = buildPirlModel(cfg, run, data.numClasses);
  const pirl = buildPirlModel(cfg, makeRun(cfg, "pirl", 0), data.numClasses);
  assertEquals(await pretextAccuracy(cfg, makeRun(cfg, "pirl", 0), pirl, data), null);
  disposePirlModel(pirl);
  const r = await pretextAccuracy(cfg, run, m, data);
  assertEquals([r!.n, r!.chance], [cfg.eval.invarianceImages, 1 / cfg.jigsaw.permutations]);
  // a head that always says permutation 0 is right exactly when permutation 0 was drawn
  const always0 = {
    ...m,
    heads: {
      jigsaw: {
        ...m.heads.jigsaw!,
        apply: (x: tf.Tensor2D) => tf.oneHot(tf.zeros([x.shape[0]], "int32"), cfg.jigsaw.permutations),
      },
    },
  } as PirlModel;
  const z = await pretextAccuracy(cfg, run, always0, data);
  assert(z!.accuracy >= 0 && z!.accuracy <= 0.5, `${z!.accuracy}`);
  disposePirlModel(m);
});
