/**
 * Evaluation of a pretrained (or randomly initialised) student encoder on frozen features: the linear probe
 * (`lib/eval/linear_probe.ts`) and a cosine kNN on the mean of the final patch tokens, with and without
 * inference-time token dropping (the most redundant tokens by PCAE's mean-token rule, or random ones), and the
 * redundancy statistics of the tokens (cosine similarity of every patch token to the mean token, per block).
 *
 * Everything reads tensors asynchronously (`await t.data()`).
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import type { Split } from "../../data/types.ts";
import { subsetSplit } from "../../data/types.ts";
import { toBatch } from "../../data/batch.ts";
import { extractFeatures } from "../../eval/features.ts";
import { knnClassify } from "../../eval/knn.ts";
import { linearProbe } from "../../eval/linear_probe.ts";
import type { Encoder, EncoderOutput, ForwardOptions } from "../../models/types.ts";
import type { VisionTransformer } from "../../models/vit.ts";
import type { Estimate } from "../../stats/confidence.ts";
import { majorityKnnOptions } from "../../eval/knn_majority.ts";
import type { PcaeConfig } from "./config.ts";
import type { PcaeData } from "./pretrain.ts";
import { dropKeepFn, type DropMode, meanTokenSimilarity } from "./redundancy.ts";

/** How the encoder drops tokens at inference: `ratio` of the patch tokens before each of the teacher's drop blocks. */
export interface DropSetting {
  /** Fraction of the remaining patch tokens dropped before each drop block (0: none). */
  ratio: number;
  /** Which tokens are dropped: the most redundant (mean-token rule) or random ones. */
  mode: DropMode;
  /**
   * Drop the same number of tokens at once before the first drop block instead of progressively (default
   * false; see `dropKeepFn`).
   */
  oneShot?: boolean;
}

/**
 * The ViT as an `Encoder` that drops tokens at inference (`ratio` of the remaining patch tokens before each block
 * of `blocks`); random drops draw from `Rng(seed)`, batch after batch. Its variables are the ViT's (not owned:
 * `dispose` does nothing).
 */
export function droppingEncoder(
  vit: VisionTransformer,
  drop: DropSetting,
  blocks: readonly number[],
  seed = 0,
): Encoder {
  const keep = dropKeepFn(drop.ratio, blocks, drop.mode, {
    rng: new Rng(seed).fork("drop"),
    oneShot: drop.oneShot ?? false,
  });
  return {
    name: `${vit.name}-drop${drop.ratio}-${drop.mode}${drop.oneShot ? "-oneshot" : ""}`,
    outDim: vit.outDim,
    apply: (x: tf.Tensor4D, opts: ForwardOptions): EncoderOutput => {
      const out = vit.apply(x, { ...opts, keep });
      return { h: out.h, stages: out.stages };
    },
    trainableVariables: () => vit.trainableVariables(),
    namedVariables: () => vit.namedVariables(),
    dispose: () => {},
  };
}

/** Linear-probe and kNN accuracy at one drop setting. */
export interface DropAccuracy extends DropSetting {
  /** Linear-probe test accuracy (fraction) with its Wilson 95% CI. */
  linear: Estimate;
  /** kNN test accuracy (fraction) with its Wilson 95% CI. */
  knn: Estimate;
}

/** The probe's training images: the first `n` of the training split (all when n ≥ its size). */
export function probeTrainSplit(train: Split, n: number): Split {
  return n >= train.n ? train : subsetSplit(train, Array.from({ length: n }, (_, i) => i));
}

/** Linear probe and kNN of `vit` with inference-time dropping `drop` (see the module doc). */
export async function probeWithDrop(
  cfg: PcaeConfig,
  vit: VisionTransformer,
  data: PcaeData,
  drop: DropSetting,
  seed: number,
): Promise<DropAccuracy> {
  return {
    ...drop,
    ...await probeEncoder(cfg, droppingEncoder(vit, drop, cfg.teacher.dropBefore, seed), data),
  };
}

/** The PCAE protocol on frozen features of `enc`: linear probe and majority-vote kNN. */
async function probeEncoder(
  cfg: PcaeConfig,
  enc: Encoder,
  data: PcaeData,
): Promise<{ linear: Estimate; knn: Estimate }> {
  const opts = { labelSet: data.label, batchSize: 250 };
  const train = await extractFeatures(enc, probeTrainSplit(data.train, cfg.eval.probeTrain), opts);
  const test = await extractFeatures(enc, data.test, opts);
  const lp = await linearProbe(train, test, {
    l2Grid: cfg.eval.l2Grid,
    maxIter: cfg.eval.maxIter,
    numClasses: data.numClasses,
  });
  const knn = await knnClassify(train, test, majorityKnnOptions(cfg.eval.knnK, data.numClasses));
  return { linear: lp.accuracy, knn: knn.accuracy };
}

/**
 * Linear probe and kNN of any encoder with the PCAE protocol (e.g. the raw pixels, `lib/models/pixels.ts`): what
 * {@link probeWithDrop} measures without dropping, as a {@link PcaeEval} with no drops and no token statistics.
 */
export async function evaluatePlainEncoder(cfg: PcaeConfig, enc: Encoder, data: PcaeData): Promise<PcaeEval> {
  return {
    full: { ratio: 0, mode: "mean-token", ...await probeEncoder(cfg, enc, data) },
    drops: [],
    redundancy: [],
  };
}

/** Redundancy of the tokens after each block: mean cosine similarity to the mean token and the share above 0.9. */
export interface BlockRedundancy {
  /** Block index (0 = output of the first block). */
  block: number;
  /** Mean cosine similarity of the patch tokens to the mean patch token. */
  meanSimilarity: number;
  /** Fraction of the patch tokens whose cosine similarity to the mean token exceeds 0.9. */
  shareAbove90: number;
}

/**
 * Cosine similarity of every patch token to the mean patch token after each block of `vit` (no dropping), over
 * the first `n` test images.
 */
export async function tokenRedundancy(
  vit: VisionTransformer,
  split: Split,
  n: number,
): Promise<BlockRedundancy[]> {
  const idx = Array.from({ length: Math.min(n, split.n) }, (_, i) => i);
  const sims = tf.tidy(() => {
    const out = vit.apply(toBatch(split, idx), { training: false });
    return out.stages.map((s) => {
      const [b, t, d] = s.shape as [number, number, number];
      return meanTokenSimilarity(tf.slice(s, [0, 1, 0], [b, t - 1, d]) as tf.Tensor3D);
    });
  });
  const values = await Promise.all(sims.map((s) => s.data()));
  tf.dispose(sims);
  return values.map((v, block) => {
    let sum = 0, above = 0;
    for (const x of v) {
      sum += x;
      if (x > 0.9) above++;
    }
    return { block, meanSimilarity: sum / v.length, shareAbove90: above / v.length };
  });
}

/** What one evaluated encoder measured (plain JSON, cached). */
export interface PcaeEval {
  /** No dropping. */
  full: DropAccuracy;
  /** Each drop setting of the profile (empty for the random-init and pixel baselines). */
  drops: DropAccuracy[];
  /** Token redundancy per block (empty for the pixel baseline, which has no tokens). */
  redundancy: BlockRedundancy[];
}

/** The drop settings evaluated for a pretrained encoder: mean-token at every ratio > 0, random at `randomRatios`. */
export function dropSettings(cfg: PcaeConfig): DropSetting[] {
  return [
    ...cfg.dropRatios.filter((r) => r > 0).map((ratio) => ({ ratio, mode: "mean-token" as const })),
    ...cfg.randomDropRatios.map((ratio) => ({ ratio, mode: "random" as const })),
  ];
}

/** Evaluate an encoder: the full probe, every drop setting (when `drops`), and the token redundancy. */
export async function evaluateEncoder(
  cfg: PcaeConfig,
  vit: VisionTransformer,
  data: PcaeData,
  seed: number,
  opts: { drops: boolean },
): Promise<PcaeEval> {
  const full = await probeWithDrop(cfg, vit, data, { ratio: 0, mode: "mean-token" }, seed);
  const drops: DropAccuracy[] = [];
  if (opts.drops) {
    for (const d of dropSettings(cfg)) drops.push(await probeWithDrop(cfg, vit, data, d, seed));
  }
  const redundancy = await tokenRedundancy(vit, data.test, 256);
  return { full, drops, redundancy };
}
