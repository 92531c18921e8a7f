import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { baseRun } from "../../../lib/experiments/simclr/config.ts";
import { runSimclr, trainedModel } from "../../../lib/experiments/simclr/run.ts";
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
