/**
 * Pretraining a run: the MAE and PCAE losses of one batch, and the training loop (AdamW with β₂ = 0.95 as MAE,
 * linear warm-up then cosine decay; PCAE's teacher follows the student by EMA after every step).
 *
 * - {@link maeLoss}: the student encodes the visible patches (+ CLS); the decoder predicts every masked patch's
 *   normalised pixels; MSE.
 * - {@link pcaeLoss}: the same student; the teacher encodes the masked patches (+ CLS) and, before each block of
 *   `cfg.teacher.dropBefore`, keeps the half of its patch tokens least similar to the mean token
 *   (`redundancy.ts`), tracking their patch positions; the decoder predicts the teacher's final, per-token
 *   standardised features at the surviving positions; loss 1 − cos.
 *
 * Determinism: batch t holds positions t·B … of an epoch-wise shuffled stream of `seed` (as the SimCLR
 * reproduction's `batchIndices`), and its mask comes from `Rng(seed).fork("mask:t")`.
 *
 * @module
 */
import type { LabeledSplits } from "../../data/labeled_splits.ts";
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import { toBatch } from "../../data/batch.ts";
import { adamw, excludeBiasAndNorm } from "../../train/optimizers.ts";
import type { Optimizer } from "../../train/types.ts";
import { warmupCosine } from "../../train/schedules.ts";
import { trainLoop } from "../../train/loop.ts";
import { emaUpdate } from "../../train/ema.ts";
import { dropTokens, patchify, randomMasking } from "../../models/tokens.ts";
import type { VisionTransformer } from "../../models/vit.ts";
import { cosineDistanceLoss, maskedMse, standardizeLastAxis } from "../../losses/masked_reconstruction.ts";
import { batchIndices } from "../../data/batch_indices.ts";
import type { PcaeConfig, PcaeRunSpec } from "./config.ts";
import { buildModel, type PcaeModel, trainableVariables } from "./model.ts";
import { keepLeastRedundant } from "./redundancy.ts";

/** The data a run trains and evaluates on. */
export type PcaeData = LabeledSplits;

/** A batch's split of patch positions: visible (student) and masked, both ascending, per sample. */
export interface MaskSplit {
  /** Per sample, the patch indices the student sees. */
  visible: number[][];
  /** Per sample, the patch indices hidden from the student (the targets). */
  masked: number[][];
}

/** MAE's random mask of `ratio` of `n` patches for each of `b` samples. */
export function maskSplit(rng: Rng, b: number, n: number, ratio: number): MaskSplit {
  const { keep, mask } = randomMasking(rng, b, n, ratio);
  const masked = mask.map((row) => row.flatMap((m, j) => (m === 1 ? [j] : [])));
  return { visible: keep, masked };
}

/** The student's final normalised *patch* tokens (CLS removed) on the visible patches: [B, K, D]. */
export function encodeVisible(student: VisionTransformer, x: tf.Tensor4D, visible: number[][]): tf.Tensor3D {
  return tf.tidy(() => {
    const seq = student.prependCls(dropTokens(student.embedPatches(x), visible));
    const out = student.finalNorm(student.forwardTokens(seq).tokens);
    const [b, t, d] = out.shape;
    return tf.slice(out, [0, 1, 0], [b, t - 1, d]) as tf.Tensor3D;
  });
}

/** MAE's loss on a batch (normalised-pixel MSE over the masked patches). */
export function maeLoss(model: PcaeModel, x: tf.Tensor4D, split: MaskSplit): tf.Scalar {
  return tf.tidy(() => {
    const p = model.student.patchSize;
    const pred = model.decoder.apply(
      encodeVisible(model.student, x, split.visible),
      split.visible,
      split.masked,
    );
    const target = standardizeLastAxis(dropTokens(patchify(x, p), split.masked));
    return maskedMse(pred, target);
  });
}

/**
 * PCAE's teacher pass: encode the masked patches (+ CLS), dropping `ratio` of the patch tokens most similar to
 * the mean token before each block of `dropBefore`. Returns the standardised final patch features [B, Q, D]
 * and their patch positions [B, Q] (int32).
 */
export function teacherTargets(
  teacher: VisionTransformer,
  x: tf.Tensor4D,
  masked: number[][],
  ratio: number,
  dropBefore: readonly number[],
): { target: tf.Tensor3D; positions: tf.Tensor2D } {
  return tf.tidy(() => {
    let positions = tf.tensor2d(masked, undefined, "int32") as tf.Tensor2D;
    const at = new Set(dropBefore);
    const seq = teacher.prependCls(dropTokens(teacher.embedPatches(x), masked));
    const { tokens } = teacher.forwardTokens(seq, {
      keep: (i, y) => {
        if (!at.has(i)) return null;
        const [b, t] = y.shape;
        const k = Math.max(1, Math.round((t - 1) * (1 - ratio)));
        const idx = keepLeastRedundant(y, k, true);
        const patchIdx = tf.sub(tf.slice(idx, [0, 1], [b, k]), tf.scalar(1, "int32")) as tf.Tensor2D;
        positions = tf.gather(positions, patchIdx, 1, 1) as tf.Tensor2D;
        return idx;
      },
    });
    const out = teacher.finalNorm(tokens);
    const [b, t, d] = out.shape;
    const target = standardizeLastAxis(tf.slice(out, [0, 1, 0], [b, t - 1, d]) as tf.Tensor3D);
    return { target, positions };
  });
}

/** PCAE's loss on a batch (1 − cos to the teacher's kept, standardised features). */
export function pcaeLoss(cfg: PcaeConfig, model: PcaeModel, x: tf.Tensor4D, split: MaskSplit): tf.Scalar {
  if (!model.teacher) throw new Error("pcaeLoss: the model has no teacher");
  const teacher = model.teacher;
  return tf.tidy(() => {
    const { target, positions } = teacherTargets(
      teacher,
      x,
      split.masked,
      cfg.teacher.dropRatio,
      cfg.teacher.dropBefore,
    );
    const pred = model.decoder.apply(
      encodeVisible(model.student, x, split.visible),
      split.visible,
      positions,
    );
    return cosineDistanceLoss(pred, target);
  });
}

/** The loss of `model`'s method on a batch. */
export function methodLoss(cfg: PcaeConfig, model: PcaeModel, x: tf.Tensor4D, split: MaskSplit): tf.Scalar {
  return model.method === "mae" ? maeLoss(model, x, split) : pcaeLoss(cfg, model, x, split);
}

/** EMA momentum at `step` of `total`: rises from m₀ to m₁ on a half cosine (BYOL's schedule). */
export function momentumAt(step: number, total: number, [m0, m1]: readonly [number, number]): number {
  const t = total <= 1 ? 1 : Math.min(1, step / (total - 1));
  return m1 - (m1 - m0) * (Math.cos(Math.PI * t) + 1) / 2;
}

/** The images and mask of step `step` of a run. */
export function stepBatch(
  cfg: PcaeConfig,
  run: PcaeRunSpec,
  data: PcaeData,
  step: number,
  numPatches: number,
): { x: tf.Tensor4D; split: MaskSplit } {
  const idx = batchIndices(run.seed, step, cfg.batchSize, data.train.n);
  const split = maskSplit(new Rng(run.seed).fork(`mask:${step}`), idx.length, numPatches, run.maskRatio);
  return { x: toBatch(data.train, idx), split };
}

/** The optimiser of a run: AdamW (β₂ 0.95, no decay on biases and norms). */
export function makeOptimizer(cfg: PcaeConfig, model: PcaeModel): Optimizer {
  return adamw(trainableVariables(model), {
    beta2: 0.95,
    weightDecay: cfg.optimizer.weightDecay,
    decayFilter: excludeBiasAndNorm,
  });
}

/** The outcome of training. */
export interface PretrainResult {
  /** The trained student, decoder and (PCAE) teacher. */
  model: PcaeModel;
  /** Loss of every step taken. */
  losses: number[];
  /** "done", or "non-finite" when the loss diverged (training stopped there). */
  status: "done" | "non-finite";
  /** Wall-clock seconds of training. */
  seconds: number;
}

/** Train the model of `run` on `data` (see the module doc). */
export async function pretrain(cfg: PcaeConfig, run: PcaeRunSpec, data: PcaeData): Promise<PretrainResult> {
  const model = buildModel(cfg, run.method, run.seed);
  const variables = trainableVariables(model);
  const optimizer = makeOptimizer(cfg, model);
  const lr = warmupCosine({
    base: cfg.optimizer.lr,
    totalSteps: run.steps,
    warmupSteps: Math.round(cfg.optimizer.warmupFraction * run.steps),
  });
  const n = model.student.numPatches;
  const teacherVars = model.teacher?.namedVariables();
  const studentVars = model.student.namedVariables();
  const res = await trainLoop({
    steps: run.steps,
    variables,
    optimizer,
    lr,
    lossFn: (step) => {
      const { x, split } = stepBatch(cfg, run, data, step, n);
      return methodLoss(cfg, model, x, split);
    },
    onStep: teacherVars
      ? ({ step }) => emaUpdate(teacherVars, studentVars, momentumAt(step, run.steps, cfg.teacher.momentum))
      : undefined,
    label: `pretrain ${run.method}`,
    batchSize: cfg.batchSize,
    seed: run.seed,
    onNonFinite: "stop",
    progress: false,
  });
  optimizer.dispose();
  return { model, losses: res.losses, status: res.status, seconds: res.seconds };
}
