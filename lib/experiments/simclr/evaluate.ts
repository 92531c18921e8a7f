/**
 * Evaluation of a trained run on frozen features: the linear probe (`lib/eval/linear_probe.ts`) on h and, for
 * SimCLR runs with a head, on z = g(h); a cosine kNN on h (`lib/eval/knn.ts` with majority votes, see
 * {@link majorityKnnOptions}); and the NT-Xent diagnostics of Table 5 (loss, contrastive accuracy, entropy) on
 * held-out test pairs made with the run's own augmentation. For the supervised baseline, the accuracy of its own
 * classifier on the (un-augmented) test images.
 *
 * Everything reads tensors asynchronously (`await t.data()`): synchronous reads fail on the webgpu backend
 * under Deno.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import { toBatch } from "../../data/batch.ts";
import { extractFeatures } from "../../eval/features.ts";
import { knnClassify } from "../../eval/knn.ts";
import { majorityKnnOptions } from "../../eval/knn_majority.ts";
import { linearProbe } from "../../eval/linear_probe.ts";
import { ntXentStats } from "../../losses/nt_xent.ts";
import { accuracyCI, type Estimate } from "../../stats/confidence.ts";
import type { RunSpec, SimclrConfig } from "./config.ts";
import { projectedEncoder, type SimclrModel } from "./model.ts";
import type { SimclrData } from "./pretrain.ts";
import { makeViews } from "./views.ts";
import { diagnosticTemperature } from "./losses.ts";

/** What one evaluated run measured (plain JSON, cached). */
export interface EvalResult {
  /**
   * Linear-probe test accuracy on h (Wilson CI over test images), its test predictions, and the accuracy on
   * the probe's validation split (20% of the training images) at the chosen λ: what model selection reads.
   */
  linear: { accuracy: Estimate; bestL2: number; predictions: number[]; valAccuracy: number };
  /** Linear-probe accuracy on z = g(h) (null for runs without a head and for supervised runs). */
  linearZ: { accuracy: Estimate; bestL2: number } | null;
  /** kNN accuracy on h. */
  knn: Estimate;
  /** NT-Xent diagnostics on held-out pairs (SimCLR runs). */
  contrastive: { loss: number; accuracy: number; entropy: number; temperature: number } | null;
  /** The supervised baseline's own classifier accuracy on the test images. */
  classifier: Estimate | null;
}

async function probe(cfg: SimclrConfig, data: SimclrData, encoder: Parameters<typeof extractFeatures>[0]) {
  const opts = { labelSet: data.label, batch: { size: cfg.imageSize }, batchSize: 256 };
  const train = await extractFeatures(encoder, data.train, opts);
  const test = await extractFeatures(encoder, data.test, opts);
  const lp = await linearProbe(train, test, {
    l2Grid: cfg.eval.l2Grid,
    maxIter: cfg.eval.maxIter,
    numClasses: data.numClasses,
    validate: true,
  });
  return { lp, train, test };
}

type Probe = Awaited<ReturnType<typeof probe>>["lp"];

/** The linear entry of an {@link EvalResult} from a probe. */
function linearEntry(lp: Probe): EvalResult["linear"] {
  return {
    accuracy: lp.accuracy,
    bestL2: lp.bestL2,
    predictions: Array.from(lp.predictions),
    valAccuracy: Math.max(...lp.validation.map((v) => v.accuracy)),
  };
}

export { majorityKnnOptions };

/**
 * Linear probe and kNN on h of any encoder (a baseline such as the raw pixels): the protocol of
 * {@link evaluateRun} without the run-specific parts (no g(h), no contrastive diagnostics, no classifier).
 */
export async function evaluateEncoder(
  cfg: SimclrConfig,
  data: SimclrData,
  encoder: Parameters<typeof extractFeatures>[0],
): Promise<EvalResult> {
  const { lp, train, test } = await probe(cfg, data, encoder);
  const knn = (await knnClassify(train, test, majorityKnnOptions(cfg.eval.knnK, data.numClasses))).accuracy;
  return {
    linear: linearEntry(lp),
    linearZ: null,
    knn,
    contrastive: null,
    classifier: null,
  };
}

/**
 * NT-Xent diagnostics of a SimCLR model on `cfg.eval.statsBatches` held-out test batches of the run's batch size
 * (asynchronous: reads with `await t.data()`).
 */
export async function contrastiveDiagnostics(
  cfg: SimclrConfig,
  run: RunSpec,
  model: SimclrModel,
  data: SimclrData,
): Promise<{ loss: number; accuracy: number; entropy: number; temperature: number }> {
  const b = Math.min(run.batchSize, data.test.n);
  const temperature = diagnosticTemperature(run.loss);
  const normalize = run.loss.kind === "nt-xent" ? run.loss.normalize : true;
  let loss = 0, accuracy = 0, entropy = 0;
  const nb = Math.max(1, cfg.eval.statsBatches);
  for (let i = 0; i < nb; i++) {
    const rng = new Rng(run.seed).fork(`eval-views:${i}`);
    const idx = rng.permutation(data.test.n).slice(0, b);
    const [z1, z2] = tf.tidy(() => {
      const [v1, v2] = makeViews(toBatch(data.test, idx), rng, run.aug, cfg.imageSize, cfg.cropScale);
      const z = (v: tf.Tensor4D) =>
        model.head.apply(model.encoder.apply(v, { training: false }).h, { training: false });
      return [z(v1), z(v2)];
    });
    const s = await ntXentStats(z1, z2, temperature, { normalize }).finally(() => tf.dispose([z1, z2]));
    loss += s.loss / nb;
    accuracy += s.accuracy / nb;
    entropy += s.entropy / nb;
  }
  return { loss, accuracy, entropy, temperature };
}

/** Evaluate a trained model (see the module doc). */
export async function evaluateRun(
  cfg: SimclrConfig,
  run: RunSpec,
  model: SimclrModel,
  data: SimclrData,
): Promise<EvalResult> {
  const { lp, train, test } = await probe(cfg, data, model.encoder);
  const knn = (await knnClassify(train, test, majorityKnnOptions(cfg.eval.knnK, data.numClasses))).accuracy;
  const linear = linearEntry(lp);
  if (run.method === "supervised") {
    const logits = await extractFeatures(projectedEncoder(model), data.test, {
      labelSet: data.label,
      batch: { size: cfg.imageSize },
    });
    const pred = new Int32Array(logits.n);
    for (let i = 0; i < logits.n; i++) {
      let best = 0;
      for (let c = 1; c < logits.dim; c++) {
        if (logits.features[i * logits.dim + c] > logits.features[i * logits.dim + best]) best = c;
      }
      pred[i] = best;
    }
    return { linear, linearZ: null, knn, contrastive: null, classifier: accuracyCI(pred, logits.labels) };
  }
  let linearZ: EvalResult["linearZ"] = null;
  if (run.head !== "none") {
    const z = await probe(cfg, data, projectedEncoder(model));
    linearZ = { accuracy: z.lp.accuracy, bestL2: z.lp.bestL2 };
  }
  return {
    linear,
    linearZ,
    knn,
    contrastive: await contrastiveDiagnostics(cfg, run, model, data),
    classifier: null,
  };
}
