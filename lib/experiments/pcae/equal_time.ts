/**
 * PCAE against MAE at equal pretraining wall time (the paper's "comparable performance with 1/8 of the GPU
 * days", scaled to what our step times allow). From the step times at the training batch, the faster method
 * could take `base.steps × ratio` steps in the slower one's time; that count is rounded to the profile's
 * `eval.equalTimeGrid` (a fraction of `base.steps`). The faster method then pretrains for that many steps (its
 * own warm-up + cosine schedule over them) and is fine-tuned like every arm; the slower keeps its base run.
 * When the count rounds to `base.steps`, the base runs of both methods already are the equal-time pair and
 * nothing more trains.
 *
 * @example
 * ```ts
 * import { equalTimeSteps } from "./equal_time.ts";
 * // PCAE 8% faster a step: it gets 1.10 × 1,500 steps on the 5% grid, MAE keeps 1,500
 * equalTimeSteps(1500, 1.08, 0.05); // { mae: 1500, pcae: 1650 }
 * equalTimeSteps(1500, 0.99, 0.05); // { mae: 1500, pcae: 1500 }
 * ```
 *
 * @module
 */
import { baseRun, seedList } from "./config.ts";
import { finetuneJob, meanOf, type PcaeContext, type PcaeFinetuneResult } from "./run.ts";
import type { FinetuneStudy, StepTiming } from "./experiments.ts";

/** Pretraining steps of each method at equal wall time. */
export interface EqualTimeSteps {
  /** MAE's steps. */
  mae: number;
  /** PCAE's steps. */
  pcae: number;
}

/**
 * Steps of MAE and PCAE at equal wall time, given `ratio` = t_MAE / t_PCAE per step (> 1: PCAE faster): the
 * faster method's `steps × ratio` (or `steps / ratio`) rounded to a multiple of `grid × steps`, the other
 * `steps`.
 */
export function equalTimeSteps(steps: number, ratio: number, grid: number): EqualTimeSteps {
  if (!(ratio > 0) || !Number.isFinite(ratio)) {
    throw new Error(`equalTimeSteps: step-time ratio ${ratio} is not positive`);
  }
  if (!(grid > 0 && grid < 1)) throw new Error(`equalTimeSteps: grid ${grid} must lie in (0, 1)`);
  const round = (f: number) => Math.round(Math.round(f / grid) * grid * steps);
  return ratio >= 1 ? { mae: steps, pcae: round(ratio) } : { mae: round(1 / ratio), pcae: steps };
}

/** The step-time ratio t_MAE / t_PCAE at the training batch, mean over the timed seeds. */
export function trainStepRatio(steps: readonly StepTiming[]): number {
  return meanOf(steps.map((s) => s.train.mae / s.train.pcae));
}

/** The equal-wall-time pair of every seed. */
export interface EqualTimeStudy {
  /** t_MAE / t_PCAE per step at the training batch (mean over seeds). */
  ratio: number;
  /** Pretraining steps of each method. */
  steps: EqualTimeSteps;
  /** MAE fine-tuned after `steps.mae` pretraining steps, per seed. */
  mae: PcaeFinetuneResult[];
  /** PCAE fine-tuned after `steps.pcae` pretraining steps, per seed. */
  pcae: PcaeFinetuneResult[];
}

/**
 * The equal-wall-time pair: the base fine-tunes of `ft` where a method keeps `base.steps`, else that method
 * pretrained for its equal-time steps and fine-tuned with the common schedule (on the pool when one is open).
 * `ft` may be the pending study, so that the extra runs queue on the pool beside its fine-tunes.
 */
export async function equalTimeStudy(
  ctx: PcaeContext,
  ft: FinetuneStudy | Promise<FinetuneStudy>,
  timings: readonly StepTiming[],
): Promise<EqualTimeStudy> {
  const { cfg } = ctx;
  const ratio = trainStepRatio(timings);
  const steps = equalTimeSteps(cfg.base.steps, ratio, cfg.eval.equalTimeGrid);
  const arm = (method: "mae" | "pcae") =>
    steps[method] === cfg.base.steps ? Promise.resolve(ft).then((f) => f[method]) : Promise.all(
      seedList(cfg).map((seed) =>
        finetuneJob(ctx, {
          from: baseRun(cfg, method, seed, { steps: steps[method] }),
          seed,
          schedule: cfg.finetune.schedule,
        })
      ),
    );
  const [mae, pcae] = await Promise.all([arm("mae"), arm("pcae")]);
  return { ratio, steps, mae, pcae };
}
