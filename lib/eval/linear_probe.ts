/**
 * The linear-probe protocol of Ericsson et al. 2021 ("How well do self-supervised models transfer?"), on frozen
 * features:
 *
 * 1. carve a validation split (stratified, seeded; `valFraction` of each class) from the training features;
 * 2. for each L2 strength λ of a logarithmic grid, standardise with the carved-train statistics, fit the
 *    multinomial logistic regression (`logistic_regression.ts`) and measure validation accuracy, warm-starting
 *    each fit from the previous (strongest-to-weakest λ);
 * 3. refit on the full training set with the best λ (ties: the larger λ), re-standardised on all of it;
 * 4. report test accuracy with a Wilson 95% interval over the test examples.
 *
 * `linearProbe` is asynchronous (the fits read tensors with `await t.data()`; synchronous reads fail on the
 * webgpu backend under Deno).
 *
 * @module
 */
import { Rng } from "../rng.ts";
import { accuracyCI, type Estimate } from "../stats/confidence.ts";
import type { FeatureSet } from "./features.ts";
import {
  fitLogisticRegression,
  fitStandardizer,
  type LogisticModel,
  predictLogistic,
  standardize,
  type Standardizer,
} from "./logistic_regression.ts";

/** Options of the linear probe. */
export interface LinearProbeOptions {
  /** λ values to try (default: 10^-6 … 10^0, 7 values). */
  l2Grid?: number[];
  /** Fraction of each class held out for validation (default 0.2). */
  valFraction?: number;
  /** Seed of the train/validation split (default 0). */
  seed?: number;
  /** Number of classes (default: max label + 1 over train and test). */
  numClasses?: number;
  /** L-BFGS iteration cap per fit (default 200). */
  maxIter?: number;
  /** Gradient tolerance (max |∇J|) per fit (default 1e-5). */
  gradTol?: number;
  /**
   * Score the validation split even when the grid has one λ (default false: nothing to choose, no fit), for
   * callers that select something else, e.g. a learning rate, on the validation accuracy.
   */
  validate?: boolean;
}

/** Result of the linear probe. */
export interface LinearProbeResult {
  /** Test accuracy with its Wilson 95% CI over the test examples. */
  accuracy: Estimate;
  /** The λ chosen on validation. */
  bestL2: number;
  /** Validation accuracy per λ, in grid order. */
  validation: { l2: number; accuracy: number }[];
  /** Training accuracy of the final fit. */
  trainAccuracy: number;
  /** The final model (on standardised features). */
  model: LogisticModel;
  /** The standardiser of the final model (train statistics). */
  standardizer: Standardizer;
  /** Test-set predictions. */
  predictions: Int32Array;
}

/** n values spaced evenly in log10 between 10^lo and 10^hi. */
export function logspace(lo: number, hi: number, n: number): number[] {
  if (!(Number.isInteger(n) && n >= 1)) throw new Error(`logspace: n must be an integer >= 1, got ${n}`);
  if (n === 1) return [10 ** lo];
  return Array.from({ length: n }, (_, i) => 10 ** (lo + ((hi - lo) * i) / (n - 1)));
}

function rows(f: FeatureSet, idx: number[]): FeatureSet {
  const out = new Float32Array(idx.length * f.dim);
  const lab = new Int32Array(idx.length);
  idx.forEach((i, k) => {
    out.set(f.features.subarray(i * f.dim, (i + 1) * f.dim), k * f.dim);
    lab[k] = f.labels[i];
  });
  return { features: out, n: idx.length, dim: f.dim, labels: lab };
}

/** Stratified split of row indices: about `fraction` of each class (at least one if it has >= 2) to validation. */
export function stratifiedSplit(
  labels: ArrayLike<number>,
  fraction: number,
  rng: Rng,
): { train: number[]; val: number[] } {
  if (!(fraction > 0 && fraction < 1)) {
    throw new Error(`stratifiedSplit: fraction must be in (0, 1), got ${fraction}`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const list = byClass.get(labels[i]) ?? [];
    list.push(i);
    byClass.set(labels[i], list);
  }
  const train: number[] = [], val: number[] = [];
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    const list = rng.shuffle(byClass.get(c)!);
    const k = list.length >= 2 ? Math.max(1, Math.round(fraction * list.length)) : 0;
    val.push(...list.slice(0, k));
    train.push(...list.slice(k));
  }
  return { train: train.sort((a, b) => a - b), val: val.sort((a, b) => a - b) };
}

function accuracyOf(pred: Int32Array, labels: Int32Array): number {
  let k = 0;
  for (let i = 0; i < labels.length; i++) if (pred[i] === labels[i]) k++;
  return k / labels.length;
}

function checkSet(f: FeatureSet, what: string): void {
  if (f.features.length !== f.n * f.dim) throw new Error(`linearProbe: ${what} features length != n·dim`);
  if (f.labels.length !== f.n) {
    throw new Error(`linearProbe: ${what} length mismatch (${f.labels.length} labels, ${f.n} rows)`);
  }
}

/**
 * Run the linear-probe protocol (module doc) on frozen train / test features. Input errors reject the returned
 * promise.
 * @example
 * ```ts
 * import { cnn3, extractFeatures, linearProbe, loadDataset, Rng } from "../mod.ts";
 * const ds = await loadDataset("shapes", { nTrain: 1000, nTest: 200 });
 * const encoder = cnn3(new Rng(0)); // in practice a pretrained encoder
 * const train = await extractFeatures(encoder, ds.train, { labelSet: "shape" });
 * const test = await extractFeatures(encoder, ds.test, { labelSet: "shape" });
 * const probe = await linearProbe(train, test, { seed: 0 });
 * console.log(probe.accuracy.mean, probe.accuracy.ci95, probe.bestL2); // test top-1, Wilson CI, chosen λ
 * ```
 */
export async function linearProbe(
  train: FeatureSet,
  test: FeatureSet,
  opts: LinearProbeOptions = {},
): Promise<LinearProbeResult> {
  checkSet(train, "train");
  checkSet(test, "test");
  if (train.dim !== test.dim) throw new Error(`linearProbe: train dim ${train.dim} != test dim ${test.dim}`);
  if (train.n < 4) throw new Error(`linearProbe: too few training samples (${train.n})`);
  if (test.n < 1) throw new Error("linearProbe: no test samples");
  let maxLabel = 0;
  for (const l of train.labels) maxLabel = Math.max(maxLabel, l);
  for (const l of test.labels) maxLabel = Math.max(maxLabel, l);
  const numClasses = opts.numClasses ?? Math.max(2, maxLabel + 1);
  const grid = [...(opts.l2Grid ?? logspace(-6, 0, 7))];
  if (grid.length === 0 || grid.some((v) => !(v >= 0 && Number.isFinite(v)))) {
    throw new Error(`linearProbe: l2Grid must be a non-empty list of finite values >= 0`);
  }
  const fitOpts = { maxIter: opts.maxIter ?? 200, gradTol: opts.gradTol ?? 1e-5 };

  // 1-2. Model selection on a stratified validation split, strongest penalty first (warm starts).
  let bestL2 = grid[0];
  const validation: { l2: number; accuracy: number }[] = grid.map((l2) => ({ l2, accuracy: NaN }));
  if (grid.length > 1 || opts.validate) {
    const { train: tr, val } = stratifiedSplit(
      train.labels,
      opts.valFraction ?? 0.2,
      new Rng(opts.seed ?? 0),
    );
    if (val.length === 0 || tr.length === 0) {
      throw new Error("linearProbe: too few samples to carve a validation split");
    }
    const a = rows(train, tr), v = rows(train, val);
    const st = fitStandardizer(a.features, a.n, a.dim);
    const xa = standardize(a.features, a.n, a.dim, st), xv = standardize(v.features, v.n, v.dim, st);
    const order = grid.map((_, i) => i).sort((i, j) => grid[j] - grid[i]);
    let init: Float32Array | undefined;
    let bestAcc = -1;
    for (const i of order) {
      const m = await fitLogisticRegression(xa, a.n, a.dim, a.labels, numClasses, grid[i], {
        ...fitOpts,
        init,
      });
      init = m.theta;
      const acc = accuracyOf(await predictLogistic(m, xv, v.n), v.labels);
      validation[i].accuracy = acc;
      if (acc > bestAcc) { // strict: ties keep the larger λ (visited first)
        bestAcc = acc;
        bestL2 = grid[i];
      }
    }
  }

  // 3-4. Refit on all training data; evaluate on test.
  const st = fitStandardizer(train.features, train.n, train.dim);
  const xt = standardize(train.features, train.n, train.dim, st);
  const model = await fitLogisticRegression(
    xt,
    train.n,
    train.dim,
    train.labels,
    numClasses,
    bestL2,
    fitOpts,
  );
  const trainAccuracy = accuracyOf(await predictLogistic(model, xt, train.n), train.labels);
  const predictions = await predictLogistic(model, standardize(test.features, test.n, test.dim, st), test.n);
  return {
    accuracy: accuracyCI(predictions, test.labels),
    bestL2,
    validation,
    trainAccuracy,
    model,
    standardizer: st,
    predictions,
  };
}
