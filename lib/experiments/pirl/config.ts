/**
 * Configuration of the PIRL reproduction (Misra & van der Maaten, CVPR 2020): what each profile trains and
 * evaluates ({@link pirlConfig}) and the description of one run ({@link RunSpec}).
 *
 * **The compared methods** share one encoder (the batch-norm cnn3 of the SimCLR reproduction, He init, centred
 * input), one data stream and one schedule:
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
 * **Measured while designing the cpu profile** (2,000 training / 1,000 test images, batch 64, 150 steps, i.e.
 * 4.8 epochs, τ = 0.07, 512 negatives, bank momentum 0.5; linear probe on the last stage; seed 0; random init
 * 47.4%, chance 12.5%):
 *
 * - with the paper's linear f and g and the SimCLR profile's Adam lr 5e-3, NPID++ and PIRL do not learn: the
 *   NCE loss *rises* (NPID++ 24 → 363) and the probe falls to 18–21%, below random init. Logging every 10 steps
 *   shows why: the batch's f̂(v_I) share a large common direction (mean pairwise cosine 0.6–0.8), and the
 *   cosine between f̂(v_I) and the image's own bank entry m_I stays near 0 (−0.2…0.13) for 100 steps: the
 *   representation moves so far between two visits of an image (31 steps) that the bank entries are stale,
 *   and pushing away from the stale negatives moves every feature together;
 * - Z = 1 (eq. 3 as printed) instead of Instance Discrimination's estimate (Z ≈ 2.9·10⁴ here): loss 1,365 →
 *   4,394, probe 23%; lr 1e-3: 43.9%; τ = 0.2: 42.1% (with head norm); τ = 0.5: 31.5%; a 500-image training set
 *   (19 epochs, entries refreshed every 8 steps): 18–26%; colour strength 1: 35.7%;
 * - batch norm on the outputs of f and g (`headNorm`, a linear layer without bias then batch norm, as SimCLR's
 *   released heads) removes the common direction (pairwise cosine ≈ 0) but alone is not enough at lr 5e-3
 *   (33.1%); with lr 5e-4 NPID++ reaches 51.9% (seed 1: 54.9% vs random 50.9%) and PIRL 49.6%, while
 *   without head norm lr 5e-4 gives NPID++ 46.6%. Jigsaw at lr 5e-4: 57.2% (at 5e-3: 61.6%).
 *
 * So the cpu profile keeps the paper's NCE (τ 0.07, Z estimated as the released code does, momentum 0.5) and
 * uses head norm and lr 5e-4 for every method (one schedule for all, as the paper). A PIRL step (a 32-px view
 * and 9 × 8-px patches of 64 images) costs about 0.2 s on the shared 2-core machine, NPID++ and supervised
 * 0.12 s, Jigsaw 0.1 s (wasm; on the onednn backend 70, 37 and 33 ms on one thread).
 *
 * **Pilot for longer training** (2026-12-03, `tools/pilots/pirl_steps.ts --steps 1500 --seeds 3`, onednn, two
 * workers, 550 s for the whole study; best-stage linear probe %, paired gain over random init with 95% CI):
 * at 1,500 steps (48 epochs, every bank entry refreshed ≈ 48 times) random init 48.8 [44.2, 53.4], raw pixels
 * 43.5; supervised 97.5 (+48.7 [40.3, 57.1]); **Jigsaw 72.6, +23.9 [16.1, 31.7]**, its pretext loss down
 * from ln 100 = 4.6 to 1.0–1.1 (at 150 steps it stayed at 4.59; a single run at lr 5e-3 reaches 0.66); but
 * NPID++ 41.2 (−7.5 [−12.1, −3.0]) and PIRL 44.2 (−4.6 [−14.0, 4.8]) fall *below* random init while their
 * NCE losses rise (NPID++ 15 → 114–126, PIRL → 58–65; PIRL at λ = 1, whose NCE term is the jigsaw pair only,
 * stays at 5.1 and 50.9). So more steps make the covariant pretext learn, and expose the memory-bank NCE
 * objective as the arm that does not: with Z estimated once at the start (as the released code does) and
 * τ = 0.07, the noise terms blow up as the bank entries drift together. The next design must fix that
 * objective (Z re-estimated, or the InfoNCE form over the same bank negatives, a lower lr for the NCE
 * methods on a validation split) before the Table 2 comparisons can be judged.
 *
 * @module
 */
import type { DataSpec } from "../../data/labeled_splits.ts";
import type { Profile } from "../../experiment.ts";
import { CPU_SHAPES } from "../../data/cpu_shapes.ts";
import type { EncoderSpec } from "../../models/encoder_spec.ts";

export { CPU_SHAPES };

/** The compared pretraining methods (`pirl` with λ = 0 is NPID++). */
export type Method = "random" | "pixels" | "supervised" | "jigsaw" | "pirl";

/** One run: a method, its λ (PIRL family), its number of negatives (PIRL family) and the seed. */
export interface RunSpec {
  /** The pretraining method. */
  method: Method;
  /** Weight of the jigsaw term of eq. 5 (pirl only; 0 = NPID++). */
  lambda: number;
  /** Negatives drawn from the memory bank per step (pirl only). */
  negatives: number;
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
  /** NCE and memory bank (PIRL: τ 0.07, momentum 0.5, 32,000 negatives). */
  nce: { temperature: number; momentum: number; z: NceZ };
  /** The base run: PIRL's λ and number of negatives. */
  base: { lambda: number; negatives: number };
  /** Adam with linear warm-up then cosine decay. */
  optimizer: { lr: number; weightDecay: number; warmupFraction: number };
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
  /** Numbers of negatives of the ablation. Empty: no ablation. */
  negativeCounts: number[];
}

/**
 * Seeds per compared configuration at each profile, when `--seeds` / `SSL_SEEDS` does not say otherwise: the
 * notebook passes this to `startExperiment`, which decides the seeds once (see `lib/experiment.ts`).
 */
export const PIRL_SEEDS: Readonly<Record<Profile, number>> = { smoke: 1, cpu: 3, gpu: 5 };

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
    nce: { temperature: 0.07, momentum: 0.5, z: "estimate" as NceZ },
  };
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
      optimizer: { lr: 5e-3, weightDecay: 1e-6, warmupFraction: 0.1 },
      batchSize: 16,
      steps: 2,
      eval: { l2Grid: [1e-2], maxIter: 20, invarianceImages: 16 },
      seeds: opts.seeds ?? PIRL_SEEDS.smoke,
      lambdas: [1],
      negativeCounts: [],
    };
  }
  if (profile === "cpu") {
    return {
      ...common,
      dataset: { name: "shapes", nTrain: 2000, nTest: 1000, label: "shape", seed: 0, shapes: CPU_SHAPES },
      imageSize: 32,
      jigsaw: { cropScale: [0.6, 1], cropSize: 30, tile: 8, permutations: 100, colorStrength: 0.5 },
      encoder: { kind: "cnn3", widths: [16, 32, 64], init: "he-fan-in", centerInput: true, batchNorm: true },
      embedDim: 32,
      jigsawHidden: 128,
      base: { lambda: 0.5, negatives: 512 },
      optimizer: { lr: 5e-4, weightDecay: 1e-6, warmupFraction: 0.1 },
      batchSize: 64,
      steps: 150,
      eval: { l2Grid: [1e-4, 1e-2, 1], maxIter: 100, invarianceImages: 500 },
      seeds: opts.seeds ?? PIRL_SEEDS.cpu,
      lambdas: [1],
      negativeCounts: [],
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
    optimizer: { lr: 1e-3, weightDecay: 1e-6, warmupFraction: 0.05 },
    batchSize: 256,
    steps: 4000,
    eval: { l2Grid: [1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1], maxIter: 200, invarianceImages: 2000 },
    seeds: opts.seeds ?? PIRL_SEEDS.gpu,
    lambdas: [0, 0.25, 0.75, 1],
    negativeCounts: [256, 1024, 16384],
  };
}

/** A run of `method` with the profile's base λ and negatives, and the given seed and overrides. */
export function makeRun(
  cfg: PirlConfig,
  method: Method,
  seed: number,
  override: Partial<Omit<RunSpec, "method" | "seed">> = {},
): RunSpec {
  return { method, lambda: cfg.base.lambda, negatives: cfg.base.negatives, seed, ...override };
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

/** A short label of a run, e.g. "PIRL λ=0.5 · 512 negatives · seed 0". */
export function runLabel(run: RunSpec): string {
  const nce = run.method === "pirl" ? ` λ=${run.lambda} · ${run.negatives} negatives` : "";
  return `${methodName(run)}${nce} · seed ${run.seed}`;
}
