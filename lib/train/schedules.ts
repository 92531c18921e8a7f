/**
 * Learning-rate schedules: functions from the (0-based) step to the learning rate of that step.
 *
 * @module
 */

/** A learning-rate schedule: step (0-based) → learning rate. */
export type Schedule = (step: number) => number;

function checkStep(name: string, step: number): void {
  if (!(Number.isInteger(step) && step >= 0)) {
    throw new Error(`${name}: step must be an integer >= 0, got ${step}`);
  }
}

/** A constant learning rate. */
export function constantLr(lr: number): Schedule {
  if (!Number.isFinite(lr)) throw new Error(`constantLr: lr must be finite, got ${lr}`);
  return (step) => {
    checkStep("constantLr", step);
    return lr;
  };
}

/** Options of {@link stepLr}. */
export interface StepLrOptions {
  /** Initial learning rate. */
  base: number;
  /** Steps at which the rate is multiplied by `gamma` (ascending). */
  milestones: readonly number[];
  /** Factor per milestone (default 0.1). */
  gamma?: number;
}

/** Step decay as `MultiStepLR`: base·γ^(number of milestones ≤ step). */
export function stepLr(opts: StepLrOptions): Schedule {
  const gamma = opts.gamma ?? 0.1;
  for (let i = 1; i < opts.milestones.length; i++) {
    if (!(opts.milestones[i] > opts.milestones[i - 1])) {
      throw new Error("stepLr: milestones must be ascending");
    }
  }
  return (step) => {
    checkStep("stepLr", step);
    return opts.base * gamma ** opts.milestones.filter((m) => m <= step).length;
  };
}

/** Options of {@link warmupCosine}. */
export interface WarmupCosineOptions {
  /** Peak learning rate (reached at the end of the warm-up). */
  base: number;
  /** Total number of steps. */
  totalSteps: number;
  /** Linear warm-up steps (default 0). */
  warmupSteps?: number;
  /** Learning rate at the end of the cosine (default 0). */
  final?: number;
}

/**
 * Linear warm-up then cosine decay (SimCLR, MAE): lr(s) = base·(s+1)/W for s < W, then
 * final + (base − final)·½(1 + cos(π·(s − W)/(T − W))) for W ≤ s < T, and `final` from T on.
 */
export function warmupCosine(opts: WarmupCosineOptions): Schedule {
  const { base, totalSteps } = opts;
  const warm = opts.warmupSteps ?? 0, final = opts.final ?? 0;
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) {
    throw new Error(`warmupCosine: totalSteps must be a positive integer, got ${totalSteps}`);
  }
  if (!(Number.isInteger(warm) && warm >= 0 && warm <= totalSteps)) {
    throw new Error(`warmupCosine: warmupSteps must be an integer in [0, totalSteps], got ${warm}`);
  }
  return (step) => {
    checkStep("warmupCosine", step);
    if (step < warm) return (base * (step + 1)) / warm;
    if (step >= totalSteps) return final;
    const p = (step - warm) / Math.max(1, totalSteps - warm);
    return final + (base - final) * 0.5 * (1 + Math.cos(Math.PI * p));
  };
}
