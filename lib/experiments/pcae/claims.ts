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
import {
  type Judgement,
  unlessAtFloor,
  verdictGreater,
  verdictLess,
  verdictRankAgreement,
  verdictWithin,
} from "../../report/verdict.ts";
import { type Estimate, meanCI } from "../../stats/confidence.ts";
import type { PcaeConfig } from "./config.ts";
import type { DropAccuracy, PcaeEval } from "./evaluate.ts";
import type { FinetuneStudy, MethodRuns, StepTiming, ThroughputResult } from "./experiments.ts";
import { meanOf, type PcaeFinetuneResult } from "./run.ts";
import { armRecord, type ArmRecords } from "../../report/gate.ts";
import { stepMacs } from "./flops.ts";
import type { EqualTimeStudy } from "./equal_time.ts";

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

/** Fine-tuned test accuracy (%) of each seed's result. */
export function finetuned(rs: readonly PcaeFinetuneResult[]): number[] {
  return rs.map((r) => 100 * r.accuracy.mean);
}

/**
 * The training gate's records, under fine-tuning (the paper's metric): each pretrained arm per seed against the
 * random-init student of the same seed fine-tuned under the same protocol. A claim is judged only when every
 * pretrained encoder it depends on learned. Where random init was fine-tuned with Table 5's drops too, the
 * drop fine-tune of PCAE is recorded against it ("pcae drop r", shown): whether pretraining still helps once
 * the tokens are dropped is part of what Table 5 tests, so it is not a gate of the Table 5 claims, whose
 * encoder is the pretrained PCAE.
 */
export function pcaeArms(ft: FinetuneStudy, eq?: EqualTimeStudy): ArmRecords {
  const rnd = finetuned(ft.random);
  const extra = (["mae", "pcae"] as const).flatMap((m) =>
    eq && eq[m] !== ft[m] ? [[equalTimeArm(eq, m), armRecord(finetuned(eq[m]), rnd)]] : []
  );
  return {
    ...Object.fromEntries(extra),
    mae: armRecord(finetuned(ft.mae), rnd),
    pcae: armRecord(finetuned(ft.pcae), rnd),
    ...Object.fromEntries(
      ft.masks.map((m) => [`pcae mask ${m.maskRatio}`, armRecord(finetuned(m.pcae), rnd)]),
    ),
    ...Object.fromEntries(
      ft.drops.flatMap((d) =>
        d.random ? [[`pcae drop ${d.ratio}`, armRecord(finetuned(d.pcae), finetuned(d.random))]] : []
      ),
    ),
  };
}

/** Sanity checks (the gate itself, shown, never counted): MAE and PCAE beat random init, fine-tuned and probed. */
export function learnedClaims(runs: MethodRuns, ft: FinetuneStudy): Claim[] {
  const lin = (e: PcaeEval) => 100 * e.full.linear.mean;
  const rndProbe = runs.random.map(lin);
  const check = (id: string, claim: string, paper: string, diff: Estimate, what: string) =>
    makeClaim(
      { id, claim, paper, ours: diff, kind: "sanity", arms: [] },
      verdictGreater(diff, 0, { a: what, b: "zero" }),
    );
  const maeFt = pairedDiff(finetuned(ft.mae), finetuned(ft.random));
  const pcaeFt = pairedDiff(finetuned(ft.pcae), finetuned(ft.random));
  return [
    check(
      "mae-beats-random-init",
      "Sanity: fine-tuned from MAE pretraining, the ViT beats the same fine-tune from random init",
      "MAE ViT-B fine-tuned 83.6% (from scratch 82.3% with a long supervised recipe)",
      maeFt,
      "MAE − random init, fine-tuned (pp)",
    ),
    check(
      "pcae-beats-random-init",
      "Sanity: fine-tuned from PCAE pretraining, the ViT beats the same fine-tune from random init",
      "PCAE ViT-B fine-tuned 83.6%",
      pcaeFt,
      "PCAE − random init, fine-tuned (pp)",
    ),
    check(
      "mae-probe-beats-random-init",
      "Sanity (second view): MAE's frozen features beat random init's on the linear probe",
      "MAE ViT-B linear probe 68.0%",
      pairedDiff(runs.mae.map((r) => lin(r.eval)), rndProbe),
      "MAE − random init, probe (pp)",
    ),
    check(
      "pcae-probe-beats-random-init",
      "Sanity (second view): PCAE's frozen features beat random init's on the linear probe",
      "not reported",
      pairedDiff(runs.pcae.map((r) => lin(r.eval)), rndProbe),
      "PCAE − random init, probe (pp)",
    ),
  ];
}

/** PCAE matches MAE after fine-tuning: the paired gap within ±`matchTolerance` pp (fixed before any run). */
export function matchClaim(cfg: PcaeConfig, ft: FinetuneStudy, papers: PcaePapers): Claim {
  const gap = pairedDiff(finetuned(ft.pcae), finetuned(ft.mae));
  const tol = cfg.eval.matchTolerance;
  const maeFt = paperValue(papers.maeHeadline, "vitb_finetune_top1", "value");
  const pcaeFt = paperValue(papers.maskRatio, String(cfg.base.maskRatio), "finetune_top1");
  return makeClaim(
    {
      id: "pcae-matches-mae-finetuned",
      claim: `After the same pretraining steps, PCAE's fine-tuned accuracy is within ±${tol} pp of MAE's ` +
        `(paired PCAE − MAE)`,
      paper: Math.round((pcaeFt - maeFt) * 10) / 10,
      ours: gap,
      kind: "headline",
      arms: ["mae", "pcae"],
    },
    verdictWithin(gap, 0, tol),
    pcaeArms(ft),
  );
}

/** The gate name of a method's equal-time arm: its base arm when it kept the base steps, else "pcae 1650 steps". */
export function equalTimeArm(eq: EqualTimeStudy, method: "mae" | "pcae"): string {
  const other = method === "mae" ? eq.steps.pcae : eq.steps.mae;
  return eq.steps[method] > other ? `${method} ${eq.steps[method]} steps` : method;
}

/**
 * PCAE beats MAE at equal pretraining wall time (the paper: MAE's accuracy with 1/8 of its GPU days): paired
 * PCAE − MAE fine-tuned, each after the steps it takes in the same time ({@link EqualTimeStudy}).
 */
export function equalTimeClaim(ft: FinetuneStudy, eq: EqualTimeStudy): Claim {
  const gap = pairedDiff(finetuned(eq.pcae), finetuned(eq.mae));
  return makeClaim(
    {
      id: "pcae-beats-mae-equal-time",
      claim:
        `At equal pretraining wall time, PCAE fine-tunes better than MAE (paired PCAE − MAE; step-time ` +
        `ratio MAE / PCAE ${eq.ratio.toFixed(3)} at the training batch: MAE ${eq.steps.mae} steps, PCAE ` +
        `${eq.steps.pcae})`,
      paper: "MAE's fine-tuned accuracy (83.6%) with 1/8 of its GPU days",
      ours: gap,
      kind: "headline",
      arms: [equalTimeArm(eq, "mae"), equalTimeArm(eq, "pcae")],
    },
    verdictGreater(gap, 0, { a: "PCAE − MAE at equal time (pp)", b: "zero" }),
    pcaeArms(ft, eq),
  );
}

/**
 * The paper's motivation: in a pretrained encoder the tokens grow more similar to the mean token with depth
 * (redundancy). Per seed: mean cosine similarity after the last block − after the first, for MAE; PCAE and
 * random init are shown beside it in the notebook.
 */
export function redundancyClaims(runs: MethodRuns, ft: FinetuneStudy): Claim[] {
  const rise = (e: PcaeEval) => e.redundancy.at(-1)!.meanSimilarity - e.redundancy[0].meanSimilarity;
  const mae = meanCI(runs.mae.map((r) => rise(r.eval)));
  return [
    makeClaim(
      {
        id: "redundancy-rises-with-depth",
        claim:
          "In the pretrained MAE encoder, tokens are more similar to the mean token after the last block " +
          "than after the first (cosine similarity, last − first)",
        paper: "tokens become increasingly redundant in deeper layers, motivating progressive dropping",
        ours: mae,
        kind: "headline",
        arms: ["mae"],
      },
      verdictGreater(mae, 0, { a: "similarity rise", b: "zero" }),
      pcaeArms(ft),
    ),
  ];
}

/**
 * Table 5 at fine-tuning: PCAE fine-tuned and scored dropping `ratio` of its tokens at each stage loses less
 * than `dropTolerance` pp against the no-drop fine-tune of the same pretrained student on the same schedule
 * (one claim per ratio; its arm is that pretrained PCAE); throughput rises with the ratio (sanity: fewer
 * tokens, less work).
 */
export function dropClaims(
  cfg: PcaeConfig,
  ft: FinetuneStudy,
  throughput: ThroughputResult[],
  papers: PcaePapers,
): Claim[] {
  const ratios = cfg.dropRatios;
  const paperThroughput = ratios.map((r) => paperValue(papers.dropRatio, String(r), "throughput"));
  const tRank = verdictRankAgreement(throughput.map((t) => t.imagesPerSecond), paperThroughput);
  const tol = cfg.finetune.dropTolerance;
  const top1 = (r: number) => paperValue(papers.dropRatio, String(r), "top1");
  return [
    makeClaim({
      id: "t5-throughput-rises-with-drop-ratio",
      claim: `Inference throughput ranks the drop ratios ${ratios.join(", ")} as Table 5 does (rising)`,
      paper: `${paperThroughput.join(", ")} img/s`,
      ours: tRank.rho,
      kind: "sanity",
      arms: [],
    }, tRank),
    ...ft.drops.map((d) => {
      const cost = pairedDiff(finetuned(ft.pcae), finetuned(d.pcae));
      return makeClaim(
        {
          id: `t5-drop-${d.ratio}-costs-little`,
          claim:
            `Fine-tuning and inferring with ${100 * d.ratio}% of the tokens dropped at each stage costs ` +
            `less than ${tol} pp of fine-tuned accuracy (no drop − drop)`,
          paper: Math.round((top1(0) - top1(d.ratio)) * 10) / 10,
          ours: cost,
          kind: "headline",
          arms: ["pcae"],
        },
        verdictLess(cost, tol, { a: "accuracy cost (pp)", b: `${tol} pp` }),
        pcaeArms(ft),
      );
    }),
  ];
}

/**
 * The drop rules, compared where Table 5 measures drops (PCAE fine-tuned and scored while dropping
 * `finetune.compareRatio` of its tokens, {@link FinetuneStudy.rules}): the mean-token rule keeps more accuracy
 * than random dropping, and dropping progressively keeps more than dropping the same tokens at once. `chance`
 * is the label set's chance accuracy (a fraction): a comparison whose arms all score at or below it is
 * inconclusive (the drops destroyed the prediction in both, so their order means nothing). The no-drop
 * fine-tune scored with these drops at inference only (`pcae[i].inference`) is shown beside them, not judged:
 * the paper never drops tokens from a model fine-tuned without them.
 */
export function dropRuleClaims(cfg: PcaeConfig, ft: FinetuneStudy, chance: number): Claim[] {
  const r = cfg.finetune.compareRatio;
  const progressive = ft.drops.find((d) => d.ratio === r);
  if (!progressive || ft.rules.ratio !== r) {
    throw new Error(`pcae: no fine-tune with progressive and other drops at the compared ratio ${r}`);
  }
  const arms = [progressive.pcae, ft.rules.random, ft.rules.oneShot].map(finetuned);
  const vsRandom = pairedDiff(arms[0], arms[1]), vsOneShot = pairedDiff(arms[0], arms[2]);
  const floor = (j: Judgement, ks: number[]) =>
    unlessAtFloor(j, ks.map((k) => meanOf(arms[k])), Number((100 * chance).toFixed(1)), "accuracy (%)");
  return [
    makeClaim(
      {
        id: "redundant-drop-beats-random",
        claim:
          `Fine-tuned and scored dropping ${
            100 * r
          }% of the tokens at each stage by similarity to the mean ` +
          `token, PCAE keeps more accuracy than dropping random tokens`,
        paper: "tokens most similar to the mean token are redundant: discarding them costs little",
        ours: vsRandom,
        kind: "headline",
        arms: ["pcae"],
      },
      floor(verdictGreater(vsRandom, 0, { a: "mean-token − random (pp)", b: "zero" }), [0, 1]),
      pcaeArms(ft),
    ),
    makeClaim(
      {
        id: "progressive-beats-one-shot",
        claim: `Fine-tuned and scored dropping progressively (${100 * r}% before each of ` +
          `${cfg.teacher.dropBefore.length} blocks), PCAE keeps more accuracy than dropping the same tokens ` +
          `at once before the first`,
        paper:
          "progressive compression lets self-attention move a dropped token's content into the kept ones",
        ours: vsOneShot,
        kind: "headline",
        arms: ["pcae"],
      },
      floor(verdictGreater(vsOneShot, 0, { a: "progressive − one-shot (pp)", b: "zero" }), [0, 2]),
      pcaeArms(ft),
    ),
  ];
}

/**
 * Table 4: PCAE pretrained at each swept mask ratio (same steps and seeds) fine-tunes within ±`matchTolerance`
 * pp of the base mask ratio (headline; the paper: 83.6 / 83.6 / 83.5 at 0.75 / 0.85 / 0.9), and its pretraining
 * step is faster there (sanity: the student encodes fewer patches; the paper's throughput 550 → 876 img/s).
 */
export function maskClaims(
  cfg: PcaeConfig,
  ft: FinetuneStudy,
  steps: StepTiming[],
  papers: PcaePapers,
): Claim[] {
  const base = cfg.base.maskRatio, tol = cfg.eval.matchTolerance;
  const paper = (m: number, col: string) => paperValue(papers.maskRatio, m.toFixed(2), col);
  return ft.masks.flatMap((m, i) => {
    const gap = pairedDiff(finetuned(m.pcae), finetuned(ft.pcae));
    const speed = meanCI(steps.map((s) => s.pcae / s.sweep[i]));
    return [
      makeClaim(
        {
          id: `t4-mask-${m.maskRatio}-accuracy-flat`,
          claim: `PCAE pretrained at mask ratio ${m.maskRatio} fine-tunes within ±${tol} pp of mask ratio ` +
            `${base} (same steps; paired ${m.maskRatio} − ${base})`,
          paper: Math.round((paper(m.maskRatio, "finetune_top1") - paper(base, "finetune_top1")) * 10) / 10,
          ours: gap,
          kind: "headline",
          arms: ["pcae", `pcae mask ${m.maskRatio}`],
        },
        verdictWithin(gap, 0, tol),
        pcaeArms(ft),
      ),
      makeClaim({
        id: `t4-mask-${m.maskRatio}-step-faster`,
        claim: `A PCAE pretraining step at mask ratio ${m.maskRatio} is faster than at ${base} ` +
          `(step time ratio ${base} / ${m.maskRatio} > 1)`,
        paper: Math.round(paper(m.maskRatio, "throughput") / paper(base, "throughput") * 100) / 100,
        ours: speed,
        kind: "sanity",
        arms: [],
      }, verdictGreater(speed, 1, { a: `step time ${base} / ${m.maskRatio}`, b: "1" })),
    ];
  });
}

/**
 * The pretraining cost: a PCAE step is faster than an MAE step, and the realised saving (1 − t_PCAE / t_MAE) is
 * at least 80% of the analytic FLOP saving (1 − F_PCAE / F_MAE); the FLOP saving itself is a sanity check. The
 * times are those at the timing batch (`eval.timing.batch`), where a step is compute-bound as the paper's are.
 */
export function speedupClaims(cfg: PcaeConfig, steps: StepTiming[]): Claim[] {
  const speed = meanCI(steps.map((s) => s.mae / s.pcae));
  const fMae = stepMacs(cfg, "mae", cfg.base.maskRatio).total;
  const fPcae = stepMacs(cfg, "pcae", cfg.base.maskRatio).total;
  const flopSaving = 1 - fPcae / fMae;
  const realised = meanCI(steps.map((s) => (1 - s.pcae / s.mae) / flopSaving));
  return [
    makeClaim({
      id: "pcae-step-faster-than-mae",
      claim: `A PCAE pretraining step takes less wall-clock time than an MAE step (batch ` +
        `${cfg.eval.timing.batch}; ratio MAE / PCAE > 1)`,
      paper: "comparable performance to MAE with 1/8 of the GPU days",
      ours: speed,
      kind: "headline",
      arms: [],
    }, verdictGreater(speed, 1, { a: "MAE / PCAE step time", b: "1" })),
    makeClaim({
      id: "pcae-speedup-realises-flops",
      claim: `The realised time saving of a PCAE step is at least 80% of its FLOP saving ` +
        `(batch ${cfg.eval.timing.batch}; ${(100 * flopSaving).toFixed(1)}% fewer FLOPs; ratio of savings)`,
      paper: "the saving in GPU days follows the saving in computation",
      ours: realised,
      kind: "headline",
      arms: [],
    }, verdictGreater(realised, 0.8, { a: "time saving / FLOP saving", b: "0.8" })),
    makeClaim({
      id: "pcae-fewer-flops-than-mae",
      claim:
        "A PCAE pretraining step needs fewer FLOPs than an MAE step (analytic count, ratio MAE / PCAE > 1)",
      paper: "the teacher keeps ~10% of the tokens as targets; the decoder predicts only those",
      ours: exact(fMae / fPcae),
      kind: "sanity",
      arms: [],
    }, verdictGreater(exact(fMae / fPcae), 1, { a: "MAE / PCAE step FLOPs", b: "1" })),
  ];
}
