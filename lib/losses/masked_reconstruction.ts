/**
 * Losses of masked image modelling: MAE's normalised-pixel regression and PCAE's cosine loss on per-token
 * normalised teacher features.
 *
 * - MAE (He et al. 2022): the target of a masked patch is its pixels standardised by the patch's own mean and
 *   variance ({@link standardizeLastAxis}, their "norm_pix_loss", ε = 1e-6), the loss the mean squared error over
 *   the masked patches ({@link maskedMse}).
 * - PCAE (Li et al. 2023): the target of a kept token is the teacher's feature standardised per token (a
 *   LayerNorm without affine parameters), the loss 1 − cos(prediction, target) averaged over the tokens
 *   ({@link cosineDistanceLoss}).
 *
 * @module
 */
import { tf } from "../tf.ts";

/** (x − mean) / √(var + eps) over the last axis (per patch / per token), as MAE's norm-pix target. */
export function standardizeLastAxis<T extends tf.Tensor>(x: T, eps = 1e-6): T {
  return tf.tidy(() => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, eps))) as T;
  });
}

/** Mean over all elements of (pred − target)²: per-patch MSE averaged over patches ([B, Q, P] inputs). */
export function maskedMse(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  if (!tf.util.arraysEqual(pred.shape, target.shape)) {
    throw new Error(`maskedMse: shapes differ [${pred.shape}] vs [${target.shape}]`);
  }
  return tf.tidy(() => tf.mean(tf.square(tf.sub(pred, target))) as tf.Scalar);
}

/**
 * Mean over tokens of 1 − cos(pred, target) along the last axis (ε-guarded norms); 0 when every prediction
 * points along its target, 2 when opposite.
 */
export function cosineDistanceLoss(pred: tf.Tensor, target: tf.Tensor, eps = 1e-8): tf.Scalar {
  if (!tf.util.arraysEqual(pred.shape, target.shape)) {
    throw new Error(`cosineDistanceLoss: shapes differ [${pred.shape}] vs [${target.shape}]`);
  }
  return tf.tidy(() => {
    const dot = tf.sum(tf.mul(pred, target), -1);
    const np = tf.sqrt(tf.add(tf.sum(tf.square(pred), -1), eps));
    const nt = tf.sqrt(tf.add(tf.sum(tf.square(target), -1), eps));
    return tf.sub(1, tf.mean(tf.div(dot, tf.mul(np, nt)))) as tf.Scalar;
  });
}
