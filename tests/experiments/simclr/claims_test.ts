import { assert, assertAlmostEquals, assertEquals } from "@std/assert";
import { meanCI } from "../../../lib/stats/confidence.ts";
import { validateResults } from "../../../lib/report/results.ts";
import { baseRun, simclrConfig } from "../../../lib/experiments/simclr/config.ts";
import type { RunResult } from "../../../lib/experiments/simclr/run.ts";
import type { ConfigResult, GridCell, HeadResult } from "../../../lib/experiments/simclr/ablations.ts";
import { bootstrapAccuracy, cellTransforms } from "../../../lib/experiments/simclr/ablations.ts";
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
} from "../../../lib/experiments/simclr/claims.ts";
import { gridSpec } from "../../../lib/experiments/simclr/figures.ts";
import { renderSvg } from "../../../lib/report/figure.ts";

const cfg = simclrConfig("cpu");
const est = (m: number) => ({ mean: m, ci95: [m, m] as [number, number], n: 100 });

/** A fake evaluated run with the given linear accuracy (and z / classifier accuracies). */
function fake(seed: number, acc: number, extra: { z?: number; cls?: number } = {}): RunResult {
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
      linear: { accuracy: est(acc), bestL2: 1, predictions: [] },
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
  extra: (i: number) => { z?: number; cls?: number } = () => ({}),
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

Deno.test("gridClaims: a clear winner composition over single transforms gives 'reproduced'", () => {
  const ts = ["crop", "color", "blur"] as const;
  const cells: GridCell[] = [];
  for (const r of ts) {
    for (const c of ts) {
      const base = r === c ? 0.3 : 0.5;
      const acc = r === "crop" && c === "color" ? 0.8 : base;
      cells.push({
        row: r,
        col: c,
        tested: cellTransforms(r, c),
        single: est(acc),
        result: config("x", [acc, acc + 0.01, acc - 0.01]),
      });
    }
  }
  const claims = gridClaims({ transforms: [...ts], cells }, book());
  assertEquals(claims.map((c) => c.verdict), ["reproduced", "reproduced"]);
  assert(claims[0].claim.includes("crop + color"));
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
  const c6 = lossClaims(losses, papers.loss_functions, arms);
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

Deno.test("bootstrapAccuracy: CI brackets the accuracy over test images", () => {
  const e = bootstrapAccuracy([0, 1, 1, 0, 1, 1, 1, 0], [0, 1, 0, 0, 1, 1, 0, 0]);
  assertAlmostEquals(e.mean, 0.75, 1e-12);
  assert(e.ci95[0] <= 0.75 && e.ci95[1] >= 0.75 && e.ci95[1] <= 1);
});

Deno.test("the Figure 5 heatmap spec renders to SVG", async () => {
  const cell = (r: "crop" | "color", c: "crop" | "color"): GridCell => ({
    row: r,
    col: c,
    tested: cellTransforms(r, c),
    single: est(0.5),
    result: config("x", [0.5]),
  });
  const svg = await renderSvg(
    gridSpec({
      transforms: ["crop", "color"],
      cells: [cell("crop", "crop"), cell("crop", "color"), cell("color", "crop"), cell("color", "color")],
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
