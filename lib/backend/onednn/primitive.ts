/**
 * Cached oneDNN primitives bound to the wasm backend's heap.
 *
 * Creating a primitive (descriptor, implementation choice, JIT code) costs far more than running it, and a
 * training loop asks for the same few shapes every step, so every primitive is built once per shape and kept
 * in a small LRU cache ({@link PrimitiveCache}). Its memory objects are created without data and pointed at
 * the tensors' bytes on the wasm heap just before each execution ({@link Primitive.run}), so nothing is
 * copied; the heap may grow between calls, which is why pointers are taken per call ({@link heapPointer}).
 * Layouts oneDNN prefers internally (blocked weights) get a {@link Scratch} buffer and a reorder.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { KernelArgs, WasmBackend } from "../kernels/compose.ts";
import {
  ALG,
  ARG,
  check,
  dims,
  F32,
  handleOf,
  handleSlot,
  MEMORY_DESC_BYTES,
  type Onednn,
  QUERY,
} from "./ffi.ts";

/** A `dnnl_memory_desc_t` of f32 data with logical `shape` (oneDNN's order: N, C, spatial...) and `tag`. */
export function memoryDesc(onednn: Onednn, shape: readonly number[], tag: number): Uint8Array {
  const md = new Uint8Array(MEMORY_DESC_BYTES);
  check(
    onednn.fn.dnnl_memory_desc_init_by_tag(md, shape.length, dims(shape), F32, tag),
    "dnnl_memory_desc_init_by_tag",
  );
  return md;
}

/** The address of a tensor's data on the wasm heap (valid until the heap grows). */
export function heapPointer(backend: WasmBackend, info: tf.TensorInfo): Deno.PointerValue {
  return Deno.UnsafePointer.of(backend.typedArrayFromHeap(info) as Float32Array<ArrayBuffer>);
}

/** Bytes owned by a primitive (reordered weights, workspaces), outside the wasm heap. */
export class Scratch {
  /** The bytes (kept alive as long as the primitive). */
  readonly bytes: Uint8Array;
  /** Their address. */
  readonly pointer: Deno.PointerValue;
  constructor(size: number) {
    // Large enough that V8 never keeps the backing store on its moving heap.
    this.bytes = new Uint8Array(Math.max(size, 4096));
    this.pointer = Deno.UnsafePointer.of(this.bytes);
  }
}

/** A created primitive, its descriptor and one memory object per argument it takes. */
export class Primitive {
  /** The primitive descriptor (queried for memory layouts). */
  readonly pd: Deno.PointerValue;
  /** The primitive. */
  readonly primitive: Deno.PointerValue;
  /** The implementation oneDNN picked, e.g. "brgconv:avx512_core". */
  readonly impl: string;
  #memories = new Map<number, Deno.PointerValue>();
  #args: BigUint64Array;
  #argOrder: number[] = [];

  /**
   * @param opDesc an initialised op descriptor, or null when `pd` is given (reorders)
   * @param attr a `dnnl_primitive_attr_t` or null
   * @param hint the forward primitive descriptor a backward one needs, or null
   * @param pd an already created primitive descriptor (reorders), instead of `opDesc`
   */
  constructor(
    readonly onednn: Onednn,
    opDesc: Uint8Array | null,
    attr: Deno.PointerValue = null,
    hint: Deno.PointerValue = null,
    pd: Deno.PointerValue = null,
  ) {
    const fn = onednn.fn;
    if (opDesc) {
      const slot = handleSlot();
      check(
        fn.dnnl_primitive_desc_create(slot, opDesc, attr, onednn.engine, hint),
        "dnnl_primitive_desc_create",
      );
      pd = handleOf(slot);
    }
    this.pd = pd;
    const slot = handleSlot();
    check(fn.dnnl_primitive_create(slot, pd), "dnnl_primitive_create");
    this.primitive = handleOf(slot);
    const info = handleSlot();
    check(fn.dnnl_primitive_desc_query(pd, QUERY.implInfo, 0, info), "dnnl_primitive_desc_query");
    this.impl = info[0] === 0n ? "?" : Deno.UnsafePointerView.getCString(handleOf(info)!);
    this.#args = new BigUint64Array(0);
  }

  /** The memory descriptor the primitive uses for `query` (a `QUERY.*` value). */
  md(query: number, index = 0): Deno.PointerValue {
    return this.onednn.fn.dnnl_primitive_desc_query_md(this.pd, query, index);
  }

  /** Bytes of the memory the primitive uses for `query`. */
  size(query: number): number {
    const md = this.md(query);
    return md ? Number(this.onednn.fn.dnnl_memory_desc_get_size(md)) : 0;
  }

  /** Declare argument `arg` (an `ARG.*` value) with memory descriptor `md` (a pointer or a descriptor buffer). */
  bind(arg: number, md: Deno.PointerValue | Uint8Array): this {
    const slot = handleSlot();
    const mdPtr = md instanceof Uint8Array ? Deno.UnsafePointer.of(md as Uint8Array<ArrayBuffer>) : md;
    check(this.onednn.fn.dnnl_memory_create(slot, mdPtr, this.onednn.engine, null), "dnnl_memory_create");
    this.#memories.set(arg, handleOf(slot));
    this.#argOrder.push(arg);
    this.#args = new BigUint64Array(this.#argOrder.length * 2);
    this.#argOrder.forEach((a, i) => {
      this.#args[2 * i] = BigInt(a);
      this.#args[2 * i + 1] = BigInt(Deno.UnsafePointer.value(this.#memories.get(a)!));
    });
    return this;
  }

  /** Point every bound argument at its data (`handles` in {@link bind} order) and execute synchronously. */
  run(...handles: Deno.PointerValue[]): void {
    const fn = this.onednn.fn;
    if (handles.length !== this.#argOrder.length) {
      throw new Error(
        `oneDNN ${this.impl}: ${handles.length} buffers for ${this.#argOrder.length} arguments`,
      );
    }
    for (let i = 0; i < handles.length; i++) {
      check(
        fn.dnnl_memory_set_data_handle(this.#memories.get(this.#argOrder[i])!, handles[i]),
        "set_data_handle",
      );
    }
    check(
      fn.dnnl_primitive_execute(
        this.primitive,
        this.onednn.stream,
        handles.length,
        new Uint8Array(this.#args.buffer),
      ),
      "dnnl_primitive_execute",
    );
    check(fn.dnnl_stream_wait(this.onednn.stream), "dnnl_stream_wait");
  }

  /** Free the primitive, its descriptor and its memory objects. */
  destroy(): void {
    const fn = this.onednn.fn;
    for (const m of this.#memories.values()) fn.dnnl_memory_destroy(m);
    fn.dnnl_primitive_destroy(this.primitive);
    fn.dnnl_primitive_desc_destroy(this.pd);
  }
}

/** A reorder from memory layout `from` to `to` (both pointers to memory descriptors). */
export function reorder(onednn: Onednn, from: Deno.PointerValue, to: Deno.PointerValue): Primitive {
  const slot = handleSlot();
  check(
    onednn.fn.dnnl_reorder_primitive_desc_create(slot, from, onednn.engine, to, onednn.engine, null),
    "dnnl_reorder_primitive_desc_create",
  );
  return new Primitive(onednn, null, null, null, handleOf(slot)).bind(ARG.src, from).bind(ARG.dst, to);
}

/** Whether two memory descriptors describe the same layout. */
export function sameLayout(onednn: Onednn, a: Deno.PointerValue, b: Deno.PointerValue): boolean {
  return onednn.fn.dnnl_memory_desc_equal(a, b) === 1;
}

/** Something a cache entry owns and frees when evicted. */
export interface Destroyable {
  destroy(): void;
}

/** A least-recently-used cache of primitive plans by shape key; evicted entries are destroyed. */
export class PrimitiveCache<T extends Destroyable> {
  #entries = new Map<string, T>();
  constructor(readonly capacity = 128) {}

  /** The entry for `key`, built by `make` on a miss. */
  get(key: string, make: () => T): T {
    let entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
    } else {
      entry = make();
      if (this.#entries.size >= this.capacity) {
        const [oldKey, old] = this.#entries.entries().next().value as [string, T];
        this.#entries.delete(oldKey);
        old.destroy();
      }
    }
    this.#entries.set(key, entry);
    return entry;
  }

  /** Entries held. */
  get size(): number {
    return this.#entries.size;
  }

  /** Destroy every entry. */
  clear(): void {
    for (const e of this.#entries.values()) e.destroy();
    this.#entries.clear();
  }
}

/** A kernel function as the oneDNN kernels and the kernels they fall back to take it. */
export type KernelImpl = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** The kernels registered before the oneDNN ones, by name: where a call the primitives do not cover goes. */
export type Fallbacks = Map<string, KernelImpl>;

/** Run the previously registered kernel `name` on `args`; throws one line when there is none. */
export function runFallback(
  fallbacks: Fallbacks,
  name: string,
  args: KernelArgs,
): tf.TensorInfo | tf.TensorInfo[] {
  const f = fallbacks.get(name);
  if (!f) throw new Error(`oneDNN ${name}: this call is not supported and no fallback kernel is registered`);
  return f(args);
}

/** The config registering `impl` as kernel `kernelName` of the wasm backend. */
export function wasmKernel(kernelName: string, impl: KernelImpl): tf.KernelConfig {
  return { kernelName, backendName: "wasm", kernelFunc: impl as unknown as tf.KernelFunc };
}

/**
 * Build a primitive with a ReLU post-op when `relu` (else without attributes): `make` receives the
 * `dnnl_primitive_attr_t` (or null), which is freed once `make` returns.
 */
export function withReluPostOp<T>(onednn: Onednn, relu: boolean, make: (attr: Deno.PointerValue) => T): T {
  if (!relu) return make(null);
  const fn = onednn.fn;
  const a = handleSlot(), po = handleSlot();
  check(fn.dnnl_primitive_attr_create(a), "dnnl_primitive_attr_create");
  const attr = handleOf(a);
  try {
    check(fn.dnnl_post_ops_create(po), "dnnl_post_ops_create");
    const postOps = handleOf(po);
    try {
      check(
        fn.dnnl_post_ops_append_eltwise(postOps, 1, ALG.eltwiseRelu, 0, 0),
        "dnnl_post_ops_append_eltwise",
      );
      check(fn.dnnl_primitive_attr_set_post_ops(attr, postOps), "dnnl_primitive_attr_set_post_ops");
      return make(attr);
    } finally {
      fn.dnnl_post_ops_destroy(postOps);
    }
  } finally {
    fn.dnnl_primitive_attr_destroy(attr);
  }
}
