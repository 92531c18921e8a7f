import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { makeRun, pirlConfig } from "../../../lib/experiments/pirl/config.ts";
import {
  loadPirlData,
  type PirlRunResult,
  runPirl,
  startPirlPool,
  trainedPirlModel,
} from "../../../lib/experiments/pirl/run.ts";
import { runAll } from "../../../lib/experiments/pirl/experiments.ts";
import { disposePirlModel } from "../../../lib/experiments/pirl/model.ts";
import { tiny } from "./_helpers.ts";

Deno.test("runPirl: trains once, then answers from the cache with the same result; no leaks", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const ctx = { cfg, data, cache: { dir, fresh: false }, log: (l: string) => lines.push(l) };
  const run = makeRun(cfg, "pirl", 0);
  const tensors = tf.memory().numTensors;
  const a = await runPirl(ctx, run);
  assertEquals(tf.memory().numTensors, tensors, "no tensors may leak");
  const b = await runPirl(ctx, run);
  assertEquals(lines.length, 1, "the second call must not train");
  assertEquals(b, a);
  assertEquals(a.steps, cfg.steps);
  assert(a.z !== null && a.eval.invariance.heads !== null);
  const m = await trainedPirlModel(ctx, run);
  assertEquals(m.losses.length, cfg.steps);
  assertEquals(m.z, a.z);
  disposePirlModel(m.model);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runPirl: runs trained by a worker pool equal the same runs trained in this thread", async () => {
  const { cfg, data } = await tiny();
  const [dirA, dirB] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const pool = startPirlPool(cfg, "wasm", { workers: 2, cache: { dir: dirB, fresh: false } });
  assert(pool !== null);
  try {
    const runs = [makeRun(cfg, "jigsaw", 0), makeRun(cfg, "pirl", 1, { lambda: 0 })];
    const here = await runAll({ cfg, data, cache: { dir: dirA, fresh: false }, log: null }, runs);
    const viaPool = await runAll({ cfg, data, cache: { dir: dirB, fresh: false }, log: null, pool }, runs);
    const timeless = (r: PirlRunResult) => ({ ...r, trainSeconds: 0 });
    assertEquals(viaPool.map(timeless), here.map(timeless));
  } finally {
    pool.close();
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
  assertEquals(startPirlPool(cfg, "wasm", { workers: 1 }), null);
  assertEquals(startPirlPool(cfg, "webgpu", { workers: 4 }), null);
});

Deno.test("runPirl: the gpu profile's model (ResNet-18) and protocol run end to end, shrunk", async () => {
  await tiny();
  const gpu = pirlConfig("gpu", { dataset: "shapes", seeds: 1 });
  const cfg = {
    ...gpu,
    dataset: { ...gpu.dataset, nTrain: 32, nTest: 16 },
    jigsaw: { ...gpu.jigsaw, permutations: 10 },
    base: { ...gpu.base, negatives: 8 },
    batchSize: 8,
    steps: 1,
    eval: { ...gpu.eval, maxIter: 10, invarianceImages: 8 },
  };
  const data = await loadPirlData(cfg);
  const dir = await Deno.makeTempDir();
  try {
    const r = await runPirl({ cfg, data, cache: { dir }, log: null }, makeRun(cfg, "pirl", 0));
    assertEquals([r.steps, r.status], [1, "done"]);
    assert(r.eval.stages.length >= 3 && r.eval.stages.every((s) => Number.isFinite(s.accuracy.mean)));
    assertEquals(r.eval.invariance.encoder.length, 8);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("runPirl: the raw-pixel baseline probes the pixels, trains nothing and leaks nothing", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  try {
    const tensors = tf.memory().numTensors;
    const r = await runPirl({ cfg, data, cache: { dir }, log: null }, makeRun(cfg, "pixels", 0));
    assertEquals(tf.memory().numTensors, tensors);
    assertEquals([r.steps, r.trainSeconds, r.z, r.eval.stages.length], [0, 0, null, 1]);
    assertEquals(r.eval.stages[0].dim, cfg.imageSize * cfg.imageSize * data.train.channels);
    assert(r.eval.stages[0].accuracy.mean >= 0 && r.eval.stages[0].accuracy.mean <= 1);
    assertEquals(r.label, "raw pixels · seed 0");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
