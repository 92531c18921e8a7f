import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { buildEncoder } from "../../../lib/experiments/pcae/model.ts";
import {
  droppingEncoder,
  dropSettings,
  evaluateEncoder,
  probeTrainSplit,
  tokenRedundancy,
} from "../../../lib/experiments/pcae/evaluate.ts";
import { tiny } from "./_helpers.ts";

Deno.test("droppingEncoder: ratio 0 is the ViT itself; dropping changes h", async () => {
  const { cfg, data } = await tiny();
  const enc = buildEncoder(cfg, 0);
  const x = tf.randomUniform([4, cfg.imageSize, cfg.imageSize, 3], 0, 1, "float32", 3) as tf.Tensor4D;
  const h0 = enc.apply(x, { training: false }).h;
  const h1 =
    droppingEncoder(enc, { ratio: 0, mode: "mean-token" }, [1, 2, 3]).apply(x, { training: false }).h;
  const h2 =
    droppingEncoder(enc, { ratio: 0.5, mode: "mean-token" }, [1, 2, 3]).apply(x, { training: false }).h;
  assertEquals(Array.from(await h1.data()), Array.from(await h0.data()));
  const [d0, d2] = [await h0.data(), await h2.data()];
  assert(d2.some((v, i) => Math.abs(v - d0[i]) > 1e-6), "dropping tokens changes the pooled features");
  tf.dispose([x, h0, h1, h2]);
  assertEquals(probeTrainSplit(data.train, 10).n, 10);
  assertEquals(probeTrainSplit(data.train, 10_000).n, data.train.n);
  enc.dispose();
});

Deno.test("evaluateEncoder: full probe, every drop setting, redundancy per block in [−1, 1]", async () => {
  const { cfg, data } = await tiny();
  const enc = buildEncoder(cfg, 0);
  const e = await evaluateEncoder(cfg, enc, data, 0, { drops: true });
  assertEquals(e.drops.map((d) => [d.ratio, d.mode]), dropSettings(cfg).map((d) => [d.ratio, d.mode]));
  assertEquals(e.full.linear.n, data.test.n);
  assertEquals(e.redundancy.length, cfg.encoder.depth);
  for (const b of e.redundancy) {
    assert(b.meanSimilarity >= -1 && b.meanSimilarity <= 1 && b.shareAbove90 >= 0);
  }
  const r = await tokenRedundancy(enc, data.test, 4);
  assertEquals(r.map((b) => b.block), [0, 1, 2, 3]);
  enc.dispose();
});
