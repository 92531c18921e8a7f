/**
 * Configuration of the PIRL reproduction (Misra & van der Maaten, CVPR 2020): what each profile trains and
 * evaluates ({@link pirlConfig}) and the description of one run ({@link RunSpec}).
 *
 * **The compared methods** share one encoder (the cpu profile: `cnn4`, the batch-norm cnn3 of the SimCLR
 * reproduction with a fourth stage, He init, centred input), one data stream and one schedule (each method at
 * its own peak learning rate, chosen on a validation split):
 * - `pirl`: eq. 5, λ·L_NCE(m_I, g(v_It)) + (1 − λ)·L_NCE(m_I, f(v_I)) against a memory bank; f = linear head on
 *   the encoder's representation of the whole image, g = linear map of the 9 patch representations
 *   concatenated in their (shuffled) slot order; λ = 0 is NPID++ (the image term only, no patches are encoded);
 * - `jigsaw`: the covariant pretext, a one-hidden-layer MLP on the same concatenation predicts which of the N
 *   max-Hamming permutations shuffled the patches (cross-entropy);
 * - `supervised`: cross-entropy of a linear classifier on one augmented whole-image view;
 * - `random`: the initialisation, untrained.
 *
 * **Scale.** `shapes` with the SimCLR cpu variant ({@link CPU_SHAPES}: one large solid upright object on a flat
 * background; the label is the shape, colour is a nuisance), 32-px images. The jigsaw input is a random
 * resized crop of ≥ 60% of the image resized to 30 px (PIRL: ≥ 60% resized to 255 px), a 3×3 grid of 10-px
 * cells with one 8-px patch at a random offset in each (PIRL: 64 px in 85 px cells), each patch colour-jittered
 * on its own. The whole-image view is a random resized crop resized to 32 px (so patches and whole images are
 * seen at the same pixel scale, as in the paper), flipped and colour-distorted. At test time the encoder sees
 * the whole 32-px test image.
 *
 * **The bank loss.** `nce.form` "nce" is eq. 4 as printed (binary NCE posteriors, Z estimated once from the
 * first batch as Instance Discrimination and the released code do); "infonce" scores the same positive and
 * bank negatives with a softmax (`lib/losses/pirl_nce.ts`). The cpu and gpu profiles use "infonce" because eq. 4
 * does not train here (below).
 *
 * **History of the cpu design** (seed 0 unless stated; best-stage linear probe; random init ≈ 48%):
 *
 * 1. 150 steps of 64 on 2,000 images (4.8 epochs), cnn3 16-32-64, eq. 4, Adam 5e-3: the NCE loss *rises*
 *    (NPID++ 24 → 363) and the probe falls to 18–21%; the batch's f̂(v_I) share one direction (pairwise cosine
 *    0.6–0.8) and each image's bank entry is stale (cosine to f̂ ≈ 0 for 100 steps). Z = 1 (eq. 3 as printed):
 *    23%; lr 1e-3: 43.9%; τ 0.2: 42.1%; batch norm on the outputs of f and g (`headNorm`) plus lr 5e-4: NPID++
 *    51.9%, PIRL 49.6%, Jigsaw 57.2% — but Jigsaw's pretext loss stayed at ln 100 = 4.6: nothing had trained.
 * 2. 1,500 steps (48 epochs, `tools/pilots/pirl_steps.ts --steps 1500 --seeds 3`, 550 s): Jigsaw learns (72.6%,
 *    +23.9 [16.1, 31.7] pp over random init, pretext loss 4.6 → 1.0), but NPID++ (41.2%, −7.5 [−12.1, −3.0]) and
 *    PIRL (44.2%) fall below random init while eq. 4's loss rises from 15 to 114–126: with Z fixed and τ 0.07,
 *    every negative whose s/τ exceeds log(Z m/|D|) is penalised whatever the others do, and as the features
 *    organise (same-class images become similar) those terms blow up.
 * 3. The InfoNCE form, same setting, 2 seeds (`--form infonce --lr 5e-4 | 2e-3 --methods npid,pirl`): NPID++
 *    68.2 / 73.9% and PIRL 62.5 / 70.8% at lr 5e-4 / 2e-3 (random init 49.3): both learn, final losses 3.5–4.2
 *    of ln 513 = 6.2.
 * 4. A four-stage encoder for Table 7, 1,000 steps (`--steps 1000 --seeds 2 --form infonce --lr 2e-3`, onednn,
 *    two workers): ResNet-10 width 8 on 1,000 images (401 s) is weaker and slower — random init 33.9, Jigsaw
 *    55.1, NPID++ 50.0, PIRL 49.1%. `cnn4` 16-32-64-128 (cnn3 plus an unpooled fourth stage) on 1,250 images
 *    (51 epochs, every bank entry refreshed 51 times; 308 s for two seeds of every method): random init 57.8
 *    (per stage 33 → 40 → 46 → 58), raw pixels 40.0, supervised 99.7, **Jigsaw 82.8** (41 → 59 → 83 → 81: peaks
 *    at stage 3; pretext 82–86% of 100 permutations), **NPID++ 72.4** (33 → 50 → 66 → 72), **PIRL 73.0**
 *    (34 → 47 → 63 → 73), PIRL λ = 1 48.9 (below random init: with no image term the bank holds an untrained
 *    head's projection of the whole image). Encoder-space jigsaw distance Jigsaw 0.73, PIRL 1.21; PIRL's head
 *    distance ‖f̂ − ĝ‖ 1.00.
 *
 * So the cpu profile is design 4 with `cnn4`, 1,250 images, 1,000 steps, the InfoNCE form, each method's peak
 * lr swept over 2e-3 × {1/3, 1, 3} on the validation split (`experiments.ts` `sweepLearningRates`; chosen:
 * 2e-3 for supervised and Jigsaw, 6.7e-4 for NPID++, 6e-3 for PIRL), λ ∈ {0, 0.5, 0.75, 1}, 64 and 512
 * negatives, |T| = 10 and 100, 5 seeds. Cost (two workers, one thread each, evaluation included): supervised
 * ≈ 40 s a run, Jigsaw ≈ 33, NPID++ ≈ 44, PIRL ≈ 72. With λ = 0.25 as well a fresh run took 30.1 min (over
 * the 30-minute budget; λ = 0.25 reached 67.9%, below λ = 0.5's 69.5), so λ = 0.25 runs at the gpu profile only.
 *
 * @module
 */
import type { DataSpec } from "../../data/labeled_splits.ts";
import type { Profile } from "../../experiment.ts";
import { CPU_SHAPES } from "../../data/cpu_shapes.ts";
import type { EncoderSpec } from "../../models/encoder_spec.ts";
import type { NceForm } from "../../losses/pirl_nce.ts";

export { CPU_SHAPES };

/** The compared pretraining methods (`pirl` with λ = 0 is NPID++). */
export type Method = "random" | "pixels" | "supervised" | "jigsaw" | "pirl";

/** Which learning rate of {@link PirlConfig.optimizer} a run uses: its method, NPID++ apart from PIRL. */
export type LrKey = "supervised" | "jigsaw" | "npid" | "pirl";

/** Every {@link LrKey}, in display order. */
export const LR_KEYS: readonly LrKey[] = ["supervised", "jigsaw", "npid", "pirl"];

/** One run: a method, its λ and negatives (PIRL family), its peak learning rate and the seed. */
export interface RunSpec {
  /** The pretraining method. */
  method: Method;
  /** Weight of the jigsaw term of eq. 5 (pirl only; 0 = NPID++). */
  lambda: number;
  /** Negatives drawn from the memory bank per step (pirl only). */
  negatives: number;
  /** Peak learning rate of Adam (0 for untrained runs). */
  lr: number;
  /** Size |T| of the permutation set when it differs from the profile's (the Figure 7 ablation); else absent. */
  permutations?: number;
  /** Seed of the initialisation, batches and views (0, 1, …). */
  seed: number;
}

/** The normalising constant Z of the NCE posterior: a number, or estimated on the first batch (NPID). */
export type NceZ = number | "estimate";

/** Everything fixed within a profile. */
export interface PirlConfig {
  /** The profile this configuration belongs to. */
  profile: Profile;
  /** The data (shapes at the cpu profile; CIFAR-10 where the user has it): see {@link DataSpec}. */
  dataset: DataSpec & { name: "shapes" | "cifar10" };
  /** Side of the whole-image views (and of the test images the encoder sees). */
  imageSize: number;
  /** Area range of the whole-image random resized crop. */
  cropScale: [number, number];
  /** Colour-distortion strength of the whole-image view. */
  colorStrength: number;
  /** The jigsaw transform t(I). */
  jigsaw: {
    /** Area range of the crop the grid is laid on (PIRL: ≥ 60%). */
    cropScale: [number, number];
    /** Side the crop is resized to before the 3×3 grid (a multiple of 3). */
    cropSize: number;
    /** Patch side (PIRL's 64-in-85 ratio). */
    tile: number;
    /** Size of the max-Hamming permutation set (the Jigsaw classes; PIRL shuffles with the same set). */
    permutations: number;
    /** Per-patch colour-distortion strength (0: none). */
    colorStrength: number;
  };
  /** The encoder φ shared by whole images and patches. */
  encoder: EncoderSpec;
  /** Dimension of f, g and the memory bank (PIRL: 128). */
  embedDim: number;
  /** Batch norm on the outputs of f and g (a linear layer without bias, then batch norm): see the module doc. */
  headNorm: boolean;
  /** Hidden width of the Jigsaw permutation classifier. */
  jigsawHidden: number;
  /** NCE and memory bank (PIRL: τ 0.07, momentum 0.5, 32,000 negatives, eq. 4's NCE form). */
  nce: { temperature: number; momentum: number; z: NceZ; form: NceForm };
  /** The base run: PIRL's λ and number of negatives. */
  base: { lambda: number; negatives: number };
  /**
   * Adam with linear warm-up then cosine decay; `lr` is each method's peak learning rate before the sweep (the
   * centre of {@link PirlConfig.lrSweep}'s grid; λ-ablation runs use PIRL's).
   */
  optimizer: { lr: Record<LrKey, number>; weightDecay: number; warmupFraction: number };
  /**
   * The learning-rate sweep: every trained method at `optimizer.lr` × each factor on seed `seed`, scored by the
   * best-stage linear probe on a validation split of the training images (never the test split); the study then
   * trains every seed at the chosen rate. Only `methods` are swept (the others keep `optimizer.lr`);
   * `factors: [1]` skips the sweep.
   */
  lrSweep: { factors: number[]; seed: number; methods: LrKey[] };
  /** Images per training step. */
  batchSize: number;
  /** Optimisation steps of every trained run. */
  steps: number;
  /** Linear-probe and invariance evaluation settings. */
  eval: {
    /** λ grid of the linear probe. */
    l2Grid: number[];
    /** L-BFGS iterations per probe fit. */
    maxIter: number;
    /** Test images whose jigsaw distances are measured (Figure 3). */
    invarianceImages: number;
  };
  /** Seeds per compared configuration. */
  seeds: number;
  /** λ values of the ablation (besides the base λ, which is reused). Empty: no ablation. */
  lambdas: number[];
  /** Numbers of negatives of the ablation (PIRL at the base λ; besides the base number). Empty: no ablation. */
  negativeCounts: number[];
  /** Sizes |T| of the permutation-set ablation (PIRL and Jigsaw; besides the profile's). Empty: no ablation. */
  permutationCounts: number[];
}

/**
 * Seeds per compared configuration at each profile, when `--seeds` / `SSL_SEEDS` does not say otherwise: the
 * notebook passes this to `startExperiment`, which decides the seeds once (see `lib/experiment.ts`).
 */
export const PIRL_SEEDS: Readonly<Record<Profile, number>> = { smoke: 1, cpu: 5, gpu: 5 };

/** The configuration of a profile; `seeds` overrides the number of seeds per compared configuration. */
export function pirlConfig(
  profile: Profile,
  opts: { seeds?: number; dataset?: "shapes" | "cifar10" } = {},
): PirlConfig {
  const common = {
    profile,
    cropScale: [0.2, 1] as [number, number],
    colorStrength: 0.5,
    headNorm: true,
    nce: { temperature: 0.07, momentum: 0.5, z: "estimate" as NceZ, form: "infonce" as NceForm },
  };
  const same = (lr: number): Record<LrKey, number> => ({ supervised: lr, jigsaw: lr, npid: lr, pirl: lr });
  if (profile === "smoke") {
    return {
      ...common,
      dataset: { name: "shapes", nTrain: 64, nTest: 32, label: "shape", seed: 0, shapes: CPU_SHAPES },
      imageSize: 32,
      jigsaw: { cropScale: [0.6, 1], cropSize: 30, tile: 8, permutations: 10, colorStrength: 0.5 },
      encoder: { kind: "cnn3", widths: [4, 8, 8], init: "he-fan-in", centerInput: true, batchNorm: true },
      embedDim: 8,
      jigsawHidden: 8,
      base: { lambda: 0.5, negatives: 16 },
      optimizer: { lr: same(5e-3), weightDecay: 1e-6, warmupFraction: 0.1 },
      lrSweep: { factors: [0.5, 1], seed: 0, methods: [...LR_KEYS] },
      batchSize: 16,
      steps: 2,
      eval: { l2Grid: [1e-2], maxIter: 20, invarianceImages: 16 },
      seeds: opts.seeds ?? PIRL_SEEDS.smoke,
      lambdas: [1],
      negativeCounts: [],
      permutationCounts: [],
    };
  }
  if (profile === "cpu") {
    return {
      ...common,
      dataset: { name: "shapes", nTrain: 1250, nTest: 1000, label: "shape", seed: 0, shapes: CPU_SHAPES },
      imageSize: 32,
      jigsaw: { cropScale: [0.6, 1], cropSize: 30, tile: 8, permutations: 100, colorStrength: 0.5 },
      encoder: { kind: "cnn4", widths: [16, 32, 64, 128], init: "he-fan-in", centerInput: true },
      embedDim: 32,
      jigsawHidden: 128,
      base: { lambda: 0.5, negatives: 512 },
      optimizer: { lr: same(2e-3), weightDecay: 1e-6, warmupFraction: 0.1 },
      lrSweep: { factors: [1 / 3, 1, 3], seed: 0, methods: [...LR_KEYS] },
      batchSize: 64,
      steps: 1000,
      eval: { l2Grid: [1e-4, 1e-2, 1], maxIter: 100, invarianceImages: 500 },
      seeds: opts.seeds ?? PIRL_SEEDS.cpu,
      lambdas: [0.75, 1],
      negativeCounts: [64],
      permutationCounts: [10],
    };
  }
  const cifar = (opts.dataset ?? "cifar10") === "cifar10";
  return {
    ...common,
    dataset: cifar
      ? { name: "cifar10", nTrain: 50000, nTest: 10000, label: "label", seed: 0 }
      : { name: "shapes", nTrain: 20000, nTest: 2000, label: "shape", seed: 0, shapes: CPU_SHAPES },
    imageSize: 32,
    jigsaw: { cropScale: [0.6, 1], cropSize: 30, tile: 8, permutations: 1000, colorStrength: 0.5 },
    encoder: { kind: "resnet", depth: 18, width: 32 },
    embedDim: 128,
    jigsawHidden: 512,
    base: { lambda: 0.5, negatives: 4096 },
    optimizer: { lr: same(1e-3), weightDecay: 1e-6, warmupFraction: 0.05 },
    lrSweep: { factors: [1 / 3, 1, 3], seed: 0, methods: [...LR_KEYS] },
    batchSize: 256,
    steps: 4000,
    eval: { l2Grid: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1], maxIter: 200, invarianceImages: 2000 },
    seeds: opts.seeds ?? PIRL_SEEDS.gpu,
    lambdas: [0, 0.25, 0.75, 1],
    negativeCounts: [256, 1024, 16384],
    permutationCounts: [10, 100],
  };
}

/** The configuration a run trains and evaluates with: the profile's, with the run's |T| when it sets one. */
export function runConfig(cfg: PirlConfig, run: RunSpec): PirlConfig {
  if (run.permutations === undefined || run.permutations === cfg.jigsaw.permutations) return cfg;
  return { ...cfg, jigsaw: { ...cfg.jigsaw, permutations: run.permutations } };
}

/** The learning rate a run of `method` (at `lambda`) uses: its own, NPID++ apart, λ ablation as PIRL. */
export function lrKey(method: Method, lambda: number): LrKey | null {
  if (method === "random" || method === "pixels") return null;
  if (method === "pirl") return lambda === 0 ? "npid" : "pirl";
  return method;
}

/**
 * A run of `method` with the profile's base λ and negatives, the method's learning rate from `lrs` (default
 * `cfg.optimizer.lr`; 0 for untrained runs), and the given seed and overrides.
 */
export function makeRun(
  cfg: PirlConfig,
  method: Method,
  seed: number,
  override: Partial<Omit<RunSpec, "method" | "seed">> = {},
  lrs: Record<LrKey, number> = cfg.optimizer.lr,
): RunSpec {
  const lambda = override.lambda ?? cfg.base.lambda;
  const key = lrKey(method, lambda);
  const lr = key === null ? 0 : lrs[key];
  return { method, lambda, negatives: cfg.base.negatives, lr, seed, ...override };
}

/** Whether a run trains (everything but random init). */
export function isTrained(run: RunSpec): boolean {
  return run.method !== "random" && run.method !== "pixels";
}

/** Whether a run encodes the jigsaw patches (Jigsaw, and PIRL with λ > 0). */
export function usesPatches(run: RunSpec): boolean {
  return run.method === "jigsaw" || (run.method === "pirl" && run.lambda > 0);
}

/** The name of a run's method as the paper writes it: "PIRL", "NPID++" (λ = 0), "Jigsaw", … */
export function methodName(run: Pick<RunSpec, "method" | "lambda">): string {
  if (run.method === "pirl") return run.lambda === 0 ? "NPID++" : "PIRL";
  return {
    random: "random init",
    pixels: "raw pixels",
    supervised: "supervised",
    jigsaw: "Jigsaw",
  }[run.method];
}

/** A short label of a run, e.g. "PIRL λ=0.5 · 512 negatives · lr 0.002 · seed 0". */
export function runLabel(run: RunSpec): string {
  const nce = run.method === "pirl" ? ` λ=${run.lambda} · ${run.negatives} negatives` : "";
  const lr = isTrained(run) ? ` · lr ${Number(run.lr.toPrecision(3))}` : "";
  const t = run.permutations !== undefined ? ` · |T|=${run.permutations}` : "";
  return `${methodName(run)}${nce}${t}${lr} · seed ${run.seed}`;
}
