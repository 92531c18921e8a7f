/**
 * Data-parallel training over Deno Workers, to use more than one CPU core with the single-threaded wasm
 * backend (and to give each part of a batch its own 4 GiB wasm heap).
 *
 * Each worker builds an identical replica from a recipe (module URL + JSON config, see `./recipe.ts`) and
 * takes a contiguous share of every batch. One step:
 * - **embedding loss** (NT-Xent), single pass (the default when each worker's share is one chunk): every worker
 *   runs its forward under the gradient tape, writes its rows of z to shared memory and blocks
 *   (`Atomics.wait`); worker 0 waits for all of z, computes the loss and g = ∂L/∂z into shared memory; every
 *   worker then back-propagates its rows of g on the still-open tape → all-reduce. No forward is recomputed and
 *   the main thread is not involved until the gradients come back. (The first step learns z's width the other
 *   way.)
 * - **embedding loss**, recomputing (`embeddingStep: "recompute"`, or several chunks per worker): every worker
 *   embeds its rows without a tape (phase 1) → the main thread gathers z → worker 0 computes the loss and
 *   g = ∂L/∂z (phase 2) → every worker recomputes its forward and back-propagates its rows of g, chunk by
 *   chunk (phase 3) → all-reduce. Both give the same bits;
 * - **mean loss** (supervised): every worker computes its share of the gradient (weight rows/B) → all-reduce.
 *
 * All-reduce: the main thread sums the workers' gradients (Float32Arrays, in worker order, so every replica
 * receives the same bits) and averages their non-trainable state (batch-norm running statistics, which each
 * replica updated from its own rows), and every replica applies the same optimizer update, so the replicas stay
 * bit-identical (checked at start by a checksum; {@link DataParallel.weights} reads them).
 *
 * Batch norm in workers normalises per worker and per chunk (ghost batch norm, see `../split_step.ts`).
 *
 * @module
 */
import {
  type EmbedGradSync,
  type Reply,
  type Request,
  SYNC,
  type WireBatch,
  type WireTensor,
} from "./protocol.ts";
import type { RecipeConfig } from "./recipe.ts";

export type { Json, Recipe, RecipeConfig, RecipeModule } from "./recipe.ts";
export { loadRecipe, recipeStep } from "./recipe.ts";

/** Plain-array tensor data (the main thread needs no tfjs). */
export interface HostTensor {
  /** Row-major values. */
  data: Float32Array | Int32Array;
  /** Shape; the first axis is the example axis. */
  shape: number[];
}

/** One batch. */
export interface ParallelBatch {
  /** Inputs [B, ...]. */
  x: HostTensor;
  /** Labels [B, ...] (mean losses; optional for embedding losses). */
  labels?: HostTensor | null;
}

/** Options of {@link DataParallel.start}. */
export interface DataParallelOptions {
  /** URL of the recipe module (e.g. `new URL("./my_recipe.ts", import.meta.url)`). */
  recipe: string | URL;
  /** The recipe's JSON config (identical for every replica). */
  config: RecipeConfig;
  /** Number of workers (default 2). */
  workers?: number;
  /** Examples per chunk inside a worker (default: the worker's whole share). */
  chunk?: number;
  /** Backend of the workers (default wasm). */
  backend?: "onednn" | "wasm" | "cpu";
  /**
   * Embedding losses: `"single-pass"` (default) runs ONE forward per worker and keeps its gradient tape open
   * while worker 0 computes ∂L/∂z (the workers block on shared memory; the first step learns z's width the
   * `"recompute"` way); `"recompute"` embeds without a tape, then recomputes the forward under the tape (phase
   * 3). Both give the same gradients; a worker whose share is split into several chunks always recomputes.
   */
  embeddingStep?: "single-pass" | "recompute";
}

/** Milliseconds spent in each part of the last step (main-thread wall clock). */
export interface StepTimings {
  /** Phase 1 (embedding losses) or the whole gradient (mean losses), slowest worker. */
  forward: number;
  /** Phase 2 on worker 0, including the transfers. */
  loss: number;
  /** Phase 3, slowest worker. */
  backward: number;
  /** Summing gradients on the main thread + the optimizer update on the workers. */
  reduceApply: number;
}

interface Slot {
  worker: Worker;
  queue: { resolve: (r: Reply) => void; reject: (e: Error) => void }[];
}

/** A pool of workers training identical replicas; see the module documentation. */
export class DataParallel {
  /** Device description reported by worker 0's backend. */
  readonly device: string;
  /** How the recipe's loss decomposes. */
  readonly lossKind: "embedding" | "mean";
  /** Timings of the last step. */
  lastTimings: StepTimings | null = null;
  readonly #slots: Slot[];
  readonly #chunk: number | undefined;
  readonly #gradSize: number;
  readonly #singlePass: boolean;
  /** Values per row of z (learnt from the first embedding step). */
  #zWidth: number | null = null;
  #closed = false;

  private constructor(
    slots: Slot[],
    chunk: number | undefined,
    init: Extract<Reply, { op: "init" }>,
    singlePass: boolean,
  ) {
    this.#slots = slots;
    this.#chunk = chunk;
    this.#singlePass = singlePass;
    this.device = init.device;
    this.lossKind = init.lossKind;
    this.#gradSize = init.sizes.reduce((a, b) => a + b, 0);
  }

  /** Start the workers and build the replicas (checks that they are identical). */
  static async start(opts: DataParallelOptions): Promise<DataParallel> {
    const n = opts.workers ?? 2;
    if (!(Number.isInteger(n) && n >= 1)) throw new Error(`DataParallel: workers must be >= 1, got ${n}`);
    if (opts.chunk !== undefined && !(Number.isInteger(opts.chunk) && opts.chunk >= 1)) {
      throw new Error(`DataParallel: chunk must be a positive integer, got ${opts.chunk}`);
    }
    const slots: Slot[] = [];
    for (let i = 0; i < n; i++) {
      const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
      const slot: Slot = { worker, queue: [] };
      worker.onmessage = (e: MessageEvent<Reply>) => slot.queue.shift()?.resolve(e.data);
      worker.onerror = (e: ErrorEvent) => {
        e.preventDefault();
        const err = new Error(`DataParallel worker ${i}: ${e.message}`);
        for (const q of slot.queue.splice(0)) q.reject(err);
      };
      slots.push(slot);
    }
    try {
      const inits = await Promise.all(slots.map((s) =>
        call(s, {
          op: "init",
          recipe: String(opts.recipe),
          config: opts.config,
          backend: opts.backend ?? "wasm",
        }) as Promise<Extract<Reply, { op: "init" }>>
      ));
      const sums = inits.map((r) => r.checksum);
      if (sums.some((c) => c !== sums[0])) {
        throw new Error(`DataParallel: replicas differ after build (checksums ${sums.join(", ")})`);
      }
      return new DataParallel(
        slots,
        opts.chunk,
        inits[0],
        (opts.embeddingStep ?? "single-pass") === "single-pass",
      );
    } catch (e) {
      for (const s of slots) s.worker.terminate();
      throw e;
    }
  }

  /** Number of workers. */
  get workers(): number {
    return this.#slots.length;
  }

  /** One training step on `batch` (augmentation seeded by `seed`); resolves to the batch loss. */
  async step(batch: ParallelBatch, opts: { seed: number; lr: number }): Promise<number> {
    if (this.#closed) throw new Error("DataParallel: closed");
    const size = batch.x.shape[0];
    const n = this.#slots.length;
    if (size < n) throw new Error(`DataParallel: batch of ${size} for ${n} workers`);
    const bounds = Array.from({ length: n + 1 }, (_, w) => Math.floor((w * size) / n));
    const part = (w: number): WireBatch => {
      const [s, e] = [bounds[w], bounds[w + 1]];
      return {
        seed: opts.seed,
        offset: s,
        chunk: this.#chunk ?? e - s,
        x: rows(batch.x, s, e),
        labels: batch.labels ? rows(batch.labels, s, e) : null,
      };
    };
    const t0 = performance.now();
    let grads: Extract<Reply, { op: "backward" | "meanGrad" }>[];
    let loss: number;
    const timings: StepTimings = { forward: 0, loss: 0, backward: 0, reduceApply: 0 };
    if (this.lossKind === "mean") {
      grads = await Promise.all(this.#slots.map((s, w) => {
        const p = part(w);
        return call(s, { op: "meanGrad", batch: p, total: size }, transfer(p));
      })) as typeof grads;
      loss = grads.reduce((a, g) => a + g.loss, 0);
      timings.forward = performance.now() - t0;
    } else if (
      this.#singlePass && this.#zWidth !== null &&
      bounds.every((b, w) => w === 0 || b - bounds[w - 1] <= (this.#chunk ?? Infinity))
    ) {
      const width = this.#zWidth;
      const sync: EmbedGradSync = {
        ctrl: new SharedArrayBuffer(SYNC.size * 4),
        z: new SharedArrayBuffer(size * width * 4),
        grad: new SharedArrayBuffer(size * width * 4),
        loss: new SharedArrayBuffer(8),
        width,
        rows: size,
        workers: n,
      };
      const labels = batch.labels ? rows(batch.labels, 0, size) : null;
      grads = await Promise.all(this.#slots.map((s, w) => {
        const p = part(w);
        const req: Request = {
          op: "embedGrad",
          batch: p,
          sync,
          leader: w === 0,
          labels: w === 0 ? labels : null,
        };
        return call(s, req, transfer(p));
      })) as typeof grads;
      loss = grads[0].loss;
      timings.forward = performance.now() - t0;
    } else {
      const zs = await Promise.all(this.#slots.map((s, w) => {
        const p = part(w);
        return call(s, { op: "embed", batch: p }, transfer(p)) as Promise<Extract<Reply, { op: "embed" }>>;
      }));
      const t1 = performance.now();
      timings.forward = t1 - t0;
      const z = concatRows(zs.map((r) => r.z));
      this.#zWidth = z.data.length / size;
      const labels = batch.labels ? rows(batch.labels, 0, size) : null;
      const lg = await call(this.#slots[0], { op: "loss", z, labels }, [
        z.data.buffer as ArrayBuffer,
      ]) as Extract<
        Reply,
        { op: "loss" }
      >;
      const t2 = performance.now();
      timings.loss = t2 - t1;
      loss = lg.loss;
      grads = await Promise.all(this.#slots.map((s, w) => {
        const g = rows(lg.grad, bounds[w], bounds[w + 1]);
        return call(s, { op: "backward", grad: g }, [g.data.buffer as ArrayBuffer]);
      })) as typeof grads;
      timings.backward = performance.now() - t2;
    }
    const t3 = performance.now();
    const sum = new Float32Array(this.#gradSize);
    for (const g of grads) for (let i = 0; i < sum.length; i++) sum[i] += g.grads[i];
    let state: Float32Array | null = null;
    if (grads[0].state) {
      state = new Float32Array(grads[0].state.length);
      for (let i = 0; i < state.length; i++) {
        let acc = 0;
        for (const g of grads) acc += g.state![i];
        state[i] = acc / n;
      }
    }
    await Promise.all(this.#slots.map((s) => call(s, { op: "apply", grads: sum, state, lr: opts.lr })));
    timings.reduceApply = performance.now() - t3;
    this.lastTimings = timings;
    return loss;
  }

  /** Every replica's variables (trainable then state), flat, one array per worker. */
  async weights(): Promise<Float32Array[]> {
    const rs = await Promise.all(this.#slots.map((s) => call(s, { op: "weights" })));
    return rs.map((r) => (r as Extract<Reply, { op: "weights" }>).weights);
  }

  /** Free the replicas and terminate the workers. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await Promise.all(this.#slots.map((s) => call(s, { op: "dispose" })));
    } finally {
      for (const s of this.#slots) s.worker.terminate();
    }
  }
}

function call(slot: Slot, req: Request, transfer: ArrayBuffer[] = []): Promise<Reply> {
  return new Promise<Reply>((resolve, reject) => {
    slot.queue.push({
      resolve: (r) => r.ok ? resolve(r) : reject(new Error(`DataParallel worker: ${r.error}`)),
      reject,
    });
    slot.worker.postMessage(req, transfer);
  });
}

function transfer(b: WireBatch): ArrayBuffer[] {
  const out = [b.x.data.buffer as ArrayBuffer];
  if (b.labels) out.push(b.labels.data.buffer as ArrayBuffer);
  return out;
}

/** Rows [s, e) of a host tensor, copied (so the copy can be transferred). */
function rows(t: HostTensor | WireTensor, s: number, e: number): WireTensor {
  const per = t.shape.slice(1).reduce((a, b) => a * b, 1);
  return {
    data: t.data.slice(s * per, e * per),
    shape: [e - s, ...t.shape.slice(1)],
    dtype: t.data instanceof Int32Array ? "int32" : "float32",
  };
}

function concatRows(parts: WireTensor[]): WireTensor {
  const total = parts.reduce((a, p) => a + p.data.length, 0);
  const data = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    data.set(p.data, at);
    at += p.data.length;
  }
  return {
    data,
    shape: [parts.reduce((a, p) => a + p.shape[0], 0), ...parts[0].shape.slice(1)],
    dtype: "float32",
  };
}
