/**
 * What both SimCLR notebooks start with: the experiment (parameters, backend, provenance), the profile's
 * configuration, the data, the run context with its worker pool, and the published tables. The two notebooks
 * (`02_simclr.ipynb`: the views; `02_simclr_objective.ipynb`: the objective, the head and the batch) share the
 * cache, so the base runs and baselines one of them trains are reused by the other.
 *
 * @example
 * ```ts ignore
 * import { startSimclrSession } from "./session.ts";
 * const { exp, cfg, ctx, close } = await startSimclrSession("simclr");
 * // … run ablations with ctx, write exp.writeResults(…)
 * close();
 * ```
 *
 * @module
 */
import { type Experiment, startExperiment } from "../../experiment.ts";
import { baseRun, runLabel, SIMCLR_SEEDS, type SimclrConfig, simclrConfig, stepsOf } from "./config.ts";
import { loadSimclrData, type SimclrContext, startSimclrPool } from "./run.ts";
import type { SimclrData } from "./pretrain.ts";
import { loadSimclrPapers, type SimclrPapers } from "./claims.ts";

/** An open SimCLR notebook session. */
export interface SimclrSession {
  /** The experiment: parameters, backend, figure and results writers. */
  exp: Experiment;
  /** The profile's configuration (with the experiment's seed count). */
  cfg: SimclrConfig;
  /** The training and test images. */
  data: SimclrData;
  /** The run context (one worker per core on CPU backends; same results as one after the other). */
  ctx: SimclrContext;
  /** The published tables the claims compare with. */
  papers: SimclrPapers;
  /** Stop the workers. */
  close(): void;
}

/** Start a SimCLR notebook whose results go to `figures/<paper>/` (see the module doc). */
export async function startSimclrSession(paper: string): Promise<SimclrSession> {
  const exp = await startExperiment(paper, { seeds: SIMCLR_SEEDS });
  const { profile, seeds } = exp.params;
  const cfg = simclrConfig(profile, { seeds: seeds.length });
  const data = await loadSimclrData(cfg);
  const ctx: SimclrContext = { cfg, data, pool: startSimclrPool(cfg, exp.backend.name) };
  const papers = await loadSimclrPapers();
  console.log(
    `profile ${profile} · backend ${exp.backend.name} (${exp.backend.device}) · ${cfg.seeds} seed(s) · ${
      ctx.pool?.size ?? 1
    } worker(s)`,
  );
  console.log(
    `${data.provenance}; encoder ${JSON.stringify(cfg.encoder)}; views ${cfg.imageSize}px; base run ${
      runLabel(baseRun(cfg, 0))
    } (${stepsOf(cfg, cfg.base)} steps)`,
  );
  return { exp, cfg, data, ctx, papers, close: () => ctx.pool?.close() };
}
