import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { makeRun, pirlConfig } from "../../../lib/experiments/pirl/config.ts";
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

for (const form of ["nce", "infonce"] as const) {
  Deno.test(`pretrainPirl: the ${form} bank loss of PIRL falls with training on a tiny set`, async () => {
    const { cfg, data } = await tiny({
      steps: 24,
      optimizer: { lr: pirlConfig("smoke").optimizer.lr, weightDecay: 0, warmupFraction: 0 },
      nce: { temperature: 0.2, momentum: 0.5, z: "estimate", form },
    });
    // 64 images, batch 16: every bank entry is refreshed every 4 steps
    const r = await pretrainPirl(cfg, makeRun(cfg, "pirl", 1), data);
    const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
    assert(r.losses.every(Number.isFinite));
    assert(mean(r.losses.slice(-4)) < mean(r.losses.slice(4, 8)), `${r.losses.map((l) => l.toFixed(2))}`);
    disposePirlModel(r.model);
  });
}

Deno.test("pretrainPirl: the run's own learning rate is the one applied (runs differing only in lr differ)", async () => {
  const { cfg, data } = await tiny({ steps: 3 });
  const w = async (lr: number) => {
    const r = await pretrainPirl(cfg, makeRun(cfg, "jigsaw", 0, { lr }), data);
    const v = Array.from(await pirlModelVariables(r.model)["encoder.conv1.weight"].data());
    disposePirlModel(r.model);
    return v;
  };
  const [a, b, c] = [await w(1e-3), await w(1e-3), await w(4e-3)];
  assertEquals(a, b);
  assert(JSON.stringify(a) !== JSON.stringify(c));
});
