/**
 * The training loop shared by every method: gradient step via `tf.variableGrads`, learning-rate schedule,
 * progress bar (and steps reported on the `lib/progress.ts` channel), periodic atomic checkpoints with resume, and a guard that stops on a non-finite loss or
 * gradient before it can corrupt the weights (the last good checkpoint is left untouched). Only the optimizer
 * update is withheld: side effects of the failing step's forward pass (batch-norm running statistics, memory
 * banks) have already happened, so after a `"stop"` reload the last checkpoint before evaluating the model.
 *
 * Determinism: the loop itself draws no random numbers. Make `lossFn(step)` a function of the step and the
 * variables only, e.g. draw the batch and augmentations from `new Rng(seed).fork(step)`; then two runs with the
 * same seed give identical losses on the same backend, and a resumed run continues exactly where the
 * interrupted one would have gone. State that is not a function of the step (a data-loader cursor, an Rng
 * advanced across steps) can be saved with `checkpoint.meta` and restored in `onResume`.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Optimizer } from "./types.ts";
import { fileExists, loadCheckpoint, restoreVariables, saveCheckpoint } from "./checkpoint.ts";
import { Progress, type ProgressOptions } from "./progress.ts";
import { reportTrainStep } from "../progress.ts";

/** What `onStep` receives after each step. */
export interface StepInfo {
  /** The 0-based index of the step just taken. */
  step: number;
  /** Its loss (before the update). */
  loss: number;
  /** Its learning rate. */
  lr: number;
  /** Global L2 norm of the gradients (before clipping), when computed. */
  gradNorm: number | null;
}

/** Checkpointing of {@link trainLoop}. */
export interface CheckpointConfig {
  /** Checkpoint file. */
  path: string;
  /** Save every this many steps (and at the end). */
  every: number;
  /**
   * Everything to save and restore by name (default: the trained variables as `var.<i>`). Pass
   * `model.namedVariables()` (and heads', momentum encoders'…) to include batch-norm statistics. The optimizer
   * state is added under `optimizer.<name>`. Must include every trained variable (checked), so a resume cannot
   * silently restart one from its initial value.
   */
  variables?: Record<string, tf.Variable>;
  /** Extra JSON state saved with every checkpoint (returned to `onResume`). */
  meta?: () => Record<string, unknown>;
}

/** Options of {@link trainLoop}. */
export interface TrainLoopOptions {
  /** Total number of steps (a resumed run continues up to this). */
  steps: number;
  /** The variables to train (trainable `tf.Variable`s). */
  variables: tf.Variable[];
  /** Updates the variables. */
  optimizer: Optimizer;
  /** Learning rate of each step. */
  lr: (step: number) => number;
  /** The loss of step `step` (build it from the variables; runs under a gradient tape and `tf.tidy`). */
  lossFn: (step: number) => tf.Scalar;
  /** Name shown on the progress bar and in messages (default "train"). */
  label?: string;
  /** Images per step, for the images/s display. */
  batchSize?: number;
  /** Periodic checkpoints. */
  checkpoint?: CheckpointConfig;
  /** Resume from `checkpoint.path` when it exists (default true when a checkpoint is configured). */
  resume?: boolean;
  /** Called with the checkpoint's meta after a resume. */
  onResume?: (meta: Record<string, unknown>, step: number) => void | Promise<void>;
  /** Called after every step. */
  onStep?: (info: StepInfo) => void | Promise<void>;
  /** Recorded in checkpoints; a resume with a different seed is refused. */
  seed?: number;
  /**
   * Anything else that determines the training (the method's config, the data…), recorded in checkpoints as
   * JSON; a resume whose fingerprint differs is refused.
   */
  fingerprint?: unknown;
  /** Clip the global gradient norm to this value (default: no clipping). */
  clipGradNorm?: number;
  /** Check the gradients for NaN/Inf too, not only the loss (default true). */
  checkGrads?: boolean;
  /** On a non-finite loss/gradient: throw (default) or stop and return. */
  onNonFinite?: "throw" | "stop";
  /** Progress display: false to disable, or options (default: on stderr). */
  progress?: boolean | Partial<Omit<ProgressOptions, "label" | "total" | "startStep" | "batchSize">>;
}

/** What {@link trainLoop} returns. */
export interface TrainResult {
  /** Loss of every step from 0 (losses of steps before a resume come from the checkpoint). */
  losses: number[];
  /** Steps completed. */
  steps: number;
  /** The step a resume started from, or null. */
  resumedFrom: number | null;
  /** Why it ended: all steps done, or stopped by the non-finite guard (`onNonFinite: "stop"`). */
  status: "done" | "non-finite";
  /** The one-line message of a non-finite stop. */
  message?: string;
  /** Wall-clock seconds of this call. */
  seconds: number;
}

/** Thrown when the loss or a gradient becomes NaN or infinite. */
export class NonFiniteError extends Error {
  /** Always "NonFiniteError". */
  override name = "NonFiniteError";
}

/** "key: a there, b here" for the first option that differs, or null. */
function optionDifference(saved: Record<string, unknown>, now: Record<string, unknown>): string | null {
  for (const key of new Set([...Object.keys(saved), ...Object.keys(now)])) {
    const a = JSON.stringify(saved[key] ?? null), b = JSON.stringify(now[key] ?? null);
    if (a !== b) {
      const short = (s: string) => (s.length > 60 ? `${s.slice(0, 57)}...` : s);
      return `${key}: ${short(a)} there, ${short(b)} here`;
    }
  }
  return null;
}

/** Run (or resume) a training loop; see the module documentation. */
export async function trainLoop(opts: TrainLoopOptions): Promise<TrainResult> {
  const label = opts.label ?? "train";
  const t0 = performance.now();
  if (!(Number.isInteger(opts.steps) && opts.steps >= 0)) {
    throw new Error(`${label}: steps must be an integer >= 0, got ${opts.steps}`);
  }
  if (opts.variables.length === 0) throw new Error(`${label}: no variables to train`);
  const nonTrainable = opts.variables.findIndex((v) => !v.trainable);
  if (nonTrainable >= 0) throw new Error(`${label}: variables[${nonTrainable}] is not trainable`);
  const ck = opts.checkpoint;
  if (ck && !(Number.isInteger(ck.every) && ck.every >= 1)) {
    throw new Error(`${label}: checkpoint.every must be a positive integer, got ${ck.every}`);
  }
  const saved: Record<string, tf.Variable> = {};
  if (ck) {
    const own = ck.variables ?? Object.fromEntries(opts.variables.map((v, i) => [`var.${i}`, v]));
    // A trained variable missing from the checkpoint would silently restart from its initial value on resume.
    const covered = new Set(Object.values(own));
    const missing = opts.variables.findIndex((v) => !covered.has(v));
    if (missing >= 0) {
      throw new Error(
        `${label}: checkpoint.variables lacks trained variables[${missing}] (${
          opts.variables[missing].name
        }); include every trained variable so a resume restores it`,
      );
    }
    Object.assign(saved, own);
    for (const [k, v] of Object.entries(opts.optimizer.stateVariables())) saved[`optimizer.${k}`] = v;
  }

  // Everything besides the weights that decides what the next step does; a resume must match it exactly.
  const options: Record<string, unknown> = JSON.parse(JSON.stringify({
    seed: opts.seed ?? null,
    optimizer: opts.optimizer.name,
    optimizerConfig: opts.optimizer.config ?? null,
    clipGradNorm: opts.clipGradNorm ?? null,
    checkGrads: opts.checkGrads ?? true,
    batchSize: opts.batchSize ?? null,
    fingerprint: opts.fingerprint ?? null,
  }));
  let start = 0;
  let losses: number[] = [];
  let lrs: number[] = [];
  let resumedFrom: number | null = null;
  if (ck && (opts.resume ?? true) && await fileExists(ck.path)) {
    const c = await loadCheckpoint(ck.path);
    const seed = c.meta.seed;
    if (opts.seed !== undefined && seed !== undefined && seed !== opts.seed) {
      throw new Error(
        `${label}: checkpoint ${ck.path} was written with seed ${seed}, this run uses ${opts.seed}`,
      );
    }
    const savedOptimizer = c.meta.optimizer;
    if (savedOptimizer !== undefined && savedOptimizer !== opts.optimizer.name) {
      throw new Error(
        `${label}: checkpoint ${ck.path} was written by optimizer ${savedOptimizer}, this run uses ${opts.optimizer.name}`,
      );
    }
    const differs = optionDifference((c.meta.options ?? {}) as Record<string, unknown>, options);
    if (differs) {
      throw new Error(
        `${label}: checkpoint ${ck.path} was written with other training options (${differs}); ` +
          `delete it to start over or restore the options`,
      );
    }
    // the steps already taken must have used the learning rates this run would use
    const taken = Array.isArray(c.meta.lrs) ? c.meta.lrs as number[] : [];
    const lrAt = taken.findIndex((v, i) => i < c.step && v !== opts.lr(i));
    if (lrAt >= 0 || taken.length < Math.min(c.step, opts.steps)) {
      const i = lrAt >= 0 ? lrAt : taken.length;
      throw new Error(
        `${label}: checkpoint ${ck.path} took step ${i} at learning rate ${
          taken[i]
        }, this run's schedule gives ` +
          `${opts.lr(i)}; delete it to start over or restore the schedule`,
      );
    }
    if (c.step > opts.steps) {
      throw new Error(
        `${label}: checkpoint ${ck.path} is at step ${c.step}, beyond the ${opts.steps} requested`,
      );
    }
    restoreVariables(c, saved);
    start = c.step;
    resumedFrom = c.step;
    losses = Array.isArray(c.meta.losses) ? (c.meta.losses as number[]).slice(0, start) : [];
    lrs = taken.slice(0, start);
    await opts.onResume?.((c.meta.user ?? {}) as Record<string, unknown>, start);
  }

  const save = async (step: number) => {
    if (!ck) return;
    await saveCheckpoint(ck.path, {
      step,
      tensors: saved,
      meta: {
        label,
        seed: opts.seed,
        losses,
        lrs,
        options,
        user: ck.meta?.() ?? {},
        optimizer: opts.optimizer.name,
      },
    });
  };

  const progress = opts.progress === false ? null : new Progress({
    label,
    total: opts.steps,
    startStep: start,
    batchSize: opts.batchSize,
    ...(typeof opts.progress === "object" ? opts.progress : {}),
  });
  const checkGrads = opts.checkGrads ?? true;
  const needNorm = checkGrads || opts.clipGradNorm !== undefined;

  for (let step = start; step < opts.steps; step++) {
    const lr = opts.lr(step);
    const { stats, grads } = tf.tidy(() => {
      let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
      try {
        result = tf.variableGrads(() => {
          const loss = opts.lossFn(step);
          if (!(loss instanceof tf.Tensor) || loss.rank !== 0) {
            throw new Error(`${label}: lossFn must return a scalar tensor`);
          }
          return loss;
        }, opts.variables);
      } catch (e) {
        if ((e as Error).message.includes("Cannot find a connection")) {
          throw new Error(
            `${label}: the loss of step ${step} does not depend on any of the trained variables`,
          );
        }
        throw e;
      }
      const { value, grads } = result;
      const list = opts.variables.map((v) => grads[v.name] ?? null);
      const present = list.filter((g): g is tf.Tensor => g !== null);
      const norm = needNorm && present.length > 0
        ? tf.sqrt(tf.addN(present.map((g) => tf.sum(tf.square(g)))))
        : tf.scalar(0);
      // loss and gradient norm in one tensor: one device read-back per step instead of two
      return { stats: tf.stack([value, norm]), grads: list };
    }) as { stats: tf.Tensor1D; grads: (tf.Tensor | null)[] };
    const [loss, gradNorm] = await stats.data();
    const release = () => tf.dispose([stats, ...grads.filter((g): g is tf.Tensor => g !== null)]);
    if (!Number.isFinite(loss) || (checkGrads && !Number.isFinite(gradNorm))) {
      release();
      const what = Number.isFinite(loss)
        ? `non-finite gradient (norm ${gradNorm})`
        : `non-finite loss ${loss}`;
      const where = ck && await fileExists(ck.path) ? `; last good checkpoint kept at ${ck.path}` : "";
      const message = `${label}: ${what} at step ${step}; stopped${where}`;
      progress?.finish();
      if ((opts.onNonFinite ?? "throw") === "throw") throw new NonFiniteError(message);
      console.error(message);
      return {
        losses,
        steps: step,
        resumedFrom,
        status: "non-finite",
        message,
        seconds: (performance.now() - t0) / 1000,
      };
    }
    if (opts.clipGradNorm !== undefined && gradNorm > opts.clipGradNorm) {
      const scale = opts.clipGradNorm / (gradNorm + 1e-6);
      const clipped = grads.map((g) => (g ? tf.mul(g, scale) : null));
      opts.optimizer.step(clipped, lr);
      tf.dispose(clipped.filter((g): g is tf.Tensor => g !== null));
    } else {
      opts.optimizer.step(grads, lr);
    }
    release();
    losses.push(loss);
    lrs.push(lr);
    const done = step + 1;
    progress?.update(done, loss);
    const elapsed = (performance.now() - t0) / 1000;
    reportTrainStep(
      done,
      opts.steps,
      loss,
      opts.batchSize && elapsed > 0 ? (opts.batchSize * (done - start)) / elapsed : null,
    );
    await opts.onStep?.({ step, loss, lr, gradNorm: needNorm ? gradNorm : null });
    if (ck && (done % ck.every === 0 || done === opts.steps)) await save(done);
  }
  progress?.finish();
  return { losses, steps: opts.steps, resumedFrom, status: "done", seconds: (performance.now() - t0) / 1000 };
}
