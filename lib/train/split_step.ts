/**
 * Split (micro-batched) gradient steps: the gradient of a large batch computed chunk by chunk, so that only one
 * chunk's activations are alive at a time.
 *
 * Two cases:
 *
 * - **Losses over embeddings that do not decompose per example** (NT-Xent needs all 2N embeddings together):
 *   the embedding-gradient decomposition of Gao et al. 2021 ("GradCache"). With z = f_θ(x) the embeddings of
 *   the whole batch and L(z) the loss,
 *   1. z is computed chunk by chunk without a gradient tape (no activations are kept);
 *   2. L and g = ∂L/∂z are computed on the full z (cheap: z is [B, d]);
 *   3. each chunk's forward is recomputed under the tape and ∂θ = Σ_chunks ∂/∂θ ⟨f_θ(x_chunk), g_chunk⟩ is
 *      accumulated (chain rule: ∂L/∂θ = Σ_i (∂z_i/∂θ)ᵀ ∂L/∂z_i).
 *   The price is one extra forward pass (about a third of a step).
 * - **Losses that are a mean over examples** (supervised cross-entropy): plain gradient accumulation,
 *   ∂θ = Σ_chunks (|chunk| / B) ∂/∂θ mean_chunk ℓ; no recomputation.
 *
 * **Batch norm.** A forward pass in training mode normalises with the statistics of the tensor it is given, so
 * with chunks the statistics are per chunk ("ghost batch norm", Hoffer et al. 2017): the gradient is exactly
 * the full-batch gradient for models without batch norm, and for models with batch norm only when the chunk is
 * the whole batch. Phase 1 runs in training mode (the same per-chunk statistics as phase 3, so the z it
 * produces is the z that phase 3 differentiates) and the `state` variables (batch-norm running statistics) are
 * restored after it, so the running statistics are updated only by phase 3: once per chunk, as k micro-batches
 * would in PyTorch.
 *
 * **Determinism and augmentation.** `embed(start, end, chunkIndex)` is called twice for every chunk (phases 1
 * and 3) and must return the same tensor both times: draw the chunk's augmentation from a stream seeded by the
 * step and the chunk (e.g. `new Rng(seed).fork(step).fork(chunkIndex)`), never from a stream advanced by the
 * calls. Chunk boundaries change which augmentation an example gets only through that seeding.
 *
 * Chunk = batch (the default) takes the ordinary single-tape step, so it *is* the plain step.
 *
 * @module
 */
import { tf } from "../tf.ts";

/** A half-open range [start, end) of example indices. */
export type ChunkRange = readonly [start: number, end: number];

/** Split `size` examples into consecutive ranges of at most `chunk` examples (the last may be shorter). */
export function chunkRanges(size: number, chunk: number = size): ChunkRange[] {
  if (!(Number.isInteger(size) && size >= 1)) throw new Error(`chunkRanges: size must be >= 1, got ${size}`);
  if (!(Number.isInteger(chunk) && chunk >= 1)) {
    throw new Error(`chunkRanges: chunk must be a positive integer, got ${chunk}`);
  }
  const out: ChunkRange[] = [];
  for (let s = 0; s < size; s += chunk) out.push([s, Math.min(size, s + chunk)]);
  return out;
}

/**
 * Embeddings of examples [start, end) in training mode: a tensor whose leading axis has `end − start` rows
 * (any trailing shape, e.g. [n, d], or [n, 2d] with both SimCLR views of an image side by side). Must be a
 * pure function of its arguments and the variables (see the module documentation).
 */
export type EmbedFn = (start: number, end: number, chunkIndex: number) => tf.Tensor;

/** Options of {@link embeddingGradStep}. */
export interface EmbeddingStepOptions {
  /** Examples in the batch (rows of the full z). */
  size: number;
  /** Examples per chunk (default `size`: the plain step). */
  chunk?: number;
  /** The trained variables; `grads[i]` is the gradient of `variables[i]`. */
  variables: tf.Variable[];
  /**
   * Non-trainable variables a training-mode forward updates (batch-norm running statistics, e.g.
   * {@link stateVariables}`(model)`): restored after phase 1 so only phase 3 updates them.
   */
  state?: tf.Variable[];
  /** Embeddings of a chunk. */
  embed: EmbedFn;
  /** The loss of the full batch's embeddings (rows concatenated in chunk order). */
  loss: (z: tf.Tensor) => tf.Scalar;
  /**
   * Use the decomposition even when there is a single chunk (default false: a single chunk takes the plain
   * one-tape step). For tests and measurements.
   */
  forceDecomposition?: boolean;
}

/** What a split step returns: the caller owns (and disposes) every tensor. */
export interface SplitStepResult {
  /** The loss of the full batch. */
  loss: tf.Scalar;
  /** Gradient of each variable (null where the loss does not depend on it). */
  grads: (tf.Tensor | null)[];
}

/** The non-trainable variables of anything listing its variables (batch-norm running statistics). */
export function stateVariables(
  ...modules: { namedVariables(): Record<string, tf.Variable> }[]
): tf.Variable[] {
  return modules.flatMap((m) => Object.values(m.namedVariables()).filter((v) => !v.trainable));
}

/** Run `fn` and put the `state` variables back to their values from before it. */
export function withStateRestored<T>(state: readonly tf.Variable[], fn: () => T): T {
  if (state.length === 0) return fn();
  const saved = state.map((v) => tf.clone(v));
  try {
    return fn();
  } finally {
    state.forEach((v, i) => v.assign(saved[i]));
    tf.dispose(saved);
  }
}

/**
 * Phase 1: the embeddings of the given chunks, concatenated, computed without a gradient tape; `state` is
 * restored afterwards. Call outside any gradient tape (inside one, tfjs would record the ops).
 */
export function embedWithoutGrad(
  embed: EmbedFn,
  ranges: readonly ChunkRange[],
  state: readonly tf.Variable[] = [],
): tf.Tensor {
  return withStateRestored(state, () => {
    const parts = ranges.map(([s, e], k) => tf.tidy(() => checkRows(embed(s, e, k), e - s)));
    if (parts.length === 1) return parts[0];
    const z = tf.concat(parts, 0);
    tf.dispose(parts);
    return z;
  });
}

/** Phase 2: the loss at `z` and g = ∂L/∂z (same shape as z). */
export function lossAndEmbeddingGrad(
  loss: (z: tf.Tensor) => tf.Scalar,
  z: tf.Tensor,
): { loss: tf.Scalar; grad: tf.Tensor } {
  const { value, grad } = tf.valueAndGrad(loss)(z);
  return { loss: value, grad };
}

/**
 * Phase 3: Σ over chunks of ∂/∂θ ⟨embed(chunk), g[chunk]⟩, recomputing each chunk's forward under the tape
 * (`grad` holds the rows of exactly the given ranges, in order, its first row being `ranges[0][0]`'s).
 */
export function accumulateEmbeddingGrads(
  embed: EmbedFn,
  grad: tf.Tensor,
  ranges: readonly ChunkRange[],
  variables: tf.Variable[],
): (tf.Tensor | null)[] {
  const base = ranges[0]?.[0] ?? 0;
  return accumulate(variables, ranges, ([s, e], k) => {
    const gk = grad.slice(s - base, e - s);
    return tf.sum(tf.mul(checkRows(embed(s, e, k), e - s), gk)) as tf.Scalar;
  });
}

/**
 * One gradient of a loss over embeddings, split into chunks (see the module documentation). Returns the loss
 * and the gradients; does not update anything but the `state` (batch-norm running statistics).
 */
export function embeddingGradStep(opts: EmbeddingStepOptions): SplitStepResult {
  const ranges = chunkRanges(opts.size, opts.chunk ?? opts.size);
  if (ranges.length === 1 && !opts.forceDecomposition) {
    return tapeGrads(opts.variables, () => opts.loss(checkRows(opts.embed(0, opts.size, 0), opts.size)));
  }
  const z = embedWithoutGrad(opts.embed, ranges, opts.state);
  const { loss, grad } = lossAndEmbeddingGrad(opts.loss, z);
  z.dispose();
  try {
    return { loss, grads: accumulateEmbeddingGrads(opts.embed, grad, ranges, opts.variables) };
  } catch (e) {
    loss.dispose();
    throw e;
  } finally {
    grad.dispose();
  }
}

/** Options of {@link meanLossGradStep}. */
export interface MeanLossStepOptions {
  /** Examples in the batch. */
  size: number;
  /** Examples per chunk (default `size`). */
  chunk?: number;
  /**
   * Denominator of the mean (default `size`); a data-parallel worker holding a part of a larger batch passes
   * the full batch size so the parts' gradients add up to the full gradient.
   */
  total?: number;
  /** The trained variables. */
  variables: tf.Variable[];
  /** The mean loss over examples [start, end) (a training-mode forward). */
  loss: (start: number, end: number, chunkIndex: number) => tf.Scalar;
}

/**
 * Gradient accumulation for a loss that is a mean over examples: Σ_chunks (|chunk| / total) ∇ mean_chunk ℓ,
 * which is the full-batch gradient (up to ghost batch norm). The returned loss is the same weighted sum.
 */
export function meanLossGradStep(opts: MeanLossStepOptions): SplitStepResult {
  const total = opts.total ?? opts.size;
  const ranges = chunkRanges(opts.size, opts.chunk ?? opts.size);
  let lossSum: tf.Scalar | null = null;
  const grads = accumulate(opts.variables, ranges, ([s, e], k) => {
    const weighted = tf.mul(opts.loss(s, e, k), (e - s) / total) as tf.Scalar;
    return weighted;
  }, (value) => {
    const next = lossSum ? tf.add(lossSum, value) as tf.Scalar : tf.clone(value);
    lossSum?.dispose();
    lossSum = next;
  });
  return { loss: lossSum!, grads };
}

/** Sum of the gradients of `objective(range)` over the ranges; `onValue` sees each objective value. */
function accumulate(
  variables: tf.Variable[],
  ranges: readonly ChunkRange[],
  objective: (range: ChunkRange, chunkIndex: number) => tf.Scalar,
  onValue?: (value: tf.Scalar) => void,
): (tf.Tensor | null)[] {
  let sums: (tf.Tensor | null)[] = variables.map(() => null);
  try {
    ranges.forEach((range, k) => {
      const { loss, grads } = tapeGrads(variables, () => objective(range, k));
      onValue?.(loss);
      loss.dispose();
      sums = sums.map((acc, i) => {
        const g = grads[i];
        if (!acc) return g;
        if (!g) return acc;
        const next = tf.add(acc, g);
        tf.dispose([acc, g]);
        return next;
      });
    });
  } catch (e) {
    tf.dispose(sums.filter((g): g is tf.Tensor => g !== null));
    throw e;
  }
  return sums;
}

/** `tf.variableGrads` returning the gradients in `variables` order (null where absent). */
function tapeGrads(variables: tf.Variable[], f: () => tf.Scalar): SplitStepResult {
  const { value, grads } = tf.variableGrads(f, variables);
  return { loss: value, grads: variables.map((v) => grads[v.name] ?? null) };
}

function checkRows(z: tf.Tensor, rows: number): tf.Tensor {
  if (z.rank < 1 || z.shape[0] !== rows) {
    throw new Error(
      `split step: embed returned shape [${z.shape.join(", ")}] for a chunk of ${rows} examples`,
    );
  }
  return z;
}
