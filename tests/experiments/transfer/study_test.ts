import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import {
  domainScore,
  protocolAccuracy,
  protocolsOf,
  zooCorrelations,
  zooScores,
  zooTable,
} from "../../../lib/experiments/transfer/study.ts";
import type { ModelSeedResult } from "../../../lib/experiments/transfer/run.ts";
import type { TaskResult } from "../../../lib/experiments/transfer/evaluate.ts";
import { transferConfig } from "../../../lib/experiments/transfer/config.ts";

const est = (mean: number) => ({ mean, ci95: [mean, mean] as [number, number], n: 1 });
const lg = (p: number) => Math.log(p / (1 - p));

/** A synthetic run: near accuracies rise with quality q, far ones are `far`. */
function run(model: string, seed: number, up: number, near: number, far: number): ModelSeedResult {
  const task = (name: string, domain: "near" | "far", acc: number): TaskResult => ({
    task: name,
    domain,
    linear: est(acc),
    fewShot: [{ shots: 5, accuracy: est(acc / 2) }],
    finetune: est(acc),
  });
  return {
    model,
    seed,
    upstream: est(up),
    trainSeconds: 0,
    tasks: [task("n1", "near", near), task("n2", "near", near), task("f1", "far", far)],
  };
}

Deno.test("protocolsOf and protocolAccuracy: linear, one few-shot per K, finetune", () => {
  assertEquals(protocolsOf(transferConfig("cpu")), ["linear", "few-shot-5", "few-shot-20", "finetune"]);
  const r = run("m", 0, 0.5, 0.6, 0.4).tasks[0];
  assertEquals([protocolAccuracy(r, "linear"), protocolAccuracy(r, "few-shot-5")], [0.6, 0.3]);
  assertThrows(() => protocolAccuracy(r, "few-shot-20"));
});

Deno.test("zooScores and zooCorrelations: log-odds means over seeds; near tracks upstream, far does not", () => {
  const quality = [0.2, 0.4, 0.5, 0.6, 0.8];
  const far = [0.7, 0.3, 0.6, 0.4, 0.5];
  const results = quality.map((q, i) => ({
    model: `m${i}`,
    runs: [run(`m${i}`, 0, q, q, far[i]), run(`m${i}`, 1, q + 0.02, q + 0.02, far[i])],
  }));
  assertAlmostEquals(domainScore(results[0].runs[0], "near", "linear"), lg(0.2), 1e-12);
  const s = zooScores(results, ["linear"]);
  assertAlmostEquals(s.upstream[0], (lg(0.2) + lg(0.22)) / 2, 1e-12);
  assertAlmostEquals(s.far.linear[1], lg(0.3), 1e-12);
  const [c] = zooCorrelations(s, ["linear"], { resamples: 300 });
  assertAlmostEquals(c.near.spearman.mean, 1, 1e-12);
  assertAlmostEquals(c.near.pearson.mean, 1, 1e-12);
  assert(c.far.spearman.mean < 0.5);
  assert(c.spearmanGap.mean > 0.5);
  const table = zooTable(results, ["linear", "few-shot-5"]);
  assertAlmostEquals(table[4].tasks.n1.linear.mean, 0.81, 1e-12);
  assertAlmostEquals(table[4].tasks.f1["few-shot-5"].mean, 0.25, 1e-12);
  assertEquals(table[4].upstream.n, 2);
});
