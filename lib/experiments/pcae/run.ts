/**
 * The PCAE reproduction as a run-engine method (`lib/runs`): a job loads (or trains and stores) the model of a
 * {@link PcaeRunSpec}, evaluates its student encoder (`evaluate.ts`) and returns a plain-JSON
 * {@link PcaeRunResult}; the random-init baseline is a job too. Trained weights and evaluations are separate
 * entries of the shared cache (`lib/cache.ts`), keyed by everything that determines them, so re-running the
 * notebook is instant. On the CPU backends the jobs run side by side on the engine's worker pool, one Deno
 * Worker per core; every run is seeded, so the results do not depend on the number of workers.
 *
 * @module
 */
import type { CacheOptions } from "../../cache.ts";
import { loadLabeledSplits } from "../../data/labeled_splits.ts";
import { cachedTrainedWeights, lossCurve } from "../../train/cached_weights.ts";
import type { BackendName } from "../../backend/mod.ts";
import type { Method } from "../../runs/method.ts";
import {
  type EngineContext,
  type MethodPool,
  runJob as engineRunJob,
  startMethodPool,
} from "../../runs/engine.ts";
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
import { evaluateEncoder, evaluatePlainEncoder, type PcaeEval } from "./evaluate.ts";
import { pixelEncoder } from "../../models/pixels.ts";
import { type FinetuneOutcome, type FinetuneSchedule, finetuneStudent } from "./finetune.ts";
import type { DropSetting } from "./evaluate.ts";

/** Bump when training or evaluation code changes what a cached entry would contain. */
export const PCAE_CACHE_VERSION = 1;

/** Bump when the fine-tuning code changes what a cached fine-tune would contain. */
export const FINETUNE_VERSION = 1;

/** What a PCAE job computes in: the configuration, the data, the cache options. */
export interface PcaeMethodContext {
  /** The profile's configuration. */
  cfg: PcaeConfig;
  /** The training and test images, loaded once per context. */
  data: PcaeData;
  /** Cache options (directory, freshness); default the shared cache. */
  cache?: CacheOptions;
}

/**
 * The data and settings shared by the runs of one notebook, with the engine's `log` (one line per computed job,
 * default stderr, null for silence) and `pool` ({@link startPcaePool}; null: in this thread).
 */
export type PcaeContext = EngineContext<PcaeConfig, PcaeMethodContext, PcaeJob, PcaeResult>;

/**
 * A job: a pretraining run, a baseline of a seed (the random-init encoder, or the raw pixels), or a fine-tune
 * ({@link FinetuneJob}).
 */
export type PcaeJob =
  | { kind: "run"; run: PcaeRunSpec }
  | { kind: "random"; seed: number }
  | { kind: "pixels"; seed: number }
  | FinetuneJob;

/**
 * Fine-tune the student of the pretraining run `from` (null: the random-init encoder of `seed`) on the labels
 * with `schedule` (seeded by `seed`), optionally dropping tokens while fine-tuning (`drop`), and score it on the
 * test split, then under each `inference` setting.
 */
export interface FinetuneJob {
  /** The job's tag. */
  kind: "finetune";
  /** The pretraining run whose student is fine-tuned; null: the random-init encoder of `seed`. */
  from: PcaeRunSpec | null;
  /** Seed of the random-init encoder, the head, the batches and random drops. */
  seed: number;
  /** The fine-tuning schedule. */
  schedule: FinetuneSchedule;
  /** Tokens dropped while fine-tuning and at its test (none when absent). */
  drop?: DropSetting;
  /** Further inference settings the fine-tuned model is scored under. */
  inference?: DropSetting[];
}

/** What a fine-tune job measured ({@link FinetuneOutcome}) with its label. */
export interface PcaeFinetuneResult extends FinetuneOutcome {
  /** Display label ("MAE · mask 0.75 · … → fine-tune", "random init · seed 0 → fine-tune"). */
  label: string;
}

/** Any job's result. */
export type PcaeResult = PcaeRunResult | PcaeEval | PcaeFinetuneResult;

/** What a pretraining run measured. */
export interface PcaeRunResult {
  /** The run's spec. */
  run: PcaeRunSpec;
  /** Short display label of the run ({@link runLabel}). */
  label: string;
  /** "done", or "non-finite" when the loss diverged. */
  status: "done" | "non-finite";
  /** Training seconds (of the session that trained it). */
  trainSeconds: number;
  /** Mean loss over the first 10% of the steps. */
  firstLoss: number;
  /** Mean loss over the last 10% of the steps. */
  finalLoss: number;
  /** About 20 points of the loss curve ([step, loss]). */
  lossCurve: [number, number][];
  /** Evaluation of the student encoder, with and without dropping. */
  eval: PcaeEval;
}

/** Workers that run PCAE jobs (the run engine's generic worker). */
export type PcaePool = MethodPool<PcaeConfig, PcaeJob, PcaeResult>;

/**
 * Start one worker per core (`SSL_WORKERS` overrides), or null when that would not help (one worker, or a
 * non-CPU backend). Close it when done.
 */
export function startPcaePool(
  cfg: PcaeConfig,
  backend: BackendName,
  opts: { workers?: number; cache?: CacheOptions } = {},
): PcaePool | null {
  return startMethodPool(pcaeMethod, cfg, backend, opts);
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
  ctx: PcaeMethodContext,
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
        info: { steps: res.losses.length, status: res.status, seconds: res.seconds },
        dispose: () => disposeModel(res.model),
      };
    },
    (weights) => {
      model = buildModel(cfg, run.method, run.seed);
      loadModelWeights(model, weights);
    },
    { name: "pcae-model", ...ctx.cache },
  );
  return { model, losses, status: info.status, seconds: info.seconds };
}

/** Mean of a list (NaN when empty). */
export function meanOf(x: readonly number[]): number {
  return x.length ? x.reduce((a, b) => a + b, 0) / x.length : NaN;
}

/** Compute a job in this thread (no cache lookup): what the method does on a miss. */
export async function computeJob(ctx: PcaeMethodContext, job: PcaeJob): Promise<PcaeResult> {
  const { cfg, data } = ctx;
  if (job.kind === "pixels") {
    return await evaluatePlainEncoder(cfg, pixelEncoder(cfg.imageSize, data.train.channels), data);
  }
  if (job.kind === "random") {
    const enc = buildEncoder(cfg, job.seed);
    try {
      return await evaluateEncoder(cfg, enc, data, job.seed, { drops: false });
    } finally {
      enc.dispose();
    }
  }
  if (job.kind === "finetune") return await computeFinetune(ctx, job);
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

async function computeFinetune(ctx: PcaeMethodContext, job: FinetuneJob): Promise<PcaeFinetuneResult> {
  const { cfg, data } = ctx;
  const opts = {
    ...job.schedule,
    seed: job.seed,
    ...(job.drop ? { drop: job.drop } : {}),
    ...(job.inference ? { inference: job.inference } : {}),
  };
  if (!job.from) {
    const enc = buildEncoder(cfg, job.seed);
    try {
      return { label: jobLabel(job), ...await finetuneStudent(cfg, enc, data, opts) };
    } finally {
      enc.dispose();
    }
  }
  const { model } = await trainedModel(ctx, job.from);
  try {
    return { label: jobLabel(job), ...await finetuneStudent(cfg, model.student, data, opts) };
  } finally {
    disposeModel(model);
  }
}

/** The cache key of a job's result. */
export function jobKey(cfg: PcaeConfig, job: PcaeJob): Record<string, unknown> {
  if (job.kind === "pixels") {
    const { dataset, imageSize } = cfg;
    return {
      what: "pcae-pixels-eval",
      v: PCAE_CACHE_VERSION,
      dataset,
      imageSize,
      eval: evalKey(cfg),
      seed: job.seed,
    };
  }
  if (job.kind === "finetune") {
    const { schedule, drop, inference, seed } = job;
    const from = job.from ? modelKey(cfg, job.from) : randomKey(cfg, seed);
    return { what: "pcae-finetune", v: FINETUNE_VERSION, from, schedule, drop, inference, seed };
  }
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

function randomKey(cfg: PcaeConfig, seed: number) {
  const { dataset, imageSize, encoder } = cfg;
  return { what: "pcae-random-init", v: PCAE_CACHE_VERSION, dataset, imageSize, encoder, seed };
}

function jobLabel(job: PcaeJob): string {
  if (job.kind === "finetune") {
    const from = job.from ? runLabel(job.from) : `random init · seed ${job.seed}`;
    const drop = job.drop && job.drop.ratio > 0
      ? ` (drop ${job.drop.ratio} ${job.drop.mode}${job.drop.oneShot ? " one-shot" : ""})`
      : "";
    return `${from} → fine-tune${drop}`;
  }
  return job.kind === "run"
    ? runLabel(job.run)
    : `${job.kind === "random" ? "random init" : "raw pixels"} · seed ${job.seed}`;
}

/** The PCAE reproduction's method: what the run engine computes for a {@link PcaeJob}. */
export const pcaeMethod: Method<PcaeConfig, PcaeMethodContext, PcaeJob, PcaeResult> = {
  name: "pcae",
  version: PCAE_CACHE_VERSION,
  module: import.meta.url,
  exportName: "pcaeMethod",
  load: async (cfg, cache) => ({ cfg, data: await loadPcaeData(cfg), ...(cache ? { cache } : {}) }),
  key: jobKey,
  compute: computeJob,
  label: jobLabel,
  summary: (r) =>
    "accuracy" in r
      ? `fine-tuned ${(100 * r.accuracy.mean).toFixed(1)}%`
      : `linear ${(100 * ("eval" in r ? r.eval.full : r.full).linear.mean).toFixed(1)}%`,
};

/** The cached result of a job: computed on the pool (whose worker stores it) or in this thread. */
export function runJob(ctx: PcaeContext, job: PcaeJob): Promise<PcaeResult> {
  return engineRunJob(pcaeMethod, ctx, job);
}

/** Train (or load) and evaluate a pretraining run. */
export async function runPcae(ctx: PcaeContext, run: PcaeRunSpec): Promise<PcaeRunResult> {
  return await runJob(ctx, { kind: "run", run }) as PcaeRunResult;
}

/** Evaluate the randomly initialised encoder of `seed` (the baseline every method must beat). */
export async function randomInit(ctx: PcaeContext, seed: number): Promise<PcaeEval> {
  return await runJob(ctx, { kind: "random", seed }) as PcaeEval;
}

/** Evaluate a linear probe (and kNN) on the raw pixels of `seed`'s probe images: the floor of every arm. */
export async function rawPixels(ctx: PcaeContext, seed: number): Promise<PcaeEval> {
  return await runJob(ctx, { kind: "pixels", seed }) as PcaeEval;
}

/** Fine-tune (or load the cached fine-tune of) a pretrained or random-init student ({@link FinetuneJob}). */
export async function finetuneJob(
  ctx: PcaeContext,
  job: Omit<FinetuneJob, "kind">,
): Promise<PcaeFinetuneResult> {
  return await runJob(ctx, { kind: "finetune", ...job }) as PcaeFinetuneResult;
}
