/**
 * Cached runs of the PCAE reproduction: load (or train and store) the model of a {@link PcaeRunSpec}, evaluate
 * its student encoder (`evaluate.ts`), and return a plain-JSON {@link PcaeRunResult}; the random-init baseline
 * is evaluated the same way. Trained weights and evaluations are separate entries of the shared cache
 * (`lib/cache.ts`), keyed by everything that determines them, so re-running the notebook is instant. On the CPU
 * backends the jobs run side by side on a worker pool (`./run_worker.ts`), one Deno Worker per core; every
 * run is seeded, so the results do not depend on the number of workers.
 *
 * @module
 */
import { cached, type CacheOptions, jsonCodec } from "../../cache.ts";
import { loadLabeledSplits } from "../../data/labeled_splits.ts";
import { cachedTrainedWeights, lossCurve } from "../../train/cached_weights.ts";
import type { BackendName } from "../../backend/mod.ts";
import { type RunWorkerInit, startRunPool, type WorkerPool } from "../../worker_pool.ts";
import { type PcaeConfig, type PcaeRunSpec, runLabel } from "./config.ts";
import {
  buildEncoder,
  buildModel,
  disposeModel,
  loadModelWeights,
  modelVariables,
  type PcaeModel,
} from "./model.ts";
import { type PcaeData, pretrain } from "./pretrain.ts";
import { evaluateEncoder, type PcaeEval } from "./evaluate.ts";

/** Bump when training or evaluation code changes what a cached entry would contain. */
export const PCAE_CACHE_VERSION = 1;

/** The data and settings shared by the runs of one notebook. */
export interface PcaeContext {
  cfg: PcaeConfig;
  data: PcaeData;
  cache?: CacheOptions;
  /** One line per finished job (default: stderr); null for silence. */
  log?: ((line: string) => void) | null;
  /** Workers that run jobs side by side ({@link startPcaePool}); null: in this thread. */
  pool?: PcaePool | null;
}

/** A job: a pretraining run, or the random-init baseline of a seed. */
export type PcaeJob = { kind: "run"; run: PcaeRunSpec } | { kind: "random"; seed: number };

/** What a pretraining run measured. */
export interface PcaeRunResult {
  run: PcaeRunSpec;
  label: string;
  status: "done" | "non-finite";
  /** Training seconds (of the session that trained it). */
  trainSeconds: number;
  /** Mean loss over the first and last 10% of the steps. */
  firstLoss: number;
  finalLoss: number;
  /** About 20 points of the loss curve ([step, loss]). */
  lossCurve: [number, number][];
  eval: PcaeEval;
}

/** What every worker is set up with. */
export type PcaeWorkerInit = RunWorkerInit<PcaeConfig>;

/** Workers that run PCAE jobs. */
export type PcaePool = WorkerPool<PcaeWorkerInit, PcaeJob, PcaeRunResult | PcaeEval>;

/**
 * Start one worker per core (`SSL_WORKERS` overrides), or null when that would not help (one worker, or a
 * non-CPU backend). Close it when done.
 */
export function startPcaePool(
  cfg: PcaeConfig,
  backend: BackendName,
  opts: { workers?: number; cache?: CacheOptions } = {},
): PcaePool | null {
  return startRunPool(new URL("./run_worker.ts", import.meta.url), cfg, backend, opts);
}

/** Load the profile's dataset at the profile's image size (shapes is generated from its seed). */
export async function loadPcaeData(cfg: PcaeConfig): Promise<PcaeData> {
  return await loadLabeledSplits(cfg.dataset, { size: cfg.imageSize });
}

function modelKey(cfg: PcaeConfig, run: PcaeRunSpec) {
  const { dataset, imageSize, encoder, decoder, teacher, optimizer, batchSize } = cfg;
  return {
    what: "pcae-model",
    v: PCAE_CACHE_VERSION,
    dataset,
    imageSize,
    encoder,
    decoder,
    teacher,
    optimizer,
    batchSize,
    run,
  };
}

function evalKey(cfg: PcaeConfig) {
  const { eval: e, dropRatios, randomDropRatios } = cfg;
  return {
    probeTrain: e.probeTrain,
    l2Grid: e.l2Grid,
    maxIter: e.maxIter,
    knnK: e.knnK,
    dropRatios,
    randomDropRatios,
  };
}

/** The trained model of `run` (from the cache, or trained now) with its loss history. */
export async function trainedModel(
  ctx: PcaeContext,
  run: PcaeRunSpec,
): Promise<{ model: PcaeModel; losses: number[]; status: "done" | "non-finite"; seconds: number }> {
  const { cfg, data } = ctx;
  // built after training (as before the cache helper), so a training run sees the same state
  let model!: PcaeModel;
  const { losses, info } = await cachedTrainedWeights(
    modelKey(cfg, run),
    async () => {
      const res = await pretrain(cfg, run, data);
      return {
        variables: modelVariables(res.model),
        losses: res.losses,
        info: [res.status === "done" ? 1 : 0, res.seconds],
        dispose: () => disposeModel(res.model),
      };
    },
    (weights) => {
      model = buildModel(cfg, run.method, run.seed);
      loadModelWeights(model, weights);
    },
    { name: "pcae-model", ...ctx.cache },
  );
  return { model, losses, status: info[0] === 1 ? "done" : "non-finite", seconds: info[1] };
}

/** Mean of a list (NaN when empty). */
export function meanOf(x: readonly number[]): number {
  return x.length ? x.reduce((a, b) => a + b, 0) / x.length : NaN;
}

/** Run a job in this thread (what a worker does), storing its result in the cache. */
export async function computeJob(ctx: PcaeContext, job: PcaeJob): Promise<PcaeRunResult | PcaeEval> {
  const { cfg, data } = ctx;
  if (job.kind === "random") {
    const enc = buildEncoder(cfg, job.seed);
    try {
      return await evaluateEncoder(cfg, enc, data, job.seed, { drops: false });
    } finally {
      enc.dispose();
    }
  }
  const run = job.run;
  const { model, losses, status, seconds } = await trainedModel(ctx, run);
  try {
    const k = Math.max(1, Math.round(losses.length / 10));
    return {
      run,
      label: runLabel(run),
      status,
      trainSeconds: seconds,
      firstLoss: meanOf(losses.slice(0, k)),
      finalLoss: meanOf(losses.slice(-k)),
      lossCurve: lossCurve(losses),
      eval: await evaluateEncoder(cfg, model.student, data, run.seed, { drops: true }),
    };
  } finally {
    disposeModel(model);
  }
}

/** The cache key of a job's result. */
export function jobKey(cfg: PcaeConfig, job: PcaeJob) {
  return job.kind === "run" ? { ...modelKey(cfg, job.run), what: "pcae-eval", eval: evalKey(cfg) } : {
    what: "pcae-random-eval",
    v: PCAE_CACHE_VERSION,
    dataset: cfg.dataset,
    imageSize: cfg.imageSize,
    encoder: cfg.encoder,
    eval: evalKey(cfg),
    seed: job.seed,
  };
}

/** The cached result of a job: computed on the pool (whose worker stores it) or in this thread. */
export async function runJob(ctx: PcaeContext, job: PcaeJob): Promise<PcaeRunResult | PcaeEval> {
  const t0 = performance.now();
  let computed = false;
  const pool = ctx.pool;
  const result = await cached(
    jobKey(ctx.cfg, job),
    () => {
      computed = true;
      return pool ? pool.run(job) : computeJob(ctx, job);
    },
    jsonCodec<PcaeRunResult | PcaeEval>(),
    { name: "pcae-eval", ...ctx.cache, ...(pool ? { store: false } : {}) },
  );
  const log = ctx.log === undefined ? (l: string) => console.error(l) : ctx.log;
  if (log && computed) {
    const what = job.kind === "run" ? runLabel(job.run) : `random init · seed ${job.seed}`;
    const full = "eval" in result ? result.eval.full : result.full;
    log(
      `pcae: ${what}: linear ${(100 * full.linear.mean).toFixed(1)}% (${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s)`,
    );
  }
  return result;
}

/** Train (or load) and evaluate a pretraining run. */
export async function runPcae(ctx: PcaeContext, run: PcaeRunSpec): Promise<PcaeRunResult> {
  return await runJob(ctx, { kind: "run", run }) as PcaeRunResult;
}

/** Evaluate the randomly initialised encoder of `seed` (the baseline every method must beat). */
export async function randomInit(ctx: PcaeContext, seed: number): Promise<PcaeEval> {
  return await runJob(ctx, { kind: "random", seed }) as PcaeEval;
}
