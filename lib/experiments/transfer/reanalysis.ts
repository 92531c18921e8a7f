/**
 * Part A: the re-analysis of the published tables. For a set of models (stated with every result: the 13
 * self-supervised models, optionally with the supervised one), the correlation of ImageNet linear top-1 with
 * each transfer setting and with each downstream dataset alone (log-odds, bootstrap CIs over models;
 * `./correlation.ts`); the comparison of the best self-supervised model with the supervised one on every
 * downstream dataset; and the winner of every dataset. Counts over datasets get percentile-bootstrap CIs over
 * *datasets* (resampled with replacement).
 *
 * @module
 */
import { bootstrapCI } from "../../stats/bootstrap.ts";
import { logit } from "../../stats/logit.ts";
import type { Estimate } from "../../stats/confidence.ts";
import {
  correlationDifference,
  type CorrelationMethod,
  type CorrelationOptions,
  correlations,
  logitMean,
} from "./correlation.ts";
import {
  type EricssonTables,
  imagenetTop1,
  modelNames,
  type Setting,
  settingColumns,
  settingValues,
  SUPERVISED,
} from "./published.ts";
import { paperValue } from "../../papers.ts";

/** A setting, optionally restricted to one of its columns (one downstream dataset). */
export interface Target {
  /** The setting. */
  setting: Setting;
  /** One of the setting's columns (a dataset); absent: all its columns averaged in log-odds. */
  column?: string;
}

/** A correlation of ImageNet top-1 with a target over the given models. */
export interface TargetCorrelation {
  /** The setting's {@link Setting.id}. */
  setting: string;
  /** The setting's display label. */
  label: string;
  /** The setting's group. */
  group: Setting["group"];
  /** The dataset (column), when the target is a single dataset. */
  dataset?: string;
  /** The models correlated over. */
  models: string[];
  /** Pearson's r with its bootstrap 95% CI over models. */
  pearson: Estimate;
  /** Spearman's ρ with its bootstrap 95% CI over models. */
  spearman: Estimate;
}

/** Log-odds of each model's ImageNet top-1. */
export function imagenetScores(tables: EricssonTables, models: string[]): number[] {
  return models.map((m) => logit(imagenetTop1(tables, m) / 100));
}

/** Each model's mean log-odds over the target's columns. */
export function targetScores(tables: EricssonTables, t: Target, models: string[]): number[] {
  return models.map((m) => {
    const v = t.column
      ? [paperValue(tables[t.setting.file], m, t.column)]
      : settingValues(tables, t.setting, m);
    return logitMean(v, t.setting.scale);
  });
}

/** Correlation of ImageNet top-1 with a target (a setting or one of its datasets). */
export function targetCorrelation(
  tables: EricssonTables,
  t: Target,
  models: string[],
  opts: CorrelationOptions = {},
): TargetCorrelation {
  const c = correlations(imagenetScores(tables, models), targetScores(tables, t, models), opts);
  return {
    setting: t.setting.id,
    label: t.setting.label,
    group: t.setting.group,
    ...(t.column ? { dataset: t.column } : {}),
    models,
    ...c,
  };
}

/** Per-dataset correlations of a setting (one per column). */
export function datasetCorrelations(
  tables: EricssonTables,
  s: Setting,
  models: string[],
  opts: CorrelationOptions = {},
): TargetCorrelation[] {
  return settingColumns(tables, s).map((column) =>
    targetCorrelation(tables, { setting: s, column }, models, opts)
  );
}

/** corr(ImageNet, a) − corr(ImageNet, b) over the same models, with its paired bootstrap CI. */
export function correlationGap(
  tables: EricssonTables,
  a: Target,
  b: Target,
  models: string[],
  method: CorrelationMethod,
  opts: CorrelationOptions = {},
): Estimate {
  return correlationDifference(
    imagenetScores(tables, models),
    targetScores(tables, a, models),
    targetScores(tables, b, models),
    method,
    opts,
  );
}

/** The best self-supervised model on one downstream dataset vs the supervised model. */
export interface SupervisedComparison {
  /** The setting's {@link Setting.id}. */
  setting: string;
  /** The dataset (a column of the setting's table). */
  dataset: string;
  /** Name of the best self-supervised model on the dataset. */
  bestModel: string;
  /** Its score (in the table's units, see {@link Setting.scale}). */
  best: number;
  /** The supervised model's score (same units). */
  supervised: number;
  /** best ≥ supervised ("matches or beats"). */
  matchesOrBeats: boolean;
}

/** Compare the best self-supervised model with the supervised one on every dataset of the settings. */
export function compareWithSupervised(tables: EricssonTables, settings: Setting[]): SupervisedComparison[] {
  const ssl = modelNames(tables);
  return settings.flatMap((s) =>
    settingColumns(tables, s).map((dataset) => {
      const t = tables[s.file];
      const scores = ssl.map((m) => paperValue(t, m, dataset));
      const k = scores.indexOf(Math.max(...scores));
      const supervised = paperValue(t, SUPERVISED, dataset);
      return {
        setting: s.id,
        dataset,
        bestModel: ssl[k],
        best: scores[k],
        supervised,
        matchesOrBeats: scores[k] >= supervised,
      };
    })
  );
}

/** The fraction of true flags with its percentile-bootstrap 95% CI over the flags (e.g. over datasets). */
export function fractionWithCI(flags: boolean[], opts: CorrelationOptions = {}): Estimate {
  const x = flags.map((f) => (f ? 1 : 0));
  const b = bootstrapCI(x.length, (idx) => {
    let s = 0;
    for (const i of idx) s += x[i];
    return s / idx.length;
  }, { resamples: opts.resamples ?? 2000, seed: opts.seed ?? 0 });
  return { mean: b.estimate, ci95: b.ci95, n: x.length };
}

/** The best self-supervised model of each downstream dataset. */
export function winners(
  tables: EricssonTables,
  settings: Setting[],
): { setting: string; dataset: string; model: string }[] {
  return compareWithSupervised(tables, settings).map((c) => ({
    setting: c.setting,
    dataset: c.dataset,
    model: c.bestModel,
  }));
}

/**
 * The share of datasets won by the model that wins most of them, with a bootstrap CI over datasets (the
 * statistic is recomputed on each resample: the most frequent winner of the resample).
 */
export function topWinnerShare(
  won: { model: string }[],
  opts: CorrelationOptions = {},
): { model: string; wins: number; share: Estimate } {
  const names = [...new Set(won.map((w) => w.model))];
  const code = won.map((w) => names.indexOf(w.model));
  const share = (idx: ArrayLike<number>) => {
    const counts = new Array<number>(names.length).fill(0);
    for (let i = 0; i < idx.length; i++) counts[code[idx[i]]]++;
    return Math.max(...counts) / idx.length;
  };
  const counts = names.map((_, k) => code.filter((c) => c === k).length);
  const top = counts.indexOf(Math.max(...counts));
  const b = bootstrapCI(won.length, share, { resamples: opts.resamples ?? 2000, seed: opts.seed ?? 0 });
  return { model: names[top], wins: counts[top], share: { mean: b.estimate, ci95: b.ci95, n: won.length } };
}
