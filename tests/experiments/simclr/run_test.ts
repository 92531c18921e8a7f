import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { baseRun, simclrConfig } from "../../../lib/experiments/simclr/config.ts";
import {
  loadSimclrData,
  type RunResult,
  runSimclr,
  startSimclrPool,
  trainedModel,
} from "../../../lib/experiments/simclr/run.ts";
import { mapRuns } from "../../../lib/experiments/simclr/ablations.ts";
import { disposeModel } from "../../../lib/experiments/simclr/model.ts";
import { tiny } from "./_helpers.ts";

Deno.test("runSimclr: trains once, then answers from the cache with the same result", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const ctx = { cfg, data, cache: { dir, fresh: false }, log: (l: string) => lines.push(l) };
  const run = baseRun(cfg, 0);
  const tensors = tf.memory().numTensors;
  const a = await runSimclr(ctx, run, { transforms: true });
  assertEquals(lines.length, 1);
  assertEquals(tf.memory().numTensors, tensors, "no tensors may leak");
  const b = await runSimclr(ctx, run, { transforms: true });
  assertEquals(lines.length, 1, "the second call must not train");
  assertEquals(b, a);
  assertEquals(a.eval.linear.predictions.length, data.test.n);
  assertEquals(a.transforms!.length, 4);
  assert(a.eval.contrastive !== null && a.eval.linearZ !== null);
  // the stored weights rebuild the trained model
  const m = await trainedModel(ctx, run);
  assertEquals(m.losses.length, a.steps);
  disposeModel(m.model);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runSimclr: a supervised run reports its own classifier's accuracy", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  const r = await runSimclr(
    { cfg, data, cache: { dir }, log: null },
    baseRun(cfg, 0, { method: "supervised" }),
  );
  assert(r.eval.classifier !== null && r.eval.classifier.n === data.test.n);
  assertEquals(r.eval.contrastive, null);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("runSimclr: runs trained by a worker pool equal the same runs trained in this thread", async () => {
  const { cfg, data } = await tiny();
  const [dirA, dirB] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const pool = startSimclrPool(cfg, "wasm", { workers: 2, cache: { dir: dirB, fresh: false } });
  assert(pool !== null);
  try {
    const runs = [baseRun(cfg, 0), baseRun(cfg, 1, { method: "supervised" })];
    const local = { cfg, data, cache: { dir: dirA, fresh: false }, log: null };
    const pooled = { cfg, data, cache: { dir: dirB, fresh: false }, log: null, pool };
    const viaPool = await mapRuns(pooled, runs, (r) => runSimclr(pooled, r));
    const here = await mapRuns(local, runs, (r) => runSimclr(local, r));
    // everything but the wall-clock training time
    const timeless = (r: RunResult) => ({ ...r, trainSeconds: 0 });
    assertEquals(viaPool.map(timeless), here.map(timeless));
    // the workers stored their results: a pool-less context now reads them from the cache
    const lines: string[] = [];
    const again = await runSimclr({ ...pooled, pool: null, log: (l) => lines.push(l) }, runs[0]);
    assertEquals(again, viaPool[0]);
    assertEquals(lines.length, 0);
  } finally {
    pool.close();
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
});

Deno.test("startSimclrPool: no pool for one worker or a GPU backend", async () => {
  const { cfg } = await tiny();
  assertEquals(startSimclrPool(cfg, "wasm", { workers: 1 }), null);
  assertEquals(startSimclrPool(cfg, "webgpu", { workers: 4 }), null);
});

Deno.test("runSimclr: the gpu profile's model and protocol (ResNet-18, 32-px views) run end to end, shrunk", async () => {
  // The gpu profile itself needs CIFAR-10 and a GPU; this runs its encoder, views, head and evaluation on a
  // few shapes images with a short schedule, so that code path is exercised in CI.
  const { cfg: full } = await tiny();
  const gpu = simclrConfig("gpu", { dataset: "shapes", seeds: 1 });
  const cfg = {
    ...gpu,
    dataset: { ...gpu.dataset, nTrain: 48, nTest: 24 },
    base: { ...gpu.base, batchSize: 16, epochs: 1 / 3 },
    eval: { ...gpu.eval, knnK: 5, statsBatches: 1, maxIter: 20 },
  };
  const data = await loadSimclrData(cfg);
  const dir = await Deno.makeTempDir();
  try {
    const r = await runSimclr({ cfg, data, cache: { dir }, log: null }, baseRun(cfg, 0));
    assertEquals([r.steps, r.status], [1, "done"]);
    assertEquals(r.eval.linear.predictions.length, 24);
    assert(Number.isFinite(r.eval.linear.accuracy.mean) && Number.isFinite(r.finalLoss));
    assertEquals(cfg.imageSize, 32);
    assert(full.imageSize < cfg.imageSize);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
