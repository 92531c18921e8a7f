/**
 * The PCAE notebook's figures, built on the shared chart specs of `lib/report/charts.ts` (re-exported for the
 * notebook): accuracy against the drop ratio for the mean-token rule and for random dropping, relative inference
 * throughput against Table 5, and the linear accuracy of the pretraining methods.
 *
 * @module
 */
import type { VegaLiteSpec } from "../../report/figure.ts";
import { barsSpec, linesSpec, type Point, point } from "../../report/charts.ts";
import { meanCI } from "../../stats/confidence.ts";
import type { PaperTable } from "../../papers.ts";
import { paperValue } from "../../papers.ts";
import type { PcaeConfig } from "./config.ts";
import type { FinetuneStudy, MethodRuns, ThroughputResult } from "./experiments.ts";
import { accuracyAt } from "./claims.ts";

export * from "../../report/charts.ts";

/** Linear accuracy (%) against the drop ratio: PCAE and MAE with the mean-token rule, PCAE with random drops. */
export function dropCurveSpec(cfg: PcaeConfig, runs: MethodRuns): VegaLiteSpec {
  const pts: Point[] = [];
  const add = (label: string, rs: MethodRuns["pcae"], ratios: number[], mode: "mean-token" | "random") => {
    for (const r of ratios) {
      pts.push(point(String(r), label, meanCI(rs.map((x) => accuracyAt(x.eval, r, mode))), 1));
    }
  };
  add("PCAE, mean-token drop", runs.pcae, cfg.dropRatios, "mean-token");
  add("PCAE, random drop", runs.pcae, [0, ...cfg.randomDropRatios], "random");
  add("MAE, mean-token drop", runs.mae, cfg.dropRatios, "mean-token");
  return linesSpec(pts, {
    title: "Linear accuracy vs inference drop ratio (ours)",
    x: "drop ratio per stage",
    y: "linear accuracy (%)",
    xOrder: cfg.dropRatios.map(String),
  });
}

/** Inference throughput relative to no dropping: ours (PCAE student) beside Table 5. */
export function throughputSpec(cfg: PcaeConfig, tp: ThroughputResult[], table: PaperTable): VegaLiteSpec {
  const base = paperValue(table, "0", "throughput");
  const pts: Point[] = cfg.dropRatios.flatMap((r, j) => [
    point(String(r), "ours", meanCI(tp.map((t) => t.imagesPerSecond[j] / t.imagesPerSecond[0])), 1),
    point(
      String(r),
      "paper (Table 5, ViT-B)",
      meanCI([paperValue(table, String(r), "throughput") / base]),
      1,
    ),
  ]);
  return linesSpec(pts, {
    title: "Inference throughput relative to no dropping",
    x: "drop ratio per stage",
    y: "throughput / throughput at 0",
    xOrder: cfg.dropRatios.map(String),
  });
}

/** Linear-probe and kNN accuracy (%) of random init, MAE and PCAE after the same steps. */
export function methodsSpec(runs: MethodRuns): VegaLiteSpec {
  const rows: [string, { linear: number; knn: number }[]][] = [
    ["raw pixels", runs.pixels.map((e) => ({ linear: e.full.linear.mean, knn: e.full.knn.mean }))],
    ["random init", runs.random.map((e) => ({ linear: e.full.linear.mean, knn: e.full.knn.mean }))],
    ["MAE", runs.mae.map((r) => ({ linear: r.eval.full.linear.mean, knn: r.eval.full.knn.mean }))],
    ["PCAE", runs.pcae.map((r) => ({ linear: r.eval.full.linear.mean, knn: r.eval.full.knn.mean }))],
  ];
  const pts = rows.flatMap(([name, v]) => [
    point(name, "linear probe", meanCI(v.map((x) => x.linear))),
    point(name, "kNN", meanCI(v.map((x) => x.knn))),
  ]);
  return barsSpec(pts, {
    title: "Representation after the same steps (ours)",
    x: "encoder",
    y: "accuracy (%)",
  });
}

/**
 * Fine-tuned test accuracy (%) of random init, MAE and PCAE, of PCAE pretrained at the swept mask ratios, of
 * PCAE (and, where run, random init) fine-tuned with drops, of PCAE fine-tuned with the other two drop rules
 * (random, one-shot) at the compared ratio, and of the no-drop PCAE scored with the three drops at inference only
 * (mean-token, random, one-shot).
 */
export function finetuneSpec(ft: FinetuneStudy): VegaLiteSpec {
  const acc = (rs: { accuracy: { mean: number } }[]) => meanCI(rs.map((r) => r.accuracy.mean));
  const inf = (k: number) => meanCI(ft.pcae.map((r) => r.inference[k].accuracy.mean));
  const r = ft.pcae[0]?.inference[0]?.drop.ratio ?? 0;
  const pts: Point[] = [
    point("random init", "fine-tuned", acc(ft.random)),
    point("MAE", "fine-tuned", acc(ft.mae)),
    point("PCAE", "fine-tuned", acc(ft.pcae)),
    ...ft.masks.map((m) => point(`PCAE, mask ${m.maskRatio}`, "fine-tuned", acc(m.pcae))),
    ...ft.drops.flatMap((d) => [
      point(`PCAE, drop ${d.ratio} (fine-tune + inference)`, "fine-tuned", acc(d.pcae)),
      ...(d.random
        ? [point(`random init, drop ${d.ratio} (fine-tune + inference)`, "fine-tuned", acc(d.random))]
        : []),
    ]),
    point(`PCAE, drop ${ft.rules.ratio} random (fine-tune + inference)`, "fine-tuned", acc(ft.rules.random)),
    point(
      `PCAE, drop ${ft.rules.ratio} one-shot (fine-tune + inference)`,
      "fine-tuned",
      acc(ft.rules.oneShot),
    ),
    point(`PCAE, drop ${r} mean-token (inference)`, "inference drop", inf(0)),
    point(`PCAE, drop ${r} random (inference)`, "inference drop", inf(1)),
    point(`PCAE, drop ${r} one-shot (inference)`, "inference drop", inf(2)),
  ];
  return barsSpec(pts, { title: "Fine-tuned accuracy (ours)", x: "model", y: "test accuracy (%)" });
}
