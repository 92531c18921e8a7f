import { assert, assertEquals, assertNotEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import {
  jobKey,
  loadTransferData,
  type ModelSeedResult,
  runTransferJob,
  startTransferPool,
} from "../../../lib/experiments/transfer/run.ts";
import { runPixelBaseline, runZoo } from "../../../lib/experiments/transfer/study.ts";
import { PIXELS_MODEL, transferConfig } from "../../../lib/experiments/transfer/config.ts";
import { configHash } from "../../../lib/cache.ts";
import { tinyTransfer } from "./_helpers.ts";

const timeless = (r: ModelSeedResult) => ({ ...r, trainSeconds: 0 });

Deno.test("runTransferJob: computes once, then answers from the cache with the same result", async () => {
  const data = await tinyTransfer();
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const ctx = { ...data, cache: { dir, fresh: false }, log: (l: string) => lines.push(l) };
  try {
    const job = { model: data.cfg.zoo[2], seed: 0 };
    const before = tf.memory().numTensors;
    const a = await runTransferJob(ctx, job);
    assertEquals(tf.memory().numTensors, before, "no tensors may leak");
    assertEquals(lines.length, 1);
    const b = await runTransferJob(ctx, job);
    assertEquals(lines.length, 1, "the second call must not compute");
    assertEquals(b, a);
    assertEquals(a.tasks.map((t) => t.task), data.cfg.tasks.map((t) => t.name));
    assertEquals(a.upstream.n, data.upstream.test.n);
    // the name is not part of the key; the job's name is reported
    const renamed = await runTransferJob(ctx, { ...job, model: { ...job.model, name: "other" } });
    assertEquals(renamed.model, "other");
    assertEquals(lines.length, 1);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("jobKey: changes with the model, the seed, the tasks and the protocol", () => {
  const cfg = transferConfig("smoke");
  const k = (c = cfg, model = cfg.zoo[1], seed = 0) => configHash(jobKey(c, { model, seed }));
  const base = k();
  assertNotEquals(k(cfg, cfg.zoo[2]), base);
  assertNotEquals(k(cfg, cfg.zoo[1], 1), base);
  assertNotEquals(k({ ...cfg, eval: { ...cfg.eval, episodes: 21 } }), base);
  assertNotEquals(k({ ...cfg, tasks: cfg.tasks.slice(1) }), base);
  assertEquals(k({ ...cfg, seeds: 7, resamples: 3 }), base, "seed count and resamples do not change a job");
});

Deno.test("runZoo: a worker pool gives the same results as this thread", async () => {
  const data = await tinyTransfer();
  const cfg = { ...data.cfg, zoo: data.cfg.zoo.slice(0, 2) };
  const [dirA, dirB] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const pool = startTransferPool(cfg, "wasm", { workers: 2, cache: { dir: dirB, fresh: false } });
  assert(pool !== null);
  try {
    const here = await runZoo({ ...data, cfg, cache: { dir: dirA, fresh: false }, log: null });
    const there = await runZoo({ ...data, cfg, cache: { dir: dirB, fresh: false }, log: null, pool });
    assertEquals(there.map((m) => m.runs.map(timeless)), here.map((m) => m.runs.map(timeless)));
    assertEquals(here.map((m) => m.model), cfg.zoo.map((m) => m.name));
  } finally {
    pool.close();
    await Deno.remove(dirA, { recursive: true });
    await Deno.remove(dirB, { recursive: true });
  }
  assertEquals(startTransferPool(cfg, "wasm", { workers: 1 }), null);
  assertEquals(startTransferPool(cfg, "webgpu", { workers: 4 }), null);
});

Deno.test("runTransferJob: the gpu profile's models and protocols run end to end, shrunk", async () => {
  // The gpu profile (ResNet-18 upstream, 10,000-image tasks) needs a GPU; this runs its encoder, tasks and
  // protocols on a few images with a one-step schedule, so that code path is exercised in CI.
  await tinyTransfer();
  const gpu = transferConfig("gpu", { seeds: 1 });
  const up = gpu.upstream;
  const cfg = {
    ...gpu,
    upstream: {
      ...up,
      dataset: { ...up.dataset, nTrain: 48, nTest: 40 },
      base: { ...up.base, batchSize: 16, epochs: 1 / 3 },
      eval: { ...up.eval, maxIter: 10 },
    },
    zoo: gpu.zoo.filter((m) => m.name === "SimCLR"),
    tasks: gpu.tasks.map((t) => ({ ...t, nTrain: 40, nTest: 80 })),
    eval: {
      ...gpu.eval,
      l2Grid: [1e-2],
      maxIter: 10,
      shots: [2],
      queries: 4,
      episodes: 5,
      finetune: { steps: 1, batchSize: 8, lr: 0.01 },
    },
  };
  cfg.zoo = cfg.zoo.map((m) =>
    m.kind === "trained" ? { ...m, run: { ...m.run, batchSize: 16, epochs: 1 / 3 } } : m
  );
  const dir = await Deno.makeTempDir();
  try {
    const data = await loadTransferData(cfg);
    const r = await runTransferJob({ cfg, ...data, cache: { dir }, log: null }, {
      model: cfg.zoo[0],
      seed: 0,
    });
    assertEquals(r.tasks.length, cfg.tasks.length);
    assert(cfg.tasks.length >= 6);
    assertEquals(cfg.upstream.imageSize, 32);
    assert(Number.isFinite(r.upstream.mean) && r.tasks.every((t) => Number.isFinite(t.finetune.mean)));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the raw-pixel baseline runs every protocol on the pixels, with its own key, and leaks nothing", async () => {
  const data = await tinyTransfer();
  const dir = await Deno.makeTempDir();
  try {
    const ctx = { ...data, cache: { dir, fresh: false }, log: null };
    const before = tf.memory().numTensors;
    const pixels = await runPixelBaseline({ ...ctx, cfg: { ...data.cfg, seeds: 1 } });
    assertEquals(tf.memory().numTensors, before, "no tensors may leak");
    assertEquals([pixels.model, pixels.runs.length, pixels.runs[0].trainSeconds], ["raw pixels", 1, 0]);
    const t = pixels.runs[0].tasks[0];
    assert(t.linear.mean >= 0 && t.linear.mean <= 1 && Number.isFinite(t.finetune.mean));
    const random = { model: data.cfg.zoo.find((m) => m.kind === "random")!, seed: 0 };
    assertNotEquals(
      configHash(jobKey(data.cfg, { model: PIXELS_MODEL, seed: 0 })),
      configHash(jobKey(data.cfg, random)),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
