/**
 * NT-Logistic with semi-hard negative mining (SimCLR Table 4, "NT-Logi. (sh)"): the positive term of
 * NT-Logistic (`./nt_logistic.ts`) plus the mean of the negative terms over the *semi-hard* negatives of each
 * anchor, those less similar to the anchor than its positive (s(z_i, z_k) < s⁺_i); an anchor without any
 * semi-hard negative uses all of its negatives. With τ the temperature,
 * ℓ_i = softplus(−s⁺_i/τ) + mean_{k ∈ SH(i)} softplus(s(z_i, z_k)/τ), and L = mean_i ℓ_i. Similarities are
 * cosines over the 2N embeddings of N pairs, as in `./pair_similarity.ts`.
 *
 * @example
 * ```ts
 * import { tf } from "../tf.ts";
 * import { ntLogisticSemiHard } from "./nt_logistic_semi_hard.ts";
 * const z1 = tf.randomNormal([8, 16]) as tf.Tensor2D, z2 = tf.randomNormal([8, 16]) as tf.Tensor2D;
 * const loss = ntLogisticSemiHard(z1, z2, 0.5); // a scalar, differentiable in z1 and z2
 * ```
 *
 * @module
 */
import { tf } from "../tf.ts";
import { checkPairs, checkTemperature, pairSimilarity } from "./pair_similarity.ts";

/** NT-Logistic with semi-hard negative mining (definition in the module doc); a differentiable scalar. */
export function ntLogisticSemiHard(z1: tf.Tensor2D, z2: tf.Tensor2D, temperature: number): tf.Scalar {
  checkPairs(z1, z2, "ntLogisticSemiHard");
  checkTemperature(temperature, "ntLogisticSemiHard");
  return tf.tidy(() => {
    const { sim, pos, selfMask, posMask } = pairSimilarity(z1, z2);
    const negF = tf.cast(tf.logicalNot(tf.logicalOr(selfMask, posMask)), "float32");
    // step(s⁺ − s) marks negatives less similar than the positive; it is piecewise constant (no gradient).
    const semi = tf.mul(tf.step(tf.sub(tf.expandDims(pos, 1), sim)), negF);
    const hasSemi = tf.max(semi, 1, true); // 1 or 0 per anchor
    const weight = tf.add(tf.mul(hasSemi, semi), tf.mul(tf.sub(1, hasSemi), negF));
    const negTerm = tf.div(
      tf.sum(tf.mul(weight, tf.softplus(tf.div(sim, temperature))), 1),
      tf.sum(weight, 1),
    );
    const posTerm = tf.softplus(tf.neg(tf.div(pos, temperature)));
    return tf.mean(tf.add(posTerm, negTerm)) as tf.Scalar;
  });
}
