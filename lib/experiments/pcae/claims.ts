/**
 * The PCAE claims as results-file entries: each states the paper's value (from `data/papers/pcae2023/` and
 * `data/papers/mae2022/` where tabulated, else a short phrase), ours as mean ± 95% CI over seeds (paired per-seed
 * differences for "A beats B"), and a verdict from a rule of `lib/report/verdict.ts`.
 *
 * Units: accuracies in %, differences in percentage points, speed-ups as ratios.
 *
 * @module
 */
import { loadPaperTable, type PaperTable, paperValue } from "../../papers.ts";

export { paperValue };
import { type Claim, makeClaim } from "../../report/results.ts";
import { verdictGreater, verdictRankAgreement, verdictWithin } from "../../report/verdict.ts";
import { type Estimate, meanCI } from "../../stats/confidence.ts";
import type { PcaeConfig } from "./config.ts";
import type { DropAccuracy, PcaeEval } from "./evaluate.ts";
import type { MethodRuns, StepTiming, ThroughputResult } from "./experiments.ts";
import { armRecord, type ArmRecords } from "../../report/gate.ts";
import { stepMacs } from "./flops.ts";

/** The published tables this notebook compares against. */
export interface PcaePapers {
  /** PCAE Table 5: throughput (images/s), MACs (G) and fine-tuned top-1 (%) per inference drop ratio. */
  dropRatio: PaperTable;
  /** PCAE's mask-ratio table: fine-tuned top-1 (%), COCO detection AP and throughput per mask ratio. */
  maskRatio: PaperTable;
  /** MAE's headline numbers (ViT-B ImageNet fine-tuning and linear-probe top-1, %). */
  maeHeadline: PaperTable;
}

/** Load the published tables (copied into `data/papers/`). */
export async function loadPcaePapers(): Promise<PcaePapers> {
  return {
    dropRatio: await loadPaperTable("pcae2023", "drop_ratio.csv"),
    maskRatio: await loadPaperTable("pcae2023", "mask_ratio.csv"),
    maeHeadline: await loadPaperTable("mae2022", "headline.csv"),
  };
}

/** A single exact number as an estimate (n = 1, the CI collapsed to the value): analytic counts. */
export function exact(x: number): Estimate {
  return { mean: x, ci95: [x, x], n: 1 };
}

/** Linear accuracy (%) of an evaluation at a drop setting (ratio 0: the full encoder). */
export function accuracyAt(e: PcaeEval, ratio: number, mode: DropAccuracy["mode"] = "mean-token"): number {
  if (ratio === 0) return 100 * e.full.linear.mean;
  const d = e.drops.find((x) => x.ratio === ratio && x.mode === mode);
  if (!d) throw new Error(`pcae: no evaluation at drop ratio ${ratio} (${mode})`);
  return 100 * d.linear.mean;
}

/** Paired per-seed differences a[i] − b[i] as mean and 95% CI. */
export function pairedDiff(a: readonly number[], b: readonly number[]): Estimate {
  if (a.length !== b.length || a.length === 0) throw new Error("pairedDiff: need equal, non-empty lists");
  return meanCI(a.map((x, i) => x - b[i]));
}

/**
 * The training gate's records: the linear probe of MAE and PCAE per seed against the random-init encoder of
 * the same seed. A claim about either method is judged only when that method has learned.
 */
export function pcaeArms(runs: MethodRuns): ArmRecords {
  const lin = (e: PcaeEval) => 100 * e.full.linear.mean;
  const rnd = runs.random.map(lin);
  return {
    mae: armRecord(runs.mae.map((r) => lin(r.eval)), rnd),
    pcae: armRecord(runs.pcae.map((r) => lin(r.eval)), rnd),
  };
}

/** Claim 1: dropping the most redundant tokens (mean-token rule) hurts less than dropping random ones. */
export function redundancyClaims(cfg: PcaeConfig, runs: MethodRuns): Claim[] {
  return cfg.randomDropRatios.map((r) => {
    const diff = pairedDiff(
      runs.pcae.map((x) => accuracyAt(x.eval, r, "mean-token")),
      runs.pcae.map((x) => accuracyAt(x.eval, r, "random")),
    );
    return makeClaim(
      {
        id: `redundant-drop-beats-random-${r}`,
        claim:
          `Dropping ${
            100 * r
          }% of the tokens at each of ${cfg.teacher.dropBefore.length} stages by similarity to ` +
          `the mean token keeps more linear accuracy than dropping random tokens (PCAE encoder)`,
        paper: "tokens most similar to the mean token are redundant: discarding them costs little (Table 5)",
        ours: diff,
        kind: "headline",
        arms: ["pcae"],
      },
      verdictGreater(diff, 0, { a: "mean-token − random (pp)", b: "zero" }),
      pcaeArms(runs),
    );
  });
}

/** Claim 2 (Table 5): throughput rises and accuracy falls with the drop ratio, in the paper's order. */
export function dropRatioClaims(
  cfg: PcaeConfig,
  runs: MethodRuns,
  throughput: ThroughputResult[],
  papers: PcaePapers,
): Claim[] {
  const ratios = cfg.dropRatios;
  const col = (c: string) => ratios.map((r) => paperValue(papers.dropRatio, String(r), c));
  const paperThroughput = col("throughput"), paperTop1 = col("top1");
  const tRank = verdictRankAgreement(throughput.map((t) => t.imagesPerSecond), paperThroughput);
  const accs = runs.pcae.map((x) => ratios.map((r) => accuracyAt(x.eval, r)));
  const aRank = verdictRankAgreement(accs, paperTop1);
  return [
    makeClaim({
      id: "t5-throughput-rises-with-drop-ratio",
      claim: `Inference throughput ranks the drop ratios ${ratios.join(", ")} as Table 5 does (rising)`,
      paper: `${paperThroughput.join(", ")} img/s`,
      ours: tRank.rho,
      kind: "sanity", // fewer tokens, less work: true by construction
      arms: [],
    }, tRank),
    makeClaim(
      {
        id: "t5-accuracy-falls-with-drop-ratio",
        claim: `Linear accuracy ranks the drop ratios ${ratios.join(", ")} as Table 5's top-1 does (falling)`,
        paper: `${paperTop1.join(", ")}% top-1`,
        ours: aRank.rho,
        kind: "headline",
        arms: ["pcae"],
      },
      aRank,
      pcaeArms(runs),
    ),
  ];
}

/** Claim 3: PCAE pretrains faster than MAE (time and FLOPs per step) at similar accuracy; both beat random init. */
export function speedupClaims(
  cfg: PcaeConfig,
  runs: MethodRuns,
  steps: StepTiming[],
  papers: PcaePapers,
): Claim[] {
  const lin = (e: PcaeEval) => 100 * e.full.linear.mean;
  const mae = runs.mae.map((r) => lin(r.eval)), pcae = runs.pcae.map((r) => lin(r.eval));
  const rnd = runs.random.map(lin);
  const speed = meanCI(steps.map((s) => s.mae / s.pcae));
  const flops = stepMacs(cfg, "mae", cfg.base.maskRatio).total /
    stepMacs(cfg, "pcae", cfg.base.maskRatio).total;
  const gap = pairedDiff(pcae, mae);
  const tol = cfg.eval.matchTolerance;
  const maeFt = paperValue(papers.maeHeadline, "vitb_finetune_top1", "value");
  const pcaeFt = paperValue(papers.maskRatio, String(cfg.base.maskRatio), "finetune_top1");
  const maeVsRandom = pairedDiff(mae, rnd), pcaeVsRandom = pairedDiff(pcae, rnd);
  return [
    makeClaim({
      id: "mae-beats-random-init",
      claim: "MAE pretraining beats the randomly initialised encoder on the linear probe",
      paper: `MAE ViT-B linear probe ${paperValue(papers.maeHeadline, "vitb_linear_top1", "value")}%`,
      ours: maeVsRandom,
      kind: "sanity", // the training gate itself, shown as a check
      arms: [],
    }, verdictGreater(maeVsRandom, 0, { a: "MAE − random init (pp)", b: "zero" })),
    makeClaim({
      id: "pcae-beats-random-init",
      claim: "PCAE pretraining beats the randomly initialised encoder on the linear probe",
      paper: "PCAE representations match MAE's",
      ours: pcaeVsRandom,
      kind: "sanity",
      arms: [],
    }, verdictGreater(pcaeVsRandom, 0, { a: "PCAE − random init (pp)", b: "zero" })),
    makeClaim({
      id: "pcae-step-faster-than-mae",
      claim: "A PCAE pretraining step takes less wall-clock time than an MAE step (ratio MAE / PCAE > 1)",
      paper: "comparable performance to MAE with 1/8 of the GPU days",
      ours: speed,
      kind: "headline",
      arms: [],
    }, verdictGreater(speed, 1, { a: "MAE / PCAE step time", b: "1" })),
    makeClaim({
      id: "pcae-fewer-flops-than-mae",
      claim:
        "A PCAE pretraining step needs fewer FLOPs than an MAE step (analytic count, ratio MAE / PCAE > 1)",
      paper: "the teacher keeps ~10% of the tokens as targets; the decoder predicts only those",
      ours: exact(flops),
      kind: "sanity", // an analytic count
      arms: [],
    }, verdictGreater(exact(flops), 1, { a: "MAE / PCAE step FLOPs", b: "1" })),
    makeClaim(
      {
        id: "pcae-matches-mae-accuracy",
        claim:
          `After the same number of steps PCAE's linear accuracy is within ±${tol} pp of MAE's (paired PCAE − MAE)`,
        paper: Math.round((pcaeFt - maeFt) * 10) / 10,
        ours: gap,
        kind: "headline",
        arms: ["mae", "pcae"],
      },
      verdictWithin(gap, 0, tol),
      pcaeArms(runs),
    ),
  ];
}
