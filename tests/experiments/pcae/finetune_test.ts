import { assert, assertEquals } from "@std/assert";
import { tf } from "../../../lib/tf.ts";
import { buildEncoder } from "../../../lib/experiments/pcae/model.ts";
import { finetuneStudent, fitHeadByProbe, layerDecayScale } from "../../../lib/experiments/pcae/finetune.ts";
import { linearHead } from "../../../lib/models/heads.ts";
import { extractFeatures } from "../../../lib/eval/features.ts";
import { Rng } from "../../../lib/rng.ts";
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

Deno.test("layerDecayScale: decay^(L+1−layer), embedding at layer 0, final norm at the full rate", () => {
  const d = 0.5, L = 4;
  assertEquals(layerDecayScale("patchEmbed.weight", L, d), d ** 5);
  assertEquals(layerDecayScale("cls", L, d), d ** 5);
  assertEquals(layerDecayScale("pos", L, d), d ** 5);
  assertEquals(layerDecayScale("blocks.0.attn.qkv.weight", L, d), d ** 4);
  assertEquals(layerDecayScale("blocks.3.mlp.fc2.bias", L, d), d);
  assertEquals(layerDecayScale("norm.gamma", L, d), 1);
  assertEquals(layerDecayScale("blocks.2.norm1.beta", L, 1), 1);
});

Deno.test("finetuneStudent: layer-wise decay slows the early layers (the embedding moves less)", async () => {
  const { cfg, data } = await tiny();
  const moved = async (layerDecay: number) => {
    const s = buildEncoder(cfg, 3);
    const name = "patchEmbed.weight";
    const before = Array.from(await s.namedVariables()[name].data());
    await finetuneStudent(cfg, s, data, { steps: 6, lr: 3e-3, batchSize: 16, seed: 0, layerDecay });
    const after = Array.from(await s.namedVariables()[name].data());
    s.dispose();
    return Math.hypot(...after.map((v, i) => v - before[i]));
  };
  const full = await moved(1), slow = await moved(0.1);
  assert(slow < full * 0.01, `embedding moved ${slow} with decay 0.1 vs ${full} without`);
});

Deno.test("fitHeadByProbe: the head computes the probe's logits on raw features (standardisation folded in)", async () => {
  const { cfg, data } = await tiny();
  const enc = buildEncoder(cfg, 0);
  const head = linearHead(new Rng(0), enc.outDim, data.numClasses);
  const probe = await fitHeadByProbe(cfg, enc, head, data.train, data);
  const f = await extractFeatures(enc, data.train, { labelSet: data.label });
  const { theta, dim: d, numClasses: c } = probe.model;
  const { mean, std } = probe.standardizer;
  const got = tf.tidy(() => head.apply(tf.tensor2d(f.features, [f.n, d])).arraySync());
  for (const i of [0, 5, f.n - 1]) {
    for (let k = 0; k < c; k++) {
      let want = theta[d * c + k];
      for (let j = 0; j < d; j++) want += ((f.features[i * d + j] - mean[j]) / std[j]) * theta[j * c + k];
      if (Math.abs(got[i][k] - want) > 1e-3 * (1 + Math.abs(want))) {
        throw new Error(`row ${i} class ${k}: head ${got[i][k]} vs probe ${want}`);
      }
    }
  }
  head.dispose();
  enc.dispose();
});
