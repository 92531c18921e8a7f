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

/** The gate record of a configuration's runs: best stage (%) against random init of the same seeds. */
function gateRecorder(study: PirlStudy): (runs: PirlRunResult[]) => ArmRecords[string] {
  const rnd = new Map(method(study, "random init").runs.map((r) => [r.run.seed, bestStage(r)]));
  return (runs) => {
    const paired = runs.filter((r) => rnd.has(r.run.seed));
    return armRecord(paired.map((r) => 100 * bestStage(r)), paired.map((r) => 100 * rnd.get(r.run.seed)!));
  };
}

/**
 * The training gate's records: each self-supervised method's best-stage linear probe per seed against the
 * random-init encoder of the same seed (and likewise each configuration of the λ, negatives and |T|
 * ablations). Claims about a method are judged only when it has learned.
 */
export function pirlArms(study: PirlStudy): ArmRecords {
  const record = gateRecorder(study);
  const out: ArmRecords = {};
  for (const m of ["PIRL", "Jigsaw", "NPID++"]) out[m] = record(method(study, m).runs);
  for (const l of study.lambdas) out[lambdaArm(l.lambda)] = record(l.result.runs);
  return { ...out, ...ablationArms(study) };
}

/** Accuracy of stage `s` (negative: from the end) of a run. */
function stageAcc(s: number) {
  return (r: PirlRunResult) => r.eval.stages.at(s)!.accuracy.mean;
}

/** Rise from the penultimate to the last stage of a run (fraction). */
export const lastStageRise = (r: PirlRunResult): number => stageAcc(-1)(r) - stageAcc(-2)(r);

/** Mean of a list. */
const mean = (x: readonly number[]) => x.reduce((a, b) => a + b, 0) / x.length;

/** Jigsaw's permutation-prediction accuracy on held-out images, % (NaN for runs without a pretext head). */
export const pretextPercent = (r: PirlRunResult): number => 100 * (r.eval.pretext?.accuracy ?? NaN);

/**
 * The sanity checks: the training gate for PIRL, and Jigsaw's pretext above chance (true once it trained);
 * both shown, never counted as reproductions.
 */
export function sanityClaims(study: PirlStudy): Claim[] {
  const pirl = method(study, "PIRL"), jig = method(study, "Jigsaw"), rnd = method(study, "random init");
  const records = pirlArms(study);
  const chance = 100 * (jig.runs[0].eval.pretext?.chance ?? NaN);
  const out = [
    greater(
      "pirl-beats-random-init",
      "Sanity: PIRL's representation is better than the untrained encoder's (best stage, linear probe)",
      "semi-supervised 1% labels top-5: PIRL 57.2 vs random init 22.0",
      pairedDiff(pirl.runs, rnd.runs, bestStage),
      { a: "PIRL (pp)", b: "random init" },
      { kind: "sanity", arms: [], records },
    ),
    makeClaim(
      {
        id: "jigsaw-pretext-above-chance",
        claim:
          `Sanity: Jigsaw predicts the permutation of held-out shuffled images well above chance (1/|T| = ${
            round1(chance)
          }%)`,
        paper: "Jigsaw's pretext is learnable (the paper trains it as the covariant baseline)",
        ours: meanCI(jig.runs.map(pretextPercent)),
        kind: "sanity",
      },
      verdictGreater(meanCI(jig.runs.map(pretextPercent)), 5 * chance, {
        a: "pretext accuracy (%)",
        b: "5 × chance",
      }),
    ),
  ];
  const heads = pirl.runs.filter((r) => r.eval.invariance.heads && r.eval.invariance.headsOther);
  if (heads.length === pirl.runs.length) {
    out.push(greater(
      "fig3-pirl-heads-match",
      "Sanity: PIRL's heads map an image and its own jigsaw transform closer together than an image and " +
        "another image's transform (‖f̂(v_I) − ĝ(v_Jt)‖ − ‖f̂(v_I) − ĝ(v_It)‖ > 0: what its loss trains)",
      "Figure 3: PIRL's distances between an image and its transform are small",
      withinRuns(heads, (r) => mean(r.eval.invariance.headsOther!) - mean(r.eval.invariance.heads!), 1),
      { a: "mismatched − matched head distance", b: "zero" },
      { kind: "sanity", arms: [], records },
    ));
  }
  return out;
}

/** Table 2's ordering, Table 7's per-stage shapes and Figure 3's invariance: the headline claims. */
export function methodClaims(study: PirlStudy, papers: PirlPapers): Claim[] {
  const pirl = method(study, "PIRL"), jig = method(study, "Jigsaw"), npid = method(study, "NPID++");
  const rnd = method(study, "random init");
  const t2 = (m: string) => paperValue(papers.linear, m, "imagenet_top1");
  const t7 = (m: string, c: string) => paperValue(papers.perLayer, m, c);
  const records = pirlArms(study);
  const on = (...arms: string[]) => ({ kind: "headline" as const, arms, records });
  return [
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
      "t2-npid-beats-jigsaw",
      "NPID++ (invariance to image augmentations only) beats the covariant Jigsaw pretext",
      round1(t2("NPID++") - t2("Jigsaw")),
      pairedDiff(npid.runs, jig.runs, bestStage),
      { a: "NPID++ (pp)", b: "Jigsaw" },
      on("NPID++", "Jigsaw"),
    ),
    greater(
      "t7-jigsaw-drops-at-last-stage",
      "Jigsaw's linear accuracy falls from the penultimate to the last stage",
      round1(t7("Jigsaw", "res4") - t7("Jigsaw", "res5")),
      withinRuns(jig.runs, (r) => -lastStageRise(r)),
      { a: "Jigsaw penultimate stage", b: "last stage (pp)" },
      on("Jigsaw"),
    ),
    greater(
      "t7-pirl-rises-to-last-stage",
      "PIRL's linear accuracy keeps rising to the last stage, by more than the untrained encoder's own rise " +
        "(the control: depth alone changes a random encoder's features too)",
      round1(t7("PIRL", "res5") - t7("PIRL", "res4")),
      pairedDiff(pirl.runs, rnd.runs, lastStageRise),
      { a: "PIRL's rise", b: "random init's rise (pp)" },
      on("PIRL"),
    ),
    greater(
      "fig3-pirl-more-invariant",
      "PIRL's representation is more invariant to the jigsaw transform than Jigsaw's: smaller mean ℓ2 distance " +
        "between the unit-norm encoder representations of an image and of its transform (mean of its patches)",
      "Figure 3: PIRL's distances are small, Jigsaw's have a much larger mean and spread",
      pairedDiff(jig.runs, pirl.runs, meanDistance, 1),
      { a: "Jigsaw distance", b: "PIRL distance" },
      on("PIRL", "Jigsaw"),
    ),
  ];
}

/**
 * Figure 6's λ claims: λ = `baseLambda` beats the jigsaw term alone (λ = 1); and, when the ablation has
 * intermediate values besides the base, the base is the best λ or within `nearPp` of it.
 */
export function lambdaClaims(study: PirlStudy, baseLambda: number, nearPp = 2): Claim[] {
  if (study.lambdas.length < 2) return [];
  const base = study.lambdas.find((l) => l.lambda === baseLambda)!;
  const records = pirlArms(study);
  const out: Claim[] = [];
  const one = study.lambdas.find((l) => l.lambda === 1);
  if (one && one !== base) {
    out.push(greater(
      "fig6-half-beats-jigsaw-term-alone",
      `λ = ${baseLambda} beats λ = 1 (the jigsaw term alone, no image term)`,
      "λ ablation figure: λ = 1 is several points below λ = 0.5",
      pairedDiff(base.result.runs, one.result.runs, bestStage),
      { a: `λ=${baseLambda} (pp)`, b: "λ=1" },
      { kind: "headline", arms: [lambdaArm(baseLambda), lambdaArm(1)], records },
    ));
  }
  const inner = study.lambdas.filter((l) => l !== base && l.lambda > 0 && l.lambda < 1);
  if (inner.length > 0) {
    const others = study.lambdas.filter((l) => l !== base);
    const rival = others.reduce((a, b) => (b.result.best.mean > a.result.best.mean ? b : a));
    out.push(makeClaim(
      {
        id: "fig6-half-best-or-near",
        claim:
          `λ = ${baseLambda} is the best weight of the jigsaw term, or within ${nearPp} pp of the best ` +
          `other λ (${rival.lambda})`,
        paper: "λ ablation figure: λ = 0.5 best",
        ours: pairedDiff(base.result.runs, rival.result.runs, bestStage),
        kind: "headline",
        arms: [lambdaArm(baseLambda), lambdaArm(rival.lambda)],
      },
      verdictGreater(pairedDiff(base.result.runs, rival.result.runs, bestStage), -nearPp, {
        a: `λ=${baseLambda} − λ=${rival.lambda} (pp)`,
        b: `−${nearPp} pp`,
      }),
      records,
    ));
  }
  return out;
}

/** Arm name of a negatives-ablation configuration. */
export const negativesArm = (n: number): string => `PIRL ${n} negatives`;

/** Arm names of a |T|-ablation configuration. */
export const permutationArms = (t: number): { pirl: string; jigsaw: string } => ({
  pirl: `PIRL |T|=${t}`,
  jigsaw: `Jigsaw |T|=${t}`,
});

/** The gate records of the negatives and |T| ablations' arms (empty without those ablations). */
export function ablationArms(study: PirlStudy): ArmRecords {
  const record = gateRecorder(study);
  const out: ArmRecords = {};
  for (const n of study.negatives) out[negativesArm(n.negatives)] = record(n.result.runs);
  for (const t of study.permutations) {
    out[permutationArms(t.permutations).pirl] = record(t.pirl.runs);
    out[permutationArms(t.permutations).jigsaw] = record(t.jigsaw.runs);
  }
  return out;
}

/** Figure 8: PIRL with the most negatives beats PIRL with the fewest (empty without the ablation). */
export function negativesClaims(study: PirlStudy): Claim[] {
  if (study.negatives.length < 2) return [];
  const lo = study.negatives[0], hi = study.negatives.at(-1)!;
  const records = pirlArms(study);
  return [greater(
    "fig8-more-negatives-help",
    `PIRL with more negatives from the memory bank is better: ${hi.negatives} beat ${lo.negatives}`,
    "Figure 8: accuracy rises with the number of negatives (up to 32,000)",
    pairedDiff(hi.result.runs, lo.result.runs, bestStage),
    { a: `${hi.negatives} negatives (pp)`, b: `${lo.negatives}` },
    { kind: "headline", arms: [negativesArm(hi.negatives), negativesArm(lo.negatives)], records },
  )];
}

/**
 * Figure 7: PIRL beats Jigsaw at every |T| (one claim per |T|), and is less sensitive to |T| (the spread of its
 * best-stage accuracy over |T|, max − min per seed, is smaller than Jigsaw's). Empty without the ablation.
 */
export function permutationClaims(study: PirlStudy): Claim[] {
  if (study.permutations.length < 2) return [];
  const records = pirlArms(study);
  const out = study.permutations.map((t) => {
    const arms = permutationArms(t.permutations);
    return greater(
      `fig7-pirl-beats-jigsaw-T${t.permutations}`,
      `PIRL beats Jigsaw with |T| = ${t.permutations} permutations`,
      "Figure 7: PIRL is above Jigsaw at every |T|",
      pairedDiff(t.pirl.runs, t.jigsaw.runs, bestStage),
      { a: `PIRL (pp)`, b: "Jigsaw" },
      { kind: "headline", arms: [arms.pirl, arms.jigsaw], records },
    );
  });
  const spread = (pick: "pirl" | "jigsaw") => (seed: number) => {
    const v = study.permutations.map((t) => bestStage(t[pick].runs.find((r) => r.run.seed === seed)!));
    return Math.max(...v) - Math.min(...v);
  };
  const seeds = study.permutations[0].pirl.runs.map((r) => r.run.seed);
  out.push(makeClaim(
    {
      id: "fig7-pirl-less-sensitive-to-T",
      claim:
        "PIRL is less sensitive to the number of permutations |T| than Jigsaw: the spread (max − min) of its " +
        "best-stage accuracy over |T| is smaller",
      paper: "Figure 7: Jigsaw's accuracy changes with |T| much more than PIRL's",
      ours: meanCI(seeds.map((s) => 100 * (spread("jigsaw")(s) - spread("pirl")(s)))),
      kind: "headline",
      arms: study.permutations.flatMap((t) => Object.values(permutationArms(t.permutations))),
    },
    verdictGreater(meanCI(seeds.map((s) => 100 * (spread("jigsaw")(s) - spread("pirl")(s)))), 0, {
      a: "Jigsaw spread − PIRL spread (pp)",
      b: "zero",
    }),
    records,
  ));
  return out;
}

/** Every claim of the study: the sanity checks, then the headline claims. */
export function pirlClaims(study: PirlStudy, papers: PirlPapers, baseLambda: number): Claim[] {
  return [
    ...sanityClaims(study),
    ...methodClaims(study, papers),
    ...lambdaClaims(study, baseLambda),
    ...negativesClaims(study),
    ...permutationClaims(study),
  ];
}
