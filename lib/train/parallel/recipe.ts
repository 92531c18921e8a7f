/**
 * The recipe contract of data-parallel training: closures cannot cross into a Worker, so each worker imports a
 * **recipe module** (by URL) and calls its `build(config)` with a JSON config; equal configs must build
 * bit-identical replicas (initialise from a seed in the config).
 *
 *     // my_recipe.ts
 *     export function build(config: RecipeConfig): Recipe { ... }
 *
 * A recipe's `forward(x, rng)` maps a chunk of input rows (with their augmentation, drawn from `rng`) to one
 * output row per input row; its `loss` is either
 * - `"embedding"`: a loss over the outputs of the *whole* batch (NT-Xent), trained with the embedding-gradient
 *   decomposition of `../split_step.ts` (each worker embeds its part; the loss and ∂L/∂z are computed once on
 *   the gathered z; each worker back-propagates its rows), or
 * - `"mean"`: a mean over examples (supervised cross-entropy), whose gradient is the weighted sum of the
 *   workers' gradients (plain all-reduce).
 *
 * The same recipe also runs in-process ({@link recipeStep}) with the same chunking and augmentation seeds, so
 * 1 worker, 2 workers and no worker compute the same gradient up to floating-point summation order, provided
 * each worker's share of the batch is a multiple of the chunk.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import type { Optimizer } from "../types.ts";
import { embeddingGradStep, type EmbedFn, meanLossGradStep, type SplitStepResult } from "../split_step.ts";

/** A JSON value (what a recipe config may contain). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** A recipe's configuration: plain JSON, posted to every worker. */
export type RecipeConfig = { [key: string]: Json };

/** One model replica with its training step ingredients. */
export interface Recipe {
  /** Trained variables, in the same order in every replica. */
  variables: tf.Variable[];
  /** Non-trainable state updated by training-mode forwards (batch-norm running statistics). */
  state: tf.Variable[];
  /** Optimizer over `variables`. */
  optimizer: Optimizer;
  /** How the loss decomposes (see the module documentation). */
  lossKind: "embedding" | "mean";
  /** Training-mode outputs of input rows `x` (one output row per input row); augmentation from `rng`. */
  forward(x: tf.Tensor, rng: Rng): tf.Tensor;
  /**
   * `"embedding"`: the loss of the whole batch's outputs. `"mean"`: the mean loss of a chunk's outputs. `labels`
   * are the rows matching `out` (null when the step has none).
   */
  loss(out: tf.Tensor, labels: tf.Tensor | null): tf.Scalar;
  /** Free everything (the optimizer's state included). */
  dispose(): void;
}

/** What a recipe module exports. */
export interface RecipeModule {
  /** Build a replica from a JSON config. */
  build(config: RecipeConfig): Recipe | Promise<Recipe>;
}

/** Import a recipe module and build a replica. */
export async function loadRecipe(url: string | URL, config: RecipeConfig): Promise<Recipe> {
  const mod = await import(String(url)) as Partial<RecipeModule>;
  if (typeof mod.build !== "function") throw new Error(`recipe ${url} does not export build(config)`);
  return await mod.build(config);
}

/** The augmentation stream of the chunk starting at global example `start` of the step seeded `seed`. */
export function chunkRng(seed: number, start: number): Rng {
  return new Rng(seed).fork(`chunk-${start}`);
}

/** The {@link EmbedFn} of rows `x` that start at global example `offset` of the step seeded `seed`. */
export function recipeEmbed(recipe: Recipe, x: tf.Tensor, seed: number, offset: number): EmbedFn {
  return (s, e) => recipe.forward(x.slice(s, e - s), chunkRng(seed, offset + s));
}

/**
 * The in-process step of a recipe: the gradient of one batch (chunked by `chunk`) and the optimizer update.
 * Returns the loss.
 */
export function recipeStep(
  recipe: Recipe,
  x: tf.Tensor,
  labels: tf.Tensor | null,
  opts: { seed: number; lr: number; chunk?: number },
): number {
  const size = x.shape[0];
  let r: SplitStepResult;
  if (recipe.lossKind === "mean") {
    r = meanLossGradStep({
      size,
      chunk: opts.chunk,
      variables: recipe.variables,
      loss: (s, e) =>
        recipe.loss(recipe.forward(x.slice(s, e - s), chunkRng(opts.seed, s)), sliceRows(labels, s, e)),
    });
  } else {
    r = embeddingGradStep({
      size,
      chunk: opts.chunk,
      variables: recipe.variables,
      state: recipe.state,
      embed: recipeEmbed(recipe, x, opts.seed, 0),
      loss: (z) => recipe.loss(z, labels),
    });
  }
  recipe.optimizer.step(r.grads, opts.lr);
  const loss = r.loss.dataSync()[0];
  tf.dispose([r.loss, ...r.grads.filter((g): g is tf.Tensor => g !== null)]);
  return loss;
}

/** Rows [s, e) of a tensor, or null. */
export function sliceRows(t: tf.Tensor | null, s: number, e: number): tf.Tensor | null {
  return t ? t.slice(s, e - s) : null;
}
