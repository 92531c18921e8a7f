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
import { type LinearHead, linearHead } from "../../models/heads.ts";
import type { Encoder } from "../../models/types.ts";
import type { Split } from "../../data/types.ts";
import { extractFeatures } from "../../eval/features.ts";
import { linearProbe, type LinearProbeResult } from "../../eval/linear_probe.ts";
import { adamw, excludeBiasAndNorm } from "../../train/optimizers.ts";
import { warmupCosine } from "../../train/schedules.ts";
import type { VisionTransformer } from "../../models/vit.ts";
import type { Estimate } from "../../stats/confidence.ts";
import type { PcaeConfig } from "./config.ts";
import type { PcaeData } from "./pretrain.ts";
import { droppingEncoder, type DropSetting, probeTrainSplit } from "./evaluate.ts";
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
  /**
   * Layer-wise learning-rate decay (MAE's fine-tuning recipe, 0.75 for ViT-B): block i of a depth-L student
   * learns at decay^(L − i) of the rate, the patch embedding, CLS and positions at decay^(L + 1), the final norm
   * and the head at the full rate; 1 or absent: one rate for all.
   */
  layerDecay?: number;
  /**
   * Learning-rate multiplier of the new linear head (default 1). A head trained from zero at a pretrained
   * encoder's small rate barely moves in a short schedule (Adam moves a weight by about lr per step).
   */
  headLrScale?: number;
  /**
   * How the new linear head starts: "fresh" (default), or "probe": the logistic-regression probe
   * fitted on the frozen encoder's features of the fine-tuning images, then everything fine-tuned (LP-FT,
   * Kumar et al. 2022: fine-tuning from a fitted head distorts pretrained features less).
   */
  headInit?: "fresh" | "probe";
  /** Labelled training images used (the first n of the training split; default all). */
  trainImages?: number;
}

/**
 * The learning-rate multiplier of each named ViT variable under layer-wise decay (see
 * {@link FinetuneSchedule.layerDecay}); `depth` is the number of blocks.
 */
export function layerDecayScale(name: string, depth: number, decay: number): number {
  const block = /^blocks\.(\d+)\./.exec(name);
  const layer = block ? Number(block[1]) + 1 : /^(patchEmbed|cls|pos)\b/.test(name) ? 0 : depth + 1;
  return decay ** (depth + 1 - layer);
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
  const train = schedule.trainImages ? probeTrainSplit(data.train, schedule.trainImages) : data.train;
  if (schedule.headInit === "probe") await fitHeadByProbe(cfg, encoder, head, train, data);
  const variables = [...student.trainableVariables(), ...head.trainableVariables()];
  const decay = schedule.layerDecay ?? 1;
  const depth = cfg.encoder.depth, headScale = schedule.headLrScale ?? 1;
  const scaleOf = new Map<tf.Variable, number>(
    Object.entries(student.namedVariables()).map(([name, v]) => [v, layerDecayScale(name, depth, decay)]),
  );
  const optimizer = adamw(variables, {
    beta2: 0.999,
    weightDecay: schedule.weightDecay ?? 0.05,
    decayFilter: excludeBiasAndNorm,
    ...(decay !== 1 || headScale !== 1 ? { lrScale: (v: tf.Variable) => scaleOf.get(v) ?? headScale } : {}),
  });
  try {
    const res = await finetune({
      encoder,
      head,
      train,
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

/**
 * Set `head` to the linear probe of `encoder`'s frozen features of `train` (λ chosen on a validation split of
 * `train`, the profile's grid), folding the probe's standardisation into the weights: W = θ_W / σ, b = θ_b − μ·W.
 * Returns the probe.
 */
export async function fitHeadByProbe(
  cfg: PcaeConfig,
  encoder: Encoder,
  head: LinearHead,
  train: Split,
  data: PcaeData,
): Promise<LinearProbeResult> {
  const feats = await extractFeatures(encoder, train, { labelSet: data.label, batchSize: 250 });
  // the probe's own "test" score is on the training features: only its fitted model is used here
  const probe = await linearProbe(feats, feats, {
    l2Grid: cfg.eval.l2Grid,
    maxIter: cfg.eval.maxIter,
    numClasses: data.numClasses,
  });
  const { theta, dim: d, numClasses: c } = probe.model;
  const { mean, std } = probe.standardizer;
  const w = new Float32Array(d * c), b = new Float32Array(c);
  for (let k = 0; k < c; k++) {
    let shift = 0;
    for (let j = 0; j < d; j++) {
      w[j * c + k] = theta[j * c + k] / std[j];
      shift += mean[j] * w[j * c + k];
    }
    b[k] = theta[d * c + k] - shift;
  }
  tf.tidy(() => {
    head.fc.weight.assign(tf.tensor2d(w, [d, c]));
    head.fc.bias!.assign(tf.tensor1d(b));
  });
  return probe;
}
