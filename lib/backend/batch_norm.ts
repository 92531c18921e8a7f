/**
 * Differentiable training-mode batch normalisation over every axis but the last, optionally fused with the
 * ReLU that usually follows it: `batchNormTraining(x, γ, β, ε, {relu})` returns `y` and the batch statistics.
 *
 * Where the backend has the fused kernels (`kernels/batch_norm.ts`, registered on wasm) the op is ONE node
 * on the gradient tape (`tf.customGrad`) whose backward pass is the closed-form batch-norm gradient; it saves
 * only `x`, γ, β and the per-channel statistics. Elsewhere it is tfjs' composition (`tf.moments`,
 * `tf.batchNorm`, `tf.relu`), the reference the fused kernels are tested against.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { type BatchNormTrainAttrs, BN_TRAIN, BN_TRAIN_GRAD } from "./kernels/batch_norm.ts";

/** What {@link batchNormTraining} returns. */
export interface BatchNormTrainingResult<T extends tf.Tensor> {
  /** The normalised (and rectified) output, shaped as `x`. */
  y: T;
  /** Per-channel batch mean [C] (not differentiable; for running averages). */
  mean: tf.Tensor1D;
  /** Per-channel biased batch variance [C] (not differentiable; for running averages). */
  variance: tf.Tensor1D;
}

/** Options of {@link batchNormTraining}. */
export interface BatchNormTrainingOptions {
  /** Apply ReLU to the output (default false). */
  relu?: boolean;
  /** Use the fused kernels when the backend has them (default true; false forces tfjs' composition). */
  fused?: boolean;
}

/** Whether the active backend has the fused batch-norm kernels. */
export function hasFusedBatchNorm(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(BN_TRAIN, backend) !== undefined && tf.getKernel(BN_TRAIN_GRAD, backend) !== undefined;
}

/**
 * Batch-normalise `x` [..., C] with its own batch statistics over all leading axes, then scale by `gamma` and
 * shift by `beta` (both [C]); `y` is differentiable with respect to `x`, `gamma` and `beta`. `mean` and
 * `variance` are new tensors the caller owns (dispose them; they are not tracked by an enclosing `tf.tidy`
 * when the fused path runs under a gradient tape, since they escape the tape's own scope).
 */
export function batchNormTraining<T extends tf.Tensor>(
  x: T,
  gamma: tf.Tensor1D,
  beta: tf.Tensor1D,
  epsilon: number,
  opts: BatchNormTrainingOptions = {},
): BatchNormTrainingResult<T> {
  const relu = opts.relu ?? false;
  if (opts.fused === false || !hasFusedBatchNorm()) {
    return tf.tidy(() => {
      const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
      const { mean, variance } = tf.moments(x, axes);
      const z = tf.batchNorm(x, mean, variance, beta, gamma, epsilon);
      const y = (relu ? tf.relu(z) : z) as T;
      return { y, mean: mean as tf.Tensor1D, variance: variance as tf.Tensor1D };
    });
  }
  const attrs: BatchNormTrainAttrs = { epsilon, relu };
  const stats: tf.Tensor[] = [];
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [xi, g, b] = args as tf.Tensor[];
    const save = args[3] as tf.GradSaveFunc;
    const [y, mean, variance] = tf.engine().runKernel(
      BN_TRAIN,
      { x: xi, gamma: g, beta: b },
      attrs as unknown as tf.NamedAttrMap,
    ) as tf.Tensor[];
    save([xi, g, b, mean, variance]);
    stats.push(tf.keep(mean), tf.keep(variance));
    return {
      value: y,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sg, sb, sm, sv] = saved;
        return tf.engine().runKernel(
          BN_TRAIN_GRAD,
          { dy, x: sx, gamma: sg, beta: sb, mean: sm, variance: sv },
          attrs as unknown as tf.NamedAttrMap,
        ) as tf.Tensor[];
      },
    };
  });
  const y = op(x, gamma, beta) as T;
  return { y, mean: stats[0] as tf.Tensor1D, variance: stats[1] as tf.Tensor1D };
}
