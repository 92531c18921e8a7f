/**
 * Backend selection: `--backend` / `SSL_BACKEND` = `tensorflow | webgpu | onednn | wasm | cpu | auto`.
 *
 * - `tensorflow`: the optional native backend from `npm:@tensorflow/tfjs-node-gpu` (or `-node`). It cannot be
 *   installed where libtensorflow cannot be downloaded, so it is never required; see the README.
 * - `webgpu`: `@tensorflow/tfjs-backend-webgpu` on Deno's `navigator.gpu`.
 * - `onednn`: `wasm` with its convolutions, batch norms and matrix products run by oneDNN (the OS package
 *   `libdnnl2`) through Deno's FFI on the wasm heap (`./onednn/mod.ts`); several times faster on CPUs with
 *   AVX2 / AVX-512. Threads: every core on the main thread, one per Worker (run pools), `SSL_THREADS` overrides.
 * - `wasm`: `@tensorflow/tfjs-backend-wasm` (XNNPACK, SIMD) plus the training kernels from `./wasm_kernels.ts`.
 * - `cpu`: the pure-JS reference backend (slow; used to check the others).
 * - `auto`: tensorflow when importable, else webgpu when a hardware (non-fallback) adapter exists, else onednn
 *   when oneDNN 2.x loads, else wasm.
 *
 * The chosen backend, its device and the library versions are printed on stderr and returned, so every
 * experiment can record them beside its numbers.
 *
 * @module
 */
import { tf } from "../tf.ts";
import { registerWasmTrainingKernels } from "./wasm_kernels.ts";
import { registerOnednnKernels, unregisterOnednnKernels } from "./onednn/mod.ts";
import { REPO_ROOT } from "../paths.ts";

/** A file URL for an absolute path (percent-encoding what needs it). */
function toFileUrl(path: string): string {
  return new URL(`file://${path.split("/").map(encodeURIComponent).join("/")}`).href;
}

/** Backends the suite can run on. */
export type BackendName = "tensorflow" | "webgpu" | "onednn" | "wasm" | "cpu";
/** What a user may ask for. */
export type BackendRequest = BackendName | "auto";

/** Where and how tensors are computed; recorded in every result's provenance. */
export interface BackendInfo {
  /** The backend actually in use. */
  name: BackendName;
  /** What was asked for (`auto` or a name). */
  requested: BackendRequest;
  /** Human-readable device, e.g. "wasm SIMD, 1 thread" or the GPU adapter description. */
  device: string;
  /** Library and runtime versions. */
  versions: Record<string, string>;
}

const BACKENDS: readonly BackendRequest[] = ["tensorflow", "webgpu", "onednn", "wasm", "cpu", "auto"];

/** The tensorflow.js backend a suite backend runs on (`onednn` is kernels registered on `wasm`). */
export function tfBackendOf(name: BackendName): string {
  return name === "onednn" ? "wasm" : name;
}

/** Whether `name` computes on this machine's CPU cores (so run pools put one run per core). */
export function runsOnCpuCores(name: BackendName): boolean {
  return name === "onednn" || name === "wasm" || name === "cpu";
}

/**
 * The backend part of a cache key: the backend's name, with the oneDNN version for `onednn` (another
 * version may choose other kernels and round differently); the active tensorflow.js backend before
 * {@link initBackend}.
 */
export function backendCacheKey(): string {
  const active = tf.engine().backendName || "none";
  if (!current || tfBackendOf(current.name) !== active) return active;
  return current.name === "onednn" ? `onednn-${current.versions.onednn}` : current.name;
}
let current: BackendInfo | null = null;

/**
 * The backend requested on the command line (`--backend NAME` or `--backend=NAME`) or by `SSL_BACKEND`,
 * defaulting to `auto`. Throws a one-line error for an unknown name.
 */
export function requestedBackend(args: string[] = Deno.args): BackendRequest {
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === "--backend") value = args[i + 1];
    else if (args[i].startsWith("--backend=")) value = args[i].slice("--backend=".length);
  }
  return parseBackend(value ?? Deno.env.get("SSL_BACKEND") ?? "auto");
}

/** Check a backend name; throws a one-line error naming the valid ones for anything else (e.g. "wsam"). */
export function parseBackend(value: string): BackendRequest {
  if (!BACKENDS.includes(value as BackendRequest)) {
    throw new Error(`unknown backend "${value}": expected one of ${BACKENDS.join(", ")}`);
  }
  return value as BackendRequest;
}

/** The backend selected by the last `initBackend`, or null before it. */
export function backendInfo(): BackendInfo | null {
  return current;
}

/**
 * Select, initialise and report a backend. Idempotent for the same request.
 * @param request a backend name or `auto` (default: from `--backend` / `SSL_BACKEND`).
 * @param opts.quiet do not print the choice on stderr.
 * @param opts.threads threads of the `onednn` kernels (default: see `defaultOnednnThreads`).
 */
export async function initBackend(
  request: BackendRequest = requestedBackend(),
  opts: { quiet?: boolean; threads?: number } = {},
): Promise<BackendInfo> {
  if (
    current && tf.getBackend() === tfBackendOf(current.name) &&
    (current.requested === request || current.name === request) && opts.threads === undefined
  ) {
    return current;
  }
  parseBackend(request); // a caller passing an unchecked string never falls back to another backend
  let info: BackendInfo | null = null;
  if (request === "auto") {
    info = (await tryTensorflow(false)) ?? (await tryWebgpu(false)) ??
      (await tryOnednn(false, opts.threads)) ??
      (await useWasm());
  } else if (request === "tensorflow") info = await tryTensorflow(true);
  else if (request === "webgpu") info = await tryWebgpu(true);
  else if (request === "onednn") info = await tryOnednn(true, opts.threads);
  else if (request === "wasm") info = await useWasm();
  else info = await useCpu();
  if (!info) throw new Error(`backend "${request}" is not available`);
  info.requested = request;
  current = info;
  if (!opts.quiet) {
    console.error(
      `backend: ${info.name} (${info.device}); tfjs ${tf.version.tfjs}; deno ${Deno.version.deno}`,
    );
  }
  return info;
}

function baseVersions(): Record<string, string> {
  return { tfjs: tf.version.tfjs, deno: Deno.version.deno, v8: Deno.version.v8 };
}

async function useCpu(): Promise<BackendInfo> {
  await tf.setBackend("cpu");
  await tf.ready();
  return { name: "cpu", requested: "cpu", device: "pure JS, 1 thread", versions: baseVersions() };
}

/** The wasm backend with the suite's training kernels (and without oneDNN's, if another request added them). */
async function useWasm(): Promise<BackendInfo> {
  const wasm = await import("@tensorflow/tfjs-backend-wasm");
  unregisterOnednnKernels(); // first: the wasm kernels record what they replace
  registerWasmTrainingKernels();
  if (!(await tf.setBackend("wasm"))) throw new Error("wasm backend failed to initialise");
  await tf.ready();
  const simd = await tf.env().getAsync("WASM_HAS_SIMD_SUPPORT");
  const threads = await tf.env().getAsync("WASM_HAS_MULTITHREAD_SUPPORT");
  return {
    name: "wasm",
    requested: "wasm",
    device: `wasm XNNPACK${simd ? " SIMD" : ""}, ${threads ? "multi-threaded" : "1 thread"}`,
    versions: { ...baseVersions(), "tfjs-backend-wasm": wasm.version_wasm },
  };
}

/**
 * The wasm backend with oneDNN's kernels registered over its own, or null (a one-line error when `required`)
 * when oneDNN 2.x is not installed or cannot load.
 */
async function tryOnednn(required: boolean, threads?: number): Promise<BackendInfo | null> {
  const wasm = await useWasm();
  const loaded = registerOnednnKernels(threads);
  if ("reason" in loaded) {
    if (required) throw new Error(`onednn backend unavailable: ${loaded.reason}`);
    return null;
  }
  const t = loaded.threads;
  return {
    name: "onednn",
    requested: "onednn",
    device: `${wasm.device} + oneDNN ${loaded.version} (${loaded.isa}, ${loaded.runtime}, ${t} thread${
      t === 1 ? "" : "s"
    })`,
    versions: { ...wasm.versions, onednn: loaded.version },
  };
}

/** Names a software rasteriser, which `auto` must not pick over wasm. */
function isSoftwareAdapter(text: string): boolean {
  return /llvmpipe|lavapipe|swiftshader|software/i.test(text);
}

async function tryWebgpu(required: boolean): Promise<BackendInfo | null> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  const fail = (why: string) => {
    if (required) throw new Error(`webgpu backend unavailable: ${why}`);
    return null;
  };
  if (!gpu) return fail("navigator.gpu is missing (no WebGPU in this Deno)");
  const adapter = (await gpu.requestAdapter()) as
    | { info?: Record<string, string | boolean>; isFallbackAdapter?: boolean }
    | null;
  if (!adapter) return fail("no GPU adapter found");
  const ai = adapter.info ?? {};
  const description = [ai.vendor, ai.architecture, ai.device, ai.description].filter(Boolean).join(" ");
  const fallback = adapter.isFallbackAdapter === true || ai.isFallbackAdapter === true ||
    isSoftwareAdapter(description);
  if (fallback && !required) return null;
  const webgpu = await import("@tensorflow/tfjs-backend-webgpu");
  if (!(await tf.setBackend("webgpu"))) return fail("tfjs-backend-webgpu failed to initialise");
  await tf.ready();
  return {
    name: "webgpu",
    requested: "webgpu",
    device: description || "unnamed GPU adapter",
    versions: {
      ...baseVersions(),
      "tfjs-backend-webgpu": (webgpu as { version_webgpu?: string }).version_webgpu ?? "4.22.0",
    },
  };
}

/** The optional native packages, in order of preference. */
export const TENSORFLOW_PACKAGES = ["@tensorflow/tfjs-node-gpu", "@tensorflow/tfjs-node"] as const;

/**
 * Where an installed tfjs-node(-gpu) package's entry file is, looked up in `<root>/node_modules` (the project
 * root, whatever the working directory: a notebook's kernel runs in `notebooks/`), or null when neither is
 * installed. Only a file already on disk is ever imported: nothing is fetched and `deno.lock` is not touched.
 */
export async function findTensorflowPackage(
  root: string = REPO_ROOT,
): Promise<{ pkg: (typeof TENSORFLOW_PACKAGES)[number]; entry: string; version: string } | null> {
  for (const pkg of TENSORFLOW_PACKAGES) {
    const dir = `${root}/node_modules/${pkg}`;
    let manifest: { main?: string; version?: string };
    try {
      manifest = JSON.parse(await Deno.readTextFile(`${dir}/package.json`));
    } catch {
      continue;
    }
    const main = (manifest.main ?? "index.js").replace(/^\.\//, "");
    return { pkg, entry: `${dir}/${main}`, version: manifest.version ?? "unknown" };
  }
  return null;
}

/**
 * Start the tensorflow backend from the tfjs-node(-gpu) package installed under `<root>/node_modules` (see
 * {@link findTensorflowPackage}). Null when unavailable, or a one-line error when `required`.
 */
export async function tryTensorflow(
  required: boolean,
  root: string = REPO_ROOT,
): Promise<BackendInfo | null> {
  // The native packages are optional: imported from node_modules only when installed there
  // (`deno install --allow-scripts=npm:@tensorflow/tfjs-node-gpu npm:@tensorflow/tfjs-node-gpu@4.22.0`).
  const errors: string[] = [];
  const found = await findTensorflowPackage(root);
  if (!found) {
    errors.push(`neither ${TENSORFLOW_PACKAGES.join(" nor ")} is installed in ${root}/node_modules`);
  }
  for (const { pkg, entry, version } of found ? [found] : []) {
    try {
      await import(toFileUrl(entry));
      if (!(await tf.setBackend("tensorflow"))) throw new Error("setBackend('tensorflow') returned false");
      await tf.ready();
      return {
        name: "tensorflow",
        requested: "tensorflow",
        device: `${pkg} (libtensorflow${pkg.endsWith("gpu") ? ", CUDA" : ", CPU"})`,
        versions: { ...baseVersions(), [pkg.split("/")[1]]: version },
      };
    } catch (e) {
      errors.push(`${pkg}: ${(e as Error).message.split("\n")[0]}`);
    }
  }
  if (required) throw new Error(`tensorflow backend unavailable: ${errors.join("; ")}`);
  return null;
}
