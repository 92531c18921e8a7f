/**
 * SimCLR Table 3: how much information about the applied transformation survives in h versus z = g(h). For
 * each task, images are transformed with a balanced random label, h and z are extracted from a trained
 * SimCLR model (eval mode), and an MLP ({@link mlpProbe}) trained on training images predicts the label of
 * test images. Tasks (ours; chance in brackets):
 *
 * | task                | label                                                   |
 * |---------------------|---------------------------------------------------------|
 * | colour vs grayscale | the image was converted to grayscale or not (50%)       |
 * | rotation            | quarter turns 0–3 (25%)                                  |
 * | orig vs corrupted   | Gaussian noise of standard deviation 0.1 added or not (50%) |
 * | orig vs sobel       | replaced by its Sobel edge map or not (50%)             |
 *
 * The paper's colour task keeps SimCLR's 20% grayscale rate (chance 80%); ours is balanced.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { Tensor4D } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import type { Split } from "../../data/types.ts";
import { toBatch } from "../../data/batch.ts";
import type { FeatureSet } from "../../eval/features.ts";
import { grayscale } from "../../augment/grayscale.ts";
import { rot90 } from "../../augment/rotate.ts";
import { gaussianNoise } from "../../augment/noise.ts";
import { sobel } from "../../augment/sobel.ts";
import type { Estimate } from "../../stats/confidence.ts";
import type { SimclrModel } from "./model.ts";
import { mlpProbe } from "./mlp_probe.ts";

/** The four transformation-prediction tasks, in the paper's order. */
export const TRANSFORM_TASKS = [
  "color vs grayscale",
  "rotation",
  "orig vs corrupted",
  "orig vs sobel",
] as const;
/** One task. */
export type TransformTask = typeof TRANSFORM_TASKS[number];

/** Number of labels of a task. */
export function taskClasses(task: TransformTask): number {
  return task === "rotation" ? 4 : 2;
}

/** Apply the task's transformation for the given labels (0 = original for the binary tasks). */
export function applyTaskTransform(task: TransformTask, x: Tensor4D, labels: Int32Array, rng: Rng): Tensor4D {
  if (task === "rotation") return rot90(x, [...labels]);
  return tf.tidy(() => {
    const t = task === "color vs grayscale"
      ? grayscale(x)
      : task === "orig vs sobel"
      ? sobel(x)
      : gaussianNoise(x, rng, { std: 0.1 });
    const mask = tf.tensor4d(Float32Array.from(labels), [labels.length, 1, 1, 1]);
    return tf.add(tf.mul(mask, t), tf.mul(tf.sub(1, mask), x)) as Tensor4D;
  });
}

/** Balanced labels in random order: n labels over k classes (each ⌊n/k⌋ or ⌈n/k⌉ times). */
export function balancedLabels(n: number, k: number, rng: Rng): Int32Array {
  return Int32Array.from(rng.shuffle(Array.from({ length: n }, (_, i) => i % k)));
}

/** h and z features of transformed images `indices` of `split`, with the task labels. */
export async function taskFeatures(
  model: SimclrModel,
  split: Split,
  indices: number[],
  task: TransformTask,
  size: number,
  rng: Rng,
): Promise<{ h: FeatureSet; z: FeatureSet }> {
  const labels = balancedLabels(indices.length, taskClasses(task), rng);
  const hs: Float32Array[] = [], zs: Float32Array[] = [];
  for (let s = 0; s < indices.length; s += 256) {
    const idx = indices.slice(s, s + 256);
    const [h, z] = tf.tidy(() => {
      const x = applyTaskTransform(
        task,
        toBatch(split, idx, { size }),
        labels.subarray(s, s + idx.length),
        rng,
      );
      const h = model.encoder.apply(x, { training: false }).h;
      return [h, model.head.apply(h, { training: false })];
    });
    hs.push(await h.data() as Float32Array);
    zs.push(await z.data() as Float32Array);
    tf.dispose([h, z]);
  }
  const cat = (parts: Float32Array[]) => {
    const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
    let o = 0;
    for (const p of parts) (out.set(p, o), o += p.length);
    return out;
  };
  const n = indices.length;
  const h = cat(hs), z = cat(zs);
  return {
    h: { features: h, n, dim: h.length / n, labels },
    z: { features: z, n, dim: z.length / n, labels },
  };
}

/** Test accuracy of predicting each task's transformation from h and from z. */
export interface TransformPrediction {
  /** The transformation predicted. */
  task: TransformTask;
  /** Chance accuracy (fraction: 1 / the task's number of classes). */
  chance: number;
  /** MLP-probe test accuracy (fraction) on h. */
  h: Estimate;
  /** MLP-probe test accuracy (fraction) on z = g(h). */
  z: Estimate;
}

/**
 * Run the four tasks on a trained SimCLR model: `nTrain` training images (from the start of the training
 * split) and the whole test split, MLP trained for `steps` steps.
 */
export async function transformPrediction(
  model: SimclrModel,
  data: { train: Split; test: Split },
  opts: { size: number; nTrain: number; steps: number; seed: number },
): Promise<TransformPrediction[]> {
  const out: TransformPrediction[] = [];
  const trainIdx = Array.from({ length: Math.min(opts.nTrain, data.train.n) }, (_, i) => i);
  const testIdx = Array.from({ length: data.test.n }, (_, i) => i);
  for (const task of TRANSFORM_TASKS) {
    const rng = new Rng(opts.seed).fork(`task:${task}`);
    const tr = await taskFeatures(model, data.train, trainIdx, task, opts.size, rng.fork("train"));
    const te = await taskFeatures(model, data.test, testIdx, task, opts.size, rng.fork("test"));
    const probe = { steps: opts.steps, seed: opts.seed, numClasses: taskClasses(task) };
    out.push({
      task,
      chance: 1 / taskClasses(task),
      h: (await mlpProbe(tr.h, te.h, probe)).accuracy,
      z: (await mlpProbe(tr.z, te.z, probe)).accuracy,
    });
  }
  return out;
}
