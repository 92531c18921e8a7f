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
 * The paper's colour task keeps SimCLR's 20% grayscale rate (chance 80%); ours is balanced. Where the full
 * transformation is trivially detected (on `shapes` even by an untrained encoder), a binary task blends it in
 * at a configured strength ({@link applyTaskTransform}; the cpu profile's choice is documented in its config).
 *
 * Rotation needs images that show which way is up. On `shapes` with rotated objects (random angles, gradient
 * directions and positions) the image distribution is invariant under quarter turns, so no model can beat
 * 25%; even with upright objects, circles, rings, squares and crosses look the same after a quarter turn and
 * hexagons after a half turn. An earlier version ran rotation on every test image with 200 training images
 * and measured 25.0% for h and z alike (and 26% for raw pixels, 28% for a random-init encoder): a floor
 * of the data and the probe, not of the model. With upright `shapes` the rotation task therefore uses only
 * the shapes that carry an orientation ({@link ORIENTED_SHAPES}) and all of them in the training split
 * (≈ 3/8 of it): raw pixels then reach 58% and a random-init cnn3 36% (2,000-image cpu split, 16 px).
 * A representation trained to ignore horizontal flips (SimCLR's augmentation) cannot separate a left from a
 * right quarter turn of a flip-symmetric distribution, so ≈ 75% is its ceiling there.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { Tensor4D } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import type { Split } from "../../data/types.ts";
import { SHAPES_LABEL_SETS } from "../../data/shapes.ts";
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

/** The `shapes` classes whose quarter turns all differ (used for the rotation task on upright shapes). */
export const ORIENTED_SHAPES = ["triangle", "star", "heart"] as const;

/** Number of labels of a task. */
export function taskClasses(task: TransformTask): number {
  return task === "rotation" ? 4 : 2;
}

/**
 * Apply the task's transformation for the given labels (0 = original for the binary tasks). A binary task's
 * `strength` s in (0, 1] blends: label-1 images become `(1 − s)·x + s·T(x)` (s = 1: the full transformation;
 * for the noise task s scales the noise). Rotation has no strength.
 */
export function applyTaskTransform(
  task: TransformTask,
  x: Tensor4D,
  labels: Int32Array,
  rng: Rng,
  strength = 1,
): Tensor4D {
  if (!(strength > 0 && strength <= 1)) {
    throw new Error(`transform prediction: strength must be in (0, 1], got ${strength}`);
  }
  if (task === "rotation") return rot90(x, [...labels]);
  return tf.tidy(() => {
    const t = task === "color vs grayscale"
      ? grayscale(x)
      : task === "orig vs sobel"
      ? sobel(x)
      : gaussianNoise(x, rng, { std: 0.1 });
    const mask = tf.tensor4d(Float32Array.from(labels, (l) => l * strength), [labels.length, 1, 1, 1]);
    return tf.add(tf.mul(mask, t), tf.mul(tf.sub(1, mask), x)) as Tensor4D;
  });
}

/** Per-task strengths (see {@link applyTaskTransform}); a task left out is applied at full strength. */
export type TaskStrengths = Partial<Record<TransformTask, number>>;

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
  strength = 1,
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
        strength,
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
  /** Strength the task was applied at (1 for rotation and full-strength tasks). */
  strength: number;
  /** MLP-probe test accuracy (fraction) on h. */
  h: Estimate;
  /** MLP-probe test accuracy (fraction) on z = g(h). */
  z: Estimate;
}

/**
 * Version of the transformation-prediction protocol, part of the cache key of the runs that include it
 * (2: rotation on the oriented shapes of upright `shapes`; 3: binary tasks at the configured strengths).
 */
export const TRANSFORM_PROTOCOL = 3;

/**
 * The rotation subset for a dataset: the {@link ORIENTED_SHAPES} of upright `shapes` (`rotate: false`), null
 * for everything else (natural images are upright as a whole; rotated `shapes` stays at chance, by construction).
 */
export function rotationSubsetFor(
  dataset: { name: string; shapes?: { rotate?: boolean } },
): RotationSubset | null {
  if (dataset.name !== "shapes" || dataset.shapes?.rotate !== false) return null;
  const names: readonly string[] = SHAPES_LABEL_SETS.shape;
  return { labelSet: "shape", classes: ORIENTED_SHAPES.map((s) => names.indexOf(s)) };
}

/** Which images the rotation task uses: those whose label `labelSet` is one of `classes` (indices). */
export interface RotationSubset {
  /** The label set of the split to select by (e.g. "shape"). */
  labelSet: string;
  /** Class indices kept (e.g. the indices of {@link ORIENTED_SHAPES}). */
  classes: readonly number[];
}

/** Indices of `split` (in order) whose `subset` label is one of its classes, or all when `subset` is null. */
export function subsetIndices(split: Split, subset: RotationSubset | null): number[] {
  const all = Array.from({ length: split.n }, (_, i) => i);
  if (!subset) return all;
  const labels = split.labels[subset.labelSet];
  if (!labels) throw new Error(`transform prediction: the split has no label set "${subset.labelSet}"`);
  const keep = new Set(subset.classes);
  return all.filter((i) => keep.has(labels[i]));
}

/**
 * Run the four tasks on a trained SimCLR model: `nTrain` training images (from the start of the training
 * split) and the whole test split, MLP trained for `steps` steps, each binary task at its `strengths` entry
 * (default 1). With `rotation`, the rotation task uses only the images of that subset, all of its training
 * images (see the module doc).
 */
export async function transformPrediction(
  model: SimclrModel,
  data: { train: Split; test: Split },
  opts: {
    size: number;
    nTrain: number;
    steps: number;
    seed: number;
    rotation?: RotationSubset | null;
    strengths?: TaskStrengths;
  },
): Promise<TransformPrediction[]> {
  const out: TransformPrediction[] = [];
  const trainIdx = Array.from({ length: Math.min(opts.nTrain, data.train.n) }, (_, i) => i);
  const testIdx = Array.from({ length: data.test.n }, (_, i) => i);
  const rotation = opts.rotation ?? null;
  for (const task of TRANSFORM_TASKS) {
    const rng = new Rng(opts.seed).fork(`task:${task}`);
    const [trIdx, teIdx] = task === "rotation" && rotation
      ? [subsetIndices(data.train, rotation), subsetIndices(data.test, rotation)]
      : [trainIdx, testIdx];
    const strength = opts.strengths?.[task] ?? 1;
    const tr = await taskFeatures(model, data.train, trIdx, task, opts.size, rng.fork("train"), strength);
    const te = await taskFeatures(model, data.test, teIdx, task, opts.size, rng.fork("test"), strength);
    const probe = { steps: opts.steps, seed: opts.seed, numClasses: taskClasses(task) };
    out.push({
      task,
      chance: 1 / taskClasses(task),
      strength,
      h: (await mlpProbe(tr.h, te.h, probe)).accuracy,
      z: (await mlpProbe(tr.z, te.z, probe)).accuracy,
    });
  }
  return out;
}
