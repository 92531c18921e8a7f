/**
 * The SimCLR claims as results-file entries: each compares configurations measured by the ablation drivers,
 * states the paper's value (from `data/papers/simclr2020/` where the paper tabulates it, else the shape of the
 * published figure in words) and gets its verdict from a rule of `lib/report/verdict.ts`.
 *
 * Units: accuracies in %, differences in percentage points. Comparisons "A beats B" are made on the paired
 * per-seed difference A − B (same seed = same initialisation and batches), whose Student-t 95% CI must lie
 * above 0 for "reproduced" (below 0: "not-reproduced"; otherwise "inconclusive").
 *
 * Every claim is a headline claim gated on the trained configurations it compares ({@link SimclrArms}): an arm
 * has learned iff its linear accuracy beats the random-init encoder of the same seed (paired 95% CI above 0);
 * a claim with an arm that has not learned is inconclusive whatever its comparison says.
 *
 * @module
 */
import { loadPaperTable, type PaperTable, paperValue } from "../../papers.ts";
import { type Claim, makeClaim } from "../../report/results.ts";
import { armRecord, type ArmRecords } from "../../report/gate.ts";
import { unlessAtCeiling, verdictGreater, verdictRankAgreement } from "../../report/verdict.ts";
import { type Estimate, meanCI } from "../../stats/confidence.ts";
import type {
  BatchEpochResult,
  ConfigResult,
  GridResult,
  HeadResult,
  LossStudy,
  StrengthResult,
  TemperatureResult,
  TransformInfoResult,
} from "./ablations.ts";
import type { RunResult } from "./run.ts";

/** An estimate scaled (e.g. fraction → %). */
export function scaled(e: Estimate, k = 100): Estimate {
  return { mean: e.mean * k, ci95: [e.ci95[0] * k, e.ci95[1] * k], n: e.n };
}

/** Per-seed metric of a configuration's runs, keyed by seed. */
function bySeed(runs: RunResult[], metric: (r: RunResult) => number): Map<number, number> {
  return new Map(runs.map((r) => [r.run.seed, metric(r)]));
}

/** Paired difference A − B (in the metric's units × k) over the seeds both have. */
export function pairedDiff(
  a: RunResult[],
  b: RunResult[],
  metric: (r: RunResult) => number = (r) => r.eval.linear.accuracy.mean,
  k = 100,
): Estimate {
  const ma = bySeed(a, metric), mb = bySeed(b, metric);
  const d = [...ma.keys()].filter((s) => mb.has(s)).map((s) => k * (ma.get(s)! - mb.get(s)!));
  if (d.length === 0) throw new Error("pairedDiff: no common seeds");
  return meanCI(d);
}

const linear = (r: RunResult) => r.eval.linear.accuracy.mean;

/**
 * The training-gate records of the configurations the claims compare: each arm's per-seed linear accuracy (%)
 * against the random-init encoder of the same seed. Claims register their arms with {@link SimclrArms.arm};
 * `records` then goes to `results.json` beside the claims.
 */
export class SimclrArms {
  /** The records by arm name. */
  readonly records: ArmRecords = {};
  readonly #random: Map<number, number>;

  /**
   * Index the random-init baseline's linear accuracy by seed.
   * @param randomInit the random-init baseline's runs (one per seed).
   */
  constructor(randomInit: ConfigResult) {
    this.#random = bySeed(randomInit.runs, linear);
  }

  /** Record `runs` as the arm `name` (linear probe vs random init, paired by seed) and return the name. */
  arm(name: string, runs: RunResult[]): string {
    const paired = runs.filter((r) => this.#random.has(r.run.seed));
    if (paired.length === 0) throw new Error(`SimclrArms: arm "${name}" shares no seed with random init`);
    this.records[name] = armRecord(
      paired.map((r) => 100 * linear(r)),
      paired.map((r) => 100 * this.#random.get(r.run.seed)!),
    );
    return name;
  }
}

function greaterClaim(
  id: string,
  claim: string,
  paper: number | string | null,
  diff: Estimate,
  names: { a: string; b: string },
  gate: { arms: string[]; book: SimclrArms },
): Claim {
  return makeClaim(
    { id, claim, paper, ours: diff, kind: "headline", arms: gate.arms },
    verdictGreater(diff, 0, { a: `${names.a} − ${names.b} (pp)`, b: "zero" }),
    gate.book.records,
  );
}

/** The sanity check that the base SimCLR configuration learned at all (the gate itself, shown, never counted). */
export function learnedClaims(
  base: ConfigResult,
  baselines: { randomInit: ConfigResult; pixels: ConfigResult },
): Claim[] {
  const vsRandom = pairedDiff(base.runs, baselines.randomInit.runs);
  const vsPixels = pairedDiff(base.runs, baselines.pixels.runs);
  return [
    makeClaim(
      {
        id: "simclr-beats-random-init",
        claim:
          "Sanity: the base SimCLR configuration's representation beats the untrained encoder (linear probe)",
        paper: "linear evaluation of SimCLR far above a random-init network",
        ours: vsRandom,
        kind: "sanity",
      },
      verdictGreater(vsRandom, 0, { a: "SimCLR − random init (pp)", b: "zero" }),
    ),
    makeClaim(
      {
        id: "simclr-beats-pixels",
        claim:
          "Sanity: the base SimCLR configuration's representation beats a linear probe on the raw pixels",
        paper: null,
        ours: vsPixels,
        kind: "sanity",
      },
      verdictGreater(vsPixels, 0, { a: "SimCLR − raw pixels (pp)", b: "zero" }),
    ),
  ];
}

/**
 * How far (pp) crop + colour may fall below the best other composition and still count as "the best or within
 * noise of it" (Figure 5's claim at our scale, stated before the run).
 */
export const CROP_COLOUR_NEAR_PP = 2;

/**
 * Claim 1: no single transformation suffices (the better of crop + colour and the best other composition, as
 * ranked by the heatmap's validation accuracy, beats the best single transformation); crop + colour is the
 * best composition, or within {@link CROP_COLOUR_NEAR_PP} pp of the best other one. Judged on the compared
 * cells' runs at the base budget (the study's seeds), never on the heatmap run that picked them.
 */
export function gridClaims(grid: GridResult, book: SimclrArms): Claim[] {
  const { cropColour: cc, bestOtherComposition: rival, bestSingle: single } = grid.compared;
  const comp = rival.cell.validation > cc.cell.validation ? rival : cc;
  const cellArm = (c: typeof cc) => book.arm(c.cell.tested.join("+"), c.result.runs);
  const ccDiff = pairedDiff(cc.result.runs, rival.result.runs);
  const near = CROP_COLOUR_NEAR_PP;
  return [
    greaterClaim(
      "fig5-composition-beats-single",
      `No single transformation suffices: the best composition (${comp.cell.tested.join(" + ")}) beats the ` +
        `best single transformation (${single.cell.tested[0]}) in linear accuracy`,
      "Figure 5: every single transformation is well below the best compositions",
      pairedDiff(comp.result.runs, single.result.runs),
      { a: "best composition", b: "best single" },
      { arms: [cellArm(comp), cellArm(single)], book },
    ),
    makeClaim(
      {
        id: "fig5-crop-colour-best",
        claim: `Crop + colour is the best composition, or within ${near} pp of the best other composition (${
          rival.cell.tested.join(" + ")
        })`,
        paper: "Figure 5: crop + colour is the best pair",
        ours: ccDiff,
        kind: "headline",
        arms: [cellArm(cc), cellArm(rival)],
      },
      verdictGreater(ccDiff, -near, { a: "crop+colour − best other composition (pp)", b: `−${near} pp` }),
      book.records,
    ),
  ];
}

/** Claim 2: SimCLR gains from stronger colour distortion; the supervised model does not. */
export function strengthClaims(rows: StrengthResult[], table: PaperTable, book: SimclrArms): Claim[] {
  const paperSim = rows.map((r) => paperValue(table, "SimCLR", r.column));
  const seeds = rows[0].simclr.runs.map((r) => r.run.seed);
  const perSeed = seeds.map((s) => rows.map((r) => linear(r.simclr.runs.find((x) => x.run.seed === s)!)));
  const rank = verdictRankAgreement(perSeed, paperSim);
  const weakest = rows[0], strongest = rows.filter((r) => !r.blur).at(-1)!;
  const sup = (r: RunResult) => r.eval.classifier?.mean ?? NaN;
  const simGain = pairedDiff(strongest.simclr.runs, weakest.simclr.runs);
  const supGain = pairedDiff(strongest.supervised.runs, weakest.supervised.runs, sup);
  const gainGap = meanCI(seeds.map((s) => {
    const sg = linear(strongest.simclr.runs.find((x) => x.run.seed === s)!) -
      linear(weakest.simclr.runs.find((x) => x.run.seed === s)!);
    const pg = sup(strongest.supervised.runs.find((x) => x.run.seed === s)!) -
      sup(weakest.supervised.runs.find((x) => x.run.seed === s)!);
    return 100 * (sg - pg);
  }));
  const paperGap =
    (paperValue(table, "SimCLR", strongest.column) - paperValue(table, "SimCLR", weakest.column)) -
    (paperValue(table, "Supervised", strongest.column) - paperValue(table, "Supervised", weakest.column));
  const simArms = rows.map((r) => book.arm(`SimCLR colour ${r.column}`, r.simclr.runs));
  const supArms = [weakest, strongest].map((r) =>
    book.arm(`supervised colour ${r.column}`, r.supervised.runs)
  );
  return [
    makeClaim(
      {
        id: "t1-colour-strength-rank",
        claim: `SimCLR's linear accuracy ranks the colour strengths ${
          rows.map((r) => r.column).join(", ")
        } as Table 1 does (rising with strength)`,
        paper: `SimCLR row ${paperSim.join(", ")}`,
        ours: rank.rho,
        kind: "headline",
        arms: simArms,
      },
      rank,
      book.records,
    ),
    greaterClaim(
      "t1-simclr-gains-more-than-supervised",
      `Going from colour strength ${weakest.column} to ${strongest.column} helps SimCLR more than the supervised model ` +
        `(SimCLR gain ${simGain.mean.toFixed(1)} pp, supervised gain ${supGain.mean.toFixed(1)} pp)`,
      Math.round(paperGap * 10) / 10,
      gainGap,
      { a: "SimCLR gain", b: "supervised gain" },
      { arms: [simArms[0], simArms[rows.indexOf(strongest)], ...supArms], book },
    ),
  ];
}

/** Mean over seeds of the linear probe's validation accuracy: what picks a row, never the test score. */
const validation = (r: ConfigResult) => meanCI(r.runs.map((x) => x.eval.linear.valAccuracy)).mean;

/**
 * Claim 3: with ℓ2 an intermediate τ is best; without ℓ2, contrastive accuracy is higher but linear lower. The
 * rows compared (the best interior and the better extreme τ, the best row with and without ℓ2) are picked on
 * validation accuracy; the paper's value is its own difference between the same τ rows.
 */
export function temperatureClaims(rows: TemperatureResult[], table: PaperTable, book: SimclrArms): Claim[] {
  const l2 = rows.filter((r) => r.l2), no = rows.filter((r) => !r.l2);
  const best = (rs: TemperatureResult[]) =>
    rs.reduce((a, b) => (validation(b.result) > validation(a.result) ? b : a));
  const taus = l2.map((r) => r.tau);
  const interior = l2.filter((r) => r.tau !== Math.min(...taus) && r.tau !== Math.max(...taus));
  const ends = l2.filter((r) => !interior.includes(r));
  const out: Claim[] = [];
  const arm = (r: TemperatureResult) => book.arm(`τ=${r.tau}${r.l2 ? "" : " no ℓ2"}`, r.result.runs);
  const paperRow = (r: TemperatureResult, col: string) =>
    table.rows.find((x) => x.l2_norm === (r.l2 ? "yes" : "no") && x.tau === r.tau)?.[col] as
      | number
      | undefined;
  const paperDiff = (a: TemperatureResult, b: TemperatureResult, col: string) => {
    const pa = paperRow(a, col), pb = paperRow(b, col);
    return pa === undefined || pb === undefined ? null : Math.round((pa - pb) * 10) / 10;
  };
  if (interior.length > 0) {
    const bi = best(interior), be = best(ends);
    out.push(greaterClaim(
      "t5-intermediate-temperature",
      `With ℓ2 normalisation an intermediate temperature is best: τ = ${bi.tau} beats the better extreme (τ = ${be.tau})`,
      paperDiff(bi, be, "top1"),
      pairedDiff(bi.result.runs, be.result.runs),
      { a: `τ=${bi.tau}`, b: `τ=${be.tau}` },
      { arms: [arm(bi), arm(be)], book },
    ));
  }
  if (no.length > 0) {
    const bl = best(l2), bn = best(no);
    const cacc = (r: RunResult) => r.eval.contrastive?.accuracy ?? NaN;
    out.push(greaterClaim(
      "t5-no-l2-higher-contrastive-accuracy",
      `Without ℓ2 normalisation (τ = ${bn.tau}) the contrastive accuracy is higher than with it (τ = ${bl.tau})`,
      paperDiff(bn, bl, "contrastive_acc"),
      pairedDiff(bn.result.runs, bl.result.runs, cacc),
      { a: "contrastive acc. without ℓ2", b: "with ℓ2" },
      { arms: [arm(bn), arm(bl)], book },
    ));
    out.push(greaterClaim(
      "t5-l2-higher-linear-accuracy",
      `…but the linear accuracy is lower: with ℓ2 (τ = ${bl.tau}) beats without (τ = ${bn.tau})`,
      paperDiff(bl, bn, "top1"),
      pairedDiff(bl.result.runs, bn.result.runs),
      { a: "linear acc. with ℓ2", b: "without ℓ2" },
      { arms: [arm(bl), arm(bn)], book },
    ));
  }
  return out;
}

/** Claim 4: non-linear > linear > no projection (for h), and h beats z = g(h). */
export function headClaims(rows: HeadResult[], book: SimclrArms): Claim[] {
  const get = (h: HeadResult["head"]) => rows.find((r) => r.head === h)!;
  const mlp = get("mlp"), lin = get("linear"), none = get("none");
  const arm = (r: HeadResult) => book.arm(`head ${r.head}`, r.result.runs);
  const zAcc = (r: RunResult) => r.eval.linearZ?.accuracy.mean ?? NaN;
  return [
    greaterClaim(
      "fig8-nonlinear-beats-linear",
      "A non-linear projection head gives a better representation h than a linear one",
      "Figure 8: non-linear about 3 points above linear",
      pairedDiff(mlp.result.runs, lin.result.runs),
      { a: "non-linear", b: "linear" },
      { arms: [arm(mlp), arm(lin)], book },
    ),
    greaterClaim(
      "fig8-linear-beats-none",
      "A linear projection head gives a better h than no projection",
      "Figure 8: no projection more than 10 points below non-linear",
      pairedDiff(lin.result.runs, none.result.runs),
      { a: "linear", b: "none" },
      { arms: [arm(lin), arm(none)], book },
    ),
    greaterClaim(
      "fig8-h-beats-z",
      "The representation before the (non-linear) projection, h, is better than its output z = g(h)",
      "Figure 8: h above g(h) by more than 10 points",
      meanCI(mlp.result.runs.map((r) => 100 * (linear(r) - zAcc(r)))),
      { a: "h", b: "g(h)" },
      { arms: [arm(mlp)], book },
    ),
  ];
}

/**
 * A transformation-prediction accuracy (fraction) at or above which a probe counts as at its ceiling: a Table 3
 * task where h and g(h) both reach it cannot show that g(h) discards information (stated before any run).
 */
export const TRANSFORM_CEILING = 0.98;

/**
 * Claim 5: the transformation is predicted from h much better than from g(h), per task; inconclusive when both
 * probes are at the task's ceiling ({@link TRANSFORM_CEILING}).
 * @param base the base configuration's runs the tasks were measured on (the claims' arm).
 */
export function transformClaims(
  rows: TransformInfoResult[],
  table: PaperTable,
  book: SimclrArms,
  base: ConfigResult,
): Claim[] {
  const arms = [book.arm("SimCLR base", base.runs)];
  const pct = (x: number) => (100 * x).toFixed(1);
  return rows.map((r) => {
    const diff = scaled(r.gap);
    const strength = r.strength < 1 ? ` at strength ${r.strength}` : "";
    return makeClaim(
      {
        id: `t3-${r.task.replace(/[^a-z]+/g, "-")}`,
        claim:
          `The applied transformation (${r.task}${strength}) is predicted better from h than from g(h) ` +
          `(h ${pct(r.h.mean)}%, g(h) ${pct(r.z.mean)}%, chance ${(100 * r.chance).toFixed(0)}%)`,
        paper: Math.round((paperValue(table, r.task, "h") - paperValue(table, r.task, "g_h")) * 10) / 10,
        ours: diff,
        kind: "headline",
        arms,
      },
      unlessAtCeiling(
        verdictGreater(diff, 0, { a: "h − g(h) (pp)", b: "zero" }),
        [r.h.mean, r.z.mean],
        TRANSFORM_CEILING,
        "probe accuracy (h and g(h))",
      ),
      book.records,
    );
  });
}

/**
 * Claim 6: NT-Xent beats every other loss of Table 4 (each at its own tuned hyper-parameter), and the ranking
 * agrees with the table.
 */
export function lossClaims(study: LossStudy, table: PaperTable, book: SimclrArms): Claim[] {
  const rows = study.rows;
  const nt = rows.find((r) => r.name === "NT-Xent")!;
  const arm = (r: ConfigResult) => book.arm(`loss ${r.name}`, r.runs);
  const claims = rows.filter((r) => r !== nt).map((r) =>
    greaterClaim(
      `t4-ntxent-beats-${r.name.toLowerCase().replace(/[^a-z]+/g, "-").replace(/-$/, "")}`,
      `NT-Xent beats ${r.name} in linear accuracy`,
      Math.round((paperValue(table, "NT-Xent", "top1") - paperValue(table, r.name, "top1")) * 10) / 10,
      pairedDiff(nt.runs, r.runs),
      { a: "NT-Xent", b: r.name },
      { arms: [arm(nt), arm(r)], book },
    )
  );
  const seeds = nt.runs.map((r) => r.run.seed);
  const rank = verdictRankAgreement(
    seeds.map((s) => rows.map((r) => linear(r.runs.find((x) => x.run.seed === s)!))),
    rows.map((r) => paperValue(table, r.name, "top1")),
  );
  claims.push(makeClaim(
    {
      id: "t4-loss-rank",
      claim: "Our ranking of the five losses agrees with Table 4",
      paper: rows.map((r) => `${r.name} ${paperValue(table, r.name, "top1")}`).join(", "),
      ours: rank.rho,
      kind: "headline",
      arms: rows.map(arm),
    },
    rank,
    book.records,
  ));
  return claims;
}

/** Claim 7: larger batches help more when training is short. */
export function batchClaims(rows: BatchEpochResult[], table: PaperTable, book: SimclrArms): Claim[] {
  const bs = [...new Set(rows.map((r) => r.batchSize))].sort((a, b) => a - b);
  const eps = [...new Set(rows.map((r) => r.epochs))].sort((a, b) => a - b);
  const cell = (b: number, e: number) => rows.find((r) => r.batchSize === b && r.epochs === e)!.result.runs;
  const [bMin, bMax] = [bs[0], bs.at(-1)!], [eShort, eLong] = [eps[0], eps.at(-1)!];
  const seeds = cell(bMin, eShort).map((r) => r.run.seed);
  const at = (runs: RunResult[], s: number) => linear(runs.find((r) => r.run.seed === s)!);
  const gap = meanCI(
    seeds.map((s) =>
      100 *
      ((at(cell(bMax, eShort), s) - at(cell(bMin, eShort), s)) -
        (at(cell(bMax, eLong), s) - at(cell(bMin, eLong), s)))
    ),
  );
  const col = "top1_linear_lr_scaling";
  const p = (b: number, e: number) =>
    table.rows.find((r) => Number(r.batch_size) === b && r.epochs === e)![col] as number;
  const paperGap = (p(8192, 100) - p(256, 100)) - (p(8192, 800) - p(256, 800));
  const arm = (b: number, e: number) => book.arm(`batch ${b} · ${e} ep`, cell(b, e));
  const short = [arm(bMax, eShort), arm(bMin, eShort)];
  return [
    greaterClaim(
      "fig9-batch-helps-more-when-short",
      `Going from batch ${bMin} to ${bMax} gains more after ${eShort} epoch(s) than after ${eLong}`,
      Math.round(paperGap * 10) / 10,
      gap,
      { a: `gain at ${eShort} ep`, b: `gain at ${eLong} ep` },
      { arms: [...short, arm(bMax, eLong), arm(bMin, eLong)], book },
    ),
    greaterClaim(
      "fig9-larger-batch-helps-short",
      `With short training (${eShort} epoch(s)) batch ${bMax} beats batch ${bMin}`,
      Math.round((p(8192, 100) - p(256, 100)) * 10) / 10,
      pairedDiff(cell(bMax, eShort), cell(bMin, eShort)),
      { a: `B=${bMax}`, b: `B=${bMin}` },
      { arms: short, book },
    ),
  ];
}

/** The published SimCLR tables used by the claims, by file stem. */
export interface SimclrPapers {
  /** Table 1: linear top-1 (%) of SimCLR and supervised per colour-distortion strength. */
  color_distortion_strength: PaperTable;
  /** Table 5: entropy, contrastive accuracy and top-1 (%) per temperature, with and without ℓ2 norm. */
  temperature_l2norm: PaperTable;
  /** Table 3: accuracy (%) of predicting the transformation from h and from g(h), with chance. */
  transform_prediction_h_vs_gh: PaperTable;
  /** Table 4: linear top-1 (%) per loss function. */
  loss_functions: PaperTable;
  /** Figure 9: linear top-1 (%) per batch size and epochs (linear and square-root lr scaling). */
  batch_size_epochs: PaperTable;
}

/** Load every published SimCLR table the claims compare against (`data/papers/simclr2020/`). */
export async function loadSimclrPapers(): Promise<SimclrPapers> {
  const stems = [
    "color_distortion_strength",
    "temperature_l2norm",
    "transform_prediction_h_vs_gh",
    "loss_functions",
    "batch_size_epochs",
  ] as const;
  const tables = await Promise.all(stems.map((s) => loadPaperTable("simclr2020", `${s}.csv`)));
  return Object.fromEntries(stems.map((s, i) => [s, tables[i]])) as unknown as SimclrPapers;
}
