/**
 * The transfer protocols of Ericsson et al. 2021 applied to one encoder at toy scale: the linear probe on
 * frozen features (`lib/eval/linear_probe.ts`: L-BFGS logistic regression, λ validated on a held-out split),
 * N-way K-shot prototypical few-shot episodes on frozen test-set features (`lib/eval/few_shot.ts`, one score
 * per K), and end-to-end finetuning of the encoder with a new linear head (`lib/eval/finetune.ts`). The
 * upstream score is the same linear probe on the upstream task (the analogue of ImageNet linear top-1).
 *
 * An encoder with nothing to train (the raw pixels) has no finetuning of its own: finetuning it is fitting a
 * linear classifier on fixed features, which the many-shot linear probe already does to convergence (with its
 * L2 chosen on validation). Its finetune score is that probe's, rather than a 200-step SGD fit of a linear
 * head on unstandardised pixels at an encoder's learning rate (18% where the probe reaches 40%).
 *
 * Every read is asynchronous (`await t.data()` inside the library evaluators).
 *
 * @module
 */
import { Rng } from "../../rng.ts";
import type { Encoder } from "../../models/types.ts";
import type { Split } from "../../data/types.ts";
import type { BatchOptions } from "../../data/batch.ts";
import { extractFeatures } from "../../eval/features.ts";
import { linearProbe } from "../../eval/linear_probe.ts";
import { fewShot } from "../../eval/few_shot.ts";
import { finetune } from "../../eval/finetune.ts";
import { linearHead } from "../../models/heads.ts";
import type { Estimate } from "../../stats/confidence.ts";
import type { TaskDomain, TransferEval } from "./config.ts";
import type { TaskData } from "./tasks.ts";

/** What one encoder scored on one downstream task (accuracies as fractions). */
export interface TaskResult {
  /** The task's name (`TaskSpec.name`). */
  task: string;
  /** The task's domain ({@link TaskDomain}). */
  domain: TaskDomain;
  /** Many-shot linear probe (Wilson CI over test images). */
  linear: Estimate;
  /** Few-shot accuracy per number of shots (CI over episodes). */
  fewShot: { shots: number; accuracy: Estimate }[];
  /** Finetuned test accuracy (Wilson CI over test images). */
  finetune: Estimate;
}

/** Linear-probe accuracy of a frozen encoder on a labelled train/test pair of splits. */
export async function probeAccuracy(
  encoder: Encoder,
  data: { train: Split; test: Split; label: string; numClasses: number; batch: BatchOptions },
  ev: Pick<TransferEval, "l2Grid" | "maxIter">,
): Promise<Estimate> {
  const opts = { labelSet: data.label, batch: data.batch, batchSize: 256 };
  const train = await extractFeatures(encoder, data.train, opts);
  const test = await extractFeatures(encoder, data.test, opts);
  const lp = await linearProbe(train, test, {
    l2Grid: ev.l2Grid,
    maxIter: ev.maxIter,
    numClasses: data.numClasses,
  });
  return lp.accuracy;
}

/**
 * Evaluate an encoder on a task with the three protocols. `newEncoder` must return a fresh encoder with the
 * model's weights each call (finetuning trains its copy); both copies are disposed here.
 */
export async function evaluateTask(
  newEncoder: () => Encoder,
  task: TaskData,
  ev: TransferEval,
  seed: number,
): Promise<TaskResult> {
  const label = task.spec.label;
  const frozen = newEncoder();
  let linear: Estimate, shots: TaskResult["fewShot"];
  try {
    const opts = { labelSet: label, batch: task.batch, batchSize: 256 };
    const train = await extractFeatures(frozen, task.train, opts);
    const test = await extractFeatures(frozen, task.test, opts);
    linear = (await linearProbe(train, test, {
      l2Grid: ev.l2Grid,
      maxIter: ev.maxIter,
      numClasses: task.numClasses,
    })).accuracy;
    shots = ev.shots.map((k) => ({
      shots: k,
      accuracy: fewShot(test, {
        ways: Math.min(ev.ways, task.numClasses), // 4-way on the 4 quadrants of shapes-position
        shots: k,
        queries: ev.queries,
        episodes: ev.episodes,
        seed: new Rng(seed).fork(`few-shot:${task.spec.name}:${k}`).seedInt(),
      }).accuracy,
    }));
  } finally {
    frozen.dispose();
  }
  const encoder = newEncoder();
  if (encoder.trainableVariables().length === 0) {
    encoder.dispose();
    return { task: task.spec.name, domain: task.spec.domain, linear, fewShot: shots, finetune: linear };
  }
  const finetuned = await finetuneAccuracy(encoder, task, ev, seed);
  return { task: task.spec.name, domain: task.spec.domain, linear, fewShot: shots, finetune: finetuned };
}

/**
 * The finetune protocol: `encoder` (consumed: disposed here) with a new linear head seeded per task, trained
 * end to end with SGD for `ev.finetune.steps` steps, scored on the task's test split.
 */
export async function finetuneAccuracy(
  encoder: Encoder,
  task: TaskData,
  ev: Pick<TransferEval, "finetune">,
  seed: number,
): Promise<Estimate> {
  const head = linearHead(
    new Rng(seed).fork(`finetune-head:${task.spec.name}`),
    encoder.outDim,
    task.numClasses,
  );
  try {
    const ft = await finetune({
      encoder,
      head,
      train: task.train,
      test: task.test,
      steps: ev.finetune.steps,
      lr: ev.finetune.lr,
      batchSize: ev.finetune.batchSize,
      labelSet: task.spec.label,
      batch: task.batch,
      seed,
    });
    return ft.accuracy;
  } finally {
    encoder.dispose();
    head.dispose();
  }
}
