/**
 * Wall-clock measurements: inference throughput of an encoder at a drop ratio (Table 5) and the time of one
 * pretraining step of MAE and PCAE (the speed-up claim). Both time whole forward (and backward) passes up to an
 * asynchronous read of the result, after warm-up repetitions, and report the median of the timed repetitions;
 * callers interleave the compared settings so that load from other processes on a shared machine hits them
 * alike.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import type { VisionTransformer } from "../../models/vit.ts";
import { emaUpdate } from "../../train/ema.ts";
import type { PcaeConfig, PcaeMethod } from "./config.ts";
import { buildModel, disposeModel, trainableVariables } from "./model.ts";
import { makeOptimizer, maskSplit, methodLoss, momentumAt } from "./pretrain.ts";
import { dropKeepFn } from "./redundancy.ts";

/** Median of a non-empty list. */
export function median(x: readonly number[]): number {
  if (x.length === 0) throw new Error("median: empty list");
  const s = [...x].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

async function timeOnce(f: () => tf.Tensor): Promise<number> {
  const t0 = performance.now();
  const y = f();
  await y.data();
  y.dispose();
  return (performance.now() - t0) / 1000;
}

/**
 * Inference throughput (images/s) of `vit` on the batch `x` at each drop ratio (mean-token dropping before each
 * block of `blocks`): `warmup` untimed rounds, then `repeats` rounds that time every ratio once, in turn; the
 * median per ratio.
 */
export async function inferenceThroughput(
  vit: VisionTransformer,
  x: tf.Tensor4D,
  ratios: readonly number[],
  blocks: readonly number[],
  opts: { warmup: number; repeats: number },
): Promise<number[]> {
  const fs = ratios.map((r) => {
    const keep = dropKeepFn(r, blocks, "mean-token");
    return () => tf.tidy(() => vit.apply(x, { training: false, keep }).h);
  });
  const times: number[][] = ratios.map(() => []);
  for (let i = 0; i < opts.warmup + opts.repeats; i++) {
    for (const [j, f] of fs.entries()) {
      const t = await timeOnce(f);
      if (i >= opts.warmup) times[j].push(t);
    }
  }
  return times.map((t) => x.shape[0] / median(t));
}

/**
 * Stepper for one method: a fresh model of `seed`, its optimiser, a fixed batch `x` and mask (`maskRatio`,
 * default the base run's); `step()` runs a full training step (loss, gradients, AdamW update, and PCAE's EMA
 * update) and resolves with its seconds.
 */
export function makeStepper(
  cfg: PcaeConfig,
  method: PcaeMethod,
  seed: number,
  x: tf.Tensor4D,
  maskRatio: number = cfg.base.maskRatio,
): { step(): Promise<number>; dispose(): void } {
  const model = buildModel(cfg, method, seed);
  const variables = trainableVariables(model);
  const optimizer = makeOptimizer(cfg, model);
  const split = maskSplit(
    new Rng(seed).fork("timing"),
    x.shape[0],
    model.student.numPatches,
    maskRatio,
  );
  const tv = model.teacher?.namedVariables(), sv = model.student.namedVariables();
  let k = 0;
  return {
    async step(): Promise<number> {
      const t0 = performance.now();
      const loss = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => methodLoss(cfg, model, x, split), variables);
        optimizer.step(variables.map((v) => grads[v.name]), cfg.optimizer.lr);
        return value;
      });
      await loss.data();
      loss.dispose();
      if (tv) emaUpdate(tv, sv, momentumAt(k, 100, cfg.teacher.momentum));
      k++;
      return (performance.now() - t0) / 1000;
    },
    dispose(): void {
      optimizer.dispose();
      disposeModel(model);
    },
  };
}

/**
 * Median seconds per training step of MAE and PCAE on the same batch `x`, and of PCAE at each mask ratio of
 * `sweep` (Table 4), timed round-robin (MAE step, PCAE step, PCAE at each swept mask, …) after `warmup` untimed
 * steps of each.
 */
export async function stepSeconds(
  cfg: PcaeConfig,
  seed: number,
  x: tf.Tensor4D,
  opts: { warmup: number; repeats: number },
  sweep: readonly number[] = [],
): Promise<{ mae: number; pcae: number; sweep: number[] }> {
  const steppers = [
    makeStepper(cfg, "mae", seed, x),
    makeStepper(cfg, "pcae", seed, x),
    ...sweep.map((m) => makeStepper(cfg, "pcae", seed, x, m)),
  ];
  try {
    for (let i = 0; i < opts.warmup; i++) for (const s of steppers) await s.step();
    const times: number[][] = steppers.map(() => []);
    for (let i = 0; i < opts.repeats; i++) {
      for (const [j, s] of steppers.entries()) times[j].push(await s.step());
    }
    const [mae, pcae, ...rest] = times.map(median);
    return { mae, pcae, sweep: rest };
  } finally {
    for (const s of steppers) s.dispose();
  }
}
