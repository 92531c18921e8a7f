/**
 * Pilot for issue 14 (Table 3): at which strength do the binary transformation-prediction tasks stop being
 * trivial? Measured on the *untrained* (random-init) cpu model and on raw pixels only — never on a trained
 * SimCLR model, so the strength the notebook uses is not chosen on the claim's own measurements. The probe is
 * trained on the first `transformTrain` training images and scored on training images 1000–1999 (a
 * validation split; the test split is not touched).
 *
 *     deno run -A tools/pilots/simclr_transform_strength.ts [--strengths 1,0.5,0.25,0.1] [--seeds 2]
 *
 * @module
 */
import { parseCli } from "../../lib/cli.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { toBatch } from "../../lib/data/batch.ts";
import * as S from "../../lib/experiments/simclr/mod.ts";
import {
  applyTaskTransform,
  balancedLabels,
  taskFeatures,
  type TransformTask,
} from "../../lib/experiments/simclr/transform_prediction.ts";
import { mlpProbe } from "../../lib/experiments/simclr/mlp_probe.ts";
import type { FeatureSet } from "../../lib/eval/features.ts";
import type { Split } from "../../lib/data/types.ts";

const { values } = parseCli({
  strengths: { type: "string", value: "S[,S]", help: "strengths to try" },
  seeds: { type: "string", value: "N", help: "seeds 0..N-1" },
  tasks: { type: "string", value: "T[;T]", help: "tasks (default colour and sobel)" },
}, Deno.args);
const strengths = (values.strengths ?? "1,0.5,0.25,0.1").split(",").map(Number);
const seeds = Number(values.seeds ?? 2);
const tasks = (values.tasks ?? "color vs grayscale;orig vs sobel").split(";") as TransformTask[];
await initBackend("auto", { quiet: true });
const cfg = S.simclrConfig("cpu");
const data = await S.loadSimclrData(cfg);
const trIdx = Array.from({ length: cfg.eval.transformTrain }, (_, i) => i);
const vaIdx = Array.from({ length: 1000 }, (_, i) => 1000 + i);

async function pixelFeatures(split: Split, idx: number[], task: TransformTask, rng: Rng, s: number) {
  const labels = balancedLabels(idx.length, 2, rng);
  const x = applyTaskTransform(task, toBatch(split, idx, { size: cfg.imageSize }), labels, rng, s);
  const f = await x.data() as Float32Array;
  x.dispose();
  return { features: f, n: idx.length, dim: f.length / idx.length, labels } as FeatureSet;
}

for (const task of tasks) {
  for (const s of strengths) {
    const acc: Record<string, number[]> = { pixels: [], "random h": [], "random z": [] };
    for (let seed = 0; seed < seeds; seed++) {
      const rng = new Rng(seed).fork(`task:${task}`);
      const probe = { steps: cfg.eval.transformSteps, seed, numClasses: 2 };
      const ptr = await pixelFeatures(data.train, trIdx, task, rng.fork("ptr"), s);
      const pva = await pixelFeatures(data.train, vaIdx, task, rng.fork("pva"), s);
      acc.pixels.push((await mlpProbe(ptr, pva, probe)).accuracy.mean);
      const model = S.buildModel(cfg, { ...cfg.base, seed }, data.numClasses);
      const tr = await taskFeatures(model, data.train, trIdx, task, cfg.imageSize, rng.fork("train"), s);
      const va = await taskFeatures(model, data.train, vaIdx, task, cfg.imageSize, rng.fork("val"), s);
      acc["random h"].push((await mlpProbe(tr.h, va.h, probe)).accuracy.mean);
      acc["random z"].push((await mlpProbe(tr.z, va.z, probe)).accuracy.mean);
      S.disposeModel(model);
    }
    const fmt = (v: number[]) => (100 * v.reduce((a, b) => a + b, 0) / v.length).toFixed(1);
    console.log(
      `${task.padEnd(20)} s=${String(s).padEnd(5)} ` +
        Object.entries(acc).map(([k, v]) => `${k} ${fmt(v)}%`).join(" · "),
    );
  }
}
