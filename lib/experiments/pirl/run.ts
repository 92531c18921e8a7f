/**
 * One cached run of the PIRL reproduction: load (or train and store) the model of a {@link RunSpec}, evaluate
 * it, and return a plain-JSON {@link PirlRunResult}. Trained weights and evaluation results are separate
 * entries of the shared content-addressed cache (`lib/cache.ts`), keyed by everything that determines them,
 * so a re-run of the notebook is instant. On CPU backends runs train side by side on a worker pool
 * (`lib/worker_pool.ts`, `./run_worker.ts`); every run is seeded, so the results do not depend on it.
 *
 * @module
 */
import { cached, type CacheOptions, jsonCodec } from "../../cache.ts";
import { loadLabeledSplits } from "../../data/labeled_splits.ts";
import { cachedTrainedWeights, lossCurve } from "../../train/cached_weights.ts";
import type { BackendName } from "../../backend/mod.ts";
import { type RunWorkerInit, startRunPool, type WorkerPool } from "../../worker_pool.ts";
import { type PirlConfig, runLabel, type RunSpec } from "./config.ts";
import {
  buildPirlModel,
  disposePirlModel,
  loadPirlWeights,
  type PirlModel,
  pirlModelVariables,
} from "./model.ts";
import { type PirlData, pretrainPirl } from "./pretrain.ts";
import { evaluatePirlRun, type PirlEvalResult } from "./evaluate.ts";

/** Bump when training or evaluation code changes what a cached entry would contain. */
export const PIRL_CACHE_VERSION = 1;

/** What every worker of a {@link PirlPool} is set up with. */
export type PirlWorkerInit = RunWorkerInit<PirlConfig>;

/** Workers that train and evaluate PIRL-reproduction runs. */
export type PirlPool = WorkerPool<PirlWorkerInit, RunSpec, PirlRunResult>;

/** The data and settings shared by the runs of one notebook. */
export interface PirlContext {
  cfg: PirlConfig;
  data: PirlData;
  /** Cache options (directory, freshness); default the shared cache. */
  cache?: CacheOptions;
  /** One line per finished run (default: stderr); null for silence. */
  log?: ((line: string) => void) | null;
  /** Workers that train runs side by side, or none (one after the other in this thread). */
  pool?: PirlPool | null;
}

/** What a run measured. */
export interface PirlRunResult {
  run: RunSpec;
  label: string;
  steps: number;
  status: "done" | "non-finite";
  /** Training seconds (of the session that trained it). */
  trainSeconds: number;
  /** The NCE normalising constant used (PIRL family), else null. */
  z: number | null;
  /** About 20 points of the loss curve ([step, mean loss]). */
  lossCurve: [number, number][];
  eval: PirlEvalResult;
}

/**
 * Start workers that train runs of `cfg` side by side (one per core by default, `SSL_WORKERS` overrides), or
 * null when that would not help (one worker, or not a CPU backend). Close it when done.
 */
export function startPirlPool(
  cfg: PirlConfig,
  backend: BackendName,
  opts: { workers?: number; cache?: CacheOptions } = {},
): PirlPool | null {
  return startRunPool(new URL("./run_worker.ts", import.meta.url), cfg, backend, opts);
}

/** Load the profile's dataset (shapes generated from its seed with its options; cifar10 downloaded). */
export async function loadPirlData(cfg: PirlConfig): Promise<PirlData> {
  return await loadLabeledSplits(cfg.dataset);
}

function modelKey(cfg: PirlConfig, run: RunSpec) {
  const { eval: _eval, seeds: _seeds, lambdas: _l, negativeCounts: _n, profile: _p, ...training } = cfg;
  return { what: "pirl-model", v: PIRL_CACHE_VERSION, training, run };
}

/** The trained model of `run` (from the cache, or trained now) with its loss history. */
export async function trainedPirlModel(
  ctx: PirlContext,
  run: RunSpec,
): Promise<
  { model: PirlModel; losses: number[]; status: "done" | "non-finite"; seconds: number; z: number | null }
> {
  const { cfg, data } = ctx;
  // built after training (as before the cache helper), so a training run sees the same state
  let model!: PirlModel;
  const { losses, info } = await cachedTrainedWeights(
    modelKey(cfg, run),
    async () => {
      const res = await pretrainPirl(cfg, run, data);
      return {
        variables: pirlModelVariables(res.model),
        losses: res.losses,
        info: [res.steps, res.status === "done" ? 1 : 0, res.seconds, res.z ?? NaN],
        dispose: () => disposePirlModel(res.model),
      };
    },
    (weights) => {
      model = buildPirlModel(cfg, run, data.numClasses);
      loadPirlWeights(model, weights);
    },
    { name: "pirl-model", ...ctx.cache },
  );
  return {
    model,
    losses,
    status: info[1] === 1 ? "done" : "non-finite",
    seconds: info[2],
    z: Number.isFinite(info[3]) ? info[3] : null,
  };
}

/** Train (or load) and evaluate `run`, through the cache (and the pool, when the context has one). */
export async function runPirl(ctx: PirlContext, run: RunSpec): Promise<PirlRunResult> {
  const { cfg, data } = ctx;
  const key = { ...modelKey(cfg, run), what: "pirl-eval", eval: cfg.eval };
  const t0 = performance.now();
  let trained = false;
  const pool = ctx.pool;
  const result = await cached(
    key,
    async (): Promise<PirlRunResult> => {
      trained = true;
      // a worker stores the entry itself (store: false below); here only look it up
      if (pool) return await pool.run(run);
      const { model, losses, status, seconds, z } = await trainedPirlModel(ctx, run);
      try {
        return {
          run,
          label: runLabel(run),
          steps: losses.length,
          status,
          trainSeconds: seconds,
          z,
          lossCurve: lossCurve(losses),
          eval: await evaluatePirlRun(cfg, run, model, data),
        };
      } finally {
        disposePirlModel(model);
      }
    },
    jsonCodec<PirlRunResult>(),
    { name: "pirl-eval", ...ctx.cache, ...(pool ? { store: false } : {}) },
  );
  const log = ctx.log === undefined ? (l: string) => console.error(l) : ctx.log;
  if (log && trained) {
    const last = result.eval.stages.at(-1)!;
    log(
      `pirl: ${result.label}: last-stage linear ${(100 * last.accuracy.mean).toFixed(1)}% ` +
        `(${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  }
  return result;
}
