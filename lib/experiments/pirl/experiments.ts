/**
 * The drivers of the PIRL reproduction: each lists the runs it compares (one {@link RunSpec} per configuration
 * and seed), runs them through the run engine (`lib/runs`, side by side on the context's worker pool when it has
 * one) and summarises every configuration over seeds (mean ± 95% Student-t CI). Claims are made from these in
 * `claims.ts`.
 *
 * @module
 */
import { type Estimate, meanCI } from "../../stats/confidence.ts";
import { type LrKey, makeRun, type Method, methodName, type RunSpec } from "./config.ts";
import { type PirlContext, pirlMethod, type PirlRunResult } from "./run.ts";
import { runJobs } from "../../runs/engine.ts";

/** A compared configuration: its runs (one per seed) and their summaries over seeds (accuracies as fractions). */
export interface ConfigResult {
  /** Display name ("PIRL", "NPID++", "Jigsaw", "supervised", "random init", or "λ=0.25" …). */
  name: string;
  /** The configuration's runs, one per seed in seed order. */
  runs: PirlRunResult[];
  /** Linear-probe accuracy of every encoder stage over seeds. */
  stages: Estimate[];
  /** Best stage per seed (the paper's "best layer" protocol of Table 2), over seeds. */
  best: Estimate;
  /** Mean jigsaw-invariance distance (encoder space) per seed, over seeds. */
  invariance: Estimate;
}

/** Seeds 0..cfg.seeds-1. */
export function seedList(ctx: PirlContext): number[] {
  return Array.from({ length: ctx.cfg.seeds }, (_, i) => i);
}

/** Per-run best-stage accuracy. */
export function bestStage(r: PirlRunResult): number {
  return Math.max(...r.eval.stages.map((s) => s.accuracy.mean));
}

/** Per-run mean invariance distance in the encoder's space. */
export function meanDistance(r: PirlRunResult): number {
  const d = r.eval.invariance.encoder;
  return d.reduce((a, b) => a + b, 0) / d.length;
}

/** Summarise a configuration's runs (see {@link ConfigResult}). */
export function summarize(name: string, runs: PirlRunResult[]): ConfigResult {
  const nStages = runs[0].eval.stages.length;
  return {
    name,
    runs,
    stages: Array.from(
      { length: nStages },
      (_, s) => meanCI(runs.map((r) => r.eval.stages[s].accuracy.mean)),
    ),
    best: meanCI(runs.map(bestStage)),
    // the raw-pixel baseline has no invariance distances: an undefined estimate
    invariance: runs.every((r) => r.eval.invariance.encoder.length > 0)
      ? meanCI(runs.map(meanDistance))
      : { mean: NaN, ci95: [NaN, NaN], n: 0 },
  };
}

/**
 * Run every spec: all at once when the context has a pool (it queues them and trains as many side by side as
 * it has workers), else one after the other in this thread.
 */
export function runAll(ctx: PirlContext, specs: RunSpec[]): Promise<PirlRunResult[]> {
  return runJobs(pirlMethod, ctx, specs);
}

/** Group results by a key in first-seen order. */
function groupBy(results: PirlRunResult[], key: (r: RunSpec) => string): Map<string, PirlRunResult[]> {
  const groups = new Map<string, PirlRunResult[]>();
  for (const r of results) {
    const k = key(r.run);
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  return groups;
}

/** The compared methods of Table 2 / Table 7, in display order: NPID++ is PIRL with λ = 0. */
export const METHODS: readonly { method: Method; lambda?: number }[] = [
  { method: "random" },
  { method: "supervised" },
  { method: "jigsaw" },
  { method: "pirl", lambda: 0 },
  { method: "pirl" },
];

/** Each method's peak learning rate. */
export type LearningRates = Record<LrKey, number>;

/** The run of a learning-rate key (NPID++ is PIRL at λ = 0) at `lr` and `seed`. */
function lrRun(ctx: PirlContext, key: LrKey, lr: number, seed: number): RunSpec {
  if (key === "npid") return makeRun(ctx.cfg, "pirl", seed, { lambda: 0, lr });
  return makeRun(ctx.cfg, key, seed, { lr });
}

/** Best-stage accuracy on the probe's validation split (20% of the training images): what the sweep reads. */
export function bestValidation(r: PirlRunResult): number {
  return Math.max(...r.eval.stages.map((s) => s.valAccuracy));
}

/** The learning-rate sweep: every (method, rate) tried, its validation score, and the rate chosen per method. */
export interface LrSweep {
  /** One row per method and rate, in {@link LR_KEYS} order then ascending rate. */
  rows: { key: LrKey; name: string; lr: number; validation: number; chosen: boolean }[];
  /** The rate with the best validation score, per method (ties: the smaller rate). */
  chosen: LearningRates;
}

/**
 * Sweep each trained method's learning rate (`cfg.lrSweep`: the profile's rate × each factor, on one seed)
 * and choose the best by {@link bestValidation}. The test split is never read here; the chosen rate's run on
 * the sweep seed is the same run the study then trains for that seed (the cache shares it).
 */
export async function sweepLearningRates(ctx: PirlContext): Promise<LrSweep> {
  const { factors, seed, methods } = ctx.cfg.lrSweep;
  const grid = methods.flatMap((key) =>
    [...factors].sort((a, b) => a - b).map((f) => ({ key, lr: ctx.cfg.optimizer.lr[key] * f }))
  );
  const results = await runAll(ctx, grid.map((g) => lrRun(ctx, g.key, g.lr, seed)));
  const chosen = { ...ctx.cfg.optimizer.lr };
  const rows = grid.map((g, i) => ({
    ...g,
    name: methodName(results[i].run),
    validation: bestValidation(results[i]),
  }));
  for (const key of methods) {
    const mine = rows.filter((r) => r.key === key);
    chosen[key] = mine.reduce((a, b) => (b.validation > a.validation ? b : a)).lr;
  }
  return { rows: rows.map((r) => ({ ...r, chosen: chosen[r.key] === r.lr })), chosen };
}

/** The runs of the method comparison at rates `lrs`, with the λ ablation's extra runs queued behind them. */
export function methodSpecs(
  ctx: PirlContext,
  extraLambdas: number[] = [],
  lrs: LearningRates = ctx.cfg.optimizer.lr,
): RunSpec[] {
  const specs: RunSpec[] = [];
  for (const m of METHODS) {
    for (const s of seedList(ctx)) {
      specs.push(makeRun(ctx.cfg, m.method, s, m.lambda !== undefined ? { lambda: m.lambda } : {}, lrs));
    }
  }
  for (const lambda of extraLambdas) {
    for (const s of seedList(ctx)) specs.push(makeRun(ctx.cfg, "pirl", s, { lambda }, lrs));
  }
  return specs;
}

/** λ values of the ablation that are not already runs of {@link compareMethods} (0 and the base λ are). */
export function extraLambdas(ctx: PirlContext): number[] {
  return ctx.cfg.lambdas.filter((l) => l !== 0 && l !== ctx.cfg.base.lambda);
}

/** Everything the notebook compares: the five methods, the λ ablation and the raw pixels (runs queued together). */
export interface PirlStudy {
  /** random init, supervised, Jigsaw, NPID++, PIRL (in {@link METHODS} order). */
  methods: ConfigResult[];
  /** PIRL at every λ of the ablation, ascending (0 = NPID++, the base λ = PIRL), empty without an ablation. */
  lambdas: { lambda: number; result: ConfigResult }[];
  /** PIRL (base λ) at every number of negatives of the ablation, ascending, base included; empty without one. */
  negatives: { negatives: number; result: ConfigResult }[];
  /** PIRL and Jigsaw at every |T| of the ablation, ascending, the profile's included; empty without one. */
  permutations: { permutations: number; pirl: ConfigResult; jigsaw: ConfigResult }[];
  /** The raw-pixel baseline (a linear probe on the pixels) of every seed. */
  pixels: ConfigResult;
}

/** Runs of the negatives and |T| ablations that are not already runs of the method comparison. */
export function ablationSpecs(ctx: PirlContext, lrs: LearningRates = ctx.cfg.optimizer.lr): RunSpec[] {
  const { cfg } = ctx;
  const specs: RunSpec[] = [];
  for (const negatives of cfg.negativeCounts.filter((n) => n !== cfg.base.negatives)) {
    for (const s of seedList(ctx)) specs.push(makeRun(cfg, "pirl", s, { negatives }, lrs));
  }
  for (const permutations of cfg.permutationCounts.filter((t) => t !== cfg.jigsaw.permutations)) {
    for (const method of ["pirl", "jigsaw"] as const) {
      for (const s of seedList(ctx)) specs.push(makeRun(cfg, method, s, { permutations }, lrs));
    }
  }
  return specs;
}

/** Train (or load) and evaluate every run of the study, each method at its rate in `lrs`. */
export async function runStudy(
  ctx: PirlContext,
  lrs: LearningRates = ctx.cfg.optimizer.lr,
): Promise<PirlStudy> {
  const { cfg } = ctx;
  const extra = extraLambdas(ctx);
  const pixelSpecs = seedList(ctx).map((s) => makeRun(cfg, "pixels", s));
  const results = await runAll(ctx, [
    ...methodSpecs(ctx, extra, lrs),
    ...ablationSpecs(ctx, lrs),
    ...pixelSpecs,
  ]);
  const keyOf = (r: RunSpec) =>
    `${r.method}/${r.method === "pirl" ? `${r.lambda}/${r.negatives}` : ""}/${
      r.permutations ?? cfg.jigsaw.permutations
    }`;
  const byConfig = groupBy(results, keyOf);
  const get = (
    method: Method,
    o: { lambda?: number; negatives?: number; permutations?: number } = {},
  ) => {
    const probe = makeRun(cfg, method, 0, {
      lambda: o.lambda ?? cfg.base.lambda,
      negatives: o.negatives ?? cfg.base.negatives,
      ...(o.permutations !== undefined ? { permutations: o.permutations } : {}),
    });
    return byConfig.get(keyOf(probe))!;
  };
  const methods = METHODS.map((m) =>
    summarize(methodName({ method: m.method, lambda: m.lambda ?? cfg.base.lambda }), get(m.method, m))
  );
  const lambdas = extra.length === 0 ? [] : [...new Set([0, cfg.base.lambda, ...extra])]
    .sort((a, b) => a - b)
    .map((lambda) => ({ lambda, result: summarize(`λ=${lambda}`, get("pirl", { lambda })) }));
  const negatives = cfg.negativeCounts.length === 0
    ? []
    : [...new Set([cfg.base.negatives, ...cfg.negativeCounts])].sort((a, b) => a - b)
      .map((n) => ({ negatives: n, result: summarize(`${n} negatives`, get("pirl", { negatives: n })) }));
  const permutations = cfg.permutationCounts.length === 0
    ? []
    : [...new Set([cfg.jigsaw.permutations, ...cfg.permutationCounts])].sort((a, b) => a - b)
      .map((t) => {
        const o = t === cfg.jigsaw.permutations ? {} : { permutations: t };
        return {
          permutations: t,
          pirl: summarize(`PIRL |T|=${t}`, get("pirl", o)),
          jigsaw: summarize(`Jigsaw |T|=${t}`, get("jigsaw", o)),
        };
      });
  return { methods, lambdas, negatives, permutations, pixels: summarize("raw pixels", get("pixels")) };
}

/** The method result of a study by display name ("PIRL", "Jigsaw", …); throws if absent. */
export function method(study: PirlStudy, name: string): ConfigResult {
  const m = study.methods.find((r) => r.name === name);
  if (!m) throw new Error(`pirl: no method "${name}" in the study`);
  return m;
}
