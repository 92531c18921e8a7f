import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import {
  accuracyAt,
  dropRatioClaims,
  exact,
  loadPcaePapers,
  pairedDiff,
  redundancyClaims,
  speedupClaims,
} from "../../../lib/experiments/pcae/claims.ts";
import { baseRun, pcaeConfig } from "../../../lib/experiments/pcae/config.ts";
import type { DropAccuracy, PcaeEval } from "../../../lib/experiments/pcae/evaluate.ts";
import type { MethodRuns } from "../../../lib/experiments/pcae/experiments.ts";
import type { PcaeRunResult } from "../../../lib/experiments/pcae/run.ts";

const est = (p: number) => ({ mean: p, ci95: [p - 0.01, p + 0.01] as [number, number], n: 500 });
const cfg = pcaeConfig("cpu");

/** A synthetic evaluation: accuracy `base` − `slope`·ratio (mean-token) or − 3·slope·ratio (random). */
function evalOf(base: number, slope: number): PcaeEval {
  const at = (ratio: number, mode: DropAccuracy["mode"]) => ({
    ratio,
    mode,
    linear: est(base - (mode === "random" ? 3 : 1) * slope * ratio),
    knn: est(base),
  });
  return {
    full: at(0, "mean-token"),
    drops: [
      ...cfg.dropRatios.filter((r) => r > 0).map((r) => at(r, "mean-token")),
      ...cfg.randomDropRatios.map((r) => at(r, "random")),
    ],
    redundancy: [],
  };
}

function runOf(method: "mae" | "pcae", seed: number, e: PcaeEval): PcaeRunResult {
  return {
    run: baseRun(cfg, method, seed),
    label: "",
    status: "done",
    trainSeconds: 1,
    firstLoss: 1,
    finalLoss: 0.5,
    lossCurve: [],
    eval: e,
  };
}

const seeds = [0, 1, 2];
const runs: MethodRuns = {
  seeds,
  mae: seeds.map((s) => runOf("mae", s, evalOf(0.40 + 0.01 * s, 0.1))),
  pcae: seeds.map((s) => runOf("pcae", s, evalOf(0.41 + 0.01 * s, 0.1))),
  random: seeds.map((s) => evalOf(0.30 + 0.01 * s, 0)),
  pixels: seeds.map((s) => evalOf(0.25 + 0.01 * s, 0)),
};

Deno.test("pairedDiff, accuracyAt, exact", () => {
  const d = pairedDiff([3, 4, 5], [1, 2, 3]);
  assertEquals(d.mean, 2);
  assertEquals(d.ci95, [2, 2]);
  assertThrows(() => pairedDiff([1], [1, 2]));
  assertAlmostEquals(accuracyAt(evalOf(0.5, 0.1), 0.4, "random"), 100 * (0.5 - 0.12), 1e-9);
  assertThrows(() => accuracyAt(evalOf(0.5, 0.1), 0.25));
  assertEquals(exact(2).ci95, [2, 2]);
});

Deno.test("claims: verdicts follow the synthetic measurements", async () => {
  const papers = await loadPcaePapers();
  const c1 = redundancyClaims(cfg, runs);
  assertEquals(c1.length, cfg.randomDropRatios.length);
  assert(c1.every((c) => c.verdict === "reproduced"));
  const tp = seeds.map((seed) => ({
    seed,
    ratios: cfg.dropRatios,
    imagesPerSecond: cfg.dropRatios.map((r) => 100 + 200 * r + seed),
  }));
  const c2 = dropRatioClaims(cfg, runs, tp, papers);
  assertEquals(c2.map((c) => c.verdict), ["reproduced", "reproduced"]);
  const steps = seeds.map((seed) => ({ seed, mae: 2, pcae: 1 }));
  const c3 = speedupClaims(cfg, runs, steps, papers);
  const byId = Object.fromEntries(c3.map((c) => [c.id, c]));
  assertEquals(byId["mae-beats-random-init"].verdict, "reproduced");
  assertEquals(byId["pcae-step-faster-than-mae"].verdict, "reproduced"); // every seed 2× faster
  assertEquals(byId["pcae-matches-mae-accuracy"].verdict, "reproduced"); // +1 pp within ±3
  assertEquals(byId["pcae-matches-mae-accuracy"].paper, 0);
});
