import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { buildEncoder } from "../../../lib/experiments/pcae/model.ts";
import { finetuneStudent } from "../../../lib/experiments/pcae/finetune.ts";
import { tiny } from "./_helpers.ts";

Deno.test("finetuneStudent: trains the student and a new head, lowers the loss, leaks nothing", async () => {
  const { cfg, data } = await tiny();
  const student = buildEncoder(cfg, 0);
  const before = Array.from(await student.trainableVariables()[0].data());
  const tensors = tf.memory().numTensors;
  const res = await finetuneStudent(cfg, student, data, { steps: 30, lr: 3e-3, batchSize: 16, seed: 0 });
  assertEquals(tf.memory().numTensors, tensors, "no tensors may leak");
  assert(res.finalLoss < res.firstLoss, `loss ${res.firstLoss} → ${res.finalLoss}`);
  assertEquals(res.accuracy.n, data.test.n);
  const after = Array.from(await student.trainableVariables()[0].data());
  assert(after.some((v, i) => v !== before[i]), "the student itself is fine-tuned, not only the head");
  student.dispose();
});

Deno.test("finetuneStudent: deterministic by seed; dropping tokens during fine-tuning changes the outcome", async () => {
  const { cfg, data } = await tiny();
  const run = async (drop?: { ratio: number; mode: "mean-token" | "random" }) => {
    const s = buildEncoder(cfg, 1);
    try {
      return await finetuneStudent(cfg, s, data, { steps: 8, lr: 3e-3, batchSize: 16, seed: 2, drop });
    } finally {
      s.dispose();
    }
  };
  const a = await run(), b = await run(), c = await run({ ratio: 0.5, mode: "mean-token" });
  assertEquals([a.firstLoss, a.finalLoss, a.accuracy.mean], [b.firstLoss, b.finalLoss, b.accuracy.mean]);
  assert(c.finalLoss !== a.finalLoss, "the dropping student trains on other tokens");
});
