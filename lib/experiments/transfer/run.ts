/**
 * The transfer experiment as a run-engine method (`lib/runs`): a job is a zoo model and a seed; computing it
 * loads (or trains) the encoder, measures the upstream linear probe and every downstream task's protocols, and
 * returns a plain-JSON {@link ModelSeedResult}. Results are entries of the shared cache (`lib/cache.ts`) keyed
 * by everything that determines them, so re-running the notebook is instant; on CPU backends the jobs run side
 * by side on the engine's worker pool, with the same results (every job is seeded).
 *
 * @module
 */
import type { CacheOptions } from "../../cache.ts";
import type { BackendName } from "../../backend/mod.ts";
import type { Method } from "../../runs/method.ts";
import { type EngineContext, type MethodPool, runJob, startMethodPool } from "../../runs/engine.ts";
import type { Estimate } from "../../stats/confidence.ts";
import { loadSimclrData, type SimclrData } from "../simclr/mod.ts";
import type { TransferConfig, ZooModel } from "./config.ts";
import { loadTasks, type TaskData } from "./tasks.ts";
import { zooEncoder } from "./zoo.ts";
import { evaluateTask, probeAccuracy, type TaskResult } from "./evaluate.ts";

/** Bump when the evaluation changes what a cached entry would contain. */
export const TRANSFER_CACHE_VERSION = 2;

/** What one (model, seed) measured. */
export interface ModelSeedResult {
  /** The zoo model's name. */
  model: string;
  /** The seed (that of the upstream run). */
  seed: number;
  /** Upstream linear-probe accuracy (the analogue of ImageNet linear top-1). */
  upstream: Estimate;
  /** One result per downstream task, in the configuration's order. */
  tasks: TaskResult[];
  /** Upstream training seconds of the encoder (0 for random init). */
  trainSeconds: number;
}

/** One job: a model and a seed. */
export interface TransferJob {
  /** The zoo model to evaluate. */
  model: ZooModel;
  /** The seed (of the upstream run and the evaluation). */
  seed: number;
}

/** Workers that evaluate (model, seed) jobs (the run engine's generic worker). */
export type TransferPool = MethodPool<TransferConfig, TransferJob, ModelSeedResult>;

/** What a transfer job computes in. */
export interface TransferMethodContext {
  /** The transfer configuration. */
  cfg: TransferConfig;
  /** The upstream data (the SimCLR reproduction's, for the upstream probe and any pretraining). */
  upstream: SimclrData;
  /** The downstream tasks, loaded once per context. */
  tasks: TaskData[];
  /** Cache options (directory, freshness); default the shared cache. */
  cache?: CacheOptions;
}

/**
 * The data and settings shared by the jobs of one notebook, with the engine's `log` (one line per computed
 * job, default stderr, null for silence) and `pool`.
 */
export type TransferContext = EngineContext<
  TransferConfig,
  TransferMethodContext,
  TransferJob,
  ModelSeedResult
>;

/** Load the upstream data and every task of `cfg`. */
export async function loadTransferData(
  cfg: TransferConfig,
): Promise<Pick<TransferContext, "upstream" | "tasks">> {
  const upstream = await loadSimclrData(cfg.upstream);
  const tasks = await loadTasks(cfg.tasks, cfg.upstream.imageSize);
  return { upstream, tasks };
}

/**
 * Start workers that evaluate jobs side by side (one per core by default, `SSL_WORKERS` overrides), or null
 * when that would not help (one worker, or a non-CPU backend). Close it when done.
 */
export function startTransferPool(
  cfg: TransferConfig,
  backend: BackendName,
  opts: { workers?: number; cache?: CacheOptions } = {},
): TransferPool | null {
  return startMethodPool(transferMethod, cfg, backend, opts);
}

/** The cache key of a job: everything that determines its result. */
export function jobKey(cfg: TransferConfig, job: TransferJob): unknown {
  const { dataset, imageSize, cropScale, encoder, projection, optimizer } = cfg.upstream;
  return {
    what: "transfer-eval",
    v: TRANSFER_CACHE_VERSION,
    upstream: { dataset, imageSize, cropScale, encoder, projection, optimizer },
    model: job.model.kind === "trained" ? { kind: "trained", run: job.model.run } : { kind: job.model.kind },
    seed: job.seed,
    tasks: cfg.tasks,
    eval: cfg.eval,
  };
}

async function compute(ctx: TransferMethodContext, job: TransferJob): Promise<ModelSeedResult> {
  const { cfg, upstream } = ctx;
  const up = cfg.upstream;
  const zoo = await zooEncoder({ cfg: up, data: upstream, cache: ctx.cache }, job.model, job.seed);
  try {
    const enc = zoo.newEncoder();
    let upAcc: Estimate;
    try {
      upAcc = await probeAccuracy(enc, {
        train: upstream.train,
        test: upstream.test,
        label: upstream.label,
        numClasses: upstream.numClasses,
        batch: { size: up.imageSize },
      }, cfg.eval);
    } finally {
      enc.dispose();
    }
    const tasks: TaskResult[] = [];
    for (const t of ctx.tasks) tasks.push(await evaluateTask(() => zoo.newEncoder(), t, cfg.eval, job.seed));
    return { model: job.model.name, seed: job.seed, upstream: upAcc, tasks, trainSeconds: zoo.trainSeconds };
  } finally {
    zoo.dispose();
  }
}

/** The transfer experiment's method: what the run engine computes for a {@link TransferJob}. */
export const transferMethod: Method<TransferConfig, TransferMethodContext, TransferJob, ModelSeedResult> = {
  name: "transfer",
  version: TRANSFER_CACHE_VERSION,
  module: import.meta.url,
  exportName: "transferMethod",
  load: async (cfg, cache) => ({ cfg, ...(await loadTransferData(cfg)), ...(cache ? { cache } : {}) }),
  key: jobKey,
  compute,
  label: (job) => `${job.model.name} seed ${job.seed}`,
  summary: (r) => `upstream ${(100 * r.upstream.mean).toFixed(1)}%`,
  // a job's name is not part of its key: report the name it was asked under
  finish: (job, r) => ({ ...r, model: job.model.name }),
};

/** Evaluate (or load) one (model, seed) job (module doc). */
export function runTransferJob(ctx: TransferContext, job: TransferJob): Promise<ModelSeedResult> {
  return runJob(transferMethod, ctx, job);
}
