import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { Rng } from "../../../lib/rng.ts";
import { baseRun } from "../../../lib/experiments/pcae/config.ts";
import { buildModel, disposeModel, trainableVariables } from "../../../lib/experiments/pcae/model.ts";
import {
  maskSplit,
  methodLoss,
  momentumAt,
  pretrain,
  stepBatch,
  teacherTargets,
} from "../../../lib/experiments/pcae/pretrain.ts";
import { tiny } from "./_helpers.ts";

Deno.test("maskSplit: visible and masked partition the patches, 75% masked", () => {
  const s = maskSplit(new Rng(0), 3, 36, 0.75);
  for (let b = 0; b < 3; b++) {
    assertEquals(s.visible[b].length, 9);
    assertEquals(s.masked[b].length, 27);
    assertEquals(
      [...s.visible[b], ...s.masked[b]].sort((x, y) => x - y),
      Array.from({ length: 36 }, (_, i) => i),
    );
  }
});

Deno.test("momentumAt: m₀ at the first step, m₁ at the last, rising in between", () => {
  assertAlmostEquals(momentumAt(0, 100, [0.99, 1]), 0.99, 1e-12);
  assertAlmostEquals(momentumAt(99, 100, [0.99, 1]), 1, 1e-12);
  assert(momentumAt(30, 100, [0.99, 1]) < momentumAt(60, 100, [0.99, 1]));
});

Deno.test("teacherTargets: the kept positions are masked patches, halved per stage, standardised features", async () => {
  const { cfg, data } = await tiny();
  const m = buildModel(cfg, "pcae", 0);
  const { x, split } = stepBatch(cfg, baseRun(cfg, "pcae", 0), data, 0, m.student.numPatches);
  const { target, positions } = teacherTargets(m.teacher!, x, split.masked, 0.5, [1, 2, 3]);
  assertEquals(positions.shape, [cfg.batchSize, 2]); // 12 masked → 6 → 3 → 2
  assertEquals(target.shape, [cfg.batchSize, 2, cfg.encoder.dim]);
  const pos = await positions.array();
  pos.forEach((row, b) => row.forEach((p) => assert(split.masked[b].includes(p))));
  const t = await target.data();
  const d = cfg.encoder.dim;
  let mean = 0;
  for (let i = 0; i < d; i++) mean += t[i] / d;
  assertAlmostEquals(mean, 0, 1e-4);
  tf.dispose([x, target, positions]);
  disposeModel(m);
});

Deno.test("methodLoss: PCAE's gradient reaches student and decoder but never the teacher", () => {
  return tiny().then(({ cfg, data }) => {
    for (const method of ["mae", "pcae"] as const) {
      const m = buildModel(cfg, method, 0);
      const { x, split } = stepBatch(cfg, baseRun(cfg, method, 0), data, 0, m.student.numPatches);
      const vars = trainableVariables(m);
      const { value, grads } = tf.variableGrads(() => methodLoss(cfg, m, x, split), vars);
      assert(vars.filter((v) => grads[v.name] !== undefined).length > vars.length / 2);
      if (m.teacher) {
        for (const v of m.teacher.trainableVariables()) assertEquals(grads[v.name], undefined);
      }
      tf.dispose([x, value, ...Object.values(grads)]);
      disposeModel(m);
    }
  });
});

Deno.test("pretrain: a few PCAE steps move the teacher towards the student by EMA and are seeded", async () => {
  const { cfg, data } = await tiny();
  const run = baseRun(cfg, "pcae", 0, { steps: 3 });
  const a = await pretrain(cfg, run, data), b = await pretrain(cfg, run, data);
  assertEquals(a.losses, b.losses);
  assertEquals(a.status, "done");
  const s = a.model.student.namedVariables(), t = a.model.teacher!.namedVariables();
  const k = "blocks.0.attn.qkv.weight";
  const [sv, tv] = [await s[k].data(), await t[k].data()];
  let diff = 0;
  for (let i = 0; i < sv.length; i++) diff += Math.abs(sv[i] - tv[i]);
  assert(diff > 0, "the teacher lags the student");
  disposeModel(a.model);
  disposeModel(b.model);
});
