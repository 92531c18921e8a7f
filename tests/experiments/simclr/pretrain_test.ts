import { assertEquals, assertLess } from "@std/assert";
import { baseRun } from "../../../lib/experiments/simclr/config.ts";
import { pretrain } from "../../../lib/experiments/simclr/pretrain.ts";
import { disposeModel } from "../../../lib/experiments/simclr/model.ts";
import { tiny } from "./_helpers.ts";

Deno.test("pretrain: SimCLR lowers the NT-Xent loss and is deterministic by seed", async () => {
  const { cfg, data } = await tiny({ optimizer: { lr: 1e-2, weightDecay: 0, warmupFraction: 0 } });
  const run = baseRun(cfg, 1, { batchSize: 16, epochs: 10 }); // 40 steps on 64 images
  const a = await pretrain(cfg, run, data);
  assertEquals(a.status, "done");
  assertEquals(a.losses.length, 40);
  const mean = (x: number[]) => x.reduce((s, v) => s + v, 0) / x.length;
  assertLess(mean(a.losses.slice(-8)), mean(a.losses.slice(0, 8)) - 0.1);
  const short = baseRun(cfg, 1, { batchSize: 16, epochs: 1 });
  const b1 = await pretrain(cfg, short, data), b2 = await pretrain(cfg, short, data);
  assertEquals(b1.losses, b2.losses);
  [a, b1, b2].forEach((r) => disposeModel(r.model));
});

Deno.test("pretrain: the supervised baseline lowers its cross-entropy", async () => {
  const { cfg, data } = await tiny({ optimizer: { lr: 1e-2, weightDecay: 0, warmupFraction: 0 } });
  const r = await pretrain(cfg, baseRun(cfg, 0, { method: "supervised", batchSize: 16, epochs: 8 }), data);
  assertLess(r.losses.at(-1)!, r.losses[0]);
  disposeModel(r.model);
});
