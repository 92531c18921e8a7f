/**
 * Training a run of the PIRL reproduction with Adam, linear warm-up and cosine decay, through the shared
 * training loop:
 *
 * - `pirl`: the loss of eq. 5 (`lib/losses/pirl_nce.ts`) with keys m_I and negatives from a memory bank
 *   (`lib/losses/memory_bank.ts`, one entry per training image, momentum `cfg.nce.momentum`). After every step
 *   the bank entries of the batch move towards the step's f(v_I) (PIRL §3.2). Negatives are drawn uniformly
 *   from the bank, excluding the batch's own images, and shared by the batch. λ = 0 (NPID++) computes only the
 *   image term and encodes no patches;
 * - `jigsaw`: cross-entropy of the permutation classifier on the patch representation;
 * - `supervised`: cross-entropy of a linear classifier on one whole-image view;
 * - `random`: no step.
 *
 * The normalising constant Z of the NCE posterior (eq. 3) is `cfg.nce.z`, or with `"estimate"` Instance
 * Discrimination's (and the released PIRL code's) Monte-Carlo estimate Z = |D|·mean exp(s/τ), made once before
 * training from the first batch's f(v_I) against its negatives.
 *
 * Determinism: the images of step t come from the SimCLR reproduction's `batchIndices` (epoch-wise
 * permutations of the seed), the views and negatives of step t from `Rng(seed).fork("aug:t")`, the bank's
 * initialisation from `Rng(seed).fork("bank")`; a run is a function of its spec and seed.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import { toBatch } from "../../data/batch.ts";
import { adam } from "../../train/optimizers.ts";
import { warmupCosine } from "../../train/schedules.ts";
import { trainLoop } from "../../train/loop.ts";
import { MemoryBank } from "../../losses/memory_bank.ts";
import { estimateNceZ, nceLoss, pirlLoss } from "../../losses/pirl_nce.ts";
import { l2NormalizeRows } from "../../losses/pair_similarity.ts";
import { batchIndices } from "../../data/batch_indices.ts";
import type { LabeledSplits } from "../../data/labeled_splits.ts";
import { isTrained, type PirlConfig, runConfig, type RunSpec, usesPatches } from "./config.ts";
import { buildPirlModel, patchFeatures, type PirlModel, pirlTrainableVariables } from "./model.ts";
import { imageView, jigsawView, permutationSet } from "./views.ts";

/** The data a run trains and evaluates on (the same shape as the SimCLR reproduction's). */
export type PirlData = LabeledSplits;

/** The outcome of training. */
export interface PirlPretrainResult {
  /** The trained encoder and heads. */
  model: PirlModel;
  /** Loss of every step. */
  losses: number[];
  /** Steps scheduled (the profile's steps; 0 for random init). */
  steps: number;
  /** "done", or "non-finite" when the loss diverged (the model is left as before that step). */
  status: "done" | "non-finite";
  /** Wall-clock seconds of training. */
  seconds: number;
  /** The NCE normalising constant used (PIRL-family runs), else null. */
  z: number | null;
}

/** Steps a run trains: the profile's steps, 0 for random init. */
export function stepsOfRun(cfg: PirlConfig, run: RunSpec): number {
  return isTrained(run) ? cfg.steps : 0;
}

/** Z from `cfg.nce.z`, or estimated from the first batch (module doc). */
async function nceZ(cfg: PirlConfig, run: RunSpec, model: PirlModel, bank: MemoryBank, data: PirlData) {
  if (cfg.nce.z !== "estimate") return cfg.nce.z;
  const idx = batchIndices(run.seed, 0, cfg.batchSize, data.train.n);
  const rng = new Rng(run.seed).fork("z");
  const negIdx = bank.sampleNegatives(run.negatives, rng, idx);
  const s = tf.tidy(() => {
    const v = imageView(toBatch(data.train, idx), rng, cfg);
    const f = model.heads.f!.apply(model.encoder.apply(v, { training: false }).h, { training: false });
    return tf.matMul(l2NormalizeRows(f), bank.gather(negIdx), false, true);
  });
  try {
    return await estimateNceZ(s, cfg.nce.temperature, bank.size);
  } finally {
    s.dispose();
  }
}

/** Train the model of `run` on `data` (see the module doc). */
export async function pretrainPirl(
  profileCfg: PirlConfig,
  run: RunSpec,
  data: PirlData,
): Promise<PirlPretrainResult> {
  const cfg = runConfig(profileCfg, run);
  const model = buildPirlModel(cfg, run, data.numClasses);
  const steps = stepsOfRun(cfg, run);
  if (steps === 0) return { model, losses: [], steps, status: "done", seconds: 0, z: null };
  const variables = pirlTrainableVariables(model);
  const optimizer = adam(variables, { weightDecay: cfg.optimizer.weightDecay });
  const lr = warmupCosine({
    base: run.lr,
    totalSteps: steps,
    warmupSteps: Math.round(cfg.optimizer.warmupFraction * steps),
  });
  const n = data.train.n;
  const labels = data.train.labels[data.label];
  const perms = permutationSet(cfg);
  const train = { training: true };
  const bank = run.method === "pirl"
    ? new MemoryBank(n, cfg.embedDim, new Rng(run.seed).fork("bank"), cfg.nce.momentum)
    : null;
  const z = bank ? await nceZ(cfg, run, model, bank, data) : null;
  // f(v_I) of the step just taken, kept past the loss's tidy scope for the bank update
  let pending: { idx: number[]; f: tf.Tensor2D } | null = null;

  const lossFn = (step: number): tf.Scalar => {
    const idx = batchIndices(run.seed, step, cfg.batchSize, n);
    const rng = new Rng(run.seed).fork(`aug:${step}`);
    const x = toBatch(data.train, idx);
    if (run.method === "supervised") {
      const h = model.encoder.apply(imageView(x, rng, cfg), train).h;
      const y = tf.oneHot(Int32Array.from(idx, (i) => labels[i]), data.numClasses);
      return tf.losses.softmaxCrossEntropy(y, model.heads.classifier!.apply(h, train)) as tf.Scalar;
    }
    if (run.method === "jigsaw") {
      const j = jigsawView(x, rng, cfg, perms);
      const logits = model.heads.jigsaw!.apply(patchFeatures(model.encoder, j.patches, train), train);
      return tf.losses.softmaxCrossEntropy(tf.oneHot(j.permIndex, perms.length), logits) as tf.Scalar;
    }
    const f = model.heads.f!.apply(model.encoder.apply(imageView(x, rng, cfg), train).h, train);
    const keys = bank!.gather(idx);
    const negatives = bank!.gather(bank!.sampleNegatives(run.negatives, rng.fork("negatives"), idx));
    const opts = {
      temperature: cfg.nce.temperature,
      datasetSize: n,
      z: z!,
      lambda: run.lambda,
      form: cfg.nce.form,
    };
    let loss: tf.Scalar;
    if (usesPatches(run)) {
      const j = jigsawView(x, rng, cfg, perms);
      const g = model.heads.g!.apply(patchFeatures(model.encoder, j.patches, train), train);
      loss = pirlLoss(keys, g, f, negatives, opts);
    } else loss = nceLoss(keys, f, negatives, opts);
    pending?.f.dispose();
    pending = { idx, f: tf.keep(f) };
    return loss;
  };
  const res = await trainLoop({
    steps,
    variables,
    optimizer,
    lr,
    lossFn,
    label: `pirl ${run.method}`,
    batchSize: cfg.batchSize,
    seed: run.seed,
    onNonFinite: "stop",
    progress: false,
    onStep: async () => {
      if (!pending) return;
      const { idx, f } = pending;
      pending = null;
      try {
        await bank!.update(idx, f);
      } finally {
        f.dispose();
      }
    },
  });
  (pending as { f: tf.Tensor } | null)?.f.dispose();
  optimizer.dispose();
  return { model, losses: res.losses, steps, status: res.status, seconds: res.seconds, z };
}
