/**
 * One cached run of the reproduction: load (or train and store) the model of a {@link RunSpec}, evaluate it,
 * and return a plain-JSON {@link RunResult}. Trained weights and evaluation results are separate entries of
 * the shared content-addressed cache (`lib/cache.ts`), keyed by everything that determines them, so a re-run
 * of the notebook is instant and a change of the evaluation protocol re-evaluates without retraining.
 *
 * @module
 */
import { cached, type CacheOptions, jsonCodec } from "../../cache.ts";
import { loadLabeledSplits } from "../../data/labeled_splits.ts";
import { cachedTrainedWeights, lossCurve } from "../../train/cached_weights.ts";
import { runLabel, type RunSpec, type SimclrConfig, stepsOf } from "./config.ts";
import { buildModel, disposeModel, loadModelWeights, modelVariables, type SimclrModel } from "./model.ts";
import { pretrain, type SimclrData } from "./pretrain.ts";
import { type EvalResult, evaluateRun } from "./evaluate.ts";
import { type TransformPrediction, transformPrediction } from "./transform_prediction.ts";
import type { BackendName } from "../../backend/mod.ts";
import { type RunWorkerInit, startRunPool, type WorkerPool } from "../../worker_pool.ts";

/** Bump when training or evaluation code changes what a cached entry would contain. */
export const SIMCLR_CACHE_VERSION = 3;

/** The data and settings shared by the runs of one notebook. */
export interface SimclrContext {
  cfg: SimclrConfig;
  data: SimclrData;
  /** Cache options (directory, freshness); default the shared cache. */
  cache?: CacheOptions;
  /** One line per finished run (default: stderr). Set to null for silence. */
  log?: ((line: string) => void) | null;
  /**
   * Workers that train runs side by side ({@link startSimclrPool}); without one, runs train one after the
   * other in this thread. Results are the same either way (every run is seeded).
   */
  pool?: SimclrPool | null;
}

/** What every worker of a {@link SimclrPool} is set up with. */
export type SimclrWorkerInit = RunWorkerInit<SimclrConfig>;

/** One job of a {@link SimclrPool}: train (or load) and evaluate a run. */
export interface SimclrJob {
  run: RunSpec;
  transforms: boolean;
}

/** Workers that train and evaluate SimCLR runs (`./run_worker.ts`). */
export type SimclrPool = WorkerPool<SimclrWorkerInit, SimclrJob, RunResult>;

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
  return startRunPool(new URL("./run_worker.ts", import.meta.url), cfg, backend, opts);
}

/** What a run measured. */
export interface RunResult {
  run: RunSpec;
  label: string;
  steps: number;
  status: "done" | "non-finite";
  /** Training seconds (of the run that trained it, possibly an earlier session). */
  trainSeconds: number;
  /** Mean loss over the first and last 10% of steps. */
  firstLoss: number;
  finalLoss: number;
  /** About 20 points of the loss curve ([step, loss]). */
  lossCurve: [number, number][];
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
  ctx: SimclrContext,
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
        info: [res.steps, res.status === "done" ? 1 : 0, res.seconds],
        dispose: () => disposeModel(res.model),
      };
    },
    (weights) => {
      model = buildModel(cfg, run, data.numClasses);
      loadModelWeights(model, weights);
    },
    { name: "simclr-model", ...ctx.cache },
  );
  return { model, losses, status: info[1] === 1 ? "done" : "non-finite", seconds: info[2] };
}

function meanOf(x: number[]): number {
  return x.length ? x.reduce((a, b) => a + b, 0) / x.length : NaN;
}

/**
 * Train (or load) and evaluate `run`. With `transforms`, also run the Table 3 transformation-prediction
 * tasks on the trained model.
 */
export async function runSimclr(
  ctx: SimclrContext,
  run: RunSpec,
  opts: { transforms?: boolean } = {},
): Promise<RunResult> {
  const { cfg, data } = ctx;
  const key = {
    ...modelKey(cfg, run),
    what: "simclr-eval",
    eval: cfg.eval,
    transforms: opts.transforms ?? false,
  };
  const t0 = performance.now();
  let trained = false;
  const pool = ctx.pool;
  if (pool) {
    // the worker stores the entry itself; here only look it up
    const result = await cached(
      key,
      () => {
        trained = true;
        return pool.run({ run, transforms: opts.transforms ?? false });
      },
      jsonCodec<RunResult>(),
      { name: "simclr-eval", ...ctx.cache, store: false },
    );
    logRun(ctx, result, trained, t0);
    return result;
  }
  const result = await cached(
    key,
    async (): Promise<RunResult> => {
      trained = true;
      const { model, losses, status, seconds } = await trainedModel(ctx, run);
      try {
        const k = Math.max(1, Math.round(losses.length / 10));
        const evalResult = await evaluateRun(cfg, run, model, data);
        const transforms = opts.transforms && run.method === "simclr"
          ? await transformPrediction(model, data, {
            size: cfg.imageSize,
            nTrain: cfg.eval.transformTrain,
            steps: cfg.eval.transformSteps,
            seed: run.seed,
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
    jsonCodec<RunResult>(),
    { name: "simclr-eval", ...ctx.cache },
  );
  logRun(ctx, result, trained, t0);
  return result;
}

function logRun(ctx: SimclrContext, result: RunResult, trained: boolean, t0: number): void {
  const log = ctx.log === undefined ? (l: string) => console.error(l) : ctx.log;
  if (log && trained) {
    log(
      `simclr: ${result.label}: linear ${(100 * result.eval.linear.accuracy.mean).toFixed(1)}% ` +
        `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
}
