import { assert, assertEquals } from "@std/assert";
import {
  dropThroughput,
  finetuneStudy,
  methodRuns,
  stepTimings,
} from "../../../lib/experiments/pcae/experiments.ts";
import { finetuneSpec } from "../../../lib/experiments/pcae/figures.ts";
import { renderSvg } from "../../../lib/report/figure.ts";
import { startPcaePool } from "../../../lib/experiments/pcae/run.ts";
import { tiny } from "./_helpers.ts";

Deno.test("methodRuns / dropThroughput / stepTimings: every seed, cached on the second call", async () => {
  const { cfg, data } = await tiny();
  const dir = await Deno.makeTempDir();
  const ctx = { cfg, data, cache: { dir, fresh: false }, log: null };
  const runs = await methodRuns(ctx);
  assertEquals(runs.seeds, [0]);
  assertEquals([runs.mae[0].run.method, runs.pcae[0].run.method], ["mae", "pcae"]);
  assertEquals(runs.random.length, 1);
  const tp = await dropThroughput(ctx);
  assertEquals(tp[0].imagesPerSecond.length, cfg.dropRatios.length);
  const st = await stepTimings(ctx);
  assert(st[0].mae > 0 && st[0].pcae > 0);
  assertEquals(st[0].sweep.length, cfg.maskSweep.length);
  assertEquals(st[0].train.batch, cfg.batchSize, "timed at the training batch too");
  assert(st[0].train.mae > 0 && st[0].train.pcae > 0);
  assertEquals(await stepTimings(ctx), st, "timings come from the cache the second time");
  const ft = await finetuneStudy(ctx);
  assertEquals([ft.random.length, ft.mae.length, ft.pcae.length], [1, 1, 1]);
  assertEquals(ft.drops.map((d) => d.ratio), cfg.finetune.dropRatios);
  assert(
    ft.drops.every((d) =>
      d.pcae.length === 1 &&
      (cfg.finetune.controlRatios.includes(d.ratio)
        ? d.random?.length === 1 && d.random[0].label.includes("drop")
        : d.random === undefined)
    ),
  );
  assertEquals(ft.rules.ratio, cfg.finetune.compareRatio);
  assert(ft.rules.random[0].label.endsWith(`(drop ${ft.rules.ratio} random)`), ft.rules.random[0].label);
  assert(ft.rules.oneShot[0].label.endsWith(`(drop ${ft.rules.ratio} mean-token one-shot)`));
  assertEquals(ft.masks.map((m) => m.maskRatio), cfg.maskSweep);
  assert(ft.masks.every((m) => m.pcae.length === 1 && m.pcae[0].label.includes(`mask ${m.maskRatio}`)));
  assertEquals(ft.pcae[0].inference.map((i) => [i.drop.mode, i.drop.oneShot ?? false]), [
    ["mean-token", false],
    ["random", false],
    ["mean-token", true],
  ]);
  assertEquals(ft.random[0].inference, []);
  assertEquals(await finetuneStudy(ctx), ft, "fine-tunes come from the cache the second time");
  assert((await renderSvg(finetuneSpec(ft))).startsWith("<svg"));
  await Deno.remove(dir, { recursive: true });
});

Deno.test("methodRuns on a worker pool equals the same runs in this thread", async () => {
  const { cfg, data } = await tiny();
  const [a, b] = [await Deno.makeTempDir(), await Deno.makeTempDir()];
  const pool = startPcaePool(cfg, "cpu", { workers: 2, cache: { dir: b, fresh: false } });
  assert(pool !== null);
  try {
    const here = await methodRuns({ cfg, data, cache: { dir: a, fresh: false }, log: null });
    const there = await methodRuns({ cfg, data, cache: { dir: b, fresh: false }, log: null, pool });
    assertEquals(there.pcae.map((r) => r.eval), here.pcae.map((r) => r.eval));
    assertEquals(there.random, here.random);
  } finally {
    pool.close();
    await Deno.remove(a, { recursive: true });
    await Deno.remove(b, { recursive: true });
  }
});
