/**
 * Configuration of the SimCLR reproduction: what each profile trains and evaluates (`simclrConfig`), and the
 * description of one pretraining run (`RunSpec`) that the ablations vary one field at a time.
 *
 * **The cpu design (2026-12-03).** Every run trains 30 epochs (938 steps of 64 pairs) of a cnn3 32-64-128 with
 * batch norm on 16-px views of 2,000 single-object `shapes` images, NT-Xent at τ = 0.1: about 43 s of one core
 * per run with its evaluation (onednn backend), so a 30-minute notebook on the 2-core machine affords about 65
 * runs. The study is split in two notebooks of that size (`02_simclr.ipynb`: Figure 5 and Table 1;
 * `02_simclr_objective.ipynb`: Tables 5, 4, 3, Figures 8 and 9), 5 seeds per compared configuration; the
 * Figure 5 heatmap trains each of its 49 cells once at 10 epochs and only the cells its claims compare (picked
 * on validation accuracy) at the full budget; Table 4 tunes NT-Logistic's τ and the margin on seed 0's
 * validation split. How the pilots got there (linear probe %, paired gain over the random-init encoder of the
 * same seed with its 95% CI; `tools/pilots/simclr_epochs.ts`, 3 seeds unless stated; shape chance 12.5%):
 *
 * 1. *Data.* Standard `shapes` (1–3 small textured rotated objects on noise or gradient backgrounds), a cnn3
 *    16-32-64 and ~100 steps: SimCLR 13.5%, random init 18%, and even the supervised baseline at chance. He
 *    initialisation, centred inputs and batch norm make the supervised baseline learn, but SimCLR features stayed
 *    at the random-init level for 125–625 steps at any view size, colour strength, τ, lr or crop scale tried,
 *    while object *size* was learned (with three size bins the contrastive task is solved by size, colour residue
 *    and orientation before shape). One large object (circumradius 10.8–13 px, `sizes: ["large"]`), solid,
 *    upright, flat background ({@link CPU_SHAPES}) is the variant where shape can be learned; colour (object hue,
 *    background colour) stays a nuisance, which the colour claims need. The crop area range [0.2, 1] makes the
 *    smallest crop (≈ 14×14 px of 32) about the size of the object.
 * 2. *Length.* With the cnn3 16-32-64 (τ = 0.5, lr 5e-3), 3 epochs (94 steps, the earlier design) gave +3.9
 *    [−0.1, 7.9] over random init (41.6) and +1.0 over the raw pixels (44.5): untrained. 10 epochs +5.2, 30
 *    epochs +9.7 [4.4, 15.1], 100 epochs +8.7 (a plateau); lr 1e-2 worse; 32-px views 52.3% but random init
 *    rises to 48.6 there. The wider cnn3 32-64-128 learns most clearly: 30 epochs 63.9 vs random init 56.5 (+7.4
 *    [3.9, 10.9]; pixels 43.6), 10 epochs +3.9 [−2.9, 10.6] (not yet clear).
 * 3. *Temperature.* At 30 epochs of the wide cnn3, τ = 0.5 gave the base 63.9 (+7.4), the linear head +3.7
 *    [−3.7, 11.0] (not learned) and no head 35.7 (−20.8: NT-Xent on h at τ = 0.5 collapses it). τ = 0.1 (the
 *    paper's ImageNet value and Table 5's best) changes everything: base 82.8 (+26.3 [23.5, 29.0]), no head 84.8
 *    (+28.3), linear head 87.5 (+31.0 [29.4, 32.6]); no head at τ = 0.2 64.0 (+7.4). So the base run uses τ = 0.1.
 * 4. *Arms at τ = 0.1, 30 epochs* (seeds 0–2): Figure 5's crop + colour pair (one branch transformed) 79.5 (+23.0
 *    [20.7, 25.2]); colour strength 1/8 74.2 (+17.6 [7.6, 27.7]). At τ = 0.5, NT-Logistic (τ 0.5) 63.4 (+6.8) and
 *    the margin loss (0.5) 63.1 (+6.5) learned without tuning; Table 4 now tunes both.
 * 5. *Table 3 strengths.* At full strength the binary transformation-prediction tasks are trivial on these
 *    images: the MLP probe on the *untrained* encoder's h already gets 98.5% (grayscale), 99.6% (Sobel) and
 *    92.6% (noise of std 0.1), and trained SimCLR models sat at 99.9 / 100 / 97.7% with g(h) at 98.7 / 99.7 /
 *    86.6 — too close to the ceiling for h and g(h) to differ. The tasks therefore blend the transformation in
 *    at strength s (label-1 images are (1 − s)·x + s·T(x)), s taken from the ladder 1, 0.5, 0.35, 0.25, 0.1 by
 *    a rule fixed before looking at any trained model: the largest s at which the random-init encoder's h
 *    scores at most 85% on a validation split of training images (`tools/pilots/simclr_transform_strength.ts`,
 *    3 seeds; h / g(h) / raw pixels): grayscale s = 0.5 92.2 / 85.8 / 72.6, **s = 0.35 81.7** / 74.8 / 61.1;
 *    Sobel s = 0.35 92.3 / 88.5 / 79.4, **s = 0.25 82.5** / 79.1 / 68.7; noise s = 1 92.6 / 86.5 / 50.7,
 *    **s = 0.5 68.7** / 61.7 / 50.5. Rotation has no strength (it sits at 43% for h).
 *
 * The gpu profile uses the ResNet-18 of the paper's CIFAR experiments at its CIFAR temperature (0.5); `smoke`
 * runs the same code paths on a handful of images for a couple of steps.
 *
 * @module
 */
import type { DataSpec } from "../../data/labeled_splits.ts";
import type { Profile } from "../../experiment.ts";
import type { TransformName } from "../../augment/pipeline.ts";
import type { EncoderSpec } from "../../models/encoder_spec.ts";
import { CPU_SHAPES } from "../../data/cpu_shapes.ts";
import type { TaskStrengths } from "./transform_prediction.ts";

export type { EncoderSpec };

/** How the two views of a training pair are made. */
export type AugSpec =
  /** SimCLR's pipeline on both branches: crop, flip, colour distortion of strength s, optional blur. */
  | { kind: "simclr"; strength: number; blur: boolean }
  /** Figure 5 protocol: a shared random crop, then `tested` (in order) on branch 1; branch 2 stays the crop. */
  | { kind: "pair"; tested: TransformName[] };

/** The contrastive objective (Table 4) with its temperature / margin and ℓ2 normalisation (Table 5). */
export type LossSpec =
  | { kind: "nt-xent"; temperature: number; normalize: boolean }
  | { kind: "nt-logistic"; temperature: number; semiHard: boolean }
  | { kind: "margin"; margin: number; semiHard: boolean };

/** The projection head g(·) of Figure 8. */
export type HeadKind = "mlp" | "linear" | "none";

/** One pretraining run: everything an ablation may change, plus the seed. */
export interface RunSpec {
  /** Contrastive pretraining, or the supervised baseline of Table 1 (cross-entropy on one augmented view). */
  method: "simclr" | "supervised";
  /** The augmentation of the two views. */
  aug: AugSpec;
  /** The contrastive objective (ignored by the supervised baseline). */
  loss: LossSpec;
  /** The projection head g(·) (SimCLR runs; the supervised baseline has a linear classifier instead). */
  head: HeadKind;
  /** Pairs per step (images per step for supervised). */
  batchSize: number;
  /** Passes over the training images; steps = round(epochs · nTrain / batchSize). */
  epochs: number;
  /** Seed of the initialisation, batches and views. */
  seed: number;
}

/** Everything fixed within a profile. */
export interface SimclrConfig {
  /** The profile this configuration belongs to. */
  profile: Profile;
  /** The data (shapes at the cpu profile; CIFAR-10 where the user has it): see {@link DataSpec}. */
  dataset: DataSpec & { name: "shapes" | "cifar10" };
  /** Side of the views the encoder sees (random resized crops are resized to it; test images are resized). */
  imageSize: number;
  /** Area range of the random resized crops. */
  cropScale: [number, number];
  /** The encoder f(·) whose h is evaluated. */
  encoder: EncoderSpec;
  /** Projection head widths: one hidden layer, output dimension. */
  projection: { hidden: number; outDim: number };
  /** Adam with linear warm-up then cosine decay. */
  optimizer: { lr: number; weightDecay: number; warmupFraction: number };
  /** The default run every ablation departs from. */
  base: Omit<RunSpec, "seed">;
  /** Evaluation settings. */
  eval: {
    /** λ grid of the linear probe (validated on a stratified 20% split). */
    l2Grid: number[];
    /** L-BFGS iterations per probe fit. */
    maxIter: number;
    /** k of the cosine kNN classifier. */
    knnK: number;
    /** Held-out batches used for the NT-Xent diagnostics (entropy, contrastive accuracy). */
    statsBatches: number;
    /** Training images of the transform-prediction MLP (Table 3, from the start of the split), and its steps. */
    transformTrain: number;
    transformSteps: number;
    /**
     * Table 3's binary tasks applied at partial strength (blend of image and transformed image) where the full
     * transformation is trivial to detect; a task left out is at full strength (the paper's protocol).
     */
    transformStrengths?: TaskStrengths;
  };
  /** Seeds per compared configuration. */
  seeds: number;
  /**
   * Figure 5: the grid's transforms, and the budget of its one-seed heatmap: every cell is trained once, with
   * `seed` (a seed no compared configuration uses) for `epochs`, and the cells the claims compare are picked
   * on that run's *validation* accuracy, then trained with the study's seeds at the base budget.
   */
  grid: { transforms: TransformName[]; epochs: number; seed: number };
  /** Table 1: colour strengths; `blur` adds the strongest one again with Gaussian blur (the paper's last column). */
  strengths: number[];
  /** Whether Table 1 has its "1 (+Blur)" column. */
  blurColumn: boolean;
  /** Table 5: temperatures with and without ℓ2 normalisation (rows of the paper's table). */
  temperatures: { l2: number[]; noL2: number[] };
  /**
   * Table 4: the grids each loss's own hyper-parameter is tuned over (NT-Logistic's temperature, the margin of
   * the triplet loss), on the validation split of the `seed` run; the semi-hard variants use their loss's
   * choice, NT-Xent the temperature of Table 5 (ℓ2 rows) with the best validation accuracy on that seed.
   */
  tuning: { logisticTemperatures: number[]; margins: number[]; seed: number };
  /** Figure 9: batch sizes and epoch budgets. */
  batchSizes: number[];
  /** Figure 9's epoch budgets. */
  epochs: number[];
}

/** The seven transforms of Figure 5, in the paper's order. */
export const GRID_TRANSFORMS: TransformName[] = [
  "crop",
  "cutout",
  "color",
  "sobel",
  "noise",
  "blur",
  "rotate",
];

const BASE: Omit<RunSpec, "seed" | "batchSize" | "epochs"> = {
  method: "simclr",
  aug: { kind: "simclr", strength: 0.5, blur: false },
  loss: { kind: "nt-xent", temperature: 0.5, normalize: true },
  head: "mlp",
};

export { CPU_SHAPES };

/**
 * Seeds per compared configuration at each profile, when `--seeds` / `SSL_SEEDS` does not say otherwise: the
 * notebook passes this to `startExperiment`, which decides the seeds once (see `lib/experiment.ts`).
 */
export const SIMCLR_SEEDS: Readonly<Record<Profile, number>> = { smoke: 1, cpu: 5, gpu: 5 };

/**
 * The configuration of a profile. `seeds` overrides the number of seeds per compared configuration (the
 * notebook passes the experiment's seed count).
 */
export function simclrConfig(
  profile: Profile,
  opts: { seeds?: number; dataset?: "shapes" | "cifar10" } = {},
): SimclrConfig {
  const common = {
    profile,
    strengths: [1 / 8, 1 / 4, 1 / 2, 1],
    blurColumn: true,
    temperatures: { l2: [0.05, 0.1, 0.5, 1], noL2: [10, 100] },
    tuning: { logisticTemperatures: [0.1, 0.3, 1], margins: [0.1, 0.3, 1], seed: 0 },
  };
  if (profile === "smoke") {
    return {
      ...common,
      dataset: { name: "shapes", nTrain: 64, nTest: 32, label: "shape", seed: 0 },
      imageSize: 16,
      cropScale: [0.2, 1],
      encoder: { kind: "cnn3", widths: [4, 8, 8] },
      projection: { hidden: 8, outDim: 8 },
      optimizer: { lr: 1e-3, weightDecay: 1e-6, warmupFraction: 0.1 },
      base: { ...BASE, batchSize: 16, epochs: 0.5 },
      eval: { l2Grid: [1e-2], maxIter: 20, knnK: 5, statsBatches: 1, transformTrain: 8, transformSteps: 2 },
      seeds: opts.seeds ?? SIMCLR_SEEDS.smoke,
      grid: { transforms: GRID_TRANSFORMS, epochs: 0.25, seed: 100 },
      temperatures: { l2: [0.1, 0.5, 1], noL2: [10] },
      tuning: { logisticTemperatures: [0.5, 1], margins: [0.5, 1], seed: 0 },
      strengths: [1 / 8, 1],
      batchSizes: [8, 16],
      epochs: [0.25, 0.5],
    };
  }
  if (profile === "cpu") {
    return {
      ...common,
      dataset: {
        name: "shapes",
        nTrain: 2000,
        nTest: 1000,
        label: "shape",
        seed: 0,
        shapes: CPU_SHAPES,
      },
      imageSize: 16,
      cropScale: [0.2, 1],
      encoder: {
        kind: "cnn3",
        widths: [32, 64, 128],
        init: "he-fan-in",
        centerInput: true,
        batchNorm: true,
        headBatchNorm: true,
      },
      projection: { hidden: 64, outDim: 32 },
      optimizer: { lr: 5e-3, weightDecay: 1e-6, warmupFraction: 0.1 },
      base: {
        ...BASE,
        loss: { kind: "nt-xent", temperature: 0.1, normalize: true },
        batchSize: 64,
        epochs: 30,
      },
      eval: {
        l2Grid: [1e-4, 1e-2, 1],
        maxIter: 100,
        knnK: 20,
        statsBatches: 2,
        transformTrain: 200,
        transformSteps: 150,
        transformStrengths: { "color vs grayscale": 0.35, "orig vs corrupted": 0.5, "orig vs sobel": 0.25 },
      },
      seeds: opts.seeds ?? SIMCLR_SEEDS.cpu,
      grid: { transforms: GRID_TRANSFORMS, epochs: 10, seed: 100 },
      blurColumn: false,
      temperatures: { l2: [0.05, 0.1, 0.5, 1], noL2: [10] },
      batchSizes: [32, 128],
      epochs: [10, 30],
    };
  }
  const cifar = (opts.dataset ?? "cifar10") === "cifar10";
  return {
    ...common,
    dataset: cifar
      ? { name: "cifar10", nTrain: 50000, nTest: 10000, label: "label", seed: 0 }
      : { name: "shapes", nTrain: 20000, nTest: 2000, label: "shape", seed: 0 },
    imageSize: 32,
    cropScale: [0.08, 1],
    encoder: { kind: "resnet", depth: 18, width: 32 },
    projection: { hidden: 256, outDim: 128 },
    optimizer: { lr: 1e-3, weightDecay: 1e-6, warmupFraction: 0.05 },
    base: { ...BASE, batchSize: 256, epochs: 20 },
    eval: {
      l2Grid: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1],
      maxIter: 200,
      knnK: 200,
      statsBatches: 4,
      transformTrain: 1000,
      transformSteps: 500,
    },
    seeds: opts.seeds ?? SIMCLR_SEEDS.gpu,
    grid: { transforms: GRID_TRANSFORMS, epochs: 10, seed: 100 },
    batchSizes: [64, 256, 1024],
    epochs: [5, 20],
  };
}

/** The base run of a config with the given seed and overrides. */
export function baseRun(cfg: SimclrConfig, seed: number, override: Partial<RunSpec> = {}): RunSpec {
  return { ...structuredClone(cfg.base), seed, ...override };
}

/** Optimisation steps of a run: round(epochs · nTrain / batchSize), at least 1. */
export function stepsOf(cfg: SimclrConfig, run: Pick<RunSpec, "epochs" | "batchSize">): number {
  return Math.max(1, Math.round((run.epochs * cfg.dataset.nTrain) / run.batchSize));
}

/** A short human-readable label of a run's varying parts, e.g. "nt-xent τ=0.5 l2 · mlp · crop+color". */
export function runLabel(run: RunSpec): string {
  const aug = run.aug.kind === "simclr"
    ? `simclr s=${run.aug.strength}${run.aug.blur ? "+blur" : ""}`
    : `pair ${run.aug.tested.join("+")}`;
  const l = run.loss;
  const loss = l.kind === "nt-xent"
    ? `nt-xent τ=${l.temperature}${l.normalize ? "" : " no-l2"}`
    : l.kind === "nt-logistic"
    ? `nt-logistic τ=${l.temperature}${l.semiHard ? " sh" : ""}`
    : `margin m=${l.margin}${l.semiHard ? " sh" : ""}`;
  return `${run.method} · ${aug} · ${loss} · head ${run.head} · B=${run.batchSize} · ${run.epochs} ep · seed ${run.seed}`;
}
