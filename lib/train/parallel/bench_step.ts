/**
 * Timing of split / data-parallel training steps for `tools/bench.ts --workers N --chunk N`: the same models,
 * data and update as the bench's plain step (`./encoder_recipe.ts` builds them), run either in-process with
 * micro-batching (`workers: 0`) or over `workers` Deno Workers ({@link DataParallel}).
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { DataParallel, type StepTimings } from "./mod.ts";
import { loadRecipe, type RecipeConfig, recipeStep } from "./recipe.ts";

/** Options of {@link timeSplitSteps}. */
export interface SplitBenchOptions {
  /** A bench model id: `cnn3`, `resnet18-w16`, `simclr-cnn3`, `simclr-resnet18-w16` (any `resnet{d}-w{w}`). */
  model: string;
  /** Source images per step. */
  batch: number;
  /** Timed steps. */
  steps: number;
  /** Untimed steps first. */
  warmup: number;
  /** 0: in-process (the current backend); ≥ 1: that many workers. */
  workers: number;
  /** Examples per chunk (default: no chunking: the whole batch, or each worker's share). */
  chunk?: number;
  /** Backend of the workers (default wasm). */
  backend?: "onednn" | "wasm" | "cpu";
  /** Initialisation seed (default 0). */
  seed?: number;
  /** Embedding losses over workers: single pass (default) or recomputed forward ({@link DataParallel}). */
  embeddingStep?: "single-pass" | "recompute";
}

/** What {@link timeSplitSteps} measured. */
export interface SplitBenchResult {
  /** Median ms per step over the timed steps. */
  msPerStep: number;
  /** Per-phase ms of the last step (workers only). */
  timings: StepTimings | null;
}

/** The recipe config of a bench model id. */
export function benchRecipeConfig(model: string, seed = 0): RecipeConfig {
  const simclr = model.startsWith("simclr-");
  return {
    seed,
    encoder: simclr ? model.slice("simclr-".length) : model,
    task: simclr ? "simclr" : "supervised",
    classes: 10,
    projectionDim: 128,
    temperature: 0.5,
    imageSize: 32,
    optimizer: "adam",
  };
}

const RECIPE = new URL("./encoder_recipe.ts", import.meta.url);

/** Time `steps` split / data-parallel steps of a bench model on 32×32×3 random images (lr 1e-3). */
export async function timeSplitSteps(opts: SplitBenchOptions): Promise<SplitBenchResult> {
  const seed = opts.seed ?? 0;
  const config = benchRecipeConfig(opts.model, seed);
  const shape = [opts.batch, 32, 32, 3];
  const xData = tf.tidy(() => tf.randomUniform(shape, 0, 1, "float32", seed + 1).dataSync() as Float32Array);
  const yData = Int32Array.from({ length: opts.batch }, (_, i) => (i * 7 + seed) % 10);
  const times: number[] = [];
  const check = (loss: number, i: number) => {
    if (!Number.isFinite(loss)) throw new Error(`${opts.model}: loss is ${loss} at step ${i}`);
  };
  if (opts.workers === 0) {
    const recipe = await loadRecipe(RECIPE, config);
    const x = tf.tensor(xData, shape), y = tf.tensor(yData, [opts.batch], "int32");
    try {
      for (let i = 0; i < opts.warmup + opts.steps; i++) {
        const t0 = performance.now();
        check(recipeStep(recipe, x, y, { seed: i, lr: 1e-3, chunk: opts.chunk }), i);
        if (i >= opts.warmup) times.push(performance.now() - t0);
      }
    } finally {
      tf.dispose([x, y]);
      recipe.dispose();
    }
    return { msPerStep: median(times), timings: null };
  }
  const dp = await DataParallel.start({
    recipe: RECIPE,
    config,
    workers: opts.workers,
    chunk: opts.chunk,
    backend: opts.backend,
    embeddingStep: opts.embeddingStep,
  });
  try {
    const batch = { x: { data: xData, shape }, labels: { data: yData, shape: [opts.batch] } };
    for (let i = 0; i < opts.warmup + opts.steps; i++) {
      const t0 = performance.now();
      check(await dp.step(batch, { seed: i, lr: 1e-3 }), i);
      if (i >= opts.warmup) times.push(performance.now() - t0);
    }
    return { msPerStep: median(times), timings: dp.lastTimings };
  } finally {
    await dp.close();
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
