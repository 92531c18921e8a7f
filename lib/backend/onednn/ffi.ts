/**
 * oneDNN (the library PyTorch's CPU convolutions use) through Deno's FFI: loading, the handful of C-API calls
 * the suite's kernels need, and thread control.
 *
 * Only the oneDNN 2.x C API is bound (op descriptors + `dnnl_primitive_desc_create`; Debian 12's `libdnnl2` is
 * 2.6.3); 3.x replaced those calls and is refused with a one-line reason. The structs oneDNN fills
 * (`dnnl_memory_desc_t`, op descriptors) are opaque here: they live in byte buffers at least as large as the
 * 2.6 headers declare ({@link MEMORY_DESC_BYTES}, {@link OP_DESC_BYTES}) and are only passed back by pointer.
 *
 * Tensors are never copied through JS: every handle points into the wasm backend's heap (or into a scratch
 * buffer owned by a cached primitive), see `./primitive.ts`.
 *
 * @example Load the library (null and a reason when it is missing)
 * ```ts
 * import { loadOnednn } from "./ffi.ts";
 * const lib = loadOnednn();
 * console.log(lib.ok ? `oneDNN ${lib.onednn.version}` : lib.reason);
 * ```
 *
 * @module
 */

/** Library file names tried in order (Linux soname, then macOS). */
export const ONEDNN_LIBRARY_NAMES = ["libdnnl.so.2", "libdnnl.2.dylib", "libdnnl.so"] as const;

/** Bytes reserved for a `dnnl_memory_desc_t` (696 in 2.6; rounded up). */
export const MEMORY_DESC_BYTES = 1024;
/** Bytes reserved for any op descriptor (the largest, `dnnl_convolution_desc_t`, is 5,976 in 2.6). */
export const OP_DESC_BYTES = 8192;

/** `dnnl_data_type_t` f32. */
export const F32 = 3;
/** `dnnl_format_tag_t` values used here. */
export const TAG = { any: 1, a: 2, ab: 3, abc: 4, abcd: 5, ba: 22, nhwc: 20, hwio: 30 } as const;
/** `dnnl_prop_kind_t` values used here. */
export const PROP = {
  forwardTraining: 64,
  forwardInference: 96,
  backward: 128,
  backwardData: 160,
  backwardWeights: 192,
} as const;
/** `dnnl_alg_kind_t` values used here. */
export const ALG = { convolutionDirect: 1, eltwiseRelu: 31 } as const;
/** `DNNL_ARG_*` execution argument indices. */
export const ARG = {
  src: 1,
  dst: 17,
  weights: 33,
  bias: 41,
  mean: 49,
  variance: 50,
  scale: 51,
  shift: 52,
  workspace: 64,
  diffSrc: 129,
  diffDst: 145,
  diffWeights: 161,
  diffBias: 169,
  diffScale: 255,
  diffShift: 256,
} as const;
/** `dnnl_query_t` values for memory descriptors of a primitive descriptor. */
export const QUERY = {
  implInfo: 8,
  srcMd: 129,
  diffSrcMd: 130,
  weightsMd: 131,
  diffWeightsMd: 132,
  dstMd: 133,
  diffDstMd: 134,
  workspaceMd: 135,
} as const;
/** `dnnl_normalization_flags_t` values used here. */
export const BN_FLAG = { globalStats: 1, fuseRelu: 4, scale: 8, shift: 16 } as const;

const STATUS = [
  "success",
  "out of memory",
  "invalid arguments",
  "unimplemented",
  "iterator ends",
  "runtime error",
  "not required",
];

const CPU_ISA: Record<number, string> = {
  0x1: "sse41",
  0x3: "avx",
  0x7: "avx2",
  0x407: "avx2_vnni",
  0x27: "avx512_core",
  0x67: "avx512_core_vnni",
  0xe7: "avx512_core_bf16",
  0x3e7: "avx512_core_amx",
};

const SYMBOLS = {
  dnnl_version: { parameters: [], result: "pointer" },
  dnnl_get_effective_cpu_isa: { parameters: [], result: "i32" },
  dnnl_engine_create: { parameters: ["buffer", "i32", "usize"], result: "i32" },
  dnnl_stream_create: { parameters: ["buffer", "pointer", "u32"], result: "i32" },
  dnnl_memory_desc_init_by_tag: { parameters: ["buffer", "i32", "buffer", "i32", "i32"], result: "i32" },
  dnnl_memory_desc_get_size: { parameters: ["pointer"], result: "usize" },
  dnnl_memory_desc_equal: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_dilated_convolution_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_data_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_dilated_convolution_backward_weights_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_batch_normalization_forward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_batch_normalization_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "f32", "u32"],
    result: "i32",
  },
  dnnl_pooling_v2_forward_desc_init: {
    parameters: [
      "buffer",
      "i32",
      "i32",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
      "buffer",
    ],
    result: "i32",
  },
  dnnl_pooling_v2_backward_desc_init: {
    parameters: ["buffer", "i32", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer", "buffer"],
    result: "i32",
  },
  dnnl_eltwise_forward_desc_init: {
    parameters: ["buffer", "i32", "i32", "buffer", "f32", "f32"],
    result: "i32",
  },
  dnnl_binary_desc_init: { parameters: ["buffer", "i32", "buffer", "buffer", "buffer"], result: "i32" },
  dnnl_matmul_desc_init: { parameters: ["buffer", "buffer", "buffer", "buffer", "buffer"], result: "i32" },
  dnnl_primitive_attr_create: { parameters: ["buffer"], result: "i32" },
  dnnl_primitive_attr_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_attr_set_post_ops: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_post_ops_create: { parameters: ["buffer"], result: "i32" },
  dnnl_post_ops_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_post_ops_append_eltwise: { parameters: ["pointer", "f32", "i32", "f32", "f32"], result: "i32" },
  dnnl_primitive_desc_create: {
    parameters: ["buffer", "buffer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_reorder_primitive_desc_create: {
    parameters: ["buffer", "pointer", "pointer", "pointer", "pointer", "pointer"],
    result: "i32",
  },
  dnnl_primitive_desc_query: { parameters: ["pointer", "i32", "i32", "buffer"], result: "i32" },
  dnnl_primitive_desc_query_md: { parameters: ["pointer", "i32", "i32"], result: "pointer" },
  dnnl_primitive_desc_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_primitive_create: { parameters: ["buffer", "pointer"], result: "i32" },
  dnnl_primitive_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_create: { parameters: ["buffer", "pointer", "pointer", "pointer"], result: "i32" },
  dnnl_memory_destroy: { parameters: ["pointer"], result: "i32" },
  dnnl_memory_set_data_handle: { parameters: ["pointer", "pointer"], result: "i32" },
  dnnl_primitive_execute: { parameters: ["pointer", "pointer", "i32", "buffer"], result: "i32" },
  dnnl_stream_wait: { parameters: ["pointer"], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

const GOMP_SYMBOLS = {
  omp_set_num_threads: { parameters: ["i32"], result: "void" },
  omp_get_max_threads: { parameters: [], result: "i32" },
} as const satisfies Deno.ForeignLibraryInterface;

/** The bound C functions. */
export type OnednnSymbols = Deno.DynamicLibrary<typeof SYMBOLS>["symbols"];

/** A loaded oneDNN: its functions, one CPU engine and stream, and what it reports about itself. */
export interface Onednn {
  /** The bound C functions. */
  fn: OnednnSymbols;
  /** The CPU engine every primitive is created on. */
  engine: Deno.PointerValue;
  /** The stream every primitive runs on (this thread's; each Worker loads its own). */
  stream: Deno.PointerValue;
  /** "2.6.3". */
  version: string;
  /** The library file that was opened. */
  file: string;
  /** The instruction set oneDNN's JIT targets here, e.g. "avx512_core". */
  isa: string;
  /** The CPU threading runtime ("OpenMP", "TBB", "sequential", ...). */
  runtime: string;
  /** Set the number of threads this thread's primitives use (OpenMP only; a no-op otherwise). */
  setThreads(n: number): void;
  /** The number of threads this thread's primitives use. */
  threads(): number;
}

/** What {@link loadOnednn} returns. */
export type OnednnLoad = { ok: true; onednn: Onednn } | { ok: false; reason: string };

/** A one-line error for a failed oneDNN call, naming the call and the status. */
export class OnednnError extends Error {
  constructor(call: string, status: number) {
    super(`oneDNN ${call} failed: ${STATUS[status] ?? `status ${status}`}`);
    this.name = "OnednnError";
  }
}

/** Throw {@link OnednnError} unless `status` is success. */
export function check(status: number, call: string): void {
  if (status !== 0) throw new OnednnError(call, status);
}

/** An 8-byte out-parameter for a handle. */
export function handleSlot(): BigUint64Array {
  return new BigUint64Array(1);
}

/** The handle written into `slot`. */
export function handleOf(slot: BigUint64Array): Deno.PointerValue {
  return Deno.UnsafePointer.create(slot[0]);
}

/** A `dnnl_dims_t` (12 × int64) holding `values`. */
export function dims(values: readonly number[]): BigInt64Array {
  const out = new BigInt64Array(12);
  values.forEach((v, i) => (out[i] = BigInt(v)));
  return out;
}

/** `dnnl_version_t.cpu_runtime` (`DNNL_RUNTIME_*`). */
const RUNTIMES: Record<number, string> = {
  0: "none",
  1: "sequential",
  2: "OpenMP",
  4: "TBB",
  8: "threadpool",
};

let loaded: OnednnLoad | null = null;

/**
 * Open oneDNN (once per thread: each Worker has its own engine and stream) and check that it is a 2.x release
 * with the calls bound here. `SSL_ONEDNN=off` hides it (to test the wasm-only path on a machine that has it);
 * `SSL_ONEDNN_LIBRARY` names another library file.
 */
export function loadOnednn(): OnednnLoad {
  if (loaded) return loaded;
  loaded = open();
  return loaded;
}

function open(): OnednnLoad {
  if (Deno.env.get("SSL_ONEDNN") === "off") return { ok: false, reason: "hidden by SSL_ONEDNN=off" };
  const explicit = Deno.env.get("SSL_ONEDNN_LIBRARY");
  const names = explicit ? [explicit] : ONEDNN_LIBRARY_NAMES;
  let lib: Deno.DynamicLibrary<typeof SYMBOLS> | null = null;
  let file = "";
  const errors: string[] = [];
  for (const name of names) {
    try {
      lib = Deno.dlopen(name, SYMBOLS);
      file = name;
      break;
    } catch (e) {
      errors.push(`${name}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  if (!lib) {
    const missing = errors.every((e) => /cannot open shared object|image not found|no such file/i.test(e));
    return {
      ok: false,
      reason: missing
        ? `oneDNN 2.x not found (install it: apt-get install libdnnl2)`
        : `oneDNN could not be loaded: ${errors.join("; ")}`,
    };
  }
  const fn = lib.symbols;
  const v = new Deno.UnsafePointerView(fn.dnnl_version()!);
  const [major, minor, patch] = [v.getInt32(0), v.getInt32(4), v.getInt32(8)];
  const runtimeCode = v.getUint32(24);
  const version = `${major}.${minor}.${patch}`;
  if (major !== 2 || minor < 3) {
    lib.close();
    return {
      ok: false,
      reason: `oneDNN ${version} in ${file} is not supported (2.3 to 2.7 are; 3.x changed its C API)`,
    };
  }
  const engineSlot = handleSlot();
  check(fn.dnnl_engine_create(engineSlot, 1, 0n), "dnnl_engine_create");
  const engine = handleOf(engineSlot);
  const streamSlot = handleSlot();
  check(fn.dnnl_stream_create(streamSlot, engine, 0), "dnnl_stream_create");
  const runtime = RUNTIMES[runtimeCode] ?? `runtime ${runtimeCode}`;
  let gomp: Deno.DynamicLibrary<typeof GOMP_SYMBOLS> | null = null;
  if (runtime === "OpenMP") {
    for (const name of ["libgomp.so.1", "libomp.dylib", "libiomp5.so"]) {
      try {
        gomp = Deno.dlopen(name, GOMP_SYMBOLS);
        break;
      } catch { /* try the next OpenMP runtime */ }
    }
  }
  const isaCode = fn.dnnl_get_effective_cpu_isa();
  return {
    ok: true,
    onednn: {
      fn,
      engine,
      stream: handleOf(streamSlot),
      version,
      file,
      isa: CPU_ISA[isaCode] ?? `isa 0x${isaCode.toString(16)}`,
      runtime,
      setThreads: (n) => gomp?.symbols.omp_set_num_threads(Math.max(1, Math.floor(n))),
      threads: () => gomp?.symbols.omp_get_max_threads() ?? 1,
    },
  };
}
