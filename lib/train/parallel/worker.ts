/**
 * A data-parallel worker: one model replica on its own tfjs backend (its own wasm instance and 4 GiB heap),
 * driven by {@link DataParallel} through the messages of `./protocol.ts`. Started as
 * `new Worker(new URL("./worker.ts", import.meta.url), { type: "module" })`.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { initBackend } from "../../backend/mod.ts";
import {
  accumulateEmbeddingGrads,
  type ChunkRange,
  chunkRanges,
  embedWithoutGrad,
  lossAndEmbeddingGrad,
  meanLossGradStep,
} from "../split_step.ts";
import { chunkRng, loadRecipe, type Recipe, recipeEmbed, sliceRows } from "./recipe.ts";
import {
  type EmbedGradSync,
  type Reply,
  type Request,
  SYNC,
  type WireBatch,
  type WireTensor,
} from "./protocol.ts";

let recipe: Recipe | null = null;
/** The rows of the step in flight between `embed` and `backward`. */
let pending: { x: tf.Tensor; batch: WireBatch; ranges: ChunkRange[] } | null = null;

function toTensor(w: WireTensor): tf.Tensor {
  return tf.tensor(w.data, w.shape, w.dtype);
}

function toWire(t: tf.Tensor): WireTensor {
  // a copy: the cpu backend's dataSync returns the tensor's own storage, which must not be transferred
  return { data: (t.dataSync() as Float32Array).slice(), shape: t.shape, dtype: "float32" };
}

/** Concatenate tensors (null: zeros of the matching variable) into one Float32Array. */
function flatten(ts: (tf.Tensor | null)[], like: tf.Variable[]): Float32Array {
  const out = new Float32Array(like.reduce((n, v) => n + v.size, 0));
  let at = 0;
  ts.forEach((t, i) => {
    if (t) out.set(t.dataSync() as Float32Array, at);
    at += like[i].size;
  });
  return out;
}

/** Split a flat array into tensors shaped as `like`. */
function unflatten(flat: Float32Array, like: tf.Variable[]): tf.Tensor[] {
  let at = 0;
  return like.map((v) => {
    const t = tf.tensor(flat.subarray(at, at + v.size), v.shape, "float32");
    at += v.size;
    return t;
  });
}

/** FNV-1a over the bytes of every variable: equal replicas give equal checksums. */
function checksum(vars: tf.Variable[]): number {
  let h = 0x811c9dc5;
  for (const v of vars) {
    const bytes = new Uint8Array((v.dataSync() as Float32Array).slice().buffer);
    for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ bytes[i], 0x01000193);
  }
  return h >>> 0;
}

function need(): Recipe {
  if (!recipe) throw new Error("worker: not initialised");
  return recipe;
}

function gradReply(op: "backward" | "meanGrad", grads: (tf.Tensor | null)[], loss: tf.Scalar): Reply {
  const r = need();
  const out: Reply = {
    ok: true,
    op,
    grads: flatten(grads, r.variables),
    state: r.state.length ? flatten(r.state, r.state) : null,
    loss: loss.dataSync()[0],
  };
  tf.dispose([loss, ...grads.filter((g): g is tf.Tensor => g !== null)]);
  return out;
}

/** How long a worker waits for the others in a single-pass step before giving up. */
const SYNC_TIMEOUT_MS = 10 * 60 * 1000;

/** Block until control word `index` is at least `target` (or a worker aborted: throws). */
function waitFor(ctrl: Int32Array, index: number, target: number): void {
  const deadline = performance.now() + SYNC_TIMEOUT_MS;
  for (;;) {
    if (Atomics.load(ctrl, SYNC.abort) !== 0) throw new Error("another worker failed");
    const v = Atomics.load(ctrl, index);
    if (v >= target) return;
    if (performance.now() > deadline) throw new Error("timed out waiting for the other workers");
    Atomics.wait(ctrl, index, v, 1000);
  }
}

/** Wake every waiter and make them give up. */
function abort(ctrl: Int32Array): void {
  Atomics.store(ctrl, SYNC.abort, 1);
  for (let i = 0; i < SYNC.size; i++) Atomics.notify(ctrl, i);
}

/**
 * The single-pass embedding step (`embedGrad`): ONE training-mode forward of this worker's rows under the
 * gradient tape; z goes to the shared buffer, the leader computes L and ∂L/∂z of the whole batch once every
 * worker's z is there, and each worker back-propagates ⟨z, ∂L/∂z⟩ of its rows. Blocking (Atomics.wait) keeps
 * the tape open without holding the event loop's help; the main thread is not involved until the replies.
 */
function embedGrad(
  r: Recipe,
  batch: WireBatch,
  sync: EmbedGradSync,
  leader: boolean,
  labels: WireTensor | null,
): Reply {
  const ctrl = new Int32Array(sync.ctrl);
  const zAll = new Float32Array(sync.z), gAll = new Float32Array(sync.grad);
  const lossOut = new Float64Array(sync.loss);
  const x = toTensor(batch.x);
  const n = x.shape[0], first = batch.offset * sync.width, count = n * sync.width;
  try {
    const embed = recipeEmbed(r, x, batch.seed, batch.offset);
    const { value, grads } = tf.variableGrads(() => {
      const z = embed(0, n, 0);
      if (z.shape[0] !== n || z.size !== count) {
        throw new Error(`embedGrad: z [${z.shape}] for ${n} rows of width ${sync.width}`);
      }
      zAll.set(z.dataSync() as Float32Array, first);
      Atomics.add(ctrl, SYNC.ready, 1);
      Atomics.notify(ctrl, SYNC.ready);
      if (leader) {
        waitFor(ctrl, SYNC.ready, sync.workers);
        tf.tidy(() => {
          const zt = tf.tensor(zAll.slice(), [sync.rows, ...z.shape.slice(1)]);
          const lt = labels ? toTensor(labels) : null;
          const { loss, grad } = lossAndEmbeddingGrad((zz) => r.loss(zz, lt), zt);
          gAll.set(grad.dataSync() as Float32Array);
          lossOut[0] = loss.dataSync()[0];
        });
        Atomics.store(ctrl, SYNC.grad, 1);
        Atomics.notify(ctrl, SYNC.grad);
      } else {
        waitFor(ctrl, SYNC.grad, 1);
      }
      const g = tf.tensor(gAll.slice(first, first + count), z.shape);
      return tf.sum(tf.mul(z, g)) as tf.Scalar;
    }, r.variables);
    value.dispose();
    return gradReply(
      "backward",
      r.variables.map((v) => grads[v.name] ?? null),
      tf.scalar(leader ? lossOut[0] : 0),
    );
  } catch (e) {
    abort(ctrl);
    throw e;
  } finally {
    x.dispose();
  }
}

async function handle(req: Request): Promise<Reply> {
  switch (req.op) {
    case "init": {
      const info = await initBackend(req.backend, { quiet: true });
      recipe = await loadRecipe(req.recipe, req.config);
      return {
        ok: true,
        op: "init",
        sizes: recipe.variables.map((v) => v.size),
        stateSizes: recipe.state.map((v) => v.size),
        checksum: checksum([...recipe.variables, ...recipe.state]),
        device: info.device,
        lossKind: recipe.lossKind,
      };
    }
    case "embed": {
      const r = need();
      if (pending) tf.dispose(pending.x);
      const x = toTensor(req.batch.x);
      const ranges = chunkRanges(x.shape[0], req.batch.chunk);
      pending = { x, batch: req.batch, ranges };
      const z = embedWithoutGrad(recipeEmbed(r, x, req.batch.seed, req.batch.offset), ranges, r.state);
      const wire = toWire(z);
      z.dispose();
      return { ok: true, op: "embed", z: wire };
    }
    case "loss": {
      const r = need();
      const z = toTensor(req.z), labels = req.labels ? toTensor(req.labels) : null;
      const { loss, grad } = lossAndEmbeddingGrad((zz) => r.loss(zz, labels), z);
      const out: Reply = { ok: true, op: "loss", loss: loss.dataSync()[0], grad: toWire(grad) };
      tf.dispose([z, labels, loss, grad].filter((t): t is tf.Tensor => t !== null));
      return out;
    }
    case "backward": {
      const r = need();
      if (!pending) throw new Error("worker: backward without embed");
      const { x, batch, ranges } = pending;
      pending = null;
      const g = toTensor(req.grad);
      try {
        const grads = accumulateEmbeddingGrads(
          recipeEmbed(r, x, batch.seed, batch.offset),
          g,
          ranges,
          r.variables,
        );
        return gradReply("backward", grads, tf.scalar(0));
      } finally {
        tf.dispose([x, g]);
      }
    }
    case "embedGrad":
      return embedGrad(need(), req.batch, req.sync, req.leader, req.labels);
    case "meanGrad": {
      const r = need();
      const { batch } = req;
      const x = toTensor(batch.x), labels = batch.labels ? toTensor(batch.labels) : null;
      try {
        const { loss, grads } = meanLossGradStep({
          size: x.shape[0],
          chunk: batch.chunk,
          total: req.total,
          variables: r.variables,
          loss: (s, e) =>
            r.loss(
              r.forward(x.slice(s, e - s), chunkRng(batch.seed, batch.offset + s)),
              sliceRows(labels, s, e),
            ),
        });
        return gradReply("meanGrad", grads, loss);
      } finally {
        tf.dispose([x, labels].filter((t): t is tf.Tensor => t !== null));
      }
    }
    case "apply": {
      const r = need();
      const grads = unflatten(req.grads, r.variables);
      r.optimizer.step(grads, req.lr);
      tf.dispose(grads);
      if (req.state) {
        const state = unflatten(req.state, r.state);
        r.state.forEach((v, i) => v.assign(state[i]));
        tf.dispose(state);
      }
      return { ok: true, op: "apply" };
    }
    case "weights": {
      const r = need();
      const all = [...r.variables, ...r.state];
      return { ok: true, op: "weights", weights: flatten(all, all) };
    }
    case "dispose": {
      if (pending) tf.dispose(pending.x);
      pending = null;
      recipe?.dispose();
      recipe = null;
      return { ok: true, op: "dispose" };
    }
  }
}

/** Buffers of a reply that can be transferred rather than copied. */
function transferables(reply: Reply): ArrayBuffer[] {
  const out: ArrayBuffer[] = [];
  if (!reply.ok) return out;
  if (reply.op === "embed") out.push(reply.z.data.buffer as ArrayBuffer);
  if (reply.op === "loss") out.push(reply.grad.data.buffer as ArrayBuffer);
  if (reply.op === "backward" || reply.op === "meanGrad") {
    out.push(reply.grads.buffer as ArrayBuffer);
    if (reply.state) out.push(reply.state.buffer as ArrayBuffer);
  }
  if (reply.op === "weights") out.push(reply.weights.buffer as ArrayBuffer);
  return [...new Set(out)];
}

/** The worker's global scope (typed locally rather than through `lib="deno.worker"`, which is program-wide). */
const scope = self as unknown as {
  onmessage: ((e: MessageEvent<Request>) => void) | null;
  postMessage(message: Reply, transfer: ArrayBuffer[]): void;
};

// Requests are handled strictly one after another (the main thread sends one at a time per worker).
scope.onmessage = async (e: MessageEvent<Request>) => {
  let reply: Reply;
  try {
    reply = await handle(e.data);
  } catch (err) {
    reply = { ok: false, error: `${e.data.op}: ${(err as Error).message ?? err}` };
  }
  scope.postMessage(reply, transferables(reply));
};
