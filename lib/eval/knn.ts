/**
 * Weighted k-nearest-neighbour classification on frozen features, as in Instance Discrimination (Wu et al.
 * 2018): cosine similarity s_j between a test feature and each training feature, the k most similar training
 * points vote for their class with weight exp(s_j / τ), and the class with the largest total wins (ties: the
 * lowest class index). Defaults k = 200, τ = 0.07.
 *
 * Test rows are processed in chunks so the [chunk, N_train] similarity matrix stays under `maxElements`.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { accuracyCI, type Estimate } from "../stats/confidence.ts";
import type { FeatureSet } from "./features.ts";

/** Options of `knnClassify`. */
export interface KnnOptions {
  /** Neighbours (default 200; capped at the training-set size). */
  k?: number;
  /** Vote temperature τ (default 0.07). */
  temperature?: number;
  /** Number of classes (default: max label + 1). */
  numClasses?: number;
  /** Bound on similarity-matrix elements per chunk (default 4M). */
  maxElements?: number;
}

/** Result of kNN evaluation. */
export interface KnnResult {
  /** Test accuracy with its Wilson 95% CI. */
  accuracy: Estimate;
  /** Predicted class per test row. */
  predictions: Int32Array;
}

/** Predict test classes by temperature-weighted kNN over the training features (module doc). */
export async function knnPredict(
  train: FeatureSet,
  test: FeatureSet,
  opts: KnnOptions = {},
): Promise<Int32Array> {
  if (train.dim !== test.dim) throw new Error(`knn: train dim ${train.dim} != test dim ${test.dim}`);
  for (const [f, w] of [[train, "train"], [test, "test"]] as const) {
    if (f.features.length !== f.n * f.dim) throw new Error(`knn: ${w} features length != n·dim`);
    if (f.labels.length !== f.n) {
      throw new Error(`knn: ${w} length mismatch (${f.labels.length} labels, ${f.n} rows)`);
    }
  }
  if (train.n < 1) throw new Error("knn: too few training samples (0)");
  const tau = opts.temperature ?? 0.07;
  if (!(tau > 0)) throw new Error(`knn: temperature must be > 0, got ${tau}`);
  const k = Math.min(opts.k ?? 200, train.n);
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`knn: k must be an integer >= 1, got ${opts.k}`);
  let maxLabel = 0;
  for (const l of train.labels) maxLabel = Math.max(maxLabel, l);
  const numClasses = opts.numClasses ?? maxLabel + 1;
  const chunk = Math.max(1, Math.floor((opts.maxElements ?? 4_000_000) / train.n));
  const out = new Int32Array(test.n);
  // [D, N], transposed once (transposed matMuls are slow on some backends).
  const trainT = tf.tidy(() =>
    tf.transpose(normalizeRows(tf.tensor2d(train.features, [train.n, train.dim])))
  );
  const trainLabels = tf.tensor1d(train.labels, "int32");
  try {
    for (let start = 0; start < test.n; start += chunk) {
      const m = Math.min(chunk, test.n - start);
      const pred = tf.tidy(() => {
        const q = normalizeRows(
          tf.tensor2d(test.features.subarray(start * test.dim, (start + m) * test.dim), [m, test.dim]),
        );
        const sim = tf.matMul(q, trainT); // [m, N]
        const { values, indices } = tf.topk(sim, k, true);
        // exp((s − s_max)/τ): the same votes up to a per-row factor, without overflow for small τ
        // (exp(1/τ) is Inf in float32 below τ ≈ 0.0113, and Inf · 0 in the one-hot product is NaN).
        const w = tf.exp(tf.div(tf.sub(values, tf.slice(values, [0, 0], [m, 1])), tau)); // [m, k]
        const lab = tf.gather(trainLabels, tf.reshape(indices, [-1])); // [m·k]
        const onehot = tf.reshape(tf.cast(tf.oneHot(lab, numClasses), "float32"), [m, k, numClasses]);
        const votes = tf.sum(tf.mul(onehot, tf.expandDims(w, 2)), 1); // [m, C]
        return tf.argMax(votes, 1);
      });
      try {
        out.set(await pred.data(), start);
      } finally {
        pred.dispose();
      }
    }
  } finally {
    tf.dispose([trainT, trainLabels]);
  }
  return out;
}

function normalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-24))) as tf.Tensor2D;
}

/**
 * kNN accuracy on the test set, with predictions.
 * @example
 * ```ts
 * import { cnn3, extractFeatures, knnClassify, loadDataset, Rng } from "../mod.ts";
 * const ds = await loadDataset("shapes", { nTrain: 1000, nTest: 200 });
 * const encoder = cnn3(new Rng(0)); // in practice a pretrained encoder
 * const train = await extractFeatures(encoder, ds.train, { labelSet: "shape" });
 * const test = await extractFeatures(encoder, ds.test, { labelSet: "shape" });
 * const { accuracy } = await knnClassify(train, test, { k: 20, temperature: 0.07 });
 * console.log(accuracy.mean, accuracy.ci95); // test top-1 and its Wilson 95% CI
 * ```
 */
export async function knnClassify(
  train: FeatureSet,
  test: FeatureSet,
  opts: KnnOptions = {},
): Promise<KnnResult> {
  const predictions = await knnPredict(train, test, opts);
  return { accuracy: accuracyCI(predictions, test.labels), predictions };
}
