/**
 * Checkpoints: named tensors + step + JSON metadata in one binary file, written atomically (temp file, fsync,
 * rename) so an interrupted save never leaves a corrupt checkpoint behind, and restored into variables by name
 * with shape checks. Only finite weights are written, and every file ends with a SHA-256 of all its bytes that
 * is verified on load, so a flipped byte is refused with one line naming the file instead of resuming from
 * silently different weights.
 *
 * File layout (little-endian): the 8 ASCII bytes `SSLCKPT2`, a u32 header length, the UTF-8 JSON header
 * `{version, step, meta, tensors: [{name, dtype, shape, offset, bytes}]}`, zero padding to a multiple of 8, the
 * raw tensor data at the listed offsets (relative to the start of the data section), then the 32-byte SHA-256
 * of everything before it. Files of the first format (`SSLCKPT1`, no checksum) are refused.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { DIGEST_BYTES, sha256, verifiedBody } from "../checksum.ts";
import type { Module } from "../models/types.ts";

const MAGIC = "SSLCKPT2";
const OLD_MAGIC = "SSLCKPT1";

/** One stored tensor. */
export interface CheckpointTensor {
  /** Shape. */
  shape: number[];
  /** Element type. */
  dtype: "float32" | "int32";
  /** Values in row-major order. */
  data: Float32Array | Int32Array;
}

/** A loaded checkpoint. */
export interface Checkpoint {
  /** Training steps completed when it was written. */
  step: number;
  /** Free-form JSON metadata (seed, config, loss history, data-loader state…). */
  meta: Record<string, unknown>;
  /** Tensors by name. */
  tensors: Record<string, CheckpointTensor>;
}

/** What {@link saveCheckpoint} writes. */
export interface CheckpointContent {
  /** Training steps completed. */
  step: number;
  /** Tensors (typically variables) by name. */
  tensors: Record<string, tf.Tensor>;
  /** JSON-serialisable metadata. */
  meta?: Record<string, unknown>;
}

interface HeaderEntry {
  name: string;
  dtype: "float32" | "int32";
  shape: number[];
  offset: number;
  bytes: number;
}

/** Thrown by {@link saveCheckpoint} when a float tensor holds NaN or ±Infinity; nothing is written. */
export class NonFiniteCheckpointError extends Error {
  /** Always "NonFiniteCheckpointError". */
  override name = "NonFiniteCheckpointError";
}

/**
 * Write a checkpoint atomically: to `<path>.tmp-<pid>`, flushed to disk, then renamed over `path`. A float
 * tensor with a non-finite value is refused ({@link NonFiniteCheckpointError}) and the previous file is kept.
 */
export async function saveCheckpoint(path: string, content: CheckpointContent): Promise<void> {
  if (!(Number.isInteger(content.step) && content.step >= 0)) {
    throw new Error(`saveCheckpoint: step must be an integer >= 0, got ${content.step}`);
  }
  const entries: HeaderEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(content.tensors)) {
    if (t.isDisposed) throw new Error(`saveCheckpoint: tensor "${name}" is disposed`);
    if (t.dtype !== "float32" && t.dtype !== "int32") {
      throw new Error(`saveCheckpoint: tensor "${name}" has unsupported dtype ${t.dtype}`);
    }
    const data = await t.data();
    if (t.dtype === "float32") {
      const bad = (data as Float32Array).findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) {
        throw new NonFiniteCheckpointError(
          `saveCheckpoint: tensor "${name}" holds ${data[bad]} at index ${bad}; ${path} not written`,
        );
      }
    }
    const bytes = new Uint8Array(data.buffer as ArrayBuffer, data.byteOffset, data.byteLength);
    entries.push({ name, dtype: t.dtype, shape: t.shape.slice(), offset, bytes: bytes.byteLength });
    chunks.push(bytes);
    offset += bytes.byteLength;
  }
  const header = new TextEncoder().encode(
    JSON.stringify({ version: 2, step: content.step, meta: content.meta ?? {}, tensors: entries }),
  );
  const preamble = 8 + 4 + header.byteLength;
  const pad = (8 - (preamble % 8)) % 8;
  const head = new Uint8Array(preamble + pad);
  head.set(new TextEncoder().encode(MAGIC), 0);
  new DataView(head.buffer).setUint32(8, header.byteLength, true);
  head.set(header, 12);

  const dir = path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : ".";
  if (dir) await Deno.mkdir(dir, { recursive: true });
  const digest = sha256([head, ...chunks]);
  const tmp = `${path}.tmp-${Deno.pid}`;
  const file = await Deno.open(tmp, { write: true, create: true, truncate: true });
  try {
    for (const chunk of [head, ...chunks, digest]) {
      let written = 0;
      while (written < chunk.byteLength) written += await file.write(chunk.subarray(written));
    }
    await file.syncData();
  } catch (e) {
    file.close();
    await Deno.remove(tmp).catch(() => {});
    throw new Error(`saveCheckpoint: writing ${path} failed: ${(e as Error).message}`);
  }
  file.close();
  await Deno.rename(tmp, path);
}

/**
 * Read a checkpoint; throws a one-line error naming the file for a missing, foreign, truncated or corrupt file
 * (its SHA-256 does not match its bytes).
 */
export async function loadCheckpoint(path: string): Promise<Checkpoint> {
  let file: Uint8Array;
  try {
    file = await Deno.readFile(path);
  } catch (e) {
    throw new Error(`loadCheckpoint: cannot read ${path}: ${(e as Error).message.split("\n")[0]}`);
  }
  const magic = new TextDecoder().decode(file.subarray(0, 8));
  if (magic === OLD_MAGIC) {
    throw new Error(
      `loadCheckpoint: ${path} has the old format without a checksum (${OLD_MAGIC}); delete it to start over`,
    );
  }
  if (file.byteLength < 12 + DIGEST_BYTES || magic !== MAGIC) {
    throw new Error(`loadCheckpoint: ${path} is not a checkpoint (bad magic)`);
  }
  const bytes = verifiedBody(file);
  if (!bytes) {
    throw new Error(
      `loadCheckpoint: ${path} is corrupt or truncated (SHA-256 mismatch); delete it to start over`,
    );
  }
  const hlen = new DataView(bytes.buffer, bytes.byteOffset).getUint32(8, true);
  if (12 + hlen > bytes.byteLength) throw new Error(`loadCheckpoint: ${path} is truncated (header)`);
  let header: { step: number; meta: Record<string, unknown>; tensors: HeaderEntry[] };
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + hlen)));
  } catch {
    throw new Error(`loadCheckpoint: ${path} has a corrupt header`);
  }
  if (
    typeof header !== "object" || header === null || !Number.isInteger(header.step) ||
    !Array.isArray(header.tensors)
  ) {
    throw new Error(`loadCheckpoint: ${path} has a corrupt header (no step or tensor list)`);
  }
  const start = 12 + hlen + ((8 - ((12 + hlen) % 8)) % 8);
  const tensors: Record<string, CheckpointTensor> = {};
  for (const e of header.tensors) {
    const n = Array.isArray(e?.shape) ? e.shape.reduce((a, b) => a * b, 1) : NaN;
    if (
      (e?.dtype !== "float32" && e?.dtype !== "int32") || !(Number.isInteger(e.offset) && e.offset >= 0) ||
      e.bytes !== n * 4 || start + e.offset + e.bytes > bytes.byteLength
    ) {
      throw new Error(`loadCheckpoint: ${path} is truncated or corrupt at tensor "${e.name}"`);
    }
    // copy into an aligned buffer
    const raw = bytes.slice(start + e.offset, start + e.offset + e.bytes).buffer;
    tensors[e.name] = {
      shape: e.shape,
      dtype: e.dtype,
      data: e.dtype === "int32" ? new Int32Array(raw) : new Float32Array(raw),
    };
  }
  return { step: header.step, meta: header.meta ?? {}, tensors };
}

/** Options of {@link restoreVariables}. */
export interface RestoreOptions {
  /** Prefix of the names in the checkpoint (e.g. "model/"); default "". */
  prefix?: string;
  /** Skip variables the checkpoint lacks instead of throwing (default false). */
  allowMissing?: boolean;
}

/**
 * Assign checkpointed values to variables by name (`prefix + name`). Shapes and dtypes must match. Returns the
 * names restored.
 */
export function restoreVariables(
  ckpt: Checkpoint,
  variables: Record<string, tf.Variable>,
  opts: RestoreOptions = {},
): string[] {
  const prefix = opts.prefix ?? "";
  const restored: string[] = [];
  // validate everything before assigning anything
  for (const [name, v] of Object.entries(variables)) {
    const t = ckpt.tensors[prefix + name];
    if (!t) {
      if (opts.allowMissing) continue;
      throw new Error(`restoreVariables: checkpoint lacks variable "${prefix + name}"`);
    }
    if (!tf.util.arraysEqual(t.shape, v.shape) || t.dtype !== v.dtype) {
      throw new Error(
        `restoreVariables: "${
          prefix + name
        }" is ${t.dtype}[${t.shape}] in the checkpoint but ${v.dtype}[${v.shape}] in the model`,
      );
    }
  }
  for (const [name, v] of Object.entries(variables)) {
    const t = ckpt.tensors[prefix + name];
    if (!t) continue;
    tf.tidy(() => v.assign(tf.tensor(t.data, t.shape, t.dtype)));
    restored.push(name);
  }
  return restored;
}

/** Save every named variable of a model (weights and batch-norm statistics), e.g. a trained encoder. */
export async function saveModel(
  path: string,
  model: Module,
  meta: Record<string, unknown> = {},
): Promise<void> {
  await saveCheckpoint(path, {
    step: 0,
    tensors: model.namedVariables(),
    meta: { model: model.name, ...meta },
  });
}

/** Load a model saved by {@link saveModel} (or a training checkpoint, with `prefix`) into `model`; returns its meta. */
export async function loadModel(
  path: string,
  model: Module,
  opts: RestoreOptions = {},
): Promise<Record<string, unknown>> {
  const ckpt = await loadCheckpoint(path);
  restoreVariables(ckpt, model.namedVariables(), opts);
  return ckpt.meta;
}

/** Whether a file exists at `path`. */
export async function fileExists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch {
    return false;
  }
}
