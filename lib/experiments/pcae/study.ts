/**
 * Everything the PCAE notebook trains, in the order that keeps its timings clean: the step timings first (once
 * the workers have loaded and before any job reaches them), the pretraining runs with their frozen evaluations,
 * then the fine-tuning study and the equal-wall-time pair together, so that any extra equal-time runs queue on the pool beside the fine-tunes
 * instead of after them (on the 2-core machine this saves most of their wall time).
 *
 * @example
 * ```ts ignore
 * import { trainingStudy } from "./study.ts";
 * const { timings, runs, ft, eq } = await trainingStudy(ctx);
 * ctx.pool?.close(); // the inference-throughput timings that follow need idle workers
 * ```
 *
 * @module
 */
import { type EqualTimeStudy, equalTimeStudy } from "./equal_time.ts";
import {
  type FinetuneStudy,
  finetuneStudy,
  type MethodRuns,
  methodRuns,
  type StepTiming,
  stepTimings,
} from "./experiments.ts";
import type { PcaeContext } from "./run.ts";

/** The results of {@link trainingStudy}. */
export interface TrainingStudy {
  /** Pretraining step times of MAE and PCAE per seed (timed before any training). */
  timings: StepTiming[];
  /** The pretraining runs, random init and raw pixels, with their frozen evaluations. */
  runs: MethodRuns;
  /** The fine-tuning study. */
  ft: FinetuneStudy;
  /** The equal-wall-time pair (from `timings`). */
  eq: EqualTimeStudy;
}

/** Time, pretrain, evaluate and fine-tune (see the module doc). */
export async function trainingStudy(ctx: PcaeContext): Promise<TrainingStudy> {
  await ctx.pool?.ready(); // workers still loading would share the cores with the first seed's timings
  const timings = await stepTimings(ctx);
  const runs = await methodRuns(ctx);
  const pending = finetuneStudy(ctx);
  const [ft, eq] = await Promise.all([pending, equalTimeStudy(ctx, pending, timings)]);
  return { timings, runs, ft, eq };
}
