/**
 * The contrastive objectives compared in SimCLR's Table 4, behind one function of a {@link LossSpec}:
 * NT-Xent (`lib/losses/nt_xent.ts`), NT-Logistic (`lib/losses/nt_logistic.ts`) and the margin triplet loss
 * (`lib/losses/margin_triplet.ts`, with or without semi-hard mining) and NT-Logistic with semi-hard negative
 * mining (`lib/losses/nt_logistic_semi_hard.ts`).
 *
 * @module
 */
import type { tf } from "../../tf.ts";
import { ntXent } from "../../losses/nt_xent.ts";
import { ntLogistic } from "../../losses/nt_logistic.ts";
import { marginTriplet } from "../../losses/margin_triplet.ts";
import { ntLogisticSemiHard } from "../../losses/nt_logistic_semi_hard.ts";
import type { LossSpec } from "./config.ts";

export { ntLogisticSemiHard };

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
