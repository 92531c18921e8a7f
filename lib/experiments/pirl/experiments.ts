/**
 * The drivers of the PIRL reproduction: each lists the runs it compares (one {@link RunSpec} per configuration
 * and seed), runs them through the run engine (`lib/runs`, side by side on the context's worker pool when it has
 * one) and summarises every configuration over seeds (mean ± 95% Student-t CI). Claims are made from these in
 * `claims.ts`.
 *
 * @module
 */
import { type Estimate, meanCI } from "../../stats/confidence.ts";
import { makeRun, type Method, methodName, type RunSpec } from "./config.ts";
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

/** The runs of {@link compareMethods}, optionally with the λ ablation's extra runs queued behind them. */
export function methodSpecs(ctx: PirlContext, extraLambdas: number[] = []): RunSpec[] {
  const specs: RunSpec[] = [];
  for (const m of METHODS) {
    for (const s of seedList(ctx)) {
      specs.push(makeRun(ctx.cfg, m.method, s, m.lambda !== undefined ? { lambda: m.lambda } : {}));
    }
  }
  for (const lambda of extraLambdas) {
    for (const s of seedList(ctx)) specs.push(makeRun(ctx.cfg, "pirl", s, { lambda }));
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
  /** The raw-pixel baseline (a linear probe on the pixels) of every seed. */
  pixels: ConfigResult;
}

/** Train (or load) and evaluate every run of the study. */
export async function runStudy(ctx: PirlContext): Promise<PirlStudy> {
  const extra = extraLambdas(ctx);
  const pixelSpecs = seedList(ctx).map((s) => makeRun(ctx.cfg, "pixels", s));
  const results = await runAll(ctx, [...methodSpecs(ctx, extra), ...pixelSpecs]);
  const byConfig = groupBy(results, (r) => `${r.method}/${r.method === "pirl" ? r.lambda : ""}`);
  const get = (method: Method, lambda?: number) =>
    byConfig.get(`${method}/${method === "pirl" ? (lambda ?? ctx.cfg.base.lambda) : ""}`)!;
  const methods = METHODS.map((m) =>
    summarize(
      methodName({ method: m.method, lambda: m.lambda ?? ctx.cfg.base.lambda }),
      get(m.method, m.lambda),
    )
  );
  const lambdas = extra.length === 0 ? [] : [...new Set([0, ctx.cfg.base.lambda, ...extra])]
    .sort((a, b) => a - b)
    .map((lambda) => ({ lambda, result: summarize(`λ=${lambda}`, get("pirl", lambda)) }));
  return { methods, lambdas, pixels: summarize("raw pixels", get("pixels")) };
}

/** The method result of a study by display name ("PIRL", "Jigsaw", …); throws if absent. */
export function method(study: PirlStudy, name: string): ConfigResult {
  const m = study.methods.find((r) => r.name === name);
  if (!m) throw new Error(`pirl: no method "${name}" in the study`);
  return m;
}
