/**
 * A cosine k-nearest-neighbour classifier on frozen features (the second view of representation quality next
 * to the linear probe): rows are ℓ2-normalised, each test row takes the k training rows of highest cosine
 * similarity, and the class with the most votes wins (ties: the class whose best neighbour ranks first).
 * Used until the shared evaluation library provides one.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { FeatureSet } from "../../eval/features.ts";
import { accuracyCI, type Estimate } from "../../stats/confidence.ts";

/** kNN predictions with their accuracy. */
export interface KnnResult {
  accuracy: Estimate;
  predictions: Int32Array;
}

/** Classify `test` by its k nearest `train` rows (cosine); see the module doc. */
export function knnClassify(train: FeatureSet, test: FeatureSet, k: number): KnnResult {
  if (train.dim !== test.dim) throw new Error(`knnClassify: train dim ${train.dim} != test dim ${test.dim}`);
  if (!(Number.isInteger(k) && k >= 1)) throw new Error(`knnClassify: k must be an integer >= 1, got ${k}`);
  const kk = Math.min(k, train.n);
  const indices = tf.tidy(() => {
    const norm = (f: FeatureSet) => {
      const x = tf.tensor2d(f.features, [f.n, f.dim]);
      return tf.div(x, tf.sqrt(tf.maximum(tf.sum(tf.square(x), 1, true), 1e-24)));
    };
    const sim = tf.matMul(norm(test), norm(train), false, true);
    return tf.topk(sim, kk).indices;
  });
  const idx = indices.dataSync();
  indices.dispose();
  let numClasses = 0;
  for (const l of train.labels) numClasses = Math.max(numClasses, l + 1);
  const predictions = new Int32Array(test.n);
  const votes = new Int32Array(numClasses);
  for (let i = 0; i < test.n; i++) {
    votes.fill(0);
    let best = -1;
    for (let j = 0; j < kk; j++) {
      const c = train.labels[idx[i * kk + j]];
      votes[c]++;
      if (best < 0 || votes[c] > votes[best]) best = c;
    }
    predictions[i] = best;
  }
  return { accuracy: accuracyCI(predictions, test.labels), predictions };
}
