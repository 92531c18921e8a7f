/**
 * The SimCLR reproduction as a run-engine method (`lib/runs`): a job ({@link SimclrJob}) loads (or trains and
 * stores) the model of a {@link RunSpec}, evaluates it, and returns a plain-JSON {@link RunResult}. Trained weights and evaluation results are separate entries of
 * the shared content-addressed cache (`lib/cache.ts`), keyed by everything that determines them, so a re-run
 * of the notebook is instant and a change of the evaluation protocol re-evaluates without retraining.
 *
 * @module
 */
import type { CacheOptions } from "../../cache.ts";
import { tf } from "../../tf.ts";
import { loadLabeledSplits } from "../../data/labeled_splits.ts";
import { cachedTrainedWeights, lossCurve } from "../../train/cached_weights.ts";
import { runLabel, type RunSpec, type SimclrConfig, stepsOf } from "./config.ts";
import { buildModel, disposeModel, loadModelWeights, modelVariables, type SimclrModel } from "./model.ts";
import { pretrain, type SimclrData } from "./pretrain.ts";
import { type EvalResult, evaluateEncoder, evaluateRun } from "./evaluate.ts";
import { pixelEncoder } from "../../models/pixels.ts";
import {
  rotationSubsetFor,
  TRANSFORM_PROTOCOL,
  type TransformPrediction,
  transformPrediction,
} from "./transform_prediction.ts";
import type { BackendName } from "../../backend/mod.ts";
import type { Method } from "../../runs/method.ts";
import { type EngineContext, type MethodPool, runJob, startMethodPool } from "../../runs/engine.ts";

/** Bump when training or evaluation code changes what a cached entry would contain. */
export const SIMCLR_CACHE_VERSION = 3;
/**
 * Bump when only the evaluation changes what a cached evaluation would contain (the trained models stay valid):
 * 2 added the probe's validation accuracy.
 */
export const SIMCLR_EVAL_VERSION = 2;

/** What a SimCLR job computes in: the configuration, the data, the cache options. */
export interface SimclrMethodContext {
  /** The profile's configuration. */
  cfg: SimclrConfig;
  /** The training and test images, loaded once per context. */
  data: SimclrData;
  /** Cache options (directory, freshness); default the shared cache. */
  cache?: CacheOptions;
}

/** One job: train (or load) and evaluate a run, with the Table 3 transformation prediction or not. */
export interface SimclrJob {
  /** The run to train (or whose initial encoder a baseline evaluates). */
  run: RunSpec;
  /** Whether to add the Table 3 transformation prediction (SimCLR runs only). */
  transforms: boolean;
  /**
   * Evaluate a baseline instead of training: the run's encoder as initialised (`random-init`, the arm every
   * trained arm must beat) or the raw pixels of the views (`pixels`), with the same protocol.
   */
  baseline?: Baseline;
}

/** The untrained baselines evaluated beside the trained runs. */
export type Baseline = "random-init" | "pixels";

/** Workers that train and evaluate SimCLR runs (the run engine's generic worker). */
export type SimclrPool = MethodPool<SimclrConfig, SimclrJob, RunResult>;

/**
 * The data and settings shared by the runs of one notebook, with the engine's `log` (one line per finished
 * run, default stderr, null for silence) and `pool` ({@link startSimclrPool}; without one, runs train one
 * after the other in this thread; results are the same either way, every run being seeded).
 */
export type SimclrContext = EngineContext<SimclrConfig, SimclrMethodContext, SimclrJob, RunResult>;

/**
 * Start workers that train runs of `cfg` side by side, one per core by default (`SSL_WORKERS` overrides), or
 * return null when that would not help: one worker, or a backend that is not a CPU backend (a GPU is shared,
 * and tfjs-node already uses every core). Close the pool when done (`pool.close()`).
 */
export function startSimclrPool(
  cfg: SimclrConfig,
  backend: BackendName,
  opts: { workers?: number; cache?: CacheOptions } = {},
): SimclrPool | null {
  return startMethodPool(simclrMethod, cfg, backend, opts);
}

/** What a run measured. */
export interface RunResult {
  /** The run's spec. */
  run: RunSpec;
  /** Short display label of the run ({@link runLabel}, or the baseline and seed). */
  label: string;
  /** Training steps scheduled ({@link stepsOf}; 0 for a baseline). */
  steps: number;
  /** "done", or "non-finite" when the loss diverged. */
  status: "done" | "non-finite";
  /** Training seconds (of the run that trained it, possibly an earlier session). */
  trainSeconds: number;
  /** Mean loss over the first 10% of steps (NaN for a baseline). */
  firstLoss: number;
  /** Mean loss over the last 10% of steps (NaN for a baseline). */
  finalLoss: number;
  /** About 20 points of the loss curve ([step, loss]). */
  lossCurve: [number, number][];
  /** The linear probes, kNN and diagnostics of the run. */
  eval: EvalResult;
  /** Table 3 transformation prediction (only when asked for). */
  transforms?: TransformPrediction[];
}

/**
 * Load the profile's dataset (shapes is generated from its seed, with the profile's generation options;
 * cifar10 is downloaded on first use).
 */
export async function loadSimclrData(cfg: SimclrConfig): Promise<SimclrData> {
  return await loadLabeledSplits(cfg.dataset);
}

function modelKey(cfg: SimclrConfig, run: RunSpec) {
  const { dataset, imageSize, cropScale, encoder, projection, optimizer } = cfg;
  return {
    what: "simclr-model",
    v: SIMCLR_CACHE_VERSION,
    dataset,
    imageSize,
    cropScale,
    encoder,
    projection,
    optimizer,
    run,
  };
}

/** The trained model of `run` (from the cache, or trained now) with its loss history. */
export async function trainedModel(
  ctx: SimclrMethodContext,
  run: RunSpec,
): Promise<{ model: SimclrModel; losses: number[]; status: "done" | "non-finite"; seconds: number }> {
  const { cfg, data } = ctx;
  // built after training (as before the cache helper), so a training run sees the same state
  let model!: SimclrModel;
  const { losses, info } = await cachedTrainedWeights(
    modelKey(cfg, run),
    async () => {
      const res = await pretrain(cfg, run, data);
      return {
        variables: modelVariables(res.model),
        losses: res.losses,
        info: { steps: res.steps, status: res.status, seconds: res.seconds },
        dispose: () => disposeModel(res.model),
      };
    },
    (weights) => {
      model = buildModel(cfg, run, data.numClasses);
      loadModelWeights(model, weights);
    },
    { name: "simclr-model", ...ctx.cache },
  );
  return { model, losses, status: info.status, seconds: info.seconds };
}

function meanOf(x: number[]): number {
  return x.length ? x.reduce((a, b) => a + b, 0) / x.length : NaN;
}

/** Evaluate a baseline of `run`'s seed (see {@link SimclrJob.baseline}): nothing is trained. */
async function evaluateBaseline(
  ctx: SimclrMethodContext,
  run: RunSpec,
  baseline: Baseline,
): Promise<RunResult> {
  const { cfg, data } = ctx;
  let evalResult: EvalResult;
  if (baseline === "pixels") {
    evalResult = await evaluateEncoder(cfg, data, pixelEncoder(cfg.imageSize, data.train.channels));
  } else {
    const model = buildModel(cfg, run, data.numClasses);
    try {
      evalResult = await evaluateRun(cfg, run, model, data);
    } finally {
      disposeModel(model);
    }
  }
  return {
    run,
    label: `${baseline} · seed ${run.seed}`,
    steps: 0,
    status: "done",
    trainSeconds: 0,
    firstLoss: NaN,
    finalLoss: NaN,
    lossCurve: [],
    eval: evalResult,
  };
}

/** The SimCLR reproduction's method: what the run engine computes for a {@link SimclrJob}. */
export const simclrMethod: Method<SimclrConfig, SimclrMethodContext, SimclrJob, RunResult> = {
  name: "simclr",
  version: SIMCLR_CACHE_VERSION,
  module: import.meta.url,
  exportName: "simclrMethod",
  load: async (cfg, cache) => ({ cfg, data: await loadSimclrData(cfg), ...(cache ? { cache } : {}) }),
  key: (cfg, job) => ({
    ...modelKey(cfg, job.run),
    what: "simclr-eval",
    evalVersion: SIMCLR_EVAL_VERSION,
    eval: cfg.eval,
    transforms: job.transforms ? TRANSFORM_PROTOCOL : false,
    ...(job.baseline ? { baseline: job.baseline } : {}),
  }),
  async compute(ctx, { run, transforms: withTransforms, baseline }) {
    const { cfg, data } = ctx;
    if (baseline) return await evaluateBaseline(ctx, run, baseline);
    const { model, losses, status, seconds } = await trainedModel(ctx, run);
    try {
      const k = Math.max(1, Math.round(losses.length / 10));
      const evalResult = await evaluateRun(cfg, run, model, data);
      const transforms = withTransforms && run.method === "simclr"
        ? await transformPrediction(model, data, {
          size: cfg.imageSize,
          nTrain: cfg.eval.transformTrain,
          steps: cfg.eval.transformSteps,
          seed: run.seed,
          rotation: rotationSubsetFor(cfg.dataset),
          strengths: cfg.eval.transformStrengths,
        })
        : undefined;
      return {
        run,
        label: runLabel(run),
        steps: stepsOf(cfg, run),
        status,
        trainSeconds: seconds,
        firstLoss: meanOf(losses.slice(0, k)),
        finalLoss: meanOf(losses.slice(-k)),
        lossCurve: lossCurve(losses),
        eval: evalResult,
        ...(transforms ? { transforms } : {}),
      };
    } finally {
      disposeModel(model);
    }
  },
  label: (job) => (job.baseline ? `${job.baseline} · seed ${job.run.seed}` : runLabel(job.run)),
  summary: (r) => `linear ${(100 * r.eval.linear.accuracy.mean).toFixed(1)}%`,
  async encoder(ctx, { run }, opts = {}) {
    const { cfg, data } = ctx;
    const encoderOf = (m: SimclrModel) => {
      m.head.dispose();
      return m.encoder;
    };
    if (opts.untrained) {
      return { seconds: 0, newEncoder: () => encoderOf(buildModel(cfg, run, data.numClasses)), dispose() {} };
    }
    const trained = await trainedModel(ctx, run);
    const weights: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(modelVariables(trained.model))) weights[k] = tf.clone(v);
    disposeModel(trained.model);
    return {
      seconds: trained.seconds,
      newEncoder() {
        const m = buildModel(cfg, run, data.numClasses);
        loadModelWeights(m, weights);
        return encoderOf(m);
      },
      dispose: () => tf.dispose(Object.values(weights)),
    };
  },
};

/**
 * Train (or load) and evaluate `run`, through the cache (and the pool, when the context has one). With
 * `transforms`, also run the Table 3 transformation-prediction tasks on the trained model.
 */
export function runSimclr(
  ctx: SimclrContext,
  run: RunSpec,
  opts: { transforms?: boolean; baseline?: Baseline } = {},
): Promise<RunResult> {
  return runJob(simclrMethod, ctx, {
    run,
    transforms: opts.transforms ?? false,
    ...(opts.baseline ? { baseline: opts.baseline } : {}),
  });
}
