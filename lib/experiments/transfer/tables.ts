/**
 * The transfer notebook's markdown tables: correlations per setting, the best self-supervised model vs the
 * supervised one per setting, the model zoo's accuracies per task and protocol, and the colour finding's models.
 *
 * @module
 */
import { markdownTable } from "../../report/markdown.ts";
import { formatEstimate } from "../../report/show.ts";
import type { Claim } from "../../report/results.ts";
import type { Estimate } from "../../stats/confidence.ts";
import type { SupervisedComparison, TargetCorrelation } from "./reanalysis.ts";
import {
  type ModelResults,
  type Protocol,
  type ProtocolCorrelation,
  type ZooRow,
  zooTable,
} from "./study.ts";
import type { ColourArms } from "./claims.ts";

/** "0.85 [0.60, 0.96]": a coefficient (or share) with its CI, two decimals ("0.85 (n=1)" without a CI). */
export function formatR(e: Estimate): string {
  const f = (v: number) => v.toFixed(2);
  return Number.isFinite(e.ci95[0]) && Number.isFinite(e.ci95[1])
    ? `${f(e.mean)} [${f(e.ci95[0])}, ${f(e.ci95[1])}]`
    : `${f(e.mean)} (n=${e.n})`;
}

/** Claims as a markdown table (claim, paper, ours with two decimals, verdict). */
export function claimsTable(claims: Claim[]): string {
  return markdownTable(
    ["claim", "paper", "ours", "verdict"],
    claims.map((c) => [c.claim, c.paper ?? "—", formatR(c.ours), `**${c.verdict}**`]),
  );
}

/** Settings (or datasets) by row: Pearson r and Spearman ρ with bootstrap CIs, number of models. */
export function correlationTable(rows: TargetCorrelation[]): string {
  return markdownTable(
    ["setting", "group", "models", "Pearson r [95% CI]", "Spearman ρ [95% CI]"],
    rows.map((r) => [
      r.dataset ? `${r.label}: ${r.dataset}` : r.label,
      r.group,
      r.models.length,
      formatR(r.pearson),
      formatR(r.spearman),
    ]),
  );
}

/** Per setting: datasets where the best self-supervised model matches or beats the supervised one. */
export function supervisedTable(rows: SupervisedComparison[]): string {
  const settings = [...new Set(rows.map((r) => r.setting))];
  return markdownTable(
    ["setting", "best SSL ≥ supervised", "datasets where supervised is better"],
    settings.map((s) => {
      const rs = rows.filter((r) => r.setting === s);
      const lost = rs.filter((r) => !r.matchesOrBeats);
      return [
        s,
        `${rs.length - lost.length} of ${rs.length}`,
        lost.map((r) => `${r.dataset} (${r.supervised} vs ${r.bestModel} ${r.best})`).join(", ") || "—",
      ];
    }),
  );
}

/** The zoo: upstream probe and, per task, each protocol's accuracy (%, mean [95% CI] over seeds). */
export function zooMarkdown(rows: ZooRow[], protocols: Protocol[]): string {
  const tasks = Object.keys(rows[0]?.tasks ?? {});
  const pct = (e: Parameters<typeof formatEstimate>[0]) => formatEstimate(e, 100);
  return markdownTable(
    ["model", "upstream", ...tasks.flatMap((t) => protocols.map((p) => `${t} ${p}`))],
    rows.map((
      r,
    ) => [r.model, pct(r.upstream), ...tasks.flatMap((t) => protocols.map((p) => pct(r.tasks[t][p])))]),
  );
}

/** Per protocol: the upstream score's correlations with near and far transfer, and the near − far gap. */
export function zooCorrelationTable(rows: ProtocolCorrelation[]): string {
  const f = formatR;
  return markdownTable(
    ["protocol", "near ρ", "far ρ", "ρ(near) − ρ(far)", "near r", "far r", "r(near) − r(far)"],
    rows.map((r) => [
      r.protocol,
      f(r.near.spearman),
      f(r.far.spearman),
      f(r.spearmanGap),
      f(r.near.pearson),
      f(r.far.pearson),
      f(r.pearsonGap),
    ]),
  );
}

/**
 * The colour finding's models as a markdown table: upstream (shape) probe, and the linear probes of the
 * attribute tasks (colour, and position where the configuration has it), mean [95% CI] over seeds in %.
 */
export function colourMarkdown(zoo: ModelResults[], arms: ColourArms, position = "shapes-position"): string {
  const names = [arms.randomInit, arms.supervised, ...arms.simclr.map((a) => a.model)];
  const rows = zooTable(zoo.filter((m) => names.includes(m.model)), ["linear"]);
  const cell = (r: ZooRow, task: string) => (r.tasks[task] ? formatEstimate(r.tasks[task].linear, 100) : "—");
  return markdownTable(
    ["model", "upstream (shape) %", "colour probe %", "position probe %"],
    rows.map((r) => [r.model, formatEstimate(r.upstream, 100), cell(r, arms.task), cell(r, position)]),
  );
}
