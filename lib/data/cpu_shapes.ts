/**
 * The `shapes` variant every cpu-profile experiment trains on (see `lib/experiments/simclr/config.ts` for the
 * pilot numbers behind it).
 *
 * @module
 */
import type { ShapesDistribution } from "./shapes.ts";

/**
 * The `shapes` variant of the cpu profile: one large, solid, upright-or-rotated object on a flat background.
 * Object colour and background colour stay as nuisances; texture, clutter and size variation are removed
 * because a 3-layer CNN trained for ~100 steps cannot learn the shape of small textured objects at all (see the
 * pilot notes in `lib/experiments/simclr/config.ts`).
 */
export const CPU_SHAPES: ShapesDistribution = {
  objectScale: 1.8,
  maxObjects: 1,
  sizes: ["large"],
  textures: ["solid"],
  backgrounds: ["flat"],
  rotate: false,
};
