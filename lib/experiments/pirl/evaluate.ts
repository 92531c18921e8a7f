/**
 * Evaluation of a trained run on frozen features:
 *
 * - **per-stage linear probe** (Table 7): the encoder runs in eval mode over the whole (un-augmented) train and
 *   test images; every stage's output is averaged over its spatial positions and probed with the linear-probe
 *   protocol of `lib/eval/linear_probe.ts` (the last stage's pooled output is the representation h);
 * - **invariance to the jigsaw transform** (Figure 3): for test images I, the ℓ2 distance between the unit-norm
 *   representation of the whole image, φ(I)/‖φ(I)‖, and the unit-norm representation of its jigsaw transform
 *   I^t (the training transform: crop, 3×3 jittered patches, per-patch colour, shuffle) computed by the same
 *   encoder as the mean of the 9 patch representations. Both live in the encoder's space, so the measure
 *   is the same for every method (PIRL's heads f and g, which the paper's figure uses, do not exist for Jigsaw,
 *   supervised or random init). For PIRL runs the paper's own quantity, ‖f̂(v_I) − ĝ(v_It)‖ with the trained
 *   heads, is reported beside it.
 *
 * - **the pretext task** (Jigsaw runs): the trained permutation classifier on shuffled test images, against
 *   chance 1/|T|.
 *
 * Everything reads tensors asynchronously (`await t.data()`).
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { pixelEncoder } from "../../models/pixels.ts";
import { Rng } from "../../rng.ts";
import { toBatch } from "../../data/batch.ts";
import { extractFeatures, type FeatureSet } from "../../eval/features.ts";
import { linearProbe } from "../../eval/linear_probe.ts";
import type { Estimate } from "../../stats/confidence.ts";
import { l2NormalizeRows } from "../../losses/pair_similarity.ts";
import { type PirlConfig, runConfig, type RunSpec } from "./config.ts";
import { PATCHES, patchFeatures, type PirlModel } from "./model.ts";
import type { PirlData } from "./pretrain.ts";
import { jigsawView, permutationSet } from "./views.ts";

/** Linear-probe result of one encoder stage. */
export interface StageProbe {
  /** Stage index (0 = first). */
  stage: number;
  /** Feature dimension (channels of the stage). */
  dim: number;
  /** Test accuracy with its Wilson 95% CI over test images. */
  accuracy: Estimate;
  /** The probe's L2 penalty λ chosen on a validation split of the training set. */
  bestL2: number;
  /** Accuracy on that validation split (20% of the training images) at the chosen λ: what model selection reads. */
  valAccuracy: number;
}

/** Jigsaw-invariance distances of one run. */
export interface InvarianceResult {
  /** ‖φ̂(I) − mean-patch φ̂(I^t)‖ per test image (encoder space; see the module doc). */
  encoder: number[];
  /** ‖f̂(v_I) − ĝ(v_It)‖ per test image with the trained PIRL heads (PIRL runs with λ > 0), else null. */
  heads: number[] | null;
  /**
   * ‖f̂(v_I) − ĝ(v_Jt)‖ with J the next test image (within blocks of 100): the same heads on mismatched pairs,
   * the scale against which {@link InvarianceResult.heads} is small or not; null where `heads` is.
   */
  headsOther: number[] | null;
}

/** The Jigsaw pretext task on held-out images: which of the |T| permutations shuffled the patches. */
export interface PretextResult {
  /** Fraction of test images whose permutation the trained classifier predicts. */
  accuracy: number;
  /** Chance, 1/|T|. */
  chance: number;
  /** Test images scored. */
  n: number;
}

/** What one evaluated run measured (plain JSON, cached). */
export interface PirlEvalResult {
  /** Linear probe of every encoder stage, first stage first (one entry for raw pixels). */
  stages: StageProbe[];
  /** Jigsaw-invariance distances (empty for raw pixels). */
  invariance: InvarianceResult;
  /** Permutation-prediction accuracy of Jigsaw runs, else null. */
  pretext: PretextResult | null;
}

/** The linear probe of one stage's features (λ and the validation score from a split of the training set). */
async function probeStage(
  cfg: PirlConfig,
  data: PirlData,
  stage: number,
  train: FeatureSet,
  test: FeatureSet,
): Promise<StageProbe> {
  const lp = await linearProbe(train, test, {
    l2Grid: cfg.eval.l2Grid,
    maxIter: cfg.eval.maxIter,
    numClasses: data.numClasses,
    validate: true,
  });
  const valAccuracy = Math.max(...lp.validation.map((v) => v.accuracy));
  return { stage, dim: train.dim, accuracy: lp.accuracy, bestL2: lp.bestL2, valAccuracy };
}

/** Linear probe of every encoder stage (spatially averaged), on whole train and test images. */
export async function stageProbes(cfg: PirlConfig, data: PirlData, model: PirlModel): Promise<StageProbe[]> {
  const opts = { labelSet: data.label, batch: { size: cfg.imageSize }, batchSize: 250, stages: true };
  const train = await extractFeatures(model.encoder, data.train, opts);
  const test = await extractFeatures(model.encoder, data.test, opts);
  const out: StageProbe[] = [];
  for (let s = 0; s < train.stages!.length; s++) {
    out.push(await probeStage(cfg, data, s, train.stages![s], test.stages![s]));
  }
  return out;
}

function rowDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() =>
    tf.norm(tf.sub(l2NormalizeRows(a), l2NormalizeRows(b)), "euclidean", 1) as tf.Tensor1D
  );
}

/**
 * Jigsaw-invariance distances (module doc) on the first `cfg.eval.invarianceImages` test images, with the
 * transforms drawn from `Rng(run.seed).fork("invariance")`.
 */
export async function invariance(
  cfg: PirlConfig,
  run: RunSpec,
  model: PirlModel,
  data: PirlData,
): Promise<InvarianceResult> {
  const n = Math.min(cfg.eval.invarianceImages, data.test.n);
  const rng = new Rng(run.seed).fork("invariance");
  const perms = permutationSet(cfg);
  const evalMode = { training: false };
  const enc: number[] = [], heads: number[] = [], other: number[] = [];
  const g = model.heads.g, f = model.heads.f;
  for (let start = 0; start < n; start += 100) {
    const idx = Array.from({ length: Math.min(100, n - start) }, (_, k) => start + k);
    const [dEnc, dHeads, dOther] = tf.tidy(() => {
      const full = toBatch(data.test, idx);
      const whole = model.encoder.apply(toBatch(data.test, idx, { size: cfg.imageSize }), evalMode).h;
      const j = jigsawView(full, rng, cfg, perms);
      const concat = patchFeatures(model.encoder, j.patches, evalMode);
      const b = idx.length, d = model.encoder.outDim;
      const meanPatch = tf.mean(tf.reshape(concat, [b, PATCHES, d]), 1) as tf.Tensor2D;
      const out: tf.Tensor1D[] = [rowDistances(whole, meanPatch)];
      if (f && g) {
        const fi = f.apply(whole, evalMode), gi = g.apply(concat, evalMode);
        const next = tf.concat([
          tf.slice(gi, [1, 0], [b - 1, -1]),
          tf.slice(gi, [0, 0], [1, -1]),
        ]) as tf.Tensor2D;
        out.push(rowDistances(fi, gi), rowDistances(fi, next));
      }
      return out;
    });
    enc.push(...await dEnc.data());
    if (dHeads) heads.push(...await dHeads.data());
    if (dOther) other.push(...await dOther.data());
    tf.dispose([dEnc, dHeads, dOther]);
  }
  return { encoder: enc, heads: f && g ? heads : null, headsOther: f && g ? other : null };
}

/**
 * Jigsaw's pretext accuracy on the first `cfg.eval.invarianceImages` test images, each shuffled by a
 * permutation drawn from `Rng(run.seed).fork("pretext")` (the training transform), or null for other methods.
 */
export async function pretextAccuracy(
  cfg: PirlConfig,
  run: RunSpec,
  model: PirlModel,
  data: PirlData,
): Promise<PretextResult | null> {
  const head = model.heads.jigsaw;
  if (!head) return null;
  const n = Math.min(cfg.eval.invarianceImages, data.test.n);
  const rng = new Rng(run.seed).fork("pretext");
  const perms = permutationSet(cfg);
  let correct = 0;
  for (let start = 0; start < n; start += 100) {
    const idx = Array.from({ length: Math.min(100, n - start) }, (_, k) => start + k);
    let truth!: Int32Array;
    const pred = tf.tidy(() => {
      const j = jigsawView(toBatch(data.test, idx), rng, cfg, perms);
      truth = j.permIndex;
      const eval_ = { training: false };
      return tf.argMax(head.apply(patchFeatures(model.encoder, j.patches, eval_), eval_), 1);
    });
    const p = await pred.data();
    pred.dispose();
    for (let k = 0; k < p.length; k++) if (p[k] === truth[k]) correct++;
  }
  return { accuracy: correct / n, chance: 1 / perms.length, n };
}

/**
 * The raw-pixel baseline: a linear probe on the pixels of the whole images (one "stage"), with the protocol of
 * {@link stageProbes}; it has no jigsaw-invariance distances (no encoder to compare an image with its patches).
 */
export async function pixelEval(cfg: PirlConfig, data: PirlData): Promise<PirlEvalResult> {
  const enc = pixelEncoder(cfg.imageSize, data.train.channels);
  const opts = { labelSet: data.label, batch: { size: cfg.imageSize }, batchSize: 250 };
  const train = await extractFeatures(enc, data.train, opts);
  const test = await extractFeatures(enc, data.test, opts);
  return {
    stages: [await probeStage(cfg, data, 0, train, test)],
    invariance: { encoder: [], heads: null, headsOther: null },
    pretext: null,
  };
}

/** Evaluate a trained model: per-stage probes, invariance distances and (Jigsaw) the pretext accuracy. */
export async function evaluatePirlRun(
  profileCfg: PirlConfig,
  run: RunSpec,
  model: PirlModel,
  data: PirlData,
): Promise<PirlEvalResult> {
  const cfg = runConfig(profileCfg, run);
  return {
    stages: await stageProbes(cfg, data, model),
    invariance: await invariance(cfg, run, model, data),
    pretext: await pretextAccuracy(cfg, run, model, data),
  };
}
