/**
 * The drivers of the seven SimCLR ablations: each lists the runs it compares (one {@link RunSpec} per
 * configuration and seed, departing from the profile's base run in one field), runs them through the cache
 * ({@link runSimclr}) and returns the per-seed results with a mean ± 95% CI (Student t over seeds) per
 * configuration. Verdicts are made from these in `claims.ts`.
 *
 * @module
 */
import type { TransformName } from "../../augment/pipeline.ts";
import { bootstrapCI } from "../../stats/bootstrap.ts";
import { type Estimate, meanCI } from "../../stats/confidence.ts";
import { baseRun, type LossSpec, type RunSpec } from "./config.ts";
import { type Baseline, type RunResult, runSimclr, type SimclrContext } from "./run.ts";
import { emitProgress } from "../../progress.ts";
import { mapRuns } from "../../runs/engine.ts";
import { TRANSFORM_TASKS, type TransformTask } from "./transform_prediction.ts";

/** A compared configuration: its runs (one per seed) and the mean ± 95% CI of a metric over them. */
export interface ConfigResult {
  /** Short name of the configuration (e.g. "τ=0.5, l2"). */
  name: string;
  /** The configuration's runs, one per seed in seed order. */
  runs: RunResult[];
  /** Linear-probe accuracy on h over seeds. */
  linear: Estimate;
  /** kNN accuracy on h over seeds. */
  knn: Estimate;
}

/** Seeds 0..cfg.seeds-1. */
export function seedList(ctx: SimclrContext): number[] {
  return Array.from({ length: ctx.cfg.seeds }, (_, i) => i);
}

/** Mean ± 95% CI over runs of a per-run number. */
export function overSeeds(runs: RunResult[], metric: (r: RunResult) => number): Estimate {
  return meanCI(runs.map(metric));
}

export { mapRuns };

/** Run one configuration over the given seeds. */
export async function runConfig(
  ctx: SimclrContext,
  name: string,
  make: (seed: number) => RunSpec,
  seeds: number[] = seedList(ctx),
  opts: { transforms?: boolean; baseline?: Baseline } = {},
): Promise<ConfigResult> {
  emitProgress({ kind: "plan", runs: seeds.length }); // the progress channel counts the runs
  const runs = await mapRuns(ctx, seeds, (s) => runSimclr(ctx, make(s), opts));
  return {
    name,
    runs,
    linear: overSeeds(runs, (r) => r.eval.linear.accuracy.mean),
    knn: overSeeds(runs, (r) => r.eval.knn.mean),
  };
}

/** The untrained baselines of every seed, evaluated with the trained runs' protocol. */
export interface Baselines {
  /** The base run's encoder as initialised (the training gate's reference). */
  randomInit: ConfigResult;
  /** A linear probe (and kNN) on the raw pixels of the views. */
  pixels: ConfigResult;
}

/** Evaluate the random-init encoder and the raw pixels for every seed (cached like the runs). */
export async function baselines(ctx: SimclrContext): Promise<Baselines> {
  const make = (seed: number) => baseRun(ctx.cfg, seed);
  return {
    randomInit: await runConfig(ctx, "random init", make, seedList(ctx), { baseline: "random-init" }),
    pixels: await runConfig(ctx, "raw pixels", make, seedList(ctx), { baseline: "pixels" }),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Claim 1 — Figure 5: pairs of transformations

/** One cell of the Figure 5 grid: `row` then `col` on branch 1 (the diagonal tests one transform). */
export interface GridCell {
  /** Transform applied first on branch 1. */
  row: TransformName;
  /** Transform applied second on branch 1 (equal to `row` on the diagonal). */
  col: TransformName;
  /** The transforms the cell tests ({@link cellTransforms}). */
  tested: TransformName[];
  /** The heatmap's run (`cfg.grid.seed`, `cfg.grid.epochs`): test accuracy with a bootstrap 95% CI over images. */
  single: Estimate;
  /** The heatmap run's validation accuracy (the probe's validation split): what picks the compared cells. */
  validation: number;
  /** The heatmap run itself. */
  run: RunResult;
}

/** The Figure 5 grid and the cells its claims compare. */
export interface GridResult {
  /** The grid's transforms, in row (and column) order. */
  transforms: TransformName[];
  /** Every cell's heatmap run, row-major. */
  cells: GridCell[];
  /**
   * The compared cells, picked on the heatmap runs' validation accuracy and trained at the base budget with
   * the study's seeds: crop + colour, the best other composition, and the best single transformation.
   */
  compared: {
    cropColour: { cell: GridCell; result: ConfigResult };
    bestOtherComposition: { cell: GridCell; result: ConfigResult };
    bestSingle: { cell: GridCell; result: ConfigResult };
  };
}

/** The tested transforms of a grid cell. */
export function cellTransforms(row: TransformName, col: TransformName): TransformName[] {
  return row === col ? [row] : [row, col];
}

/** Bootstrap 95% CI of accuracy over test images from predictions. */
export function bootstrapAccuracy(
  predictions: ArrayLike<number>,
  labels: ArrayLike<number>,
  seed = 0,
): Estimate {
  const correct = Float64Array.from(
    { length: labels.length },
    (_, i) => (predictions[i] === labels[i] ? 1 : 0),
  );
  const b = bootstrapCI(correct.length, (idx) => {
    let s = 0;
    for (let i = 0; i < idx.length; i++) s += correct[idx[i]];
    return s / idx.length;
  }, { seed, resamples: 1000 });
  return { mean: b.estimate, ci95: b.ci95, n: correct.length };
}

/** The cell with the highest heatmap validation accuracy (ties: the first in row-major order). */
export function bestByValidation(cells: GridCell[]): GridCell {
  if (cells.length === 0) throw new Error("bestByValidation: no cells");
  return cells.reduce((a, b) => (b.validation > a.validation ? b : a));
}

/**
 * Run Figure 5: every cell once (`cfg.grid.seed`, `cfg.grid.epochs`) for the heatmap; then, picked on those
 * runs' validation accuracy (never on a test score, never on a seed the claims judge), the best single
 * transformation and the best composition other than crop + colour, which are trained with crop + colour at
 * the base budget with every seed of the study.
 */
export async function augmentationGrid(ctx: SimclrContext): Promise<GridResult> {
  const { cfg, data } = ctx;
  const ts = cfg.grid.transforms;
  const labels = data.test.labels[data.label];
  const make = (tested: TransformName[], over: Partial<RunSpec> = {}) => (seed: number) =>
    baseRun(cfg, seed, { aug: { kind: "pair", tested }, ...over });
  const pairs = ts.flatMap((row) => ts.map((col) => ({ row, col })));
  emitProgress({ kind: "plan", runs: pairs.length });
  const cells: GridCell[] = await mapRuns(ctx, pairs, async ({ row, col }) => {
    const tested = cellTransforms(row, col);
    const run = await runSimclr(ctx, make(tested, { epochs: cfg.grid.epochs })(cfg.grid.seed));
    return {
      row,
      col,
      tested,
      single: bootstrapAccuracy(run.eval.linear.predictions, labels),
      validation: run.eval.linear.valAccuracy,
      run,
    };
  });
  const cc = cells.find((c) => c.row === "crop" && c.col === "color");
  if (!cc) throw new Error("augmentationGrid: the grid needs crop and color");
  const picked = {
    cropColour: cc,
    bestOtherComposition: bestByValidation(cells.filter((c) => c.row !== c.col && c !== cc)),
    bestSingle: bestByValidation(cells.filter((c) => c.row === c.col)),
  };
  const entries = Object.entries(picked) as [keyof typeof picked, GridCell][];
  const results = await mapRuns(
    ctx,
    entries,
    ([, cell]) => runConfig(ctx, cell.tested.join("+"), make(cell.tested)),
  );
  const compared = Object.fromEntries(entries.map(([k, cell], i) => [k, { cell, result: results[i] }]));
  return { transforms: ts, cells, compared: compared as GridResult["compared"] };
}

// ---------------------------------------------------------------------------------------------------------
// Claim 2 — Table 1: colour distortion strength, SimCLR vs supervised

/** One column of Table 1. */
export interface StrengthResult {
  /** The paper's column name: "1/8", "1/4", "1/2", "1", "1(+Blur)". */
  column: string;
  /** Colour-distortion strength s. */
  strength: number;
  /** Whether Gaussian blur is added to the pipeline. */
  blur: boolean;
  /** SimCLR pretraining at this strength. */
  simclr: ConfigResult;
  /** The supervised baseline (its own classifier's accuracy in `classifier`). */
  supervised: ConfigResult & { classifier: Estimate };
}

function fraction(s: number): string {
  return s >= 1 ? String(s) : `1/${Math.round(1 / s)}`;
}

/**
 * Run Table 1: every strength (and, with `cfg.blurColumn`, the strongest with blur) for SimCLR and the
 * supervised baseline.
 */
export async function colourStrength(ctx: SimclrContext): Promise<StrengthResult[]> {
  const { cfg } = ctx;
  const strongest = cfg.strengths[cfg.strengths.length - 1];
  const cols = [
    ...cfg.strengths.map((s) => ({ strength: s, blur: false, column: fraction(s) })),
    ...(cfg.blurColumn ? [{ strength: strongest, blur: true, column: `${fraction(strongest)}(+Blur)` }] : []),
  ];
  return await mapRuns(ctx, cols, async (c): Promise<StrengthResult> => {
    const aug = { kind: "simclr" as const, strength: c.strength, blur: c.blur };
    const [simclr, sup] = await mapRuns(ctx, ["simclr", "supervised"] as const, (method) =>
      runConfig(
        ctx,
        `${method === "simclr" ? "SimCLR" : "supervised"} ${c.column}`,
        (seed) => baseRun(cfg, seed, { aug, method }),
      ));
    return {
      ...c,
      simclr,
      supervised: { ...sup, classifier: overSeeds(sup.runs, (r) => r.eval.classifier?.mean ?? NaN) },
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Claim 3 — Table 5: temperature and ℓ2 normalisation

/** One row of Table 5. */
export interface TemperatureResult {
  /** Whether the embeddings are ℓ2-normalised before the NT-Xent similarities. */
  l2: boolean;
  /** NT-Xent temperature τ. */
  tau: number;
  /** The runs at this temperature and their linear / kNN accuracy. */
  result: ConfigResult;
  /** Held-out NT-Xent diagnostics over seeds. */
  entropy: Estimate;
  /** Held-out contrastive accuracy (fraction of anchors whose positive has the largest logit), over seeds. */
  contrastiveAccuracy: Estimate;
}

/** Run Table 5: NT-Xent at each temperature with and without ℓ2 normalisation. */
export async function temperatureL2(ctx: SimclrContext): Promise<TemperatureResult[]> {
  const { cfg } = ctx;
  const rows = [
    ...cfg.temperatures.l2.map((tau) => ({ l2: true, tau })),
    ...cfg.temperatures.noL2.map((tau) => ({ l2: false, tau })),
  ];
  return await mapRuns(ctx, rows, async ({ l2, tau }): Promise<TemperatureResult> => {
    const loss: LossSpec = { kind: "nt-xent", temperature: tau, normalize: l2 };
    const result = await runConfig(
      ctx,
      `τ=${tau}${l2 ? "" : " no-l2"}`,
      (seed) => baseRun(cfg, seed, { loss }),
    );
    return {
      l2,
      tau,
      result,
      entropy: overSeeds(result.runs, (r) => r.eval.contrastive?.entropy ?? NaN),
      contrastiveAccuracy: overSeeds(result.runs, (r) => r.eval.contrastive?.accuracy ?? NaN),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Claim 4 — Figure 8: projection head

/** One head of Figure 8, with the accuracy of h and (for heads) of z = g(h). */
export interface HeadResult {
  /** The projection head g(·): non-linear, linear, or none (identity). */
  head: "mlp" | "linear" | "none";
  /** The runs with this head and their accuracy on h. */
  result: ConfigResult;
  /** Linear accuracy on z (NaN estimate for "none"). */
  linearZ: Estimate;
}

/** Run Figure 8: non-linear, linear and no projection head. */
export async function projectionHead(ctx: SimclrContext): Promise<HeadResult[]> {
  return await mapRuns(ctx, ["mlp", "linear", "none"] as const, async (head): Promise<HeadResult> => {
    const result = await runConfig(ctx, head, (seed) => baseRun(ctx.cfg, seed, { head }));
    const linearZ = head === "none"
      ? result.linear
      : overSeeds(result.runs, (r) => r.eval.linearZ?.accuracy.mean ?? NaN);
    return { head, result, linearZ };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Claim 5 — Table 3: what g(h) discards

/** One task of Table 3 over seeds. */
export interface TransformInfoResult {
  /** The transformation predicted. */
  task: TransformTask;
  /** Chance accuracy of the task (fraction: 1 / its number of classes). */
  chance: number;
  /** Strength the task was applied at (see `applyTaskTransform`). */
  strength: number;
  /** MLP-probe test accuracy (fraction) on h over seeds. */
  h: Estimate;
  /** MLP-probe test accuracy (fraction) on z = g(h) over seeds. */
  z: Estimate;
  /** Per-seed h − z accuracy gap. */
  gap: Estimate;
}

/** Run Table 3 on the base SimCLR model of every seed. */
export async function transformInfo(ctx: SimclrContext): Promise<TransformInfoResult[]> {
  const res = await runConfig(ctx, "base", (seed) => baseRun(ctx.cfg, seed), seedList(ctx), {
    transforms: true,
  });
  return TRANSFORM_TASKS.map((task, k) => {
    const per = res.runs.map((r) => r.transforms![k]);
    return {
      task,
      chance: per[0].chance,
      strength: per[0].strength,
      h: meanCI(per.map((p) => p.h.mean)),
      z: meanCI(per.map((p) => p.z.mean)),
      gap: meanCI(per.map((p) => p.h.mean - p.z.mean)),
    };
  });
}

// ---------------------------------------------------------------------------------------------------------
// Claim 6 — Table 4: loss functions

/** The losses of Table 4 under the paper's row names, at NT-Logistic temperature `tau`, margin `m` and NT-Xent τ. */
export function tableFourLosses(
  params: { logisticTau: number; margin: number; ntXentTau: number },
): { name: string; loss: LossSpec }[] {
  const { logisticTau: tau, margin: m } = params;
  return [
    { name: "Margin", loss: { kind: "margin", margin: m, semiHard: false } },
    { name: "NT-Logi.", loss: { kind: "nt-logistic", temperature: tau, semiHard: false } },
    { name: "Margin (sh)", loss: { kind: "margin", margin: m, semiHard: true } },
    { name: "NT-Logi. (sh)", loss: { kind: "nt-logistic", temperature: tau, semiHard: true } },
    { name: "NT-Xent", loss: { kind: "nt-xent", temperature: params.ntXentTau, normalize: true } },
  ];
}

/** How one loss's hyper-parameter was chosen: every value tried and its validation accuracy on the tuning seed. */
export interface Tuning {
  /** The loss family tuned. */
  loss: "NT-Xent" | "NT-Logistic" | "Margin";
  /** The hyper-parameter: temperature τ or margin m. */
  param: "τ" | "m";
  /** The chosen value (best validation accuracy; ties: the first in grid order). */
  chosen: number;
  /** Every value tried, with the linear probe's validation accuracy (fraction) of its tuning-seed run. */
  sweep: { value: number; validation: number }[];
}

/** The value with the best validation accuracy (ties: the first). */
export function pickByValidation(sweep: Tuning["sweep"]): number {
  if (sweep.length === 0) throw new Error("pickByValidation: empty sweep");
  return sweep.reduce((a, b) => (b.validation > a.validation ? b : a)).value;
}

/** Table 4's rows with how each loss was tuned. */
export interface LossStudy {
  /** The five losses at their chosen hyper-parameters, in the paper's row order. */
  rows: ConfigResult[];
  /** The three tunings (NT-Xent from Table 5's ℓ2 rows, NT-Logistic, margin). */
  tuning: Tuning[];
}

/**
 * Run Table 4 with each loss at its own tuned hyper-parameter: NT-Logistic's temperature and the margin are
 * swept over `cfg.tuning` on the tuning seed's run (semi-hard mining off) and chosen by the linear probe's
 * validation accuracy; the semi-hard variants use their loss's choice; NT-Xent takes the temperature of the
 * ℓ2 rows of Table 5 (`temps`, already run) with the best validation accuracy on the same seed. The tuning
 * runs are the study's runs of that seed, reused through the cache.
 */
export async function lossFunctions(ctx: SimclrContext, temps: TemperatureResult[]): Promise<LossStudy> {
  const { cfg } = ctx;
  const seed = cfg.tuning.seed;
  const valOf = (r: RunResult) => r.eval.linear.valAccuracy;
  const sweepOf = async (values: number[], loss: (v: number) => LossSpec) =>
    await mapRuns(ctx, values, async (value) => ({
      value,
      validation: valOf(await runSimclr(ctx, baseRun(cfg, seed, { loss: loss(value) }))),
    }));
  emitProgress({ kind: "plan", runs: cfg.tuning.logisticTemperatures.length + cfg.tuning.margins.length });
  const [logistic, margin] = await mapRuns(
    ctx,
    ["logistic", "margin"] as const,
    (which) =>
      which === "logistic"
        ? sweepOf(
          cfg.tuning.logisticTemperatures,
          (v) => ({ kind: "nt-logistic", temperature: v, semiHard: false }),
        )
        : sweepOf(cfg.tuning.margins, (v) => ({ kind: "margin", margin: v, semiHard: false })),
  );
  const xent = temps.filter((t) => t.l2).map((t) => {
    const run = t.result.runs.find((r) => r.run.seed === seed);
    if (!run) throw new Error(`lossFunctions: Table 5 has no run of the tuning seed ${seed}`);
    return { value: t.tau, validation: valOf(run) };
  });
  const tuning: Tuning[] = [
    { loss: "NT-Xent", param: "τ", chosen: pickByValidation(xent), sweep: xent },
    { loss: "NT-Logistic", param: "τ", chosen: pickByValidation(logistic), sweep: logistic },
    { loss: "Margin", param: "m", chosen: pickByValidation(margin), sweep: margin },
  ];
  const losses = tableFourLosses({
    ntXentTau: tuning[0].chosen,
    logisticTau: tuning[1].chosen,
    margin: tuning[2].chosen,
  });
  const rows = await mapRuns(
    ctx,
    losses,
    ({ name, loss }) => runConfig(ctx, name, (s) => baseRun(cfg, s, { loss })),
  );
  return { rows, tuning };
}

// ---------------------------------------------------------------------------------------------------------
// Claim 7 — Figure 9: batch size × epochs

/** One cell of Figure 9. */
export interface BatchEpochResult {
  /** Pairs per training step. */
  batchSize: number;
  /** Passes over the training images. */
  epochs: number;
  /** The runs of the cell and their accuracy. */
  result: ConfigResult;
}

/** Run Figure 9: every batch size for every epoch budget. */
export async function batchEpochs(ctx: SimclrContext): Promise<BatchEpochResult[]> {
  const cells = ctx.cfg.epochs.flatMap((epochs) =>
    ctx.cfg.batchSizes.map((batchSize) => ({ epochs, batchSize }))
  );
  return await mapRuns(ctx, cells, async ({ batchSize, epochs }): Promise<BatchEpochResult> => {
    const result = await runConfig(
      ctx,
      `B=${batchSize}, ${epochs} ep`,
      (seed) => baseRun(ctx.cfg, seed, { batchSize, epochs }),
    );
    return { batchSize, epochs, result };
  });
}
