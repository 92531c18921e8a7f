import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { meanCI } from "../../../lib/stats/confidence.ts";
import { validateResults } from "../../../lib/report/results.ts";
import { baseRun, simclrConfig } from "../../../lib/experiments/simclr/config.ts";
import type { RunResult } from "../../../lib/experiments/simclr/run.ts";
import type {
  ConfigResult,
  GridCell,
  GridResult,
  HeadResult,
  TemperatureResult,
} from "../../../lib/experiments/simclr/ablations.ts";
import {
  bestByValidation,
  bootstrapAccuracy,
  cellTransforms,
  pickByValidation,
} from "../../../lib/experiments/simclr/ablations.ts";
import {
  batchClaims,
  gridClaims,
  headClaims,
  learnedClaims,
  loadSimclrPapers,
  lossClaims,
  pairedDiff,
  SimclrArms,
  strengthClaims,
  temperatureClaims,
  TRANSFORM_CEILING,
  transformClaims,
} from "../../../lib/experiments/simclr/claims.ts";
import { gridSpec } from "../../../lib/experiments/simclr/figures.ts";
import { renderSvg } from "../../../lib/report/figure.ts";

const cfg = simclrConfig("cpu");
const est = (m: number) => ({ mean: m, ci95: [m, m] as [number, number], n: 100 });

/** A fake evaluated run with the given linear accuracy (and z / classifier accuracies). */
function fake(seed: number, acc: number, extra: { z?: number; cls?: number; val?: number } = {}): RunResult {
  return {
    run: baseRun(cfg, seed),
    label: "fake",
    steps: 1,
    status: "done",
    trainSeconds: 0,
    firstLoss: 1,
    finalLoss: 1,
    lossCurve: [],
    eval: {
      linear: { accuracy: est(acc), bestL2: 1, predictions: [], valAccuracy: extra.val ?? acc },
      linearZ: extra.z === undefined ? null : { accuracy: est(extra.z), bestL2: 1 },
      knn: est(acc),
      contrastive: null,
      classifier: extra.cls === undefined ? null : est(extra.cls),
    },
  };
}
const config = (
  name: string,
  accs: number[],
  extra: (i: number) => { z?: number; cls?: number; val?: number } = () => ({}),
) => {
  const runs = accs.map((a, i) => fake(i, a, extra(i)));
  return { name, runs, linear: meanCI(accs), knn: meanCI(accs) } as ConfigResult;
};

/** A gate book whose random-init arm every fake configuration above 0.2 beats. */
const book = () => new SimclrArms(config("random init", [0.1, 0.12, 0.11]));

Deno.test("pairedDiff: per-seed differences in percentage points", () => {
  const d = pairedDiff(config("a", [0.5, 0.6, 0.7]).runs, config("b", [0.4, 0.5, 0.6]).runs);
  assertAlmostEquals(d.mean, 10, 1e-9);
  assertAlmostEquals(d.ci95[0], 10, 1e-6);
});

/** A grid cell whose heatmap run has test accuracy `acc` and validation accuracy `val`. */
function gridCell(row: GridCell["row"], col: GridCell["col"], acc: number, val = acc): GridCell {
  return {
    row,
    col,
    tested: cellTransforms(row, col),
    single: est(acc),
    validation: val,
    run: fake(100, acc, { val }),
  };
}

Deno.test("bestByValidation and pickByValidation choose on validation, never on the test score", () => {
  const a = gridCell("crop", "blur", 0.9, 0.4), b = gridCell("crop", "noise", 0.5, 0.6);
  assertEquals(bestByValidation([a, b]), b);
  assertEquals(pickByValidation([{ value: 0.1, validation: 0.5 }, { value: 0.5, validation: 0.7 }]), 0.5);
  // ties keep the first
  assertEquals(pickByValidation([{ value: 1, validation: 0.7 }, { value: 2, validation: 0.7 }]), 1);
});

Deno.test("gridClaims: judged on the compared cells' seeds; crop + colour may trail by less than 2 pp", () => {
  const cc = gridCell("crop", "color", 0.6, 0.8), rival = gridCell("crop", "noise", 0.7, 0.7);
  const single = gridCell("color", "color", 0.3);
  const grid = (ccAccs: number[]): GridResult => ({
    transforms: ["crop", "color", "noise"],
    cells: [cc, rival, single],
    compared: {
      cropColour: { cell: cc, result: config("crop+color", ccAccs) },
      bestOtherComposition: { cell: rival, result: config("crop+noise", [0.7, 0.72, 0.71]) },
      bestSingle: { cell: single, result: config("color", [0.3, 0.31, 0.32]) },
    },
  });
  // crop + colour 1 pp below the rival on every seed: within 2 pp, reproduced
  const near = gridClaims(grid([0.69, 0.71, 0.70]), book());
  assertEquals(near.map((c) => c.verdict), ["reproduced", "reproduced"]);
  // the best composition is the one ranked first by the heatmap's validation (crop + colour here)
  assert(near[0].claim.includes("crop + color"), near[0].claim);
  assertAlmostEquals((near[1].ours as { mean: number }).mean, -1, 1e-9);
  // 10 pp below: not reproduced
  assertEquals(gridClaims(grid([0.6, 0.62, 0.61]), book())[1].verdict, "not-reproduced");
});

Deno.test("temperatureClaims: rows picked on validation; the paper's value comes from the same τ rows", async () => {
  const papers = await loadSimclrPapers();
  const row = (l2: boolean, tau: number, accs: number[], val: number, cacc: number): TemperatureResult => {
    const result = config(`τ=${tau}`, accs, () => ({ val }));
    for (const r of result.runs) {
      r.eval.contrastive = { loss: 1, accuracy: cacc, entropy: 1, temperature: tau };
    }
    return { l2, tau, result, entropy: est(1), contrastiveAccuracy: est(cacc) };
  };
  const rows = [
    row(true, 0.1, [0.7, 0.71, 0.72], 0.6, 0.5), // best interior by validation
    row(true, 0.5, [0.8, 0.81, 0.82], 0.5, 0.4), // better on test, worse on validation: not picked
    row(true, 0.05, [0.5, 0.51, 0.52], 0.4, 0.6),
    row(true, 1, [0.6, 0.61, 0.62], 0.45, 0.3),
    row(false, 10, [0.4, 0.41, 0.42], 0.3, 0.9),
  ];
  const claims = temperatureClaims(rows, papers.temperature_l2norm, book());
  assert(claims[0].claim.includes("τ = 0.1 beats the better extreme (τ = 1)"), claims[0].claim);
  assertEquals(claims[0].paper, Math.round((64.4 - 58.0) * 10) / 10);
  assertEquals(claims.map((c) => c.verdict), ["reproduced", "reproduced", "reproduced"]);
  assertEquals(claims[1].paper, Math.round((91.7 - 87.8) * 10) / 10);
});

Deno.test("strength, head, loss and batch claims: verdicts follow the numbers; results validate", async () => {
  const papers = await loadSimclrPapers();
  const cols = ["1/8", "1/4", "1/2", "1", "1(+Blur)"];
  const strength = cols.map((column, k) => ({
    column,
    strength: 1,
    blur: k === 4,
    simclr: config(column, [0.4 + 0.05 * k, 0.41 + 0.05 * k, 0.39 + 0.05 * k]),
    supervised: { ...config(column, [0.9, 0.9, 0.9], () => ({ cls: 0.9 })), classifier: est(0.9) },
  }));
  const arms = book();
  const c2 = strengthClaims(strength, papers.color_distortion_strength, arms);
  assertEquals(c2.map((c) => c.verdict), ["reproduced", "reproduced"]);
  const heads: HeadResult[] = [
    { head: "mlp", result: config("mlp", [0.6, 0.62, 0.61], () => ({ z: 0.4 })), linearZ: est(0.4) },
    { head: "linear", result: config("linear", [0.5, 0.52, 0.51], () => ({ z: 0.45 })), linearZ: est(0.45) },
    { head: "none", result: config("none", [0.55, 0.57, 0.56]), linearZ: est(0.56) },
  ];
  assertEquals(headClaims(heads, arms).map((c) => c.verdict), ["reproduced", "not-reproduced", "reproduced"]);
  const names = ["Margin", "NT-Logi.", "Margin (sh)", "NT-Logi. (sh)", "NT-Xent"];
  const losses = names.map((n, k) => config(n, [0.3 + 0.1 * k, 0.31 + 0.1 * k, 0.29 + 0.1 * k]));
  const c6 = lossClaims({ rows: losses, tuning: [] }, papers.loss_functions, arms);
  assertEquals(c6.map((c) => c.verdict), [
    "reproduced",
    "reproduced",
    "reproduced",
    "reproduced",
    "reproduced",
  ]);
  const batch = [16, 256].flatMap((b) =>
    [1, 3].map((e) => ({
      batchSize: b,
      epochs: e,
      result: config("", b === 256 && e === 1 ? [0.6, 0.61, 0.62] : [0.5, 0.51, 0.52]),
    }))
  );
  assertEquals(batchClaims(batch, papers.batch_size_epochs, arms).map((c) => c.verdict), [
    "reproduced",
    "reproduced",
  ]);
  const all = [...c2, ...headClaims(heads, arms), ...c6];
  assert(all.every((c) => c.kind === "headline" && (c.arms ?? []).length > 0));
  const results = {
    paper: "simclr",
    profile: "cpu",
    backend: "wasm",
    device: "x",
    versions: {},
    seeds: [0, 1, 2],
    commit: "x",
    dirty: false,
    startedAt: "x",
    wallSeconds: 1,
    claims: all,
    metrics: {},
    arms: arms.records,
  };
  assertEquals(validateResults(results), []);
});

Deno.test("transformClaims: h vs g(h) judged by the paired gap, inconclusive when both sit at the ceiling", async () => {
  const papers = await loadSimclrPapers();
  const row = (task: "rotation" | "orig vs sobel", h: number[], z: number[]) => ({
    task,
    chance: task === "rotation" ? 0.25 : 0.5,
    strength: task === "rotation" ? 1 : 0.25,
    h: meanCI(h),
    z: meanCI(z),
    gap: meanCI(h.map((x, i) => x - z[i])),
  });
  const base = config("base", [0.6, 0.62, 0.61]);
  const high = TRANSFORM_CEILING + 0.01;
  const claims = transformClaims(
    [
      row("rotation", [0.5, 0.52, 0.51], [0.4, 0.41, 0.43]),
      row("orig vs sobel", [0.8, 0.82, 0.81], [0.7, 0.7, 0.69]),
      row("orig vs sobel", [high + 0.005, high + 0.006, high + 0.007], [high, high, high]),
    ],
    papers.transform_prediction_h_vs_gh,
    book(),
    base,
  );
  assertEquals(claims.map((c) => c.verdict), ["reproduced", "reproduced", "inconclusive"]);
  assert(claims[1].claim.includes("at strength 0.25") && !claims[0].claim.includes("strength"));
  assert(claims[2].reason!.includes("ceiling"), claims[2].reason!);
});

Deno.test("bootstrapAccuracy: CI brackets the accuracy over test images", () => {
  const e = bootstrapAccuracy([0, 1, 1, 0, 1, 1, 1, 0], [0, 1, 0, 0, 1, 1, 0, 0]);
  assertAlmostEquals(e.mean, 0.75, 1e-12);
  assert(e.ci95[0] <= 0.75 && e.ci95[1] >= 0.75 && e.ci95[1] <= 1);
});

Deno.test("the Figure 5 heatmap spec renders to SVG", async () => {
  const cells = [
    gridCell("crop", "crop", 0.5),
    gridCell("crop", "color", 0.5),
    gridCell("color", "crop", 0.5),
  ];
  const c = { cell: cells[0], result: config("x", [0.5]) };
  const svg = await renderSvg(
    gridSpec({
      transforms: ["crop", "color"],
      cells: [...cells, gridCell("color", "color", 0.5)],
      compared: { cropColour: c, bestOtherComposition: c, bestSingle: c },
    }),
  );
  assert(svg.includes("50.0"));
});

Deno.test("SimCLR claims are gated: an arm no better than random init makes its claims inconclusive", () => {
  const gate = new SimclrArms(config("random init", [0.5, 0.52, 0.51]));
  const heads: HeadResult[] = [
    { head: "mlp", result: config("mlp", [0.7, 0.72, 0.71], () => ({ z: 0.4 })), linearZ: est(0.4) },
    // the linear head is at random-init level: not learned
    { head: "linear", result: config("linear", [0.5, 0.53, 0.5], () => ({ z: 0.45 })), linearZ: est(0.45) },
    { head: "none", result: config("none", [0.45, 0.47, 0.46]), linearZ: est(0.46) },
  ];
  const claims = headClaims(heads, gate);
  // non-linear vs linear would be "reproduced" and linear vs none "reproduced": both name the untrained arm
  assertEquals(claims.map((c) => c.verdict), ["inconclusive", "inconclusive", "reproduced"]);
  assert(claims[0].reason!.includes('arm "head linear" has not learned'), claims[0].reason!);
  assertEquals(gate.records["head mlp"].learned, true);
  assertEquals(gate.records["head none"].learned, false);
  // the sanity checks against the baselines are shown, never headline
  const sanity = learnedClaims(config("base", [0.7, 0.72, 0.71]), {
    randomInit: config("random init", [0.5, 0.52, 0.51]),
    pixels: config("raw pixels", [0.6, 0.61, 0.6]),
  });
  assertEquals(sanity.map((c) => [c.kind, c.verdict]), [["sanity", "reproduced"], ["sanity", "reproduced"]]);
});
