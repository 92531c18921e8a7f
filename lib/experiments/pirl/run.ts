/**
 * The PIRL reproduction as a run-engine method (`lib/runs`): a job is a {@link RunSpec}; computing it loads (or
 * trains and stores) the run's model and evaluates it into a plain-JSON {@link PirlRunResult}. Trained weights
 * and evaluation results are separate entries of the shared content-addressed cache, keyed by everything that
 * determines them, so a re-run of the notebook is instant. On CPU backends runs train side by side on the
 * engine's worker pool; every run is seeded, so the results do not depend on it.
 *
 * @module
 */
import type { CacheOptions } from "../../cache.ts";
import { loadLabeledSplits } from "../../data/labeled_splits.ts";
import { cachedTrainedWeights, lossCurve } from "../../train/cached_weights.ts";
import type { BackendName } from "../../backend/mod.ts";
import type { Method } from "../../runs/method.ts";
import { type EngineContext, type MethodPool, runJob, startMethodPool } from "../../runs/engine.ts";
import { type PirlConfig, runLabel, type RunSpec } from "./config.ts";
import {
  buildPirlModel,
  disposePirlModel,
  loadPirlWeights,
  type PirlModel,
  pirlModelVariables,
} from "./model.ts";
import { type PirlData, pretrainPirl } from "./pretrain.ts";
import { evaluatePirlRun, type PirlEvalResult, pixelEval } from "./evaluate.ts";

/** Bump when training or evaluation code changes what a cached entry would contain. */
export const PIRL_CACHE_VERSION = 2;

/** Workers that train and evaluate PIRL-reproduction runs. */
export type PirlPool = MethodPool<PirlConfig, RunSpec, PirlRunResult>;

/** What a PIRL job computes in: the configuration, the data, the cache options. */
export interface PirlMethodContext {
  /** The profile's configuration. */
  cfg: PirlConfig;
  /** The training and test images, loaded once per context. */
  data: PirlData;
  /** Cache options (directory, freshness); default the shared cache. */
  cache?: CacheOptions;
}

/**
 * The data and settings shared by the runs of one notebook, with the engine's `log` (one line per finished
 * run, default stderr, null for silence) and `pool` (workers that train runs side by side, or none).
 */
export type PirlContext = EngineContext<PirlConfig, PirlMethodContext, RunSpec, PirlRunResult>;

/** What a run measured. */
export interface PirlRunResult {
  /** The run's spec. */
  run: RunSpec;
  /** Short display label of the run ({@link runLabel}). */
  label: string;
  /** Training steps taken (0 for random init and raw pixels). */
  steps: number;
  /** "done", or "non-finite" when the loss diverged. */
  status: "done" | "non-finite";
  /** Training seconds (of the session that trained it). */
  trainSeconds: number;
  /** The NCE normalising constant used (PIRL family), else null. */
  z: number | null;
  /** About 20 points of the loss curve ([step, mean loss]). */
  lossCurve: [number, number][];
  /** The linear probes and invariance distances. */
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
  return startMethodPool(pirlMethod, cfg, backend, opts);
}

/** Load the profile's dataset (shapes generated from its seed with its options; cifar10 downloaded). */
export async function loadPirlData(cfg: PirlConfig): Promise<PirlData> {
  return await loadLabeledSplits(cfg.dataset);
}

/** What determines a trained model: the configuration's training fields and the run (its own lr included). */
function modelKey(cfg: PirlConfig, run: RunSpec) {
  const {
    eval: _eval,
    seeds: _seeds,
    lambdas: _l,
    negativeCounts: _n,
    permutationCounts: _t,
    profile: _p,
    lrSweep: _sweep,
    optimizer: { lr: _lr, ...optimizer },
    ...training
  } = cfg;
  return { what: "pirl-model", v: PIRL_CACHE_VERSION, training: { ...training, optimizer }, run };
}

/** The trained model of `run` (from the cache, or trained now) with its loss history. */
export async function trainedPirlModel(
  ctx: PirlMethodContext,
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
        info: { steps: res.steps, status: res.status, seconds: res.seconds, extra: { z: res.z } },
        dispose: () => disposePirlModel(res.model),
      };
    },
    (weights) => {
      model = buildPirlModel(cfg, run, data.numClasses);
      loadPirlWeights(model, weights);
    },
    { name: "pirl-model", ...ctx.cache },
  );
  return { model, losses, status: info.status, seconds: info.seconds, z: info.extra?.z ?? null };
}

/** The PIRL reproduction's method: what the run engine computes for a {@link RunSpec}. */
export const pirlMethod: Method<PirlConfig, PirlMethodContext, RunSpec, PirlRunResult> = {
  name: "pirl",
  version: PIRL_CACHE_VERSION,
  module: import.meta.url,
  exportName: "pirlMethod",
  load: async (cfg, cache) => ({ cfg, data: await loadPirlData(cfg), ...(cache ? { cache } : {}) }),
  key: (cfg, run) => ({ ...modelKey(cfg, run), what: "pirl-eval", eval: cfg.eval }),
  async compute(ctx, run) {
    if (run.method === "pixels") {
      const evalResult = await pixelEval(ctx.cfg, ctx.data);
      return {
        run,
        label: runLabel(run),
        steps: 0,
        status: "done",
        trainSeconds: 0,
        z: null,
        lossCurve: [],
        eval: evalResult,
      };
    }
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
        eval: await evaluatePirlRun(ctx.cfg, run, model, ctx.data),
      };
    } finally {
      disposePirlModel(model);
    }
  },
  label: runLabel,
  summary: (r) => `last-stage linear ${(100 * r.eval.stages.at(-1)!.accuracy.mean).toFixed(1)}%`,
};

/** Train (or load) and evaluate `run`, through the cache (and the pool, when the context has one). */
export function runPirl(ctx: PirlContext, run: RunSpec): Promise<PirlRunResult> {
  return runJob(pirlMethod, ctx, run);
}
