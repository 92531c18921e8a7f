/**
 * The contrastive objectives compared in SimCLR's Table 4, behind one function of a {@link LossSpec}:
 * NT-Xent (`lib/losses/nt_xent.ts`), NT-Logistic (`lib/losses/nt_logistic.ts`) and the margin triplet loss
 * (`lib/losses/margin_triplet.ts`, with or without semi-hard mining), plus NT-Logistic with semi-hard negative
 * mining, which the shared losses do not provide.
 *
 * NT-Logistic (sh), as defined here: the positive term of NT-Logistic plus the mean of the negative terms over
 * the *semi-hard* negatives of each anchor, those less similar to the anchor than its positive
 * (s(z_i, z_k) < s⁺_i); an anchor without any semi-hard negative uses all of its negatives. With τ the
 * temperature, ℓ_i = softplus(−s⁺_i/τ) + mean_{k ∈ SH(i)} softplus(s(z_i, z_k)/τ), and L = mean_i ℓ_i.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { ntXent } from "../../losses/nt_xent.ts";
import { ntLogistic } from "../../losses/nt_logistic.ts";
import { marginTriplet } from "../../losses/margin_triplet.ts";
import { checkPairs, checkTemperature, pairSimilarity } from "../../losses/pair_similarity.ts";
import type { LossSpec } from "./config.ts";

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

/** The loss of `spec` on the pair embeddings (z1[i], z2[i]); a differentiable scalar. */
export function contrastiveLoss(spec: LossSpec, z1: tf.Tensor2D, z2: tf.Tensor2D): tf.Scalar {
  switch (spec.kind) {
    case "nt-xent":
      return ntXent(z1, z2, spec.temperature, { normalize: spec.normalize });
    case "nt-logistic":
      return spec.semiHard
        ? ntLogisticSemiHard(z1, z2, spec.temperature)
        : ntLogistic(z1, z2, spec.temperature);
    case "margin":
      return marginTriplet(z1, z2, spec.margin, { semiHard: spec.semiHard });
    default:
      throw new Error(`contrastiveLoss: unknown loss ${JSON.stringify(spec)}`);
  }
}

/** The temperature at which to report NT-Xent diagnostics for a run of `spec` (its own; 1 for margin). */
export function diagnosticTemperature(spec: LossSpec): number {
  return spec.kind === "margin" ? 1 : spec.temperature;
}
