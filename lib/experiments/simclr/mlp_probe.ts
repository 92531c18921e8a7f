/**
 * A small MLP classifier on frozen features (SimCLR Table 3 trains one to predict the transformation applied
 * to an image from h or from g(h)): features standardised with the training statistics, one hidden ReLU layer,
 * softmax cross-entropy, full-batch Adam for a fixed number of steps, seeded initialisation.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import type { FeatureSet } from "../../eval/features.ts";
import { fitStandardizer, standardize } from "../../eval/logistic_regression.ts";
import { Dense } from "../../models/layers.ts";
import { adam } from "../../train/optimizers.ts";
import { accuracyCI, type Estimate } from "../../stats/confidence.ts";

/** Options of {@link mlpProbe}. */
export interface MlpProbeOptions {
  /** Hidden units (default 64). */
  hidden?: number;
  /** Full-batch Adam steps (default 200). */
  steps?: number;
  /** Learning rate (default 1e-2). */
  lr?: number;
  /** Initialisation seed (default 0). */
  seed?: number;
  /** Number of classes (default: max label + 1). */
  numClasses?: number;
}

/** Train the MLP on `train` and report test accuracy (Wilson CI) and the final training loss. */
export async function mlpProbe(
  train: FeatureSet,
  test: FeatureSet,
  opts: MlpProbeOptions = {},
): Promise<{ accuracy: Estimate; trainLoss: number }> {
  if (train.dim !== test.dim) throw new Error(`mlpProbe: train dim ${train.dim} != test dim ${test.dim}`);
  let c = opts.numClasses ?? 0;
  for (const l of train.labels) c = Math.max(c, l + 1);
  const st = fitStandardizer(train.features, train.n, train.dim);
  const rng = new Rng(opts.seed ?? 0).fork("mlp-probe");
  const fc1 = new Dense(rng, train.dim, opts.hidden ?? 64), fc2 = new Dense(rng, opts.hidden ?? 64, c);
  const vars = [...fc1.trainableVariables(), ...fc2.trainableVariables()];
  const opt = adam(vars);
  const x = tf.tensor2d(standardize(train.features, train.n, train.dim, st), [train.n, train.dim]);
  const y = tf.oneHot(train.labels, c);
  const forward = (t: tf.Tensor2D) => fc2.apply(fc1.apply(t, "relu"));
  let trainLoss = NaN;
  for (let s = 0; s < (opts.steps ?? 200); s++) {
    const { value, grads } = tf.variableGrads(
      () => tf.losses.softmaxCrossEntropy(y, forward(x)) as tf.Scalar,
      vars,
    );
    opt.step(vars.map((v) => grads[v.name]), opts.lr ?? 1e-2);
    trainLoss = (await value.data())[0];
    tf.dispose([value, ...Object.values(grads)]);
  }
  const pred = tf.tidy(() =>
    tf.argMax(forward(tf.tensor2d(standardize(test.features, test.n, test.dim, st), [test.n, test.dim])), 1)
  );
  const p = Int32Array.from(await pred.data());
  tf.dispose([pred, x, y]);
  opt.dispose();
  fc1.dispose();
  fc2.dispose();
  return { accuracy: accuracyCI(p, test.labels), trainLoss };
}
