/**
 * Configuration of the SimCLR reproduction: what each profile trains and evaluates (`simclrConfig`), and the
 * description of one pretraining run (`RunSpec`) that the ablations vary one field at a time.
 *
 * **Why the cpu profile looks the way it does.** The ablations need about 150 pretraining runs, so on a 2-core
 * machine (wasm backend) a run may cost about 10 s, i.e. roughly 100 steps of a tiny encoder. Measured with
 * that budget (linear probe on h, 2,000 training / 1,000 test images, one seed unless stated; shape chance
 * 12.5%):
 *
 * - standard `shapes` (1–3 small textured rotated objects, noise/gradient backgrounds), cnn3 16-32-64 without
 *   batch norm, 24 px views, 94 steps: SimCLR 13.5%, random init 18%, and even the *supervised* baseline stays
 *   at chance (its cross-entropy does not leave ln 8 = 2.079); 10 epochs without augmentation reach only 26%.
 *   The encoder barely moves: the convolutions change by 6–17% of their norm in 125 steps (torch-default
 *   initialisation shrinks the signal ~0.4× per layer and the inputs are not centred);
 * - He initialisation, centred inputs and batch norm make the supervised baseline learn (28% at 125 steps, 45%
 *   at 625), but SimCLR features stay at the random-init level (21–28%) for 125–625 steps at 16–32 px, at
 *   colour strength 0.5 or 1, τ 0.2–0.5, lr 2e-3–1e-2, crop scale 0.2–0.5, with or without noise backgrounds,
 *   textures or rotation, while object *size* is learned (probe 59% → 71%): with three size bins the contrastive
 *   task is solved by size, colour residue and orientation before shape;
 * - one large object (circumradius 10.8–13 px, `sizes: ["large"]`), solid, upright, flat background, 16 px
 *   views, lr 5e-3, 94 steps, seeds 0–2: SimCLR (crop + colour 0.5) 45.5 / 44.2 / 48.6%, random init 40.8 /
 *   39.9 / 44.1% (paired +4.5 pp, range 4.3–4.7), crop only (Figure 5 cell) 36.9 / 34.1 / 33.9% — *below*
 *   random init, the colour shortcut the paper describes; with rotated objects the gap to random init was not
 *   yet consistent at 94 steps (+3.9, +4.3, −0.4 pp).
 *
 * So the cpu profile uses that `shapes` variant ({@link CPU_SHAPES}): colour (object hue and background
 * colour) stays a nuisance, which is what the colour claims need; the crop area range [0.2, 1] makes the
 * smallest crop (≈ 14×14 px of 32) about the size of the object, the analogue of SimCLR's 8% crops of an
 * object-centric ImageNet photo still holding a large part of the object. A step (2 × 64 views of 16 px) costs
 * about 0.08 s and a whole run with its evaluation about 9 s on the shared 2-core machine. The gpu profile uses
 * the ResNet-18 of the paper's CIFAR experiments; `smoke` runs the same code paths on a handful of images for a
 * couple of steps.
 *
 * Pilot of 2026-12-03 for longer training (`tools/pilots/simclr_epochs.ts`, the cpu base run, 3 seeds, two
 * workers; linear probe %, paired gain with 95% CI): random init 41.6 [36.1, 47.1], raw pixels 44.5; 3 epochs
 * (94 steps) 45.5, +3.9 [−0.1, 7.9] over random init and +1.0 [−1.2, 3.3] over the pixels; 10 epochs (313
 * steps, 79 s for the three runs) 46.8, +5.2 [3.0, 7.4] and +2.3 [−1.2, 5.8]; 30 epochs (938 steps, 229 s)
 * 48.7, +7.1 [−1.3, 15.5] and +4.2 [−1.2, 9.7]. Training longer alone gains about a point per tripling of
 * the steps and the seeds spread widely: at this view size and encoder no affordable budget clears the pixels
 * by a clear margin, so the next design changes more than the number of steps. With 32-px views (`--size 32`,
 * 10 epochs, 283 s for three runs) the probe reaches 52.3 [46.0, 58.6]: +8.2 [1.9, 14.5] over the pixels (44.1)
 * but only +3.6 [−1.4, 8.7] over random init, which rises to 48.6 [43.8, 53.5] at that size — a random cnn3 is a
 * strong baseline on these shapes, and the seeds' spread is as large as the gain.
 *
 * Pilot on the onednn backend (2026-12-03, same tool, 3 seeds, two workers; a step of 2 × 64 views costs 26 ms
 * on one thread there, 57 ms on wasm): random init 41.5 [36.4, 46.7], pixels 43.6; 30 epochs (938 steps, 44 s
 * for three runs) 51.3, +9.7 [4.4, 15.1] over random init and +7.7 [0.8, 14.6] over the pixels; 100 epochs
 * (3,125 steps, 137 s) 50.2, +8.7 [7.8, 9.6] — a plateau after ~30 epochs; lr 1e-2 at 30 epochs is worse
 * (47.6, +6.0 [−1.9, 13.9]). A wider cnn3 (32-64-128, `--widths`) learns most clearly: at 30 epochs (78 s
 * for three runs) 63.9 [63.6, 64.3] against random init 56.5 [52.8, 60.3] (+7.4 [3.9, 10.9]) and pixels
 * (+20.3 [20.0, 20.7]); at 10 epochs (30 s) 60.4, +3.9 [−2.9, 10.6] over random init, not yet clear. So a
 * design where every arm learns needs about 30 epochs of the wider encoder per run (≈ 26 s of the two-worker
 * machine), i.e. about 65 runs in a 30-minute notebook instead of today's 274 short ones.
 *
 * Ablation arms at that budget (2026-12-03, `simclr_epochs.ts --epochs 30 --widths 32,64,128 --seeds 3 --run …`,
 * ≈ 30 s a run on the two-worker machine; paired gain over random init 56.5): linear head 60.2, +3.7 [−3.7,
 * 11.0] (not yet clear); no head 35.7, −20.8 [−22.8, −18.8] (NT-Xent directly on h collapses it below random
 * init); NT-Logistic (τ 0.5) 63.4, +6.8 [5.5, 8.2]; margin (0.5) 63.1, +6.5 [2.0, 11.0] — the losses learn
 * without tuning, the head arms of Figure 8 do not pass the gate at this budget.
 *
 * @module
 */
import type { DataSpec } from "../../data/labeled_splits.ts";
import type { Profile } from "../../experiment.ts";
import type { TransformName } from "../../augment/pipeline.ts";
import type { EncoderSpec } from "../../models/encoder_spec.ts";
import { CPU_SHAPES } from "../../data/cpu_shapes.ts";

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
    /** Images per class used to train the transform-prediction MLP (Table 3), and its steps. */
    transformTrain: number;
    transformSteps: number;
  };
  /** Seeds per compared configuration. */
  seeds: number;
  /** Figure 5: transforms of the grid, extra-seeded best off-diagonal cells. */
  grid: { transforms: TransformName[]; topCells: number };
  /** Table 1: colour strengths (the last one is repeated with blur). */
  strengths: number[];
  /** Table 5: temperatures with and without ℓ2 normalisation. */
  temperatures: { l2: number[]; noL2: number[] };
  /** Table 4: margin of the triplet losses. */
  margin: number;
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
    grid: { transforms: GRID_TRANSFORMS, topCells: 3 },
    strengths: [1 / 8, 1 / 4, 1 / 2, 1],
    temperatures: { l2: [0.05, 0.1, 0.5, 1], noL2: [10, 100] },
    margin: 0.5,
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
      grid: { transforms: GRID_TRANSFORMS, topCells: 1 },
      temperatures: { l2: [0.1, 0.5], noL2: [10] },
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
        widths: [16, 32, 64],
        init: "he-fan-in",
        centerInput: true,
        batchNorm: true,
        headBatchNorm: true,
      },
      projection: { hidden: 64, outDim: 32 },
      optimizer: { lr: 5e-3, weightDecay: 1e-6, warmupFraction: 0.1 },
      base: { ...BASE, batchSize: 64, epochs: 3 },
      eval: {
        l2Grid: [1e-4, 1e-2, 1],
        maxIter: 100,
        knnK: 20,
        statsBatches: 2,
        transformTrain: 200,
        transformSteps: 150,
      },
      seeds: opts.seeds ?? SIMCLR_SEEDS.cpu,
      batchSizes: [16, 64, 256],
      epochs: [1, 3],
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
