/**
 * Composable augmentation pipelines: a registry of named transforms, `compose`, SimCLR's default pipeline and
 * the two-view helper, plus the one-branch pipelines of SimCLR's Figure 5 ablation.
 *
 * Registry defaults (override per name through {@link TransformOptions}):
 * | name      | transform                                   | default                                   |
 * |-----------|---------------------------------------------|-------------------------------------------|
 * | crop      | random resized crop                         | scale [0.08, 1], ratio [3/4, 4/3], size H |
 * | flip      | horizontal flip                             | p = 0.5                                   |
 * | color     | colour distortion (jitter, then grayscale)  | s = 1, jitter p = 0.8, grayscale p = 0.2  |
 * | grayscale | grayscale                                   | p = 1                                     |
 * | blur      | Gaussian blur                               | p = 1, σ ∈ [0.1, 2], kernel 10% of side   |
 * | cutout    | erase a random square                       | p = 1, side H/2, fill 0                   |
 * | sobel     | Sobel gradient magnitude                    | normalize "bound"                         |
 * | noise     | additive Gaussian noise                     | p = 1, std 0.1                            |
 * | rotate    | random rotation by 0/90/180/270°            | uniform                                   |
 *
 * Randomness: every step draws from the same {@link Rng} in turn, so a pipeline called twice with one stream
 * gives two different draws (as `twoViews` needs) and replaying a seed replays everything.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages, type Augment } from "./common.ts";
import { type CropOptions, randomResizedCrop } from "./crop.ts";
import { type FlipOptions, randomFlip } from "./flip.ts";
import { colorDistortion, type ColorDistortionOptions } from "./color.ts";
import { type GrayscaleOptions, randomGrayscale } from "./grayscale.ts";
import { type RandomBlurOptions, randomGaussianBlur } from "./blur.ts";
import { cutout, type CutoutOptions } from "./cutout.ts";
import { sobel, type SobelOptions } from "./sobel.ts";
import { gaussianNoise, type NoiseOptions } from "./noise.ts";
import { randomRot90 } from "./rotate.ts";

/** Options per registry name. */
export interface TransformOptions {
  /** Random resized crop. */
  crop?: CropOptions;
  /** Horizontal flip. */
  flip?: FlipOptions;
  /** Colour distortion. */
  color?: ColorDistortionOptions;
  /** Random grayscale. */
  grayscale?: GrayscaleOptions;
  /** Gaussian blur. */
  blur?: RandomBlurOptions;
  /** Cutout. */
  cutout?: CutoutOptions;
  /** Sobel filter. */
  sobel?: SobelOptions;
  /** Gaussian noise. */
  noise?: NoiseOptions;
  /** Rotation (no options). */
  rotate?: Record<string, never>;
}

/** A name in the transform registry. */
export type TransformName = keyof TransformOptions;

/** The registry: name -> factory of the transform from its options. */
export const TRANSFORMS: { readonly [K in TransformName]: (opts?: TransformOptions[K]) => Augment } = {
  crop: (o = {}) => (x, rng) => randomResizedCrop(x, rng, o),
  flip: (o = {}) => (x, rng) => randomFlip(x, rng, o),
  color: (o = {}) => (x, rng) => colorDistortion(x, rng, o),
  grayscale: (o = {}) => (x, rng) => randomGrayscale(x, rng, { p: 1, ...o }),
  blur: (o = {}) => (x, rng) => randomGaussianBlur(x, rng, { p: 1, ...o }),
  cutout: (o = {}) => (x, rng) => cutout(x, rng, o),
  sobel: (o = {}) => (x) => sobel(x, o),
  noise: (o = {}) => (x, rng) => gaussianNoise(x, rng, o),
  rotate: () => (x, rng) => {
    const { images } = randomRot90(x, rng);
    return images;
  },
};

/** Names of the registry, in a fixed order. */
export const TRANSFORM_NAMES: readonly TransformName[] = Object.keys(TRANSFORMS) as TransformName[];

/** Look up a transform by name with options; throws a one-line Error listing the names for an unknown one. */
export function transform<K extends TransformName>(name: K, opts?: TransformOptions[K]): Augment {
  const make = (TRANSFORMS as Record<string, (o?: unknown) => Augment>)[name];
  if (!Object.hasOwn(TRANSFORMS, name) || !make) {
    throw new Error(`unknown transform "${name}": expected one of ${TRANSFORM_NAMES.join(", ")}`);
  }
  return make(opts);
}

/** Chain transforms (functions or registry names with default options) left to right; [] is the identity. */
export function compose(steps: readonly (Augment | TransformName)[]): Augment {
  const fns = steps.map((s) => (typeof s === "function" ? s : transform(s)));
  return (x, rng) => {
    assertImages(x, "compose");
    if (fns.length === 0) return x.clone();
    return tf.tidy(() => fns.reduce<Tensor4D>((y, f) => f(y, rng), x));
  };
}

/** The pipeline of registry names in order, each with its options from `opts` (e.g. `["crop", "color"]`). */
export function pipelineFor(names: readonly TransformName[], opts: TransformOptions = {}): Augment {
  return compose(names.map((n) => transform(n, opts[n] as never)));
}

/** Options of {@link simclrAugment}. */
export interface SimclrOptions {
  /** Colour distortion strength s; default 1 (SimCLR uses 0.5 for CIFAR-10). */
  strength?: number;
  /** Add Gaussian blur with p = 0.5 (SimCLR's ImageNet pipeline; off for CIFAR). Default false. */
  blur?: boolean;
  /** Taps of the blur kernel; default SimCLR's 10% of the side (see `simclrKernelSize` in `./blur.ts`). */
  blurKernelSize?: number;
  /** Output side; default the input height. */
  size?: number;
  /** Crop area range; default [0.08, 1]. */
  scale?: [number, number];
}

/** SimCLR's augmentation as a reusable pipeline: crop, flip (0.5), colour distortion, optional blur (0.5). */
export function simclrPipeline(opts: SimclrOptions = {}): Augment {
  const steps: Augment[] = [
    transform("crop", { size: opts.size, scale: opts.scale }),
    transform("flip", { p: 0.5 }),
    transform("color", { strength: opts.strength ?? 1 }),
  ];
  if (opts.blur) steps.push(transform("blur", { p: 0.5, kernelSize: opts.blurKernelSize }));
  return compose(steps);
}

/** Apply SimCLR's augmentation once to a batch (see {@link simclrPipeline}). */
export function simclrAugment(x: Tensor4D, rng: Rng, opts: SimclrOptions = {}): Tensor4D {
  return simclrPipeline(opts)(x, rng);
}

/**
 * The two SimCLR views of a batch: `first(x)` then `second(x)` (default: the same pipeline), drawing their
 * randomness from `rng` one after the other, so the views differ.
 */
export function twoViews(
  x: Tensor4D,
  rng: Rng,
  first: Augment = simclrPipeline(),
  second: Augment = first,
): [Tensor4D, Tensor4D] {
  const a = first(x, rng);
  return [a, second(x, rng)];
}

/** Options of {@link ablationPipelines}. */
export interface AblationOptions extends TransformOptions {
  /** What the other branch does: the identity (SimCLR Figure 5, default) or the crop alone. */
  other?: "identity" | "crop";
}

/**
 * SimCLR Figure 5: the tested transforms (one or two names, applied in order after a random crop) on one
 * branch, the other branch left as the identity. Returns `[augmentedBranch, otherBranch]`, ready for
 * `twoViews(x, rng, ...pipelines)`. "crop" is not repeated when it is itself a tested transform.
 */
export function ablationPipelines(
  tested: readonly TransformName[],
  opts: AblationOptions = {},
): [Augment, Augment] {
  if (tested.length < 1 || tested.length > 2) {
    throw new Error(`ablationPipelines: expected one or two transforms, got ${tested.length}`);
  }
  const names: TransformName[] = ["crop", ...tested.filter((n) => n !== "crop")];
  const other = opts.other ?? "identity";
  if (other !== "identity" && other !== "crop") {
    throw new Error(`ablationPipelines: other must be "identity" or "crop", got ${other}`);
  }
  return [pipelineFor(names, opts), other === "crop" ? pipelineFor(["crop"], opts) : compose([])];
}
