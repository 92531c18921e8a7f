/**
 * Frozen-feature extraction: run an `Encoder` in eval mode (batch-norm uses running statistics) over a split,
 * batch by batch, and collect its representation h (and optionally every stage's globally pooled output) into
 * plain Float32Arrays, the input of the linear probe, kNN and few-shot evaluations.
 *
 * Stage pooling: a rank-4 stage [B, H, W, C] is averaged over H and W, a rank-3 one [B, T, C] over T, and a
 * rank-2 one is taken as is. Nothing is kept on the backend between batches.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Encoder } from "../models/types.ts";
import type { Split } from "../data/types.ts";
import { type BatchOptions, toBatch } from "../data/batch.ts";

/** Row-major features with their labels. */
export interface FeatureSet {
  /** Features, row-major [n, dim]. */
  features: Float32Array;
  /** Number of rows. */
  n: number;
  /** Feature dimension. */
  dim: number;
  /** Class index per row (length n). */
  labels: Int32Array;
}

/** Features of an encoder over a split. */
export interface ExtractedFeatures extends FeatureSet {
  /** Per-stage globally pooled features (when requested), in the encoder's stage order. */
  stages?: FeatureSet[];
}

/** One batch of images and labels. */
export interface LabeledBatch {
  /** Images [B, H, W, C] in [0, 1]. */
  x: tf.Tensor4D;
  /** Labels of the B images. */
  y: ArrayLike<number>;
}

/** Options of `extractFeatures`. */
export interface ExtractOptions {
  /** Batch size when given a Split (default 256). */
  batchSize?: number;
  /** Resizing / channel conversion when given a Split (see `toBatch`). */
  batch?: BatchOptions;
  /** Label set of the Split to return (default: its only / first label set). */
  labelSet?: string;
  /** Also return every stage's pooled features. Default false. */
  stages?: boolean;
  /** When given batches, dispose each batch's `x` after use (default true: iterators hand over ownership). */
  disposeInputs?: boolean;
}

function pool(t: tf.Tensor): tf.Tensor2D {
  if (t.rank === 4) return tf.mean(t, [1, 2]) as tf.Tensor2D;
  if (t.rank === 3) return tf.mean(t, 1) as tf.Tensor2D;
  if (t.rank === 2) return t as tf.Tensor2D;
  throw new Error(`extractFeatures: cannot pool a stage of rank ${t.rank} (shape [${t.shape}])`);
}

/** Growable Float32 buffer. */
class Rows {
  buf = new Float32Array(0);
  len = 0;
  push(v: Float32Array): void {
    if (this.len + v.length > this.buf.length) {
      const next = new Float32Array(Math.max(2 * this.buf.length, this.len + v.length, 1024));
      next.set(this.buf.subarray(0, this.len));
      this.buf = next;
    }
    this.buf.set(v, this.len);
    this.len += v.length;
  }
  take(): Float32Array {
    return this.buf.slice(0, this.len);
  }
}

function* splitBatches(split: Split, opts: ExtractOptions): Generator<LabeledBatch> {
  const names = Object.keys(split.labels);
  const name = opts.labelSet ?? names[0];
  const labels = name !== undefined ? split.labels[name] : undefined;
  if (!labels) {
    throw new Error(
      `extractFeatures: split has no label set "${opts.labelSet ?? ""}" (has: ${names.join(", ")})`,
    );
  }
  const bs = opts.batchSize ?? 256;
  if (!(Number.isInteger(bs) && bs >= 1)) {
    throw new Error(`extractFeatures: batchSize must be an integer >= 1`);
  }
  for (let start = 0; start < split.n; start += bs) {
    const idx = Array.from({ length: Math.min(bs, split.n - start) }, (_, k) => start + k);
    yield { x: toBatch(split, idx, opts.batch), y: labels.subarray(start, start + idx.length) };
  }
}

function isSplit(s: unknown): s is Split {
  return typeof s === "object" && s !== null && "images" in s && "labels" in s && "n" in s;
}

/**
 * Extract frozen features of `encoder` (eval mode) over a Split or over (async) iterable labelled batches.
 * Batches made from a Split are always disposed; yielded batches are disposed unless `disposeInputs: false`.
 */
export async function extractFeatures(
  encoder: Encoder,
  data: Split | Iterable<LabeledBatch> | AsyncIterable<LabeledBatch>,
  opts: ExtractOptions = {},
): Promise<ExtractedFeatures> {
  const fromSplit = isSplit(data);
  const batches = fromSplit ? splitBatches(data, opts) : data;
  const dispose = fromSplit || (opts.disposeInputs ?? true);
  const h = new Rows();
  const labels: number[] = [];
  let stageRows: Rows[] | null = null;
  let stageDims: number[] = [];
  let n = 0;
  for await (const batch of batches as AsyncIterable<LabeledBatch>) {
    const b = batch.x.shape[0];
    try {
      if (batch.x.rank !== 4) {
        throw new Error(`extractFeatures: batch x must be [B, H, W, C], got [${batch.x.shape}]`);
      }
      if (batch.y.length !== b) {
        throw new Error(`extractFeatures: length mismatch (${batch.y.length} labels, ${b} images)`);
      }
      const outs = tf.tidy(() => {
        const out = encoder.apply(batch.x, { training: false });
        return [out.h, ...(opts.stages ? out.stages.map(pool) : [])];
      });
      const [hb, ...sb] = outs;
      if (hb.rank !== 2 || hb.shape[0] !== b) {
        tf.dispose(outs);
        throw new Error(`extractFeatures: encoder returned h of shape [${hb.shape}] for a batch of ${b}`);
      }
      const arrays = await Promise.all(outs.map((t) => t.data() as Promise<Float32Array>));
      tf.dispose(outs);
      h.push(arrays[0]);
      if (opts.stages) {
        if (!stageRows) {
          stageRows = sb.map(() => new Rows());
          stageDims = sb.map((t) => t.shape[1]);
        }
        arrays.slice(1).forEach((a, k) => stageRows![k].push(a));
      }
      for (let i = 0; i < b; i++) labels.push(batch.y[i]);
      n += b;
    } finally {
      if (dispose) batch.x.dispose();
    }
  }
  if (n === 0) throw new Error("extractFeatures: no batches (empty split)");
  const dim = h.len / n;
  const lab = Int32Array.from(labels);
  const result: ExtractedFeatures = { features: h.take(), n, dim, labels: lab };
  if (opts.stages && stageRows) {
    result.stages = stageRows.map((r, k) => ({ features: r.take(), n, dim: stageDims[k], labels: lab }));
  }
  return result;
}
