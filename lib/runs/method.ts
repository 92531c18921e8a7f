/**
 * The method contract of the run engine (`./engine.ts`): what an experiment tells the engine so that one engine
 * can cache, parallelise, log and report the runs of every paper. A method is a plain object exported by its
 * module, which it names (`module`, `exportName`), so the engine's generic worker (`./worker.ts`) can load it.
 *
 * The pieces: how to {@link Method.load} what every run needs (data, tasks) from the configuration once per
 * thread; the cache {@link Method.key} of a job (everything that changes its result: the job, the training and
 * evaluation settings, the data and the method's `version`; the cache adds the backend); how to
 * {@link Method.compute} a job (train, through `cachedTrainedWeights`, and evaluate) into a plain-JSON result;
 * and how to name a job and summarise a result in one line.
 *
 * @example
 * ```ts
 * import type { Method } from "./method.ts";
 * interface Cfg { lr: number }
 * interface Ctx { cfg: Cfg }
 * export const demoMethod: Method<Cfg, Ctx, { seed: number }, { acc: number }> = {
 *   name: "demo",
 *   version: 1,
 *   module: import.meta.url,
 *   exportName: "demoMethod",
 *   load: (cfg) => Promise.resolve({ cfg }),
 *   key: (cfg, job) => ({ what: "demo-eval", v: 1, lr: cfg.lr, seed: job.seed }),
 *   compute: (ctx, job) => Promise.resolve({ acc: 0.5 + job.seed / 100 }),
 *   label: (job) => `seed ${job.seed}`,
 *   summary: (r) => `acc ${(100 * r.acc).toFixed(1)}%`,
 * };
 * ```
 *
 * @module
 */
import type { CacheOptions } from "../cache.ts";
import type { Encoder } from "../models/types.ts";

/** A job's encoder for use elsewhere (e.g. another paper's transfer study): a factory of fresh copies. */
export interface TrainedEncoder {
  /** A new encoder holding the weights (the caller disposes it). */
  newEncoder(): Encoder;
  /** Training seconds of the run that trained it (0 when untrained). */
  seconds: number;
  /** Free the stored weights. */
  dispose(): void;
}

/** What a method computes in: its configuration, what {@link Method.load} made from it, the cache options. */
export interface MethodContext<Cfg> {
  /** The experiment's configuration. */
  cfg: Cfg;
  /** Cache options (directory, freshness); default the shared cache. */
  cache?: CacheOptions;
}

/** A pretraining (or evaluation) method, as the run engine sees it. */
export interface Method<Cfg, Ctx extends MethodContext<Cfg>, Job, Result> {
  /** Short name: the log prefix and the cache entries' name (`<name>-eval`). */
  readonly name: string;
  /** Bump when code changes what a job's result would be; part of every key. */
  readonly version: number;
  /** `import.meta.url` of the module that exports this object (for the generic worker). */
  readonly module: string;
  /** The name it is exported under. */
  readonly exportName: string;
  /** Build the context every job of `cfg` runs in (load the data once per thread). */
  load(cfg: Cfg, cache?: CacheOptions): Promise<Ctx>;
  /** The cache key of a job's result: plain JSON holding everything that determines it, and `version`. */
  key(cfg: Cfg, job: Job): unknown;
  /** Compute a job's result (plain JSON). Deterministic given the key and the backend. */
  compute(ctx: Ctx, job: Job): Promise<Result>;
  /** One-line name of a job, e.g. "pirl λ=0.5 · seed 2". */
  label(job: Job): string;
  /** One-line summary of a result, e.g. "linear 52.1%". */
  summary(result: Result): string;
  /** Adjust a result for the job that asked for it (e.g. a display name that is not part of the key). */
  finish?(job: Job, result: Result): Result;
  /**
   * The job's encoder, trained (through the cache) or, with `untrained`, as initialised before training:
   * how other experiments use this method's models.
   */
  encoder?(ctx: Ctx, job: Job, opts?: { untrained?: boolean }): Promise<TrainedEncoder>;
}

/** Any method (for code that only passes methods along). */
// deno-lint-ignore no-explicit-any
export type AnyMethod = Method<any, any, any, any>;
