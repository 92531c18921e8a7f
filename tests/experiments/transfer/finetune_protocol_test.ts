/**
 * The cpu profile's finetune protocol must run long enough to measure transfer, not how fast SGD leaves an
 * initialisation. With 50 constant-lr steps the SimCLR encoder of seed 0 finetuned to 33% on shapes-gradient,
 * below both the random-init encoder finetuned the same way (58%) and its own frozen linear probe (42%).
 *
 * @module
 */
import { assert } from "@std/assert";
import { initBackend } from "../../../lib/backend/mod.ts";
import { transferConfig } from "../../../lib/experiments/transfer/config.ts";
import { loadTasks } from "../../../lib/experiments/transfer/tasks.ts";
import { zooEncoder } from "../../../lib/experiments/transfer/zoo.ts";
import { finetuneAccuracy, probeAccuracy } from "../../../lib/experiments/transfer/evaluate.ts";
import { loadSimclrData } from "../../../lib/experiments/simclr/mod.ts";

Deno.test("transfer cpu finetune: a pretrained SimCLR encoder ends near random init and above its own linear probe", async () => {
  await initBackend("wasm", { quiet: true });
  const cfg = transferConfig("cpu");
  const up = cfg.upstream;
  const [task] = await loadTasks(cfg.tasks.filter((t) => t.name === "shapes-gradient"), up.imageSize);
  const data = await loadSimclrData(up);
  const dir = await Deno.makeTempDir();
  try {
    const ctx = { cfg: up, data, cache: { dir } };
    const seed = 0;
    const finetuned = async (name: string) => {
      const z = await zooEncoder(ctx, cfg.zoo.find((m) => m.name === name)!, seed);
      try {
        const ft = await finetuneAccuracy(z.newEncoder(), task, cfg.eval, seed);
        const frozen = z.newEncoder();
        const linear = await probeAccuracy(frozen, { ...task, label: task.spec.label }, cfg.eval);
        frozen.dispose();
        return { finetune: ft.mean, linear: linear.mean };
      } finally {
        z.dispose();
      }
    };
    const random = await finetuned("random init");
    const simclr = await finetuned("SimCLR"); // trains the 94-step upstream run into the temporary cache
    const msg = `SimCLR finetune ${simclr.finetune.toFixed(3)} (linear ${simclr.linear.toFixed(3)}), ` +
      `random init finetune ${random.finetune.toFixed(3)}`;
    assert(
      simclr.finetune >= random.finetune - 0.1,
      `finetuning a pretrained encoder ends far below random init: ${msg}`,
    );
    assert(simclr.finetune >= simclr.linear, `finetuning ends below the frozen linear probe: ${msg}`);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
