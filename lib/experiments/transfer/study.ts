/**
 * Part B: the model-zoo study. Runs every (model, seed) job of the configuration through the run engine (`lib/runs`),
 * then aggregates as the paper does: per model, the log-odds of the upstream probe accuracy and, per protocol
 * (many-shot linear, few-shot at each K, finetune), the mean log-odds over the near tasks and over the far
 * tasks, each averaged over seeds; and the correlations of the upstream score with near and far transfer
 * across models, with bootstrap CIs over models and the paired bootstrap of the near − far difference.
 *
 * @module
 */
import { logit } from "../../stats/logit.ts";
import { type Estimate, meanCI } from "../../stats/confidence.ts";
import {
  correlationDifference,
  type CorrelationEstimate,
  type CorrelationOptions,
  correlations,
  logitMean,
} from "./correlation.ts";
import type { TransferConfig } from "./config.ts";
import type { TaskResult } from "./evaluate.ts";
import { type ModelSeedResult, type TransferContext, transferMethod } from "./run.ts";
import { PIXELS_MODEL } from "./config.ts";
import { runJobs } from "../../runs/engine.ts";

/** A downstream protocol: "linear", "few-shot-K" or "finetune". */
export type Protocol = string;

/** The protocols of a configuration, in display order. */
export function protocolsOf(cfg: TransferConfig): Protocol[] {
  return ["linear", ...cfg.eval.shots.map((k) => `few-shot-${k}`), "finetune"];
}

/** A task result's accuracy (fraction) under a protocol. */
export function protocolAccuracy(t: TaskResult, p: Protocol): number {
  if (p === "linear") return t.linear.mean;
  if (p === "finetune") return t.finetune.mean;
  const k = Number(p.replace(/^few-shot-/, ""));
  const f = t.fewShot.find((x) => x.shots === k);
  if (!f) throw new Error(`protocolAccuracy: task ${t.task} has no ${p} result`);
  return f.accuracy.mean;
}

/** One model's results over seeds. */
export interface ModelResults {
  /** The zoo model's name. */
  model: string;
  /** Its results, one per seed. */
  runs: ModelSeedResult[];
}

/** Run every job of the zoo (side by side when the context has a pool). */
export async function runZoo(ctx: TransferContext): Promise<ModelResults[]> {
  const seeds = Array.from({ length: ctx.cfg.seeds }, (_, i) => i);
  const jobs = ctx.cfg.zoo.flatMap((model) => seeds.map((seed) => ({ model, seed })));
  const results = await runJobs(transferMethod, ctx, jobs);
  return ctx.cfg.zoo.map((m) => ({ model: m.name, runs: results.filter((r) => r.model === m.name) }));
}

/**
 * The raw-pixel baseline of every seed with the zoo's protocols (linear probe, few-shot, and as "finetuning" the
 * same converged linear classifier: the pixels have nothing to train; see `evaluate.ts`): the floor of every
 * task, kept out of the zoo's correlations.
 */
export async function runPixelBaseline(ctx: TransferContext): Promise<ModelResults> {
  const seeds = Array.from({ length: ctx.cfg.seeds }, (_, i) => i);
  const runs = await runJobs(transferMethod, ctx, seeds.map((seed) => ({ model: PIXELS_MODEL, seed })));
  return { model: PIXELS_MODEL.name, runs };
}

/** A run's mean log-odds over the tasks of a domain under a protocol. */
export function domainScore(r: ModelSeedResult, domain: "near" | "far", p: Protocol): number {
  const ts = r.tasks.filter((t) => t.domain === domain);
  if (ts.length === 0) throw new Error(`domainScore: no ${domain} tasks`);
  return logitMean(ts.map((t) => protocolAccuracy(t, p)), 1);
}

/** Per model (mean over seeds): upstream log-odds, and near / far log-odds per protocol. */
export interface ZooScores {
  /** Model names; the arrays below are in this order. */
  models: string[];
  /** Log-odds of the upstream linear-probe accuracy. */
  upstream: number[];
  /** Mean log-odds over the near tasks, per protocol. */
  near: Record<Protocol, number[]>;
  /** Mean log-odds over the far tasks, per protocol. */
  far: Record<Protocol, number[]>;
}

const avg = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;

/** Aggregate the zoo's results (module doc). */
export function zooScores(results: ModelResults[], protocols: Protocol[]): ZooScores {
  const near: Record<Protocol, number[]> = {}, far: Record<Protocol, number[]> = {};
  for (const p of protocols) {
    near[p] = results.map((m) => avg(m.runs.map((r) => domainScore(r, "near", p))));
    far[p] = results.map((m) => avg(m.runs.map((r) => domainScore(r, "far", p))));
  }
  return {
    models: results.map((m) => m.model),
    upstream: results.map((m) => avg(m.runs.map((r) => logit(r.upstream.mean)))),
    near,
    far,
  };
}

/** Correlations of the upstream score with near and far transfer under one protocol. */
export interface ProtocolCorrelation {
  /** The downstream protocol. */
  protocol: Protocol;
  /** Correlations of the upstream score with near transfer. */
  near: CorrelationEstimate;
  /** Correlations of the upstream score with far transfer. */
  far: CorrelationEstimate;
  /** Spearman ρ(near) − ρ(far), paired bootstrap over models. */
  spearmanGap: Estimate;
  /** Pearson r(near) − r(far), paired bootstrap over models. */
  pearsonGap: Estimate;
}

/** The correlations of every protocol (bootstrap over the zoo's models). */
export function zooCorrelations(
  s: ZooScores,
  protocols: Protocol[],
  opts: CorrelationOptions = {},
): ProtocolCorrelation[] {
  return protocols.map((p) => ({
    protocol: p,
    near: correlations(s.upstream, s.near[p], opts),
    far: correlations(s.upstream, s.far[p], opts),
    spearmanGap: correlationDifference(s.upstream, s.near[p], s.far[p], "spearman", opts),
    pearsonGap: correlationDifference(s.upstream, s.near[p], s.far[p], "pearson", opts),
  }));
}

/** One row of the zoo table: accuracies (fractions) as mean ± 95% CI over seeds. */
export interface ZooRow {
  /** The zoo model's name. */
  model: string;
  /** Upstream linear-probe accuracy over seeds. */
  upstream: Estimate;
  /** Per task and protocol. */
  tasks: Record<string, Record<Protocol, Estimate>>;
}

/** The per-model, per-task accuracies over seeds. */
export function zooTable(results: ModelResults[], protocols: Protocol[]): ZooRow[] {
  return results.map((m) => {
    const tasks: ZooRow["tasks"] = {};
    for (const t of m.runs[0].tasks) {
      tasks[t.task] = Object.fromEntries(protocols.map((p) => [
        p,
        meanCI(m.runs.map((r) => protocolAccuracy(r.tasks.find((x) => x.task === t.task)!, p))),
      ]));
    }
    return { model: m.model, upstream: meanCI(m.runs.map((r) => r.upstream.mean)), tasks };
  });
}
