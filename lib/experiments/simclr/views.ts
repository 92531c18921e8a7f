/**
 * The two views of a SimCLR training pair, for both protocols the reproduction uses:
 *
 * - `simclr`: the full SimCLR augmentation on each branch independently (random resized crop to the view size,
 *   horizontal flip, colour distortion of strength s, optionally Gaussian blur), as in Table 1 and the other
 *   ablations;
 * - `pair` (Figure 5): one random resized crop shared by both branches, then the tested transformation(s) in
 *   order on branch 1 only; branch 2 is that crop unchanged ("identity after the crop"). When "crop" is itself
 *   tested, branch 1 is re-cropped from the shared crop, so the crop-only cell differs by a crop alone.
 *
 * Every random parameter comes from the given {@link Rng}, so a seed replays the views exactly.
 *
 * `scale` is the random resized crop's area range (default SimCLR's [0.08, 1]).
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { Tensor4D } from "../../tf.ts";
import type { Rng } from "../../rng.ts";
import { randomResizedCrop } from "../../augment/crop.ts";
import { pipelineFor, simclrPipeline, type TransformOptions } from "../../augment/pipeline.ts";
import { simclrKernelSize } from "../../augment/blur.ts";
import type { AugSpec } from "./config.ts";

/**
 * Taps of the Gaussian blur at view side `size`: SimCLR's 10% of the side, but at least 3. The paper's rule
 * is made for 224-px images; below 30 px it gives a single tap, i.e. no blur at all, which would make every
 * blur cell of Figure 5 and the "+Blur" column of Table 1 a silent copy of its blur-free neighbour. Three taps
 * (the rule's own value for 30–49 px, e.g. CIFAR's 32 px) with SimCLR's σ ∈ [0.1, 2] px is the mildest real blur.
 */
export function viewBlurKernelSize(size: number): number {
  return Math.max(3, simclrKernelSize(size));
}

/** Per-transform options of the Figure 5 grid at view side `size` (crops keep the view size). */
export function pairTransformOptions(size: number, scale?: [number, number]): TransformOptions {
  return { crop: { size, scale }, blur: { kernelSize: viewBlurKernelSize(size) } };
}

/**
 * The two views of `x` (full images, [B, H, W, C] in [0, 1]) under `aug`, each [B, size, size, C].
 * The caller owns both tensors.
 */
export function makeViews(
  x: Tensor4D,
  rng: Rng,
  aug: AugSpec,
  size: number,
  scale?: [number, number],
): [Tensor4D, Tensor4D] {
  if (aug.kind === "simclr") {
    const pipe = simclrPipeline({
      size,
      strength: aug.strength,
      blur: aug.blur,
      blurKernelSize: viewBlurKernelSize(size),
      scale,
    });
    return tf.tidy(() => [pipe(x, rng), pipe(x, rng)]) as [Tensor4D, Tensor4D];
  }
  if (aug.tested.length < 1 || aug.tested.length > 2) {
    throw new Error(`makeViews: a Figure 5 pair tests one or two transforms, got ${aug.tested.length}`);
  }
  const tested = pipelineFor(aug.tested, pairTransformOptions(size, scale));
  return tf.tidy(() => {
    const shared = randomResizedCrop(x, rng, { size, scale });
    return [tested(shared, rng), shared];
  }) as [Tensor4D, Tensor4D];
}

/** One augmented view (the supervised baseline of Table 1 trains on a single view per image). */
export function makeSingleView(
  x: Tensor4D,
  rng: Rng,
  aug: AugSpec,
  size: number,
  scale?: [number, number],
): Tensor4D {
  if (aug.kind === "simclr") {
    return simclrPipeline({
      size,
      strength: aug.strength,
      blur: aug.blur,
      blurKernelSize: viewBlurKernelSize(size),
      scale,
    })(x, rng);
  }
  return tf.tidy(() =>
    pipelineFor(aug.tested, pairTransformOptions(size, scale))(
      randomResizedCrop(x, rng, { size, scale }),
      rng,
    )
  );
}
