/**
 * A pool of Deno Workers running independent jobs (e.g. whole training runs) side by side, to use every CPU
 * core with the single-threaded wasm backend. Run-level parallelism scales almost perfectly for experiments that
 * train many small models: no synchronisation inside a run, only a JSON task in and a JSON result out.
 *
 * A worker module calls {@link serveJobs} with a setup function: it receives the pool's `init` value once
 * (e.g. a config and the backend name), prepares what its jobs share (backend, dataset), and returns the job
 * handler. The pool hands each worker one job at a time, first come first served.
 *
 *     // my_worker.ts
 *     serveJobs(async (init: { backend: string }) => {
 *       await initBackend(init.backend);
 *       return async (job: { seed: number }) => train(job.seed);
 *     });
 *
 *     // main
 *     const pool = new WorkerPool(new URL("./my_worker.ts", import.meta.url), { backend: "wasm" }, 2);
 *     const results = await Promise.all(seeds.map((seed) => pool.run({ seed })));
 *     pool.close();
 *
 * A job that throws rejects its promise with the worker's error message; a worker that dies rejects its job
 * and is replaced by a fresh one for the next job.
 *
 * @module
 */
import { type BackendName, runsOnCpuCores } from "./backend/mod.ts";
import type { CacheOptions } from "./cache.ts";

/** Message from the pool to a worker. */
type ToWorker = { kind: "init"; init: unknown } | { kind: "job"; id: number; job: unknown };
/** Message from a worker to the pool. */
type FromWorker =
  | { kind: "ready" }
  | { kind: "setup-failed"; error: string }
  | { kind: "done"; id: number; result: unknown }
  | { kind: "failed"; id: number; error: string };

interface Pending {
  id: number;
  job: unknown;
  resolve: (v: unknown) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  ready: boolean;
  busy: Pending | null;
  /** Resolves when this worker's setup is done (rejects if it fails). */
  started: Promise<void>;
  onStarted: (err?: Error) => void;
}

/**
 * The number of workers to use by default: the machine's logical cores (at most `max`), at least 1.
 * Override with the `SSL_WORKERS` environment variable.
 */
export function defaultWorkerCount(max = 8): number {
  const env = Deno.env.get("SSL_WORKERS");
  if (env !== undefined && env !== "") {
    const n = Number(env);
    if (!Number.isInteger(n) || n < 1 || n > 256) {
      throw new Error(`SSL_WORKERS must be an integer in 1..256, got "${env}"`);
    }
    return n;
  }
  return Math.max(1, Math.min(max, navigator.hardwareConcurrency || 1));
}

/** Runs JSON jobs on `size` workers started from one module (see the module doc). */
export class WorkerPool<Init, Job, Result> {
  readonly #slots: Slot[] = [];
  readonly #queue: Pending[] = [];
  #nextId = 0;
  #closed = false;

  /**
   * Start `size` workers from `moduleUrl`, each set up with `init`; jobs queue until a worker is ready.
   * @param moduleUrl the worker module (it calls {@link serveJobs}).
   * @param init the value every worker's setup receives (structured-cloneable).
   * @param size the number of workers (≥ 1).
   */
  constructor(readonly moduleUrl: URL, readonly init: Init, readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error(`WorkerPool: size must be ≥ 1, got ${size}`);
    for (let i = 0; i < size; i++) this.#slots.push(this.#start());
  }

  /** Run one job on the next free worker; resolves with the handler's result. */
  run(job: Job): Promise<Result> {
    if (this.#closed) return Promise.reject(new Error("WorkerPool: run() after close()"));
    return new Promise<Result>((resolve, reject) => {
      this.#queue.push({ id: this.#nextId++, job, resolve: resolve as (v: unknown) => void, reject });
      this.#dispatch();
    });
  }

  /** Resolves once every worker has finished its setup; rejects with the cause if setup fails. */
  async ready(): Promise<void> {
    await Promise.all(this.#slots.map((s) => s.started));
  }

  /** Jobs waiting for a worker plus jobs running. */
  get pending(): number {
    return this.#queue.length + this.#slots.filter((s) => s.busy).length;
  }

  /** Terminate every worker; queued and running jobs are rejected. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const err = new Error("WorkerPool: closed");
    for (const p of this.#queue.splice(0)) p.reject(err);
    for (const s of this.#slots) {
      s.busy?.reject(err);
      s.busy = null;
      s.worker.terminate();
    }
  }

  #start(): Slot {
    const worker = new Worker(this.moduleUrl, { type: "module" });
    let onStarted: (err?: Error) => void = () => {};
    const started = new Promise<void>((resolve, reject) => {
      onStarted = (err) => (err ? reject(err) : resolve());
    });
    started.catch(() => {}); // observed through ready() or run()
    const slot: Slot = { worker, ready: false, busy: null, started, onStarted };
    worker.onmessage = (e: MessageEvent<FromWorker>) => this.#onMessage(slot, e.data);
    worker.onerror = (e: ErrorEvent) => {
      e.preventDefault();
      this.#onDeath(slot, e.message);
    };
    worker.postMessage({ kind: "init", init: this.init } satisfies ToWorker);
    return slot;
  }

  #onMessage(slot: Slot, msg: FromWorker): void {
    if (msg.kind === "ready") {
      slot.ready = true;
      slot.onStarted();
    } else if (msg.kind === "setup-failed") {
      // a setup failure is the same on every worker: fail everything rather than retry forever
      const err = new Error(`WorkerPool: worker setup failed: ${msg.error}`);
      for (const s of this.#slots) s.onStarted(err);
      for (const p of this.#queue.splice(0)) p.reject(err);
      slot.busy?.reject(err);
      this.close();
      return;
    } else {
      const p = slot.busy;
      slot.busy = null;
      if (p && p.id === msg.id) {
        if (msg.kind === "done") p.resolve(msg.result);
        else p.reject(new Error(msg.error));
      }
    }
    this.#dispatch();
  }

  #onDeath(slot: Slot, message: string): void {
    const p = slot.busy;
    slot.busy = null;
    slot.worker.terminate();
    const err = new Error(`WorkerPool: worker died: ${message}`);
    slot.onStarted(err);
    p?.reject(err);
    if (this.#closed) return;
    const i = this.#slots.indexOf(slot);
    if (i >= 0) this.#slots[i] = this.#start();
  }

  #dispatch(): void {
    for (const slot of this.#slots) {
      if (this.#queue.length === 0) return;
      if (!slot.ready || slot.busy) continue;
      const p = this.#queue.shift()!;
      slot.busy = p;
      slot.worker.postMessage({ kind: "job", id: p.id, job: p.job } satisfies ToWorker);
    }
  }
}

/**
 * The worker side of {@link WorkerPool}: call once at the top level of a worker module. `setup` receives the
 * pool's init value and returns the job handler; errors are sent back as messages (the first line of the
 * error's message, so the main thread can show a one-line cause).
 */
export function serveJobs<Init, Job, Result>(
  setup: (init: Init) => Promise<(job: Job) => Promise<Result>> | ((job: Job) => Promise<Result>),
): void {
  // deno-lint-ignore no-explicit-any
  const scope = self as any;
  let handler: ((job: Job) => Promise<Result>) | null = null;
  const chain: Promise<void>[] = [];
  const post = (m: FromWorker) => scope.postMessage(m);
  const message = (e: unknown) => (e instanceof Error ? e.message : String(e));
  scope.onmessage = (e: MessageEvent<ToWorker>) => {
    const msg = e.data;
    if (msg.kind === "init") {
      chain.push((async () => {
        try {
          handler = await setup(msg.init as Init);
          post({ kind: "ready" });
        } catch (err) {
          post({ kind: "setup-failed", error: message(err) });
        }
      })());
      return;
    }
    const id = msg.id;
    void (async () => {
      await Promise.all(chain);
      try {
        if (!handler) throw new Error("job before setup");
        post({ kind: "done", id, result: await handler(msg.job as Job) });
      } catch (err) {
        post({ kind: "failed", id, error: message(err) });
      }
    })();
  };
}

/** What an experiment's run workers start with: its configuration, the backend and the cache options. */
export interface RunWorkerInit<Cfg> {
  /** The experiment's configuration (every worker builds the same data from it). */
  cfg: Cfg;
  /** The backend each worker starts (a CPU backend: onednn, wasm or cpu). */
  backend: BackendName;
  /** Cache options (directory, freshness) the workers store their results with. */
  cache?: CacheOptions;
}

/**
 * Start workers from `moduleUrl` that run an experiment's jobs side by side, one per core by default
 * (`SSL_WORKERS` overrides), or return null when that would not help: one worker, or a backend that is not a
 * CPU backend (a GPU is shared, and tfjs-node already uses every core). Close the pool when done.
 * @param opts.extra more fields of every worker's init (e.g. which module the worker should load).
 */
export function startRunPool<Cfg, Job, Result, Extra extends object = Record<never, never>>(
  moduleUrl: URL,
  cfg: Cfg,
  backend: BackendName,
  opts: { workers?: number; cache?: CacheOptions; extra?: Extra } = {},
): WorkerPool<RunWorkerInit<Cfg> & Extra, Job, Result> | null {
  const workers = opts.workers ?? defaultWorkerCount();
  if (workers < 2 || !runsOnCpuCores(backend)) return null;
  const init = {
    ...opts.extra,
    cfg,
    backend,
    ...(opts.cache ? { cache: opts.cache } : {}),
  } as RunWorkerInit<Cfg> & Extra;
  return new WorkerPool(moduleUrl, init, workers);
}
