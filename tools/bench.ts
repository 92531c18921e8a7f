/**
 * Training-throughput benchmark: images/s of one full training step (forward, backward, Adam lr 1e-3) of the
 * suite's encoders at batch 256 on 32×32×3 inputs, on every available backend.
 *
 *     deno task bench [--json] [--backend NAME[,NAME]] [--steps N] [--warmup N] [--batch N]
 *                     [--models cnn3,resnet18-w16,simclr-cnn3,simclr-resnet18-w16] [--kernel-profile]
 *                     [--compare-torch] [--threads N] [--memory] [--without KERNEL[,KERNEL]]
 *
 * Models:
 * - `cnn3`, `resnet18-w16`: supervised step, encoder + linear head (10 classes), softmax cross-entropy.
 * - `simclr-cnn3`, `simclr-resnet18-w16`: one SimCLR step: two augmented views of the batch (random resized
 *   crop, flip, colour distortion; the augmentation is inside the timed step), encoder + MLP projection head
 *   (128-d), NT-Xent (τ = 0.5) over the 2·batch embeddings. imagesPerSec counts source images, not views.
 *
 * Backends: by default wasm plus whatever `auto` would pick (tensorflow / hardware webgpu) when that differs.
 * The pure-JS cpu backend is skipped unless asked for with `--backend cpu` (it is >100× slower).
 * The reported figure is the median over `--steps` timed steps after `--warmup` untimed ones.
 *
 * `--json` prints one object per line: `{model, backend, batch, imagesPerSec, msPerStep}`.
 * `--kernel-profile` also prints, per model, the time per kernel of one step (tf.profile), largest first.
 * `--memory` also prints, per model, the peak bytes of live tensor data during one step and the wasm heap
 * size afterwards (the heap never shrinks: it is the process's peak; the 32-bit wasm heap's limit is 4 GiB).
 * `--baseline` puts tfjs-backend-wasm's own kernels back where `lib/backend/wasm_kernels.ts` replaced one
 * (only the kernels wasm lacks stay), for before/after numbers.
 * `--without` takes the listed kernels of `lib/backend/wasm_kernels.ts` out (tfjs-backend-wasm's own kernel is
 * put back where there is one; e.g. `--without SslBatchNormTrain` makes batch norm use tfjs' ops), for A/B runs.
 * By default, on a machine with several cores, every model is timed twice on wasm: the in-process step (one
 * thread) and the data-parallel step over one Deno Worker per core (at most 4; `lib/train/parallel`).
 * `--workers N` / `--chunk N` time only the split step of `lib/train/split_step.ts` instead (same models, data and
 * update): `--workers 0 --chunk N` micro-batches in-process (for memory), `--workers N` trains over N Deno
 * Workers (`lib/train/parallel`, wasm or cpu), each chunking its share by `--chunk`; per-phase times go to stderr
 * and the JSON lines gain `workers` and `chunk`. SimCLR over workers runs one forward per step, keeping the
 * tapes open while worker 0 computes ∂L/∂z; `--embedding-step recompute` times the recomputing variant.
 * `--compare-torch` runs `bench/torch_reference.py` (same models, same line format) with `/usr/bin/python3`
 * and `--threads` (default 2) when python3-torch is installed, and prints tfjs/PyTorch ratios (without `--json`,
 * as the markdown table of the README). On a loaded
 * machine PyTorch with 2 threads can be several times slower than with 1 (its threads spin for a busy core):
 * check `uptime` and compare with `--threads 1` as well.
 *
 * @module
 */
import { backendInfo, type BackendName, initBackend, parseBackend } from "../lib/backend/mod.ts";
import { CliError, helpText, type OptionTable, parseCli } from "../lib/cli.ts";
import { restoreOriginalWasmKernel, WASM_TRAINING_KERNELS } from "../lib/backend/wasm_kernels.ts";
import { onednnThreads } from "../lib/backend/onednn/mod.ts";
import { tf } from "../lib/tf.ts";
import { Rng } from "../lib/rng.ts";
import { cnn3 } from "../lib/models/cnn3.ts";
import { resnet18 } from "../lib/models/resnet.ts";
import { linearHead, mlpHead } from "../lib/models/heads.ts";
import type { Encoder, Head } from "../lib/models/types.ts";
import { adam } from "../lib/train/optimizers.ts";
import { ntXent } from "../lib/losses/nt_xent.ts";
import { randomResizedCrop } from "../lib/augment/crop.ts";
import { randomFlip } from "../lib/augment/flip.ts";
import { colorDistortion } from "../lib/augment/color.ts";
import { timeSplitSteps } from "../lib/train/parallel/bench_step.ts";
import { markdownTable } from "../lib/report/markdown.ts";

/** Benchmark model identifiers. */
export const BENCH_MODELS = ["cnn3", "resnet18-w16", "simclr-cnn3", "simclr-resnet18-w16"] as const;
/** A benchmark model identifier. */
export type BenchModel = typeof BENCH_MODELS[number];

/** One result line. */
export interface BenchResult {
  model: BenchModel;
  backend: BackendName;
  batch: number;
  imagesPerSec: number;
  msPerStep: number;
  /** Data-parallel workers (absent: the in-process step). */
  workers?: number;
  /** Threads of the in-process step (1 but for onednn, whose kernels use every core). */
  threads?: number;
  /** Micro-batch size of the split step (null: none). */
  chunk?: number | null;
}

/** The split-step variant (`--workers` / `--chunk`). */
type SplitArgs = { workers: number; chunk?: number; embeddingStep?: "single-pass" | "recompute" };

/** Parsed command line. */
export interface Args {
  help: boolean;
  json: boolean;
  backends: BackendName[] | null;
  steps: number;
  warmup: number;
  batch: number;
  models: BenchModel[];
  kernelProfile: boolean;
  memory: boolean;
  without: string[];
  compareTorch: boolean;
  threads: number;
  baseline: boolean;
  /** Time only the split step (null: the plain step, and the data-parallel one on several cores). */
  split: SplitArgs | null;
}

/** Every option of `deno task bench`; the parser and `--help` both come from this table. */
export const OPTIONS = {
  json: {
    type: "boolean",
    help: "one JSON object per line: {model, backend, batch, imagesPerSec, msPerStep}",
  },
  backend: {
    type: "string",
    value: "NAME[,NAME]",
    help:
      "tensorflow · webgpu · onednn · wasm · cpu (default: wasm and what auto picks; cpu only when asked)",
  },
  models: { type: "string", value: "M[,M]", help: `default ${BENCH_MODELS.join(",")}` },
  steps: { type: "string", value: "N", help: "timed steps; the median is reported (default 5)" },
  warmup: { type: "string", value: "N", help: "untimed steps first (default 2)" },
  batch: { type: "string", value: "N", help: "images per step (default 256)" },
  "kernel-profile": { type: "boolean", help: "also print the time per kernel of one step, largest first" },
  memory: { type: "boolean", help: "also print the peak live tensor bytes of one step and the wasm heap" },
  baseline: { type: "boolean", help: "put tfjs-backend-wasm's own kernels back (before/after numbers)" },
  without: {
    type: "string",
    value: "KERNEL[,KERNEL]",
    help: "take these kernels of lib/backend/wasm_kernels.ts out (A/B runs)",
  },
  workers: { type: "string", value: "N", help: "time the split step over N Deno Workers (0: in-process)" },
  chunk: { type: "string", value: "N", help: "micro-batch size of the split step" },
  "embedding-step": {
    type: "string",
    value: "single-pass|recompute",
    help: "SimCLR over workers: keep the tapes open (default) or recompute",
  },
  "compare-torch": {
    type: "boolean",
    help: "run bench/torch_reference.py too and print tfjs/PyTorch ratios",
  },
  threads: { type: "string", value: "N", help: "PyTorch threads for --compare-torch (default 2)" },
  help: { type: "boolean", short: "h", help: "this text" },
} as const satisfies OptionTable;

/** The `--help` text. */
export const HELP = helpText(
  "usage: deno task bench [options]",
  "Images/s of one full training step (forward, backward, Adam) of the suite's encoders at batch 256 on\n" +
    "32×32×3 inputs, per backend; see tools/bench.ts for the models and variants.",
  OPTIONS,
);

function intOption(name: string, v: string | undefined, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  const n = Number(v);
  if (!(Number.isInteger(n) && n >= min)) {
    throw new CliError(`--${name}: expected an integer >= ${min}, got "${v}"`);
  }
  return n;
}

/** Parse the command line; throws a one-line {@link CliError} for anything unknown or malformed. */
export function parseArgs(argv: string[]): Args {
  if (argv.some((a) => a === "--profile" || a.startsWith("--profile="))) {
    throw new CliError('unknown option "--profile": per-kernel timing is --kernel-profile (see --help)');
  }
  const { values: v } = parseCli(OPTIONS, argv);
  const backends = v.backend?.split(",").map((b) => {
    const name = parseBackend(b);
    if (name === "auto") throw new CliError(`--backend: name the backends to time, not "auto"`);
    return name;
  });
  const models = (v.models?.split(",") ?? [...BENCH_MODELS]) as BenchModel[];
  for (const m of models) {
    if (!BENCH_MODELS.includes(m)) {
      throw new CliError(`unknown model "${m}": expected ${BENCH_MODELS.join(", ")}`);
    }
  }
  const without = v.without?.split(",") ?? [];
  for (const k of without) {
    if (!WASM_TRAINING_KERNELS.some((c) => c.kernelName === k)) {
      throw new CliError(
        `--without: unknown kernel ${k} (have ${WASM_TRAINING_KERNELS.map((c) => c.kernelName).join(", ")})`,
      );
    }
  }
  let split: SplitArgs | null = null;
  if (v.workers !== undefined || v.chunk !== undefined) {
    const step = v["embedding-step"];
    if (step !== undefined && step !== "single-pass" && step !== "recompute") {
      throw new CliError(`--embedding-step: expected single-pass or recompute, got "${step}"`);
    }
    split = {
      workers: intOption("workers", v.workers, 0, 0),
      chunk: v.chunk === undefined ? undefined : intOption("chunk", v.chunk, 0, 1),
      embeddingStep: step,
    };
  } else if (v["embedding-step"] !== undefined) {
    throw new CliError("--embedding-step needs --workers or --chunk");
  }
  return {
    help: v.help ?? false,
    json: v.json ?? false,
    backends: (backends as BackendName[] | undefined) ?? null,
    steps: intOption("steps", v.steps, 5, 1),
    warmup: intOption("warmup", v.warmup, 2, 0),
    batch: intOption("batch", v.batch, 256, 2),
    models,
    kernelProfile: v["kernel-profile"] ?? false,
    memory: v.memory ?? false,
    without,
    compareTorch: v["compare-torch"] ?? false,
    threads: intOption("threads", v.threads, 2, 1),
    baseline: v.baseline ?? false,
    split,
  };
}

function makeEncoder(model: BenchModel, rng: Rng): Encoder {
  return model.endsWith("cnn3") ? cnn3(rng) : resnet18(rng, { width: 16 });
}

/** Build a closure running one training step of `model` and returning its loss (kept alive for syncing). */
export function makeStep(
  model: BenchModel,
  batch: number,
  seed = 0,
): { step: () => tf.Scalar; dispose: () => void } {
  const rng = new Rng(seed);
  const encoder = makeEncoder(model, rng.fork("encoder"));
  const simclr = model.startsWith("simclr");
  const head: Head = simclr
    ? mlpHead(rng.fork("head"), encoder.outDim, { outDim: 128 })
    : linearHead(rng.fork("head"), encoder.outDim, 10);
  const vars = [...encoder.trainableVariables(), ...head.trainableVariables()];
  const opt = adam(vars);
  const dataRng = rng.fork("data");
  const x = tf.tidy(() => tf.randomUniform([batch, 32, 32, 3], 0, 1, "float32", seed + 1)) as tf.Tensor4D;
  const labels = tf.tidy(() =>
    tf.oneHot(tf.tensor1d(Array.from({ length: batch }, () => dataRng.int(10)), "int32"), 10)
  );
  const augment = (images: tf.Tensor4D) =>
    colorDistortion(randomFlip(randomResizedCrop(images, dataRng, { size: 32 }), dataRng), dataRng);
  const step = () =>
    tf.tidy(() => {
      let lossFn: () => tf.Scalar;
      if (simclr) {
        const v1 = augment(x), v2 = augment(x);
        lossFn = () => {
          const h = encoder.apply(tf.concat([v1, v2], 0), { training: true }).h;
          const z = head.apply(h, { training: true });
          return ntXent(z.slice([0, 0], [batch, -1]), z.slice([batch, 0], [batch, -1]), 0.5);
        };
      } else {
        lossFn = () => {
          const logits = head.apply(encoder.apply(x, { training: true }).h, { training: true });
          return tf.losses.softmaxCrossEntropy(labels, logits) as tf.Scalar;
        };
      }
      const { value, grads } = tf.variableGrads(lossFn, vars);
      opt.step(vars.map((v) => grads[v.name]), 1e-3);
      return value;
    });
  const dispose = () => {
    opt.dispose();
    encoder.dispose();
    head.dispose();
    tf.dispose([x, labels]);
  };
  return { step, dispose };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Time `steps` training steps of `model` on the current backend after `warmup` untimed ones. */
export async function benchModel(
  model: BenchModel,
  batch: number,
  steps: number,
  warmup: number,
): Promise<number> {
  const { step, dispose } = makeStep(model, batch);
  const times: number[] = [];
  try {
    for (let i = 0; i < warmup + steps; i++) {
      const t0 = performance.now();
      const loss = step();
      // Asynchronous read: synchronous reads are impossible on webgpu under Deno (no 2D canvas).
      const v = (await loss.data())[0];
      loss.dispose();
      if (!Number.isFinite(v)) throw new Error(`${model}: loss is ${v} at step ${i}`);
      if (i >= warmup) times.push(performance.now() - t0);
    }
  } finally {
    dispose();
  }
  return median(times);
}

/** Per-kernel time of one step, aggregated by kernel name, largest first. */
async function profileModel(model: BenchModel, batch: number): Promise<string> {
  const { step, dispose } = makeStep(model, batch);
  try {
    step().dispose(); // warm-up (operator creation, heap growth)
    const info = await tf.profile(() => step());
    tf.dispose(info.result as tf.Tensor);
    const byKernel = new Map<string, { ms: number; n: number }>();
    let total = 0;
    for (const k of info.kernels) {
      const ms = Number(k.kernelTimeMs);
      total += ms;
      const e = byKernel.get(k.name) ?? { ms: 0, n: 0 };
      e.ms += ms;
      e.n++;
      byKernel.set(k.name, e);
    }
    const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
    return [
      `profile ${model} (${info.kernels.length} kernels, ${total.toFixed(0)} ms in kernels):`,
      ...rows.map(([name, e]) =>
        `  ${name.padEnd(28)} ${e.ms.toFixed(1).padStart(9)} ms ${
          (100 * e.ms / total).toFixed(1).padStart(5)
        }%  x${e.n}`
      ),
    ].join("\n");
  } finally {
    dispose();
  }
}

/** The parts of tfjs-backend-wasm's backend that {@link memoryOfStep} instruments. */
interface WasmHeapBackend {
  wasm: { HEAPU8: Uint8Array };
  dataIdMap: {
    has(id: unknown): boolean;
    get(id: unknown): { shape: number[]; dtype: string; refCount: number };
  };
  move(dataId: unknown, values: unknown, shape: number[], dtype: string, refCount: number): void;
  disposeData(dataId: unknown, force?: boolean): boolean;
}

/**
 * Peak live tensor data (bytes allocated by the backend for tensors, shared views counted once) during one
 * step after a warm-up step, and the wasm heap size after it. Null off the wasm backend.
 */
function memoryOfStep(model: BenchModel, batch: number): { peakMiB: number; heapMiB: number } | null {
  const backend = tf.backend() as unknown as WasmHeapBackend;
  if (!backend.wasm || !backend.dataIdMap) return null;
  const { step, dispose } = makeStep(model, batch);
  const bytesOf = (shape: number[], dtype: string) =>
    shape.reduce((a, b) => a * b, 1) * (dtype === "bool" ? 1 : dtype === "string" ? 0 : 4);
  let live = 0, peak = 0;
  const move = backend.move, disposeData = backend.disposeData;
  try {
    step().dispose();
    backend.move = function (dataId, values, shape, dtype, refCount) {
      move.call(this, dataId, values, shape, dtype, refCount);
      live += bytesOf(shape, dtype);
      peak = Math.max(peak, live);
    };
    backend.disposeData = function (dataId, force) {
      const info = this.dataIdMap.has(dataId) ? this.dataIdMap.get(dataId) : null;
      const freed = disposeData.call(this, dataId, force);
      if (freed && info) live -= bytesOf(info.shape, info.dtype);
      return freed;
    };
    const loss = step();
    loss.dataSync();
    loss.dispose();
  } finally {
    backend.move = move;
    backend.disposeData = disposeData;
    dispose();
  }
  // `live` starts at 0 at the step's beginning: the peak is what the step allocates beyond what it started with
  return { peakMiB: peak / 2 ** 20, heapMiB: backend.wasm.HEAPU8.buffer.byteLength / 2 ** 20 };
}

/** Median ms per split / data-parallel step (`lib/train/parallel/bench_step.ts`); phases on stderr. */
async function benchSplit(
  model: BenchModel,
  batch: number,
  steps: number,
  warmup: number,
  split: { workers: number; chunk?: number; embeddingStep?: "single-pass" | "recompute" },
  backend: BackendName,
  quiet: boolean,
): Promise<number> {
  if (split.workers > 0 && backend !== "onednn" && backend !== "wasm" && backend !== "cpu") {
    throw new Error(`--workers runs onednn, wasm or cpu workers, not ${backend}`);
  }
  const r = await timeSplitSteps({
    model,
    batch,
    steps,
    warmup,
    ...split,
    backend: backend === "cpu" || backend === "onednn" ? backend : "wasm",
  });
  if (!quiet) {
    const t = r.timings;
    const phases = t
      ? `; last step: forward ${t.forward.toFixed(0)}, loss ${t.loss.toFixed(0)}, backward ${
        t.backward.toFixed(0)
      }, reduce+apply ${t.reduceApply.toFixed(0)} ms`
      : "";
    console.error(`split ${model}: ${split.workers} workers, chunk ${split.chunk ?? "none"}${phases}`);
  }
  return r.msPerStep;
}

async function defaultBackends(): Promise<BackendName[]> {
  const out: BackendName[] = ["wasm"];
  try {
    const auto = await initBackend("auto", { quiet: true });
    if (auto.name !== "wasm") out.unshift(auto.name);
  } catch {
    // auto falls back to wasm; nothing else to add
  }
  return out;
}

interface TorchLine {
  model: string;
  imagesPerSec: number;
  msPerStep: number;
}

async function runTorch(args: Args): Promise<TorchLine[] | string> {
  const python = "/usr/bin/python3";
  try {
    const probe = await new Deno.Command(python, { args: ["-c", "import torch"], stderr: "null" }).output();
    if (!probe.success) return "python3-torch is not installed (apt-get install -y python3-torch)";
  } catch {
    return `${python} not found`;
  }
  const script = new URL("../bench/torch_reference.py", import.meta.url).pathname;
  const out = await new Deno.Command(python, {
    args: [
      script,
      "--json",
      "--threads",
      String(args.threads),
      "--batch",
      String(args.batch),
      "--steps",
      String(args.steps),
      "--warmup",
      String(args.warmup),
      "--models",
      args.models.join(","),
    ],
    stderr: "inherit",
  }).output();
  if (!out.success) return "torch_reference.py failed";
  return new TextDecoder().decode(out.stdout).trim().split("\n").filter((l) => l.startsWith("{")).map((l) =>
    JSON.parse(l) as TorchLine
  );
}

async function main(): Promise<void> {
  const args = parseArgs(Deno.args);
  if (args.help) {
    console.log(HELP);
    return;
  }
  const backends = args.backends ?? await defaultBackends();
  if (!args.backends && !args.json) {
    console.error("bench: skipping the cpu backend (pure JS; ask with --backend cpu)");
  }
  const results: BenchResult[] = [];
  const explicitSplit = args.split;
  for (const backend of backends) {
    await initBackend(backend, { quiet: args.json });
    const name = backendInfo()!.name;
    if (args.baseline && name === "wasm") {
      for (const k of ["Conv2DBackpropInput", "Tile", "MaxPoolGrad", "Sum", "Mean"]) {
        restoreOriginalWasmKernel(k);
      }
    }
    if (name === "wasm") {
      for (const k of args.without) {
        if (!restoreOriginalWasmKernel(k)) tf.unregisterKernel(k, "wasm");
      }
    }
    // the default on a multi-core machine: the in-process step and the data-parallel step over one worker per core
    const cores = navigator.hardwareConcurrency || 1;
    const variants: (SplitArgs | null)[] = explicitSplit ? [explicitSplit] : [
      null,
      ...(((name === "wasm" || name === "onednn") && cores > 1) ? [{ workers: Math.min(cores, 4) }] : []),
    ];
    for (const split of variants) {
      for (const model of args.models) {
        const r = await benchOne(model, name, split, args);
        if (!r) break;
        results.push(r);
      }
    }
  }
  if (args.compareTorch) {
    const torch = await runTorch(args);
    if (typeof torch === "string") {
      console.error(`compare-torch: ${torch}`);
      return;
    }
    const rows: string[][] = [];
    for (const t of torch) {
      const mine = results.filter((r) => r.model === t.model);
      if (args.json) console.log(JSON.stringify({ ...t, backend: "torch-cpu", batch: args.batch }));
      rows.push([t.model, `PyTorch CPU (${args.threads} threads)`, String(t.imagesPerSec), "1"]);
      for (const r of mine) {
        const ratio = r.imagesPerSec / t.imagesPerSec;
        const how = `${r.backend}, ${variantLabel(r)}`;
        rows.push([t.model, how, String(r.imagesPerSec), ratio.toFixed(2)]);
        if (args.json) {
          console.log(JSON.stringify({
            model: t.model,
            backend: r.backend,
            ...(r.workers ? { workers: r.workers } : {}),
            ratioToTorch: Math.round(ratio * 1000) / 1000,
          }));
        }
      }
    }
    if (!args.json) {
      console.log(`\nbatch ${args.batch}, 32×32×3, Adam; ratio = images/s ÷ PyTorch's\n`);
      console.log(markdownTable(["model", "backend", "images/s", "ratio to PyTorch"], rows));
    }
  }
}

/** "2 workers", "1 thread", "2 threads". */
function variantLabel(r: BenchResult): string {
  if (r.workers) return `${r.workers} workers`;
  const t = r.threads ?? 1;
  return `${t} thread${t === 1 ? "" : "s"}`;
}

/** Time one model on one backend (in-process, or split over workers); null when it fails (printed). */
async function benchOne(
  model: BenchModel,
  name: BackendName,
  split: SplitArgs | null,
  args: Args,
): Promise<(BenchResult) | null> {
  let ms: number;
  try {
    ms = split
      ? await benchSplit(model, args.batch, args.steps, args.warmup, split, name, args.json)
      : await benchModel(model, args.batch, args.steps, args.warmup);
  } catch (e) {
    // e.g. the 4 GiB wasm32 heap is exhausted; the backend's heap is unusable afterwards
    const error = (e as Error).message.split("\n")[0];
    if (args.json) console.log(JSON.stringify({ model, backend: name, batch: args.batch, error }));
    else console.log(`${model.padEnd(20)} ${name.padEnd(8)} failed: ${error}`);
    return null;
  }
  const r: BenchResult = {
    model,
    backend: name,
    batch: args.batch,
    imagesPerSec: Math.round(args.batch / ms * 1000 * 10) / 10,
    msPerStep: Math.round(ms * 10) / 10,
  };
  if (split?.workers) Object.assign(r, { workers: split.workers, chunk: split.chunk ?? null });
  else r.threads = name === "onednn" ? onednnThreads() : 1;
  if (args.json) console.log(JSON.stringify(r));
  else {
    const how = variantLabel(r);
    console.log(
      `${model.padEnd(20)} ${name.padEnd(8)} ${how.padEnd(10)} ${
        r.imagesPerSec.toFixed(1).padStart(8)
      } images/s  ${r.msPerStep.toFixed(0).padStart(6)} ms/step`,
    );
  }
  if (args.kernelProfile) console.error(await profileModel(model, args.batch));
  if (args.memory) {
    const m = memoryOfStep(model, args.batch);
    if (m) {
      console.error(
        `memory ${model}: peak ${m.peakMiB.toFixed(0)} MiB of tensors allocated during a step, wasm heap ${
          m.heapMiB.toFixed(0)
        } MiB`,
      );
    }
  }
  return r;
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    console.error(`bench: ${(e as Error).message.split("\n")[0]}`);
    Deno.exit(e instanceof CliError || (e as Error).message.startsWith("unknown backend") ? 2 : 1);
  }
}
