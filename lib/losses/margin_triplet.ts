/**
 * The margin triplet loss compared against NT-Xent in SimCLR (Chen et al. 2020, Table 2 and Table 4), with
 * optional semi-hard negative mining (Schroff et al. 2015, as in SimCLR's appendix comparison of losses).
 *
 * With the 2N-embedding layout of `pair_similarity.ts`, s the cosine similarity (or the dot product with
 * `normalize: false`) and margin m, anchor i has positive similarity s⁺_i = s(z_i, z_pos(i)) and negatives
 * N(i) (the 2N − 2 other embeddings). The exact definitions used here:
 *
 * - without mining: ℓ_i = (1 / (2N − 2)) Σ_{k ∈ N(i)} max(s(z_i, z_k) − s⁺_i + m, 0)
 * - with semi-hard mining: one negative per anchor, k*(i) = argmax { s(z_i, z_k) : k ∈ N(i), s(z_i, z_k) < s⁺_i }
 *   (the hardest negative that is still less similar than the positive); when no negative is less similar than
 *   the positive, k*(i) = argmin_{k ∈ N(i)} s(z_i, z_k) (the easiest one, as TensorFlow's semi-hard triplet loss
 *   does). Then ℓ_i = max(s(z_i, z_k*) − s⁺_i + m, 0).
 *
 * L = (1 / 2N) Σ_i ℓ_i. The choice of k* is piecewise constant, so the gradient flows through s(z_i, z_k*) only.
 * SimCLR's Table 2 writes the loss as −max(uᵀv⁻ − uᵀv⁺ + m, 0) with the sign convention of a quantity to be
 * maximised; the minimised loss is its negation, as here. Note there is no temperature: it is equivalent to
 * scaling the margin.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { checkPairs, pairSimilarity, type PairSimilarityOptions } from "./pair_similarity.ts";

/** Options of the margin triplet loss. */
export interface MarginTripletOptions extends PairSimilarityOptions {
  /** Use semi-hard negative mining (one negative per anchor). Default false (average over all negatives). */
  semiHard?: boolean;
}

/**
 * Margin triplet loss of the pairs `(z1[i], z2[i])`, a differentiable scalar (definition in the module doc).
 * @param z1 first view's embeddings [N, d] (N >= 2)
 * @param z2 second view's embeddings [N, d]
 * @param margin m >= 0 (in similarity units)
 */
export function marginTriplet(
  z1: tf.Tensor2D,
  z2: tf.Tensor2D,
  margin: number,
  opts: MarginTripletOptions = {},
): tf.Scalar {
  checkPairs(z1, z2, "marginTriplet");
  if (!(Number.isFinite(margin) && margin >= 0)) {
    throw new Error(`marginTriplet: margin must be finite and >= 0, got ${margin}`);
  }
  const n = z1.shape[0];
  return tf.tidy(() => {
    const { sim, pos, selfMask, posMask } = pairSimilarity(z1, z2, opts);
    const negMask = tf.logicalNot(tf.logicalOr(selfMask, posMask));
    const hinge = tf.relu(tf.add(tf.sub(sim, tf.expandDims(pos, 1)), margin)); // [2N, 2N]
    if (!opts.semiHard) {
      const perAnchor = tf.div(tf.sum(tf.where(negMask, hinge, tf.zerosLike(hinge)), 1), 2 * n - 2);
      return tf.mean(perAnchor) as tf.Scalar;
    }
    // Select s(z_i, z_k*) with differentiable-or-zero-gradient ops only (comparison ops have no gradients in
    // tfjs): step(s⁺ − s) is 1 exactly for negatives less similar than the positive.
    const negF = tf.cast(negMask, "float32");
    const sPos = tf.expandDims(pos, 1);
    const semi = tf.mul(tf.step(tf.sub(sPos, sim)), negF);
    const hasSemi = tf.max(semi, 1); // 1 or 0 per anchor
    const big = 1e6;
    const hardestSemi = tf.max(tf.sub(sim, tf.mul(big, tf.sub(1, semi))), 1);
    const easiest = tf.min(tf.add(sim, tf.mul(big, tf.sub(1, negF))), 1);
    const sSel = tf.add(tf.mul(hasSemi, hardestSemi), tf.mul(tf.sub(1, hasSemi), easiest));
    return tf.mean(tf.relu(tf.add(tf.sub(sSel, pos), margin))) as tf.Scalar;
  });
}
