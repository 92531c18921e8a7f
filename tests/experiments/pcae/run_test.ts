import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { baseRun, pcaeConfig } from "../../../lib/experiments/pcae/config.ts";
import {
  finetuneJob,
  loadPcaeData,
  meanOf,
  randomInit,
  runPcae,
  trainedModel,
} from "../../../lib/experiments/pcae/run.ts";
import { disposeModel } from "../../../lib/experiments/pcae/model.ts";
import { tiny, useCpu } from "./_helpers.ts";

Deno.test("runPcae: trains once, then answers from the cache with the same result; no tensors leak", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const ctx = { cfg, data, cache: { dir, fresh: false }, log: (l: string) => lines.push(l) };
  const run = baseRun(cfg, "pcae", 0);
  const tensors = tf.memory().numTensors;
  const a = await runPcae(ctx, run);
  assertEquals(tf.memory().numTensors, tensors);
  const b = await runPcae(ctx, run);
  assertEquals(lines.length, 1, "the second call must not train");
  assertEquals(b, a);
  assertEquals(a.eval.drops.length, 3);
  const m = await trainedModel(ctx, run);
  assertEquals(m.losses.length, run.steps);
  disposeModel(m.model);
  const r = await randomInit(ctx, 0);
  assertEquals(r.drops, []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("finetuneJob: random-init and pretrained students fine-tune once, then come from the cache", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  const lines: string[] = [];
  const ctx = { cfg, data, cache: { dir, fresh: false }, log: (l: string) => lines.push(l) };
  const schedule = {
    steps: 4,
    lr: 3e-3,
    batchSize: 16,
    augment: { cropScale: [0.6, 1] as [number, number] },
  };
  const inference = [
    { ratio: 0.5, mode: "mean-token" as const },
    { ratio: 0.5, mode: "mean-token" as const, oneShot: true },
    { ratio: 0.5, mode: "random" as const },
  ];
  const tensors = tf.memory().numTensors;
  const rnd = await finetuneJob(ctx, { from: null, seed: 0, schedule, inference });
  const run = baseRun(cfg, "mae", 0);
  const mae = await finetuneJob(ctx, { from: run, seed: 0, schedule, inference });
  assertEquals(tf.memory().numTensors, tensors, "no tensors may leak");
  assert(
    rnd.label.startsWith("random init") && mae.label.includes("→ fine-tune"),
    `${rnd.label} / ${mae.label}`,
  );
  assertEquals(mae.inference.map((i) => i.drop), inference);
  assert(mae.inference.every((i) => i.accuracy.n === data.test.n));
  const n = lines.length; // the MAE pretraining run and the two fine-tunes
  assertEquals(await finetuneJob(ctx, { from: run, seed: 0, schedule, inference }), mae);
  assertEquals(await finetuneJob(ctx, { from: null, seed: 0, schedule, inference }), rnd);
  assertEquals(lines.length, n, "the second calls must come from the cache");
  const other = await finetuneJob(ctx, { from: null, seed: 0, schedule: { ...schedule, steps: 5 } });
  assertEquals(lines.length, n + 1, "another schedule is another entry");
  assertEquals(other.inference, []);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("meanOf", () => {
  assertEquals(meanOf([1, 2, 3]), 2);
  assert(Number.isNaN(meanOf([])));
});

Deno.test("the gpu profile's model and protocol run end to end when shrunk", async () => {
  await useCpu();
  const gpu = pcaeConfig("gpu");
  const cfg = {
    ...gpu,
    dataset: { name: "shapes" as const, nTrain: 32, nTest: 16, label: "shape", seed: 0 },
    encoder: { ...gpu.encoder, dim: 12, heads: 3 },
    decoder: { ...gpu.decoder, dim: 8, heads: 2, depth: 1 },
    batchSize: 8,
    base: { ...gpu.base, steps: 2 },
    eval: { ...gpu.eval, probeTrain: 32, knnK: 5, maxIter: 5, l2Grid: [0.1] },
    seeds: 1,
  };
  const data = await loadPcaeData(cfg);
  const dir = await Deno.makeTempDir();
  const r = await runPcae({ cfg, data, cache: { dir }, log: null }, baseRun(cfg, "pcae", 0));
  assertEquals(r.status, "done");
  assertEquals(r.eval.redundancy.length, gpu.encoder.depth);
  await Deno.remove(dir, { recursive: true });
});
