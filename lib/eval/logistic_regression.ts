/**
 * Multinomial logistic regression with an L2 penalty, fitted full-batch by L-BFGS (`lbfgs.ts`) with tf ops, plus
 * feature standardisation: the classifier of the linear-probe protocol.
 *
 * Objective, for features x_i ∈ R^D (an intercept column is appended internally), labels y_i ∈ {0..C−1},
 * weights W ∈ R^{D×C}, bias b ∈ R^C and strength λ >= 0:
 *
 *     J(W, b) = (1/n) Σ_i [ logsumexp(W ᵀx_i + b) − (W ᵀx_i + b)_{y_i} ] + (λ/2) ‖W‖²_F
 *
 * (the bias is not penalised). This is scikit-learn's `LogisticRegression(C=1/(λ n))` objective divided by n.
 * The gradient is computed in closed form: ∇_W = Xᵀ(P − Y)/n + λW, ∇_b = mean(P − Y).
 *
 * Fitting and prediction are asynchronous: tensors are read with `await t.data()` only (synchronous reads fail on
 * the webgpu backend under Deno).
 *
 * @module
 */
import { tf } from "../tf.ts";
import { lbfgs, type LbfgsOptions } from "./lbfgs.ts";

/** Per-feature mean and standard deviation, from training features. */
export interface Standardizer {
  /** Feature means [D]. */
  mean: Float32Array;
  /** Feature standard deviations [D] (1 where a feature is constant). */
  std: Float32Array;
}

/** A fitted classifier: parameters θ = [W; b] of shape [D + 1, C] (last row: bias). */
export interface LogisticModel {
  /** Parameters, row-major [(D + 1) × C]. */
  theta: Float32Array;
  /** Feature dimension D. */
  dim: number;
  /** Number of classes C. */
  numClasses: number;
  /** Final objective value. */
  objective: number;
  /** max |∇J| at the solution. */
  gradInfNorm: number;
  /** L-BFGS iterations used. */
  iterations: number;
}

/** Options of `fitLogisticRegression`. */
export interface FitOptions extends LbfgsOptions {
  /** Warm start θ [(D + 1) × C] (e.g. the solution for a neighbouring λ). */
  init?: Float32Array;
}

function checkFeatures(x: Float32Array, n: number, dim: number, what: string): void {
  if (!(Number.isInteger(n) && n >= 1 && Number.isInteger(dim) && dim >= 1)) {
    throw new Error(`${what}: need n >= 1 and dim >= 1, got n=${n} dim=${dim}`);
  }
  if (x.length !== n * dim) throw new Error(`${what}: features length ${x.length} != n·dim = ${n}·${dim}`);
  for (let i = 0; i < x.length; i++) {
    if (!Number.isFinite(x[i])) throw new Error(`${what}: non-finite feature at flat index ${i}`);
  }
}

/** Per-feature mean and (population) standard deviation of row-major [n, dim] features, in double precision. */
export function fitStandardizer(x: Float32Array, n: number, dim: number): Standardizer {
  checkFeatures(x, n, dim, "fitStandardizer");
  const mean = new Float64Array(dim), sq = new Float64Array(dim);
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) mean[j] += x[i * dim + j];
  for (let j = 0; j < dim; j++) mean[j] /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < dim; j++) sq[j] += (x[i * dim + j] - mean[j]) ** 2;
  const std = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    const s = Math.sqrt(sq[j] / n);
    std[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j])) ? s : 1;
  }
  return { mean: Float32Array.from(mean), std };
}

/** (x − mean) / std, row-wise; returns a new array. */
export function standardize(x: Float32Array, n: number, dim: number, s: Standardizer): Float32Array {
  if (s.mean.length !== dim) {
    throw new Error(`standardize: standardizer has dim ${s.mean.length}, features ${dim}`);
  }
  if (x.length !== n * dim) throw new Error(`standardize: features length ${x.length} != ${n}·${dim}`);
  const out = new Float32Array(x.length);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < dim; j++) out[i * dim + j] = (x[i * dim + j] - s.mean[j]) / s.std[j];
  }
  return out;
}

function checkLabels(labels: ArrayLike<number>, n: number, numClasses: number, what: string): void {
  if (labels.length !== n) {
    throw new Error(`${what}: length mismatch (${labels.length} labels for ${n} rows)`);
  }
  for (let i = 0; i < n; i++) {
    const y = labels[i];
    if (!(Number.isInteger(y) && y >= 0 && y < numClasses)) {
      throw new Error(`${what}: label ${y} at index ${i} is not a class in [0, ${numClasses})`);
    }
  }
}

/** Append a column of ones: [n, dim] -> [n, dim + 1] tensor. */
function withIntercept(x: Float32Array, n: number, dim: number): tf.Tensor2D {
  return tf.tidy(() => tf.concat([tf.tensor2d(x, [n, dim]), tf.ones([n, 1])], 1) as tf.Tensor2D);
}

/**
 * Fit the L2-penalised multinomial logistic regression (objective in the module doc). Asynchronous (module doc);
 * input errors reject the returned promise.
 * @param x row-major features [n, dim] (standardise them first; see `fitStandardizer`)
 * @param labels class indices [n]
 * @param numClasses C >= 2
 * @param l2 λ >= 0
 */
export async function fitLogisticRegression(
  x: Float32Array,
  n: number,
  dim: number,
  labels: ArrayLike<number>,
  numClasses: number,
  l2: number,
  opts: FitOptions = {},
): Promise<LogisticModel> {
  checkFeatures(x, n, dim, "fitLogisticRegression");
  if (!(Number.isInteger(numClasses) && numClasses >= 2)) {
    throw new Error(`fitLogisticRegression: numClasses must be an integer >= 2, got ${numClasses}`);
  }
  checkLabels(labels, n, numClasses, "fitLogisticRegression");
  if (!(Number.isFinite(l2) && l2 >= 0)) throw new Error(`fitLogisticRegression: l2 must be >= 0, got ${l2}`);
  if (opts.init && opts.init.length !== (dim + 1) * numClasses) {
    throw new Error(
      `fitLogisticRegression: init has length ${opts.init.length}, expected ${(dim + 1) * numClasses}`,
    );
  }
  const xa = withIntercept(x, n, dim);
  // Xᵀ is materialised once: a transposed matMul is an order of magnitude slower on tfjs-backend-wasm.
  const xaT = tf.transpose(xa);
  const y = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.tensor1d(Int32Array.from(labels), "int32"), numClasses), "float32")
  );
  const mask = tf.tidy(() => tf.concat([tf.ones([dim, 1]), tf.zeros([1, 1])], 0)); // no penalty on the bias row
  // The value stays a scalar tensor: lbfgs reads it asynchronously.
  const objective = (theta: tf.Tensor) => {
    const [value, grad] = tf.tidy(() => {
      const logits = tf.matMul(xa, theta as tf.Tensor2D);
      const lse = tf.logSumExp(logits, 1, true);
      const wm = tf.mul(theta, mask);
      const ce = tf.mean(tf.sub(tf.squeeze(lse, [1]), tf.sum(tf.mul(y, logits), 1)));
      const v = tf.add(ce, tf.mul(0.5 * l2, tf.sum(tf.square(wm))));
      const p = tf.exp(tf.sub(logits, lse));
      const g = tf.add(tf.div(tf.matMul(xaT, tf.sub(p, y)), n), tf.mul(l2, wm));
      return [v, g];
    });
    return { value, grad };
  };
  const theta0 = opts.init ? tf.tensor2d(opts.init, [dim + 1, numClasses]) : tf.zeros([dim + 1, numClasses]);
  try {
    const res = await lbfgs(objective, theta0, opts);
    let theta: Float32Array;
    try {
      theta = Float32Array.from(await res.x.data() as Float32Array);
    } finally {
      res.x.dispose();
    }
    return {
      theta,
      dim,
      numClasses,
      objective: res.value,
      gradInfNorm: res.gradInfNorm,
      iterations: res.iterations,
    };
  } finally {
    tf.dispose([xa, xaT, y, mask, theta0]);
  }
}

/**
 * Predicted classes (argmax of the logits) of row-major features [n, dim] under a fitted model. Asynchronous
 * (module doc); input errors reject the returned promise.
 */
export async function predictLogistic(model: LogisticModel, x: Float32Array, n: number): Promise<Int32Array> {
  checkFeatures(x, n, model.dim, "predictLogistic");
  const pred = tf.tidy(() => {
    const xa = withIntercept(x, n, model.dim);
    const theta = tf.tensor2d(model.theta, [model.dim + 1, model.numClasses]);
    return tf.argMax(tf.matMul(xa, theta), 1);
  });
  try {
    return Int32Array.from(await pred.data());
  } finally {
    pred.dispose();
  }
}
