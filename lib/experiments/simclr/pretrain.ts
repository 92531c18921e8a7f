/**
 * Training a run: SimCLR pretraining (two views per image, the run's loss on g(f(view))) or the supervised
 * baseline of Table 1 (cross-entropy of a linear classifier on f(view) of one augmented view), both with Adam,
 * linear warm-up and cosine decay, through the shared training loop.
 *
 * Determinism: the images of step t are positions t·B … t·B + B − 1 of an epoch-wise shuffled stream
 * (epoch e is the permutation drawn from `Rng(seed).fork("epoch:e")`), and the augmentations of step t come
 * from `Rng(seed).fork("aug:t")`, so a run is a function of its spec and seed.
 *
 * @module
 */
import type { LabeledSplits } from "../../data/labeled_splits.ts";
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import { toBatch } from "../../data/batch.ts";
import { adam } from "../../train/optimizers.ts";
import { warmupCosine } from "../../train/schedules.ts";
import { trainLoop } from "../../train/loop.ts";
import { type RunSpec, type SimclrConfig, stepsOf } from "./config.ts";
import { buildModel, type SimclrModel, trainableVariables } from "./model.ts";
import { makeSingleView, makeViews } from "./views.ts";
import { contrastiveLoss } from "./losses.ts";
import { batchIndices } from "../../data/batch_indices.ts";

/** The data a run trains and evaluates on. */
export type SimclrData = LabeledSplits;

/** The outcome of training. */
export interface PretrainResult {
  /** The trained encoder and head. */
  model: SimclrModel;
  /** Loss of every step. */
  losses: number[];
  /** Steps scheduled: round(epochs · nTrain / batchSize), at least 1. */
  steps: number;
  /** "done", or "non-finite" when the loss diverged (the model is then left as it was before that step). */
  status: "done" | "non-finite";
  /** Wall-clock seconds of training. */
  seconds: number;
}

export { batchIndices };

/** Train the model of `run` on `data` (see the module doc). */
export async function pretrain(cfg: SimclrConfig, run: RunSpec, data: SimclrData): Promise<PretrainResult> {
  const model = buildModel(cfg, run, data.numClasses);
  const variables = trainableVariables(model);
  const steps = stepsOf(cfg, run);
  const optimizer = adam(variables, { weightDecay: cfg.optimizer.weightDecay });
  const lr = warmupCosine({
    base: cfg.optimizer.lr,
    totalSteps: steps,
    warmupSteps: Math.round(cfg.optimizer.warmupFraction * steps),
  });
  const labels = data.train.labels[data.label];
  const size = cfg.imageSize;
  const lossFn = (step: number): tf.Scalar => {
    const idx = batchIndices(run.seed, step, run.batchSize, data.train.n);
    const rng = new Rng(run.seed).fork(`aug:${step}`);
    const x = toBatch(data.train, idx);
    if (run.method === "supervised") {
      const v = makeSingleView(x, rng, run.aug, size, cfg.cropScale);
      const logits = model.head.apply(model.encoder.apply(v, { training: true }).h, { training: true });
      const y = tf.oneHot(Int32Array.from(idx, (i) => labels[i]), data.numClasses);
      return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
    }
    const [v1, v2] = makeViews(x, rng, run.aug, size, cfg.cropScale);
    const both = tf.concat([v1, v2], 0);
    const z = model.head.apply(model.encoder.apply(both, { training: true }).h, { training: true });
    const [z1, z2] = tf.split(z, 2, 0) as [tf.Tensor2D, tf.Tensor2D];
    return contrastiveLoss(run.loss, z1, z2);
  };
  const res = await trainLoop({
    steps,
    variables,
    optimizer,
    lr,
    lossFn,
    label: `simclr ${run.method}`,
    batchSize: run.batchSize,
    seed: run.seed,
    onNonFinite: "stop",
    progress: false,
  });
  optimizer.dispose();
  return { model, losses: res.losses, steps, status: res.status, seconds: res.seconds };
}
