import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { makeRun } from "../../../lib/experiments/pirl/config.ts";
import { pretrainPirl, stepsOfRun } from "../../../lib/experiments/pirl/pretrain.ts";
import { disposePirlModel, pirlModelVariables } from "../../../lib/experiments/pirl/model.ts";
import { tiny } from "./_helpers.ts";

Deno.test("pretrainPirl: every method trains finite losses, deterministically by seed, without leaks", async () => {
  const { cfg, data } = await tiny({ steps: 3 });
  const before = tf.memory().numTensors;
  for (
    const run of [
      makeRun(cfg, "pirl", 0),
      makeRun(cfg, "pirl", 0, { lambda: 0 }),
      makeRun(cfg, "jigsaw", 0),
      makeRun(cfg, "supervised", 0),
    ]
  ) {
    const a = await pretrainPirl(cfg, run, data);
    const b = await pretrainPirl(cfg, run, data);
    assertEquals(a.status, "done");
    assertEquals(a.losses.length, 3);
    assert(a.losses.every(Number.isFinite), `${run.method}: ${a.losses}`);
    assertEquals(a.losses, b.losses, `${run.method} is deterministic`);
    assertEquals(a.z === null, run.method !== "pirl");
    if (a.z !== null) assert(a.z > 0 && a.z === b.z);
    disposePirlModel(a.model);
    disposePirlModel(b.model);
  }
  assertEquals(tf.memory().numTensors, before, "no tensors may leak");
});

Deno.test("pretrainPirl: random init takes no step and equals the initialisation", async () => {
  const { cfg, data } = await tiny({ steps: 3 });
  const run = makeRun(cfg, "random", 0);
  assertEquals(stepsOfRun(cfg, run), 0);
  const r = await pretrainPirl(cfg, run, data);
  assertEquals([r.steps, r.losses.length, r.z], [0, 0, null]);
  const trained = await pretrainPirl(cfg, makeRun(cfg, "jigsaw", 0), data);
  const w = (m: typeof r.model) => pirlModelVariables(m)["encoder.conv1.weight"].data();
  assert(JSON.stringify(Array.from(await w(r.model))) !== JSON.stringify(Array.from(await w(trained.model))));
  disposePirlModel(r.model);
  disposePirlModel(trained.model);
});

Deno.test("pretrainPirl: the NCE loss of PIRL falls with training on a tiny set", async () => {
  const { cfg, data } = await tiny({
    steps: 24,
    optimizer: { lr: 5e-3, weightDecay: 0, warmupFraction: 0 },
    nce: { temperature: 0.2, momentum: 0.5, z: "estimate" },
  });
  // 64 images, batch 16: every bank entry is refreshed every 4 steps
  const r = await pretrainPirl(cfg, makeRun(cfg, "pirl", 1), data);
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  assert(r.losses.every(Number.isFinite));
  assert(mean(r.losses.slice(-4)) < mean(r.losses.slice(4, 8)), `${r.losses.map((l) => l.toFixed(2))}`);
  disposePirlModel(r.model);
});
