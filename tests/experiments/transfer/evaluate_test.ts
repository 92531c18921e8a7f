import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { evaluateTask, probeAccuracy } from "../../../lib/experiments/transfer/evaluate.ts";
import { zooEncoder } from "../../../lib/experiments/transfer/zoo.ts";
import type { Encoder } from "../../../lib/models/types.ts";
import { tinyTransfer } from "./_helpers.ts";
import { PIXELS_MODEL } from "../../../lib/experiments/transfer/config.ts";
import { withoutSyncReads } from "../../_no_sync_reads.ts";

Deno.test("evaluateTask: every protocol on a task, deterministic, no leaks, copies disposed", async () => {
  const { cfg, upstream, tasks } = await tinyTransfer();
  const z = await zooEncoder({ cfg: cfg.upstream, data: upstream }, cfg.zoo[0], 0);
  const made: Encoder[] = [];
  const newEncoder = () => {
    const e = z.newEncoder();
    made.push(e);
    return e;
  };
  const before = tf.memory().numTensors;
  const task = tasks.find((t) => t.spec.domain === "far")!;
  // asynchronous reads only (synchronous ones fail on webgpu under Deno)
  const a = await withoutSyncReads(() => evaluateTask(newEncoder, task, cfg.eval, 0));
  assertEquals(tf.memory().numTensors, before, "no tensors may leak (both encoder copies disposed)");
  assertEquals(made.length, 2, "one frozen copy, one finetuned copy");
  assertEquals([a.task, a.domain], [task.spec.name, "far"]);
  assertEquals(a.linear.n, task.test.n);
  assertEquals(a.finetune.n, task.test.n);
  assertEquals(
    a.fewShot.map((f) => [f.shots, f.accuracy.n]),
    cfg.eval.shots.map((k) => [k, cfg.eval.episodes]),
  );
  for (const v of [a.linear.mean, a.finetune.mean, ...a.fewShot.map((f) => f.accuracy.mean)]) {
    assert(v >= 0 && v <= 1);
  }
  const b = await evaluateTask(newEncoder, task, cfg.eval, 0);
  assertEquals(b, a, "seeded");
  z.dispose();
});

Deno.test("probeAccuracy: separable features give a perfect probe", async () => {
  // an 'encoder' whose h is the mean colour of the image: red vs blue images are linearly separable
  const enc: Encoder = {
    name: "mean-colour",
    outDim: 3,
    apply: (x) => ({ h: tf.mean(x, [1, 2]) as tf.Tensor2D, stages: [] }),
    trainableVariables: () => [],
    namedVariables: () => ({}),
    dispose() {},
  };
  const split = (n: number) => {
    const images = new Uint8Array(n * 4 * 4 * 3);
    const labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let p = 0; p < 16; p++) images[i * 48 + p * 3 + (i % 2 === 0 ? 0 : 2)] = 200;
    }
    return { n, height: 4, width: 4, channels: 3, images, labels: { c: labels } };
  };
  const acc = await probeAccuracy(enc, {
    train: split(20),
    test: split(10),
    label: "c",
    numClasses: 2,
    batch: {},
  }, { l2Grid: [1e-3], maxIter: 50 });
  assertEquals([acc.mean, acc.n], [1, 10]);
});

Deno.test("evaluateTask: an encoder with nothing to train (raw pixels) is finetuned as its converged linear probe", async () => {
  const { cfg, upstream, tasks } = await tinyTransfer();
  const z = await zooEncoder({ cfg: cfg.upstream, data: upstream }, PIXELS_MODEL, 0);
  const before = tf.memory().numTensors;
  const r = await evaluateTask(z.newEncoder, tasks[0], cfg.eval, 0);
  assertEquals(tf.memory().numTensors, before, "no leaks");
  assertEquals(r.finetune, r.linear);
  z.dispose();
});
