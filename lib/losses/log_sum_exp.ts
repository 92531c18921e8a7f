/**
 * Row-wise log-sum-exp with a direct gradient: `lse(x)_i = log Σ_j exp(x_ij)`, ∂lse_i/∂x_ij = softmax(x)_ij.
 *
 * Same values as `tf.logSumExp(x, 1)`, but the backward pass is one multiply by the softmax saved from the
 * forward pass. tfjs differentiates its composite `logSumExp` through the stabilising `max`, whose gradient
 * builds an `equal(x, max)` mask that is exact but useless (the max cancels) and slow on wasm (≈ 3 ms for a
 * 128 × 128 matrix, about 3% of a small SimCLR step). Entries of −∞ (masked candidates) get zero weight;
 * a row that is entirely −∞ gives −∞ and a NaN gradient, like the composite.
 *
 * @module
 */
import { tf } from "../tf.ts";

const forward = (x: tf.Tensor, save: tf.GradSaveFunc) => {
  const x2 = x as tf.Tensor2D;
  const m = tf.max(x2, 1, true);
  const e = tf.exp(tf.sub(x2, m));
  const s = tf.sum(e, 1, true);
  const value = tf.reshape(tf.add(tf.log(s), m), [x2.shape[0]]);
  const p = tf.div(e, s);
  save([p]);
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(saved[0], tf.expandDims(dy, 1)),
  };
};
// tfjs types a custom gradient's inputs as a rest list of tensors and the save function
const rowLse = tf.customGrad(forward as unknown as Parameters<typeof tf.customGrad>[0]);

/** `log Σ_j exp(x[i, j])` for each row of `x` [R, C] → [R] (differentiable; see the module doc). */
export function logSumExpRows(x: tf.Tensor2D): tf.Tensor1D {
  if (x.rank !== 2) throw new Error(`logSumExpRows: expected a rank-2 [R, C] tensor, got shape [${x.shape}]`);
  return rowLse(x) as tf.Tensor1D;
}
