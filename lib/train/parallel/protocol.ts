/**
 * Messages between {@link DataParallel} (main thread) and its workers (`./worker.ts`). Every request gets
 * exactly one reply, in order; tensors travel as transferred `Float32Array`s (row-major) with their shapes.
 *
 * @module
 */
import type { RecipeConfig } from "./recipe.ts";

/** A tensor's data and shape. */
export interface WireTensor {
  /** Row-major values. */
  data: Float32Array | Int32Array;
  /** Shape. */
  shape: number[];
  /** dtype (float32 unless int32). */
  dtype: "float32" | "int32";
}

/** A step's inputs for one worker: its rows of the batch. */
export interface WireBatch {
  /** Seed of the step (augmentation streams are forked from it per chunk). */
  seed: number;
  /** Global index of this worker's first row (for the per-chunk augmentation seeds). */
  offset: number;
  /** Examples per chunk. */
  chunk: number;
  /** Input rows. */
  x: WireTensor;
  /** Label rows, or null. */
  labels: WireTensor | null;
}

/**
 * Shared memory of one single-pass embedding step ({@link Request} `embedGrad`): the workers exchange z and
 * ∂L/∂z through it while each keeps its gradient tape open, blocked in `Atomics.wait`.
 */
export interface EmbedGradSync {
  /** Int32 control words, see {@link SYNC}. */
  ctrl: SharedArrayBuffer;
  /** The whole batch's z, [B, width] float32 (each worker writes its rows). */
  z: SharedArrayBuffer;
  /** ∂L/∂z, [B, width] float32 (written by the leader). */
  grad: SharedArrayBuffer;
  /** The batch loss, float64[1] (written by the leader). */
  loss: SharedArrayBuffer;
  /** Values per row of z. */
  width: number;
  /** Rows of the whole batch. */
  rows: number;
  /** Number of workers taking part. */
  workers: number;
}

/** Indices of the control words of {@link EmbedGradSync}. */
export const SYNC = {
  /** Workers that have written their z rows. */
  ready: 0,
  /** 1 once the leader has written ∂L/∂z and the loss. */
  grad: 1,
  /** 1 when a worker failed: every waiter gives up. */
  abort: 2,
  /** Number of control words. */
  size: 3,
} as const;

/** Main → worker. */
export type Request =
  | { op: "init"; recipe: string; config: RecipeConfig; backend: "onednn" | "wasm" | "cpu" }
  /** Phase 1 of an embedding loss: embed the rows without a tape. */
  | { op: "embed"; batch: WireBatch }
  /** Phase 2 (one worker): loss and ∂L/∂z of the gathered z. */
  | { op: "loss"; z: WireTensor; labels: WireTensor | null }
  /** Phase 3: back-propagate this worker's rows of ∂L/∂z. */
  | { op: "backward"; grad: WireTensor }
  /**
   * An embedding loss in one pass (no recomputed forward): embed the rows under the tape, publish z, wait for
   * ∂L/∂z (the leader, worker 0, computes it from every worker's z with the whole batch's `labels`), then
   * back-propagate. Replies `backward` with the loss (the leader's; 0 elsewhere).
   */
  | { op: "embedGrad"; batch: WireBatch; sync: EmbedGradSync; leader: boolean; labels: WireTensor | null }
  /** A mean-over-examples loss: this worker's share of the gradient (`total` = the full batch size). */
  | { op: "meanGrad"; batch: WireBatch; total: number }
  /** Apply the summed gradients (flat) and set the averaged state (flat, or null). */
  | { op: "apply"; grads: Float32Array; state: Float32Array | null; lr: number }
  /** Read every variable (trainable then state), flat. */
  | { op: "weights" }
  /** Free the replica. */
  | { op: "dispose" };

/** Worker → main. */
export type Reply =
  | { ok: false; error: string }
  | {
    ok: true;
    op: "init";
    sizes: number[];
    stateSizes: number[];
    checksum: number;
    device: string;
    lossKind: "embedding" | "mean";
  }
  | { ok: true; op: "embed"; z: WireTensor }
  | { ok: true; op: "loss"; loss: number; grad: WireTensor }
  | { ok: true; op: "backward" | "meanGrad"; grads: Float32Array; state: Float32Array | null; loss: number }
  | { ok: true; op: "apply" | "dispose" }
  | { ok: true; op: "weights"; weights: Float32Array };
