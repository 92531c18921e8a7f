/**
 * End-to-end finetuning: train an encoder and a linear (or any) head jointly with softmax cross-entropy, then
 * report test accuracy with a Wilson 95% interval — the "finetune" column of the transfer protocols.
 *
 * Training runs through `trainLoop` (lib/train/loop.ts): deterministic given the seed, because the batch of
 * step t is drawn from `new Rng(seed).fork(t)` (uniform with replacement from the training split) and any
 * augmentation receives that same stream. The default optimizer is SGD with Nesterov momentum 0.9 over every
 * trainable variable of the encoder and the head. Evaluation runs the encoder and head in eval mode.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { Rng } from "../rng.ts";
import type { Encoder, Head } from "../models/types.ts";
import type { Optimizer } from "../train/types.ts";
import type { Split } from "../data/types.ts";
import { type BatchOptions, toBatch } from "../data/batch.ts";
import { sgd } from "../train/optimizers.ts";
import { trainLoop } from "../train/loop.ts";
import { accuracyCI, type Estimate } from "../stats/confidence.ts";
import type { LabeledBatch } from "./features.ts";

/** Options of `finetune`. */
export interface FinetuneOptions {
  /** The encoder (trained in place). */
  encoder: Encoder;
  /** The head mapping h to class logits (trained in place). */
  head: Head;
  /** Training data: a Split (batches sampled per step) or a function giving step t's batch (owned by finetune). */
  train: Split | ((step: number) => LabeledBatch);
  /** Test data: a Split or labelled batches (disposed after use). */
  test: Split | Iterable<LabeledBatch>;
  /** Number of optimisation steps. */
  steps: number;
  /** Learning rate, constant or per step. */
  lr: number | ((step: number) => number);
  /** Optimizer over encoder + head variables (default SGD, Nesterov momentum 0.9; disposed by the caller). */
  optimizer?: Optimizer;
  /** Batch size when `train` is a Split (default 64); also the test batch size. */
  batchSize?: number;
  /** Label set of the splits (default: the first). */
  labelSet?: string;
  /** Resizing / channel conversion of Split images. */
  batch?: BatchOptions;
  /** Training-time augmentation of a batch, given the step's stream (the input is disposed by finetune). */
  augment?: (x: tf.Tensor4D, rng: Rng) => tf.Tensor4D;
  /** Seed of the batch sampling (default 0). */
  seed?: number;
  /** Show the progress bar (default false). */
  progress?: boolean;
}

/** Result of finetuning. */
export interface FinetuneResult {
  /** Test accuracy with its Wilson 95% CI. */
  accuracy: Estimate;
  /** Training loss per step. */
  losses: number[];
  /** Test predictions, in test order. */
  predictions: Int32Array;
}

function labelsOf(split: Split, labelSet: string | undefined, what: string): Int32Array {
  const names = Object.keys(split.labels);
  const name = labelSet ?? names[0];
  const labels = name !== undefined ? split.labels[name] : undefined;
  if (!labels) {
    throw new Error(
      `finetune: ${what} split has no label set "${labelSet ?? ""}" (has: ${names.join(", ")})`,
    );
  }
  return labels;
}

/** Mean softmax cross-entropy of logits [B, C] against integer labels. */
export function softmaxCrossEntropy(logits: tf.Tensor2D, labels: ArrayLike<number>): tf.Scalar {
  const [b, c] = logits.shape;
  if (labels.length !== b) {
    throw new Error(`softmaxCrossEntropy: length mismatch (${labels.length} labels, ${b} rows)`);
  }
  for (let i = 0; i < b; i++) {
    if (!(Number.isInteger(labels[i]) && labels[i] >= 0 && labels[i] < c)) {
      throw new Error(`softmaxCrossEntropy: label ${labels[i]} at index ${i} is not a class in [0, ${c})`);
    }
  }
  return tf.tidy(() => {
    const y = tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), "int32"), c), "float32");
    return tf.mean(tf.sub(tf.logSumExp(logits, 1), tf.sum(tf.mul(y, logits), 1))) as tf.Scalar;
  });
}

/** Finetune encoder + head (module doc) and evaluate on the test data. */
export async function finetune(opts: FinetuneOptions): Promise<FinetuneResult> {
  const { encoder, head } = opts;
  if (head.outDim < 2) throw new Error(`finetune: head must output >= 2 class logits, got ${head.outDim}`);
  const bs = opts.batchSize ?? 64;
  if (!(Number.isInteger(bs) && bs >= 1)) {
    throw new Error(`finetune: batchSize must be an integer >= 1, got ${bs}`);
  }
  const seed = opts.seed ?? 0;
  const root = new Rng(seed);
  const trainSplit = typeof opts.train === "function" ? null : opts.train;
  const trainLabels = trainSplit ? labelsOf(trainSplit, opts.labelSet, "train") : null;
  if (trainSplit && trainSplit.n < 1) throw new Error("finetune: empty training split");
  const nextBatch = (step: number): LabeledBatch & { rng: Rng } => {
    const rng = root.fork(step);
    if (!trainSplit) return { ...(opts.train as (s: number) => LabeledBatch)(step), rng };
    const idx = Array.from({ length: bs }, () => rng.int(trainSplit.n));
    return { x: toBatch(trainSplit, idx, opts.batch), y: idx.map((i) => trainLabels![i]), rng };
  };
  const variables = [...encoder.trainableVariables(), ...head.trainableVariables()];
  const optimizer = opts.optimizer ?? sgd(variables, { momentum: 0.9, nesterov: true });
  const lr = typeof opts.lr === "number" ? (() => opts.lr as number) : opts.lr;
  try {
    const result = await trainLoop({
      steps: opts.steps,
      variables,
      optimizer,
      lr,
      label: "finetune",
      batchSize: bs,
      seed,
      progress: opts.progress ?? false,
      lossFn: (step) => {
        const { x, y, rng } = nextBatch(step);
        let input = x;
        if (opts.augment) {
          input = opts.augment(x, rng);
          if (input !== x) x.dispose();
        }
        const logits = head.apply(encoder.apply(input, { training: true }).h, { training: true });
        return softmaxCrossEntropy(logits, y);
      },
    });
    const predictions = await predict(encoder, head, opts.test, bs, opts);
    return {
      accuracy: accuracyCI(predictions.pred, predictions.labels),
      losses: result.losses,
      predictions: predictions.pred,
    };
  } finally {
    if (!opts.optimizer) optimizer.dispose();
  }
}

/**
 * Test accuracy (with its Wilson 95% CI) of an encoder and head in eval mode, e.g. a fine-tuned encoder scored
 * again under another inference setting; `test` batches are disposed after use.
 */
export async function classifierAccuracy(
  encoder: Encoder,
  head: Head,
  test: Split | Iterable<LabeledBatch>,
  opts: { batchSize?: number; labelSet?: string; batch?: BatchOptions } = {},
): Promise<Estimate> {
  const bs = opts.batchSize ?? 64;
  const p = await predict(encoder, head, test, bs, opts);
  return accuracyCI(p.pred, p.labels);
}

async function predict(
  encoder: Encoder,
  head: Head,
  test: Split | Iterable<LabeledBatch>,
  bs: number,
  opts: { labelSet?: string; batch?: BatchOptions },
): Promise<{ pred: Int32Array; labels: Int32Array }> {
  const pred: number[] = [], labels: number[] = [];
  const run = async (x: tf.Tensor4D, y: ArrayLike<number>) => {
    try {
      const p = tf.tidy(() =>
        tf.argMax(head.apply(encoder.apply(x, { training: false }).h, { training: false }), 1)
      );
      const v = await p.data();
      p.dispose();
      if (v.length !== y.length) {
        throw new Error(`finetune: length mismatch (${y.length} labels, ${v.length} images)`);
      }
      for (let i = 0; i < v.length; i++) {
        pred.push(v[i]);
        labels.push(y[i]);
      }
    } finally {
      x.dispose();
    }
  };
  if ("images" in test) {
    const lab = labelsOf(test, opts.labelSet, "test");
    for (let s = 0; s < test.n; s += bs) {
      const idx = Array.from({ length: Math.min(bs, test.n - s) }, (_, k) => s + k);
      await run(toBatch(test, idx, opts.batch), lab.subarray(s, s + idx.length));
    }
  } else {
    for (const b of test) await run(b.x, b.y);
  }
  if (pred.length === 0) throw new Error("finetune: no test samples");
  return { pred: Int32Array.from(pred), labels: Int32Array.from(labels) };
}
