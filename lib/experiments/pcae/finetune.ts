/**
 * The fine-tuning evaluation of the PCAE reproduction (the paper's headline metric, as MAE's): the pretrained
 * student ViT and a new linear head on its mean-pooled tokens are trained end to end with AdamW (warm-up then
 * cosine decay, no weight decay on biases and norms) for a fixed schedule applied equally to random init, MAE
 * and PCAE, then scored on the test split. With a drop setting the student drops tokens by PCAE's mean-token
 * rule (or at random) before the teacher's drop blocks *during fine-tuning and at inference*, as in the
 * paper's Table 5.
 *
 * @example
 * ```ts ignore
 * import { finetuneStudent } from "./finetune.ts";
 * const res = await finetuneStudent(cfg, model.student, data, { steps: 300, lr: 1e-3, batchSize: 64, seed: 0 });
 * res.accuracy.mean; // test accuracy (fraction)
 * ```
 *
 * @module
 */
import { Rng } from "../../rng.ts";
import { tf } from "../../tf.ts";
import { randomResizedCrop } from "../../augment/crop.ts";
import { randomFlip } from "../../augment/flip.ts";
import { classifierAccuracy, finetune } from "../../eval/finetune.ts";
import { linearHead } from "../../models/heads.ts";
import { adamw, excludeBiasAndNorm } from "../../train/optimizers.ts";
import { warmupCosine } from "../../train/schedules.ts";
import type { VisionTransformer } from "../../models/vit.ts";
import type { Estimate } from "../../stats/confidence.ts";
import type { PcaeConfig } from "./config.ts";
import type { PcaeData } from "./pretrain.ts";
import { droppingEncoder, type DropSetting } from "./evaluate.ts";
import { mean } from "../../stats/bootstrap.ts";

/** A fine-tuning schedule (the same for every arm it compares). */
export interface FinetuneSchedule {
  /** Optimisation steps. */
  steps: number;
  /** Peak learning rate (linear warm-up over the first 10% of the steps, then cosine to 0). */
  lr: number;
  /** Images per step. */
  batchSize: number;
  /** AdamW weight decay (default 0.05, MAE's). */
  weightDecay?: number;
  /**
   * Training-time augmentation: a random resized crop covering `cropScale` of the area (back to the image
   * size) and a random horizontal flip, as MAE's fine-tuning recipe (without its RandAugment and mixup);
   * none when absent.
   */
  augment?: { cropScale: [number, number] };
}

/** What one fine-tune measured. */
export interface FinetuneOutcome {
  /** Test accuracy (fraction) with its Wilson 95% CI, under the drop setting the model was fine-tuned with. */
  accuracy: Estimate;
  /** The fine-tuned model's test accuracy under each further inference setting asked for, in order. */
  inference: { drop: DropSetting; accuracy: Estimate }[];
  /** Mean loss over the first 10% of the steps. */
  firstLoss: number;
  /** Mean loss over the last 10% of the steps. */
  finalLoss: number;
  /** Wall seconds of the fine-tune (training and test). */
  seconds: number;
}

/**
 * Fine-tune `student` (trained in place: pass a copy you may change) with a new linear head, optionally
 * dropping tokens ({@link DropSetting}) before `cfg.teacher.dropBefore`, and score it on the test split; then
 * score the fine-tuned model again under each `inference` setting (e.g. other drop rules at inference only).
 */
export async function finetuneStudent(
  cfg: PcaeConfig,
  student: VisionTransformer,
  data: PcaeData,
  schedule: FinetuneSchedule & { seed: number; drop?: DropSetting; inference?: DropSetting[] },
): Promise<FinetuneOutcome> {
  const t0 = performance.now();
  const encoder = schedule.drop && schedule.drop.ratio > 0
    ? droppingEncoder(student, schedule.drop, cfg.teacher.dropBefore, schedule.seed)
    : student;
  const head = linearHead(new Rng(schedule.seed).fork("finetune-head"), student.outDim, data.numClasses);
  const variables = [...student.trainableVariables(), ...head.trainableVariables()];
  const optimizer = adamw(variables, {
    beta2: 0.999,
    weightDecay: schedule.weightDecay ?? 0.05,
    decayFilter: excludeBiasAndNorm,
  });
  try {
    const res = await finetune({
      encoder,
      head,
      train: data.train,
      test: data.test,
      steps: schedule.steps,
      lr: warmupCosine({
        base: schedule.lr,
        totalSteps: schedule.steps,
        warmupSteps: Math.round(0.1 * schedule.steps),
      }),
      optimizer,
      batchSize: schedule.batchSize,
      labelSet: data.label,
      ...(schedule.augment ? { augment: cropFlip(schedule.augment.cropScale) } : {}),
      seed: new Rng(schedule.seed).fork("finetune").seedInt(),
    });
    const k = Math.max(1, Math.round(res.losses.length / 10));
    const inference: FinetuneOutcome["inference"] = [];
    for (const drop of schedule.inference ?? []) {
      const enc = drop.ratio > 0
        ? droppingEncoder(student, drop, cfg.teacher.dropBefore, schedule.seed)
        : student;
      const accuracy = await classifierAccuracy(enc, head, data.test, {
        batchSize: schedule.batchSize,
        labelSet: data.label,
      });
      inference.push({ drop, accuracy });
    }
    return {
      accuracy: res.accuracy,
      inference,
      firstLoss: mean(res.losses.slice(0, k)),
      finalLoss: mean(res.losses.slice(-k)),
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    optimizer.dispose();
    head.dispose();
  }
}

/** Random resized crop (area fraction in `scale`, back to the input size) then a random horizontal flip. */
function cropFlip(scale: [number, number]): (x: tf.Tensor4D, rng: Rng) => tf.Tensor4D {
  return (x, rng) =>
    tf.tidy(() => randomFlip(randomResizedCrop(x, rng.fork("crop"), { scale }), rng.fork("flip")));
}
