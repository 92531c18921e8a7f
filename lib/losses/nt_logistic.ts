/**
 * NT-Logistic, the normalised temperature-scaled logistic loss compared against NT-Xent in SimCLR (Chen et al.
 * 2020, Table 2 and Table 4).
 *
 * With the same 2N-embedding layout as NT-Xent (see `pair_similarity.ts`), s the cosine similarity (or the dot
 * product with `normalize: false`), σ the logistic sigmoid and τ the temperature, each anchor i has one positive
 * pos(i) and the set N(i) of its 2N − 2 negatives. The exact definition used here is
 *
 *     ℓ_i = −log σ(s(z_i, z_pos(i)) / τ) − w · Σ_{k ∈ N(i)} log σ(−s(z_i, z_k) / τ)
 *     L   = (1 / 2N) Σ_i ℓ_i
 *
 * Table 2 of the paper writes the per-pair term −log σ(uᵀv⁺/τ) − log σ(−uᵀv⁻/τ) for one positive and one
 * negative. Because every anchor has 2N − 2 negatives, the negative term is weighted: `negativeWeight: "mean"`
 * (default, w = 1/(2N − 2)) balances the positive against the average negative, as the paper's
 * positive/negative reweighting for sigmoid-based losses does; `"sum"` (w = 1) sums the raw per-pair terms.
 * log σ(x) is computed as −softplus(−x), which is stable for large |x|.
 *
 * @module
 */
import { tf } from "../tf.ts";
import {
  checkPairs,
  checkTemperature,
  pairSimilarity,
  type PairSimilarityOptions,
} from "./pair_similarity.ts";

/** Options of NT-Logistic. */
export interface NtLogisticOptions extends PairSimilarityOptions {
  /** How the 2N − 2 negative terms of an anchor are combined: "mean" (default) or "sum". */
  negativeWeight?: "mean" | "sum";
}

/**
 * NT-Logistic loss of the pairs `(z1[i], z2[i])`, a differentiable scalar (definition in the module doc).
 * @param z1 first view's embeddings [N, d] (N >= 2)
 * @param z2 second view's embeddings [N, d]
 * @param temperature τ > 0
 */
export function ntLogistic(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  temperature: number,
  opts: NtLogisticOptions = {},
): tf.Scalar {
  checkPairs(z1, z2, "ntLogistic");
  checkTemperature(temperature, "ntLogistic");
  const mode = opts.negativeWeight ?? "mean";
  if (mode !== "mean" && mode !== "sum") throw new Error(`ntLogistic: unknown negativeWeight "${mode}"`);
  const n = z1.shape[0];
  return tf.tidy(() => {
    const { sim, pos, selfMask, posMask } = pairSimilarity(z1, z2, opts);
    const posTerm = tf.softplus(tf.neg(tf.div(pos, temperature))); // −log σ(s⁺/τ)
    const negAll = tf.softplus(tf.div(sim, temperature)); // −log σ(−s/τ) for every pair
    const negMask = tf.logicalNot(tf.logicalOr(selfMask, posMask));
    let negTerm = tf.sum(tf.where(negMask, negAll, tf.zerosLike(negAll)), 1);
    if (mode === "mean") negTerm = tf.div(negTerm, 2 * n - 2);
    return tf.mean(tf.add(posTerm, negTerm)) as tf.Scalar;
  });
}
