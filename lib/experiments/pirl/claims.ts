/**
 * The PIRL claims as results-file entries: each compares configurations of the study (`experiments.ts`),
 * states the paper's value (from `data/papers/pirl2020/` where the paper tabulates it, else the published
 * figure in words) and gets its verdict from a rule of `lib/report/verdict.ts`.
 *
 * Units: accuracies in %, differences in percentage points, distances in ℓ2 units of unit vectors. "A beats B"
 * is judged on the paired per-seed difference A − B (same seed = same encoder initialisation and batches),
 * whose Student-t 95% CI must lie above 0 for "reproduced" (below 0: "not-reproduced"; else "inconclusive").
 *
 * @module
 */
import { loadPaperTable, type PaperTable, paperValue } from "../../papers.ts";
import { type Claim, type ClaimKind, makeClaim } from "../../report/results.ts";
import { armRecord, type ArmRecords } from "../../report/gate.ts";
import { verdictGreater } from "../../report/verdict.ts";
import { type Estimate, meanCI } from "../../stats/confidence.ts";
import { bestStage, meanDistance, method, type PirlStudy } from "./experiments.ts";
import type { PirlRunResult } from "./run.ts";

/** The published tables the claims cite. */
export interface PirlPapers {
  /** Table 2: linear-probe accuracy (%) of each method on the paper's datasets. */
  linear: PaperTable;
  /** Table 7: ImageNet linear-probe accuracy (%) per ResNet-50 stage. */
  perLayer: PaperTable;
}

/** Load `linear_eval.csv` (Table 2) and `per_layer_imagenet.csv` (Table 7). */
export async function loadPirlPapers(): Promise<PirlPapers> {
  return {
    linear: await loadPaperTable("pirl2020", "linear_eval.csv"),
    perLayer: await loadPaperTable("pirl2020", "per_layer_imagenet.csv"),
  };
}

/** Paired difference k·(metric(A) − metric(B)) over the seeds both have. */
export function pairedDiff(
  a: PirlRunResult[],
  b: PirlRunResult[],
  metric: (r: PirlRunResult) => number,
  k = 100,
): Estimate {
  const mb = new Map(b.map((r) => [r.run.seed, metric(r)]));
  const d = a.filter((r) => mb.has(r.run.seed)).map((r) => k * (metric(r) - mb.get(r.run.seed)!));
  if (d.length === 0) throw new Error("pairedDiff: no common seeds");
  return meanCI(d);
}

/** Mean ± 95% CI over runs of a per-run difference (× k). */
export function withinRuns(runs: PirlRunResult[], diff: (r: PirlRunResult) => number, k = 100): Estimate {
  return meanCI(runs.map((r) => k * diff(r)));
}

const round1 = (x: number) => Math.round(x * 10) / 10;

function greater(
  id: string,
  claim: string,
  paper: number | string,
  diff: Estimate,
  names: { a: string; b: string },
  gate: { kind: ClaimKind; arms: string[]; records: ArmRecords },
): Claim {
  return makeClaim(
    { id, claim, paper, ours: diff, kind: gate.kind, arms: gate.arms },
    verdictGreater(diff, 0, { a: `${names.a} − ${names.b}`, b: "zero" }),
    gate.records,
  );
}

/** Arm name of a λ-ablation configuration. */
export const lambdaArm = (lambda: number): string => `PIRL λ=${lambda}`;

/**
 * The training gate's records: each self-supervised method's best-stage linear probe per seed against the
 * random-init encoder of the same seed (and likewise each λ of the ablation). Claims about a method are judged
 * only when it has learned.
 */
export function pirlArms(study: PirlStudy): ArmRecords {
  const rnd = new Map(method(study, "random init").runs.map((r) => [r.run.seed, bestStage(r)]));
  const record = (runs: PirlRunResult[]) => {
    const paired = runs.filter((r) => rnd.has(r.run.seed));
    return armRecord(paired.map((r) => 100 * bestStage(r)), paired.map((r) => 100 * rnd.get(r.run.seed)!));
  };
  const out: ArmRecords = {};
  for (const m of ["PIRL", "Jigsaw", "NPID++"]) out[m] = record(method(study, m).runs);
  for (const l of study.lambdas) out[lambdaArm(l.lambda)] = record(l.result.runs);
  return out;
}

/** Accuracy of stage `s` (negative: from the end) of a run. */
function stageAcc(s: number) {
  return (r: PirlRunResult) => r.eval.stages.at(s)!.accuracy.mean;
}

/** Claims 1–4 (Table 2, Table 7, Figure 3) and the sanity check against random init. */
export function methodClaims(study: PirlStudy, papers: PirlPapers): Claim[] {
  const pirl = method(study, "PIRL"), jig = method(study, "Jigsaw"), npid = method(study, "NPID++");
  const rnd = method(study, "random init");
  const t2 = (m: string) => paperValue(papers.linear, m, "imagenet_top1");
  const t7 = (m: string, c: string) => paperValue(papers.perLayer, m, c);
  const records = pirlArms(study);
  const on = (...arms: string[]) => ({ kind: "headline" as const, arms, records });
  return [
    greater(
      "pirl-beats-random-init",
      "Sanity: PIRL's representation is better than the untrained encoder's (best stage, linear probe)",
      "semi-supervised 1% labels top-5: PIRL 57.2 vs random init 22.0",
      pairedDiff(pirl.runs, rnd.runs, bestStage),
      { a: "PIRL (pp)", b: "random init" },
      { kind: "sanity", arms: [], records }, // the training gate itself, shown as a check
    ),
    greater(
      "t2-pirl-beats-jigsaw",
      "PIRL beats the covariant Jigsaw pretext under linear evaluation (best stage per method)",
      round1(t2("PIRL") - t2("Jigsaw")),
      pairedDiff(pirl.runs, jig.runs, bestStage),
      { a: "PIRL (pp)", b: "Jigsaw" },
      on("PIRL", "Jigsaw"),
    ),
    greater(
      "t2-pirl-beats-npid",
      "PIRL beats NPID++ (the image term alone, λ = 0): the jigsaw invariance adds something",
      round1(t2("PIRL") - t2("NPID++")),
      pairedDiff(pirl.runs, npid.runs, bestStage),
      { a: "PIRL (pp)", b: "NPID++" },
      on("PIRL", "NPID++"),
    ),
    greater(
      "t7-jigsaw-drops-at-last-stage",
      "Jigsaw's linear accuracy falls from the penultimate to the last stage",
      round1(t7("Jigsaw", "res4") - t7("Jigsaw", "res5")),
      withinRuns(jig.runs, (r) => stageAcc(-2)(r) - stageAcc(-1)(r)),
      { a: "Jigsaw penultimate stage", b: "last stage (pp)" },
      on("Jigsaw"),
    ),
    greater(
      "t7-pirl-rises-to-last-stage",
      "PIRL's linear accuracy keeps rising to the last stage",
      round1(t7("PIRL", "res5") - t7("PIRL", "res4")),
      withinRuns(pirl.runs, (r) => stageAcc(-1)(r) - stageAcc(-2)(r)),
      { a: "PIRL last stage", b: "penultimate stage (pp)" },
      on("PIRL"),
    ),
    greater(
      "fig3-pirl-more-invariant",
      "PIRL's representation is more invariant to the jigsaw transform than Jigsaw's: smaller mean ℓ2 distance " +
        "between the unit-norm representations of an image and of its transform",
      "Figure 3: PIRL's distances are small, Jigsaw's have a much larger mean and spread",
      pairedDiff(jig.runs, pirl.runs, meanDistance, 1),
      { a: "Jigsaw distance", b: "PIRL distance" },
      on("PIRL", "Jigsaw"),
    ),
  ];
}

/** Claim 5: λ = 0.5 is best among the ablation's λ values (beats the best other λ). */
export function lambdaClaims(study: PirlStudy, baseLambda: number): Claim[] {
  if (study.lambdas.length < 2) return [];
  const base = study.lambdas.find((l) => l.lambda === baseLambda)!;
  const others = study.lambdas.filter((l) => l !== base);
  const rival = others.reduce((a, b) => (b.result.best.mean > a.result.best.mean ? b : a));
  return [greater(
    "lambda-half-best",
    `λ = ${baseLambda} is the best weight of the jigsaw term: it beats the best other λ (${rival.lambda})`,
    "λ ablation figure: λ = 0.5 best, accuracy sensitive to λ",
    pairedDiff(base.result.runs, rival.result.runs, bestStage),
    { a: `λ=${baseLambda} (pp)`, b: `λ=${rival.lambda}` },
    { kind: "headline", arms: [lambdaArm(baseLambda), lambdaArm(rival.lambda)], records: pirlArms(study) },
  )];
}

/** Every claim of the study. */
export function pirlClaims(study: PirlStudy, papers: PirlPapers, baseLambda: number): Claim[] {
  return [...methodClaims(study, papers), ...lambdaClaims(study, baseLambda)];
}
