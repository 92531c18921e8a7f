/**
 * The run engine: one way for every experiment to run its jobs. Given a {@link Method} and its context, a job's
 * result is looked up in the shared content-addressed cache under the method's key (plus the backend, which
 * the cache adds), else computed, in this thread or on a pool of Deno Workers running the one generic worker
 * (`./worker.ts`), and stored. A run is therefore a pure function of its key: any process with the same code,
 * backend and `SSL_CACHE_DIR` finds it, which is how a grid can be spread over machines sharing the cache
 * directory (each machine runs the notebook; the first to finish a job stores it, the others read it).
 *
 * Every computed job logs one line (`<method>: <label>: <summary> (<seconds> s)`) and reports its start, its
 * training steps and its end on the progress channel (`lib/progress.ts`).
 *
 * @example
 * ```ts
 * import { runJobs } from "./engine.ts";
 * import { demoMethod } from "./method_fixture.ts"; // any module exporting a Method
 * const ctx = await demoMethod.load({ scale: 2 });
 * const results = await runJobs(demoMethod, { ...ctx, log: null }, [{ seed: 0 }, { seed: 1 }]);
 * ```
 *
 * @module
 */
import { cached, jsonCodec } from "../cache.ts";
import type { BackendName } from "../backend/mod.ts";
import { emitProgress, progressChannel, withRunLabel } from "../progress.ts";
import { type RunWorkerInit, startRunPool, type WorkerPool } from "../worker_pool.ts";
import type { AnyMethod, Method, MethodContext, TrainedEncoder } from "./method.ts";

/** What the generic worker is set up with: the method's module and the usual run-worker settings. */
export interface EngineWorkerInit<Cfg> extends RunWorkerInit<Cfg> {
  /** URL of the module exporting the method. */
  module: string;
  /** The name of that export. */
  exportName: string;
}

/** Workers that compute one method's jobs. */
export type MethodPool<Cfg, Job, Result> = WorkerPool<EngineWorkerInit<Cfg>, Job, Result>;

/** The engine's view of a notebook's context: the method's context, a log and an optional pool. */
export type EngineContext<Cfg, Ctx extends MethodContext<Cfg>, Job, Result> = Ctx & {
  /** One line per computed job (default: stderr, or nothing under a progress channel); null for silence. */
  log?: ((line: string) => void) | null;
  /** Workers that compute jobs side by side; without one, jobs run one after the other in this thread. */
  pool?: MethodPool<Cfg, Job, Result> | null;
};

/**
 * Start workers computing `method`'s jobs of `cfg` side by side, one per core by default (`SSL_WORKERS`
 * overrides), or null when that would not help (one worker, or not a CPU backend). Close it when done.
 */
export function startMethodPool<Cfg, Job, Result>(
  method: Method<Cfg, MethodContext<Cfg>, Job, Result> | AnyMethod,
  cfg: Cfg,
  backend: BackendName,
  opts: { workers?: number; cache?: RunWorkerInit<Cfg>["cache"] } = {},
): MethodPool<Cfg, Job, Result> | null {
  return startRunPool<Cfg, Job, Result, { module: string; exportName: string }>(
    new URL("./worker.ts", import.meta.url),
    cfg,
    backend,
    { ...opts, extra: { module: method.module, exportName: method.exportName } },
  );
}

/**
 * Compute a job (no cache lookup) inside its progress scope: what this thread or a worker does on a miss.
 * Emits `start` and `done` on the progress channel.
 */
export async function computeJob<Cfg, Ctx extends MethodContext<Cfg>, Job, Result>(
  method: Method<Cfg, Ctx, Job, Result>,
  ctx: Ctx,
  job: Job,
): Promise<Result> {
  const run = `${method.name}: ${method.label(job)}`;
  const t0 = performance.now();
  emitProgress({ kind: "start", run });
  const result = await withRunLabel(run, () => method.compute(ctx, job));
  emitProgress({
    kind: "done",
    run,
    seconds: (performance.now() - t0) / 1000,
    cached: false,
    summary: method.summary(result),
  });
  return result;
}

/**
 * The cache entry of `job` under `method`: read it, or make it with `compute` (and store it, unless `store` is
 * false: a pool's worker stores the entries it computes).
 */
function entry<Cfg, Ctx extends MethodContext<Cfg>, Job, Result>(
  method: Method<Cfg, Ctx, Job, Result>,
  ctx: Ctx,
  job: Job,
  compute: () => Promise<Result>,
  store = true,
): Promise<Result> {
  return cached(method.key(ctx.cfg, job), compute, jsonCodec<Result>(), {
    name: `${method.name}-eval`,
    ...ctx.cache,
    ...(store ? {} : { store: false }),
  });
}

/** The cache entry of `job` under `method`: read it, or compute and store it. */
export function cachedJob<Cfg, Ctx extends MethodContext<Cfg>, Job, Result>(
  method: Method<Cfg, Ctx, Job, Result>,
  ctx: Ctx,
  job: Job,
): Promise<Result> {
  return entry(method, ctx, job, () => computeJob(method, ctx, job));
}

/**
 * Where run lines go by default: stderr, except under `deno task reproduce` (a progress channel is set), whose
 * live view shows them, so the executed notebooks do not fill with run logs.
 */
function defaultLog(): ((line: string) => void) | null {
  return progressChannel() ? null : (l: string) => console.error(l);
}

/** The result of one job: from the cache, or computed (on the context's pool when it has one) and stored. */
export async function runJob<Cfg, Ctx extends MethodContext<Cfg>, Job, Result>(
  method: Method<Cfg, Ctx, Job, Result>,
  ctx: EngineContext<Cfg, Ctx, Job, Result>,
  job: Job,
): Promise<Result> {
  const t0 = performance.now();
  let computed = false;
  const pool = ctx.pool;
  const result = await entry(method, ctx, job, () => {
    computed = true;
    // a worker stores the entry itself; here only look it up
    return pool ? pool.run(job) : computeJob(method, ctx, job);
  }, !pool);
  const label = method.label(job);
  if (!computed) {
    emitProgress({ kind: "done", run: `${method.name}: ${label}`, seconds: 0, cached: true });
  }
  const log = ctx.log === undefined ? defaultLog() : ctx.log;
  if (log && computed) {
    log(
      `${method.name}: ${label}: ${method.summary(result)} (${
        ((performance.now() - t0) / 1000).toFixed(1)
      } s)`,
    );
  }
  return method.finish ? method.finish(job, result) : result;
}

/**
 * `f` over `items`, in order: all at once when the context has a pool (it queues the jobs and computes as many
 * side by side as it has workers), else one after the other in this thread.
 */
export async function mapRuns<T, R>(
  ctx: { cfg: unknown; pool?: object | null },
  items: readonly T[],
  f: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  if (ctx.pool) return await Promise.all(items.map(f));
  const out: R[] = [];
  for (let i = 0; i < items.length; i++) out.push(await f(items[i], i));
  return out;
}

/**
 * The results of `jobs`, in order ({@link mapRuns}). Announces how many jobs it runs on the progress channel
 * first.
 */
export function runJobs<Cfg, Ctx extends MethodContext<Cfg>, Job, Result>(
  method: Method<Cfg, Ctx, Job, Result>,
  ctx: EngineContext<Cfg, Ctx, Job, Result>,
  jobs: readonly Job[],
): Promise<Result[]> {
  emitProgress({ kind: "plan", runs: jobs.length });
  return mapRuns(ctx, jobs, (j) => runJob(method, ctx, j));
}

/**
 * The encoder of `job` under `method` (trained through the cache, or untrained as initialised), for another
 * experiment to evaluate: the engine's public way for one paper to use another's models.
 * @throws when the method does not offer its encoders.
 */
export function trainedEncoder<Cfg, Ctx extends MethodContext<Cfg>, Job, Result>(
  method: Method<Cfg, Ctx, Job, Result>,
  ctx: Ctx,
  job: Job,
  opts: { untrained?: boolean } = {},
): Promise<TrainedEncoder> {
  if (!method.encoder) throw new Error(`method ${method.name} does not offer its encoders`);
  return method.encoder(ctx, job, opts);
}
