/**
 * Pilot for issue 13: does every PIRL-notebook arm (Jigsaw, NPID++, PIRL, PIRL λ = 1) learn when the cpu
 * profile trains longer or at another learning rate? Runs the notebook's whole study (through the run engine,
 * so runs are cached) with `steps` and `lr` overridden and prints, per method, the best-stage probe, its
 * paired gain over random init and the final pretext loss.
 *
 *     deno run -A tools/pilots/pirl_steps.ts [--steps 1500] [--lr 5e-4] [--seeds 3] [--lambdas 1]
 *
 * @module
 */
import { parseCli } from "../../lib/cli.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { meanCI } from "../../lib/stats/confidence.ts";
import * as P from "../../lib/experiments/pirl/mod.ts";

const { values } = parseCli({
  steps: { type: "string", value: "N", help: "optimisation steps of every trained run" },
  lr: { type: "string", value: "LR", help: "peak learning rate of every method" },
  seeds: { type: "string", value: "N", help: "seeds 0..N-1" },
  lambdas: { type: "string", value: "L[,L]", help: "extra λ of the ablation (default: the cpu profile's)" },
}, Deno.args);
const backend = await initBackend("auto", { quiet: true });
const base = P.pirlConfig("cpu", { seeds: Number(values.seeds ?? 3) });
const cfg: P.PirlConfig = {
  ...base,
  steps: Number(values.steps ?? base.steps),
  optimizer: { ...base.optimizer, lr: values.lr ? Number(values.lr) : base.optimizer.lr },
  lambdas: values.lambdas ? values.lambdas.split(",").map(Number) : base.lambdas,
};
console.log(
  `${backend.name} · ${cfg.steps} steps of ${cfg.batchSize} · lr ${cfg.optimizer.lr} · ${cfg.seeds} seeds`,
);
const t0 = performance.now();
const data = await P.loadPirlData(cfg);
const ctx: P.PirlContext = { cfg, data, pool: P.startPirlPool(cfg, backend.name) };
const study = await P.runStudy(ctx);
ctx.pool?.close();
const best = (r: P.PirlRunResult) => 100 * Math.max(...r.eval.stages.map((s) => s.accuracy.mean));
const random = study.methods.find((m) => m.name === "random init")!;
const fmt = (e: { mean: number; ci95: [number, number] }) =>
  `${e.mean.toFixed(1)} [${e.ci95[0].toFixed(1)}, ${e.ci95[1].toFixed(1)}]`;
for (const m of [...study.methods, ...study.lambdas.map((l) => l.result), study.pixels]) {
  const gain = meanCI(m.runs.map((r, i) => best(r) - best(random.runs[i])));
  const loss = m.runs.map((r) => r.lossCurve.at(-1)?.[1]).filter((v): v is number => v !== undefined);
  console.log(
    `${m.name.padEnd(14)} best stage ${fmt(meanCI(m.runs.map(best)))} · vs random init ${fmt(gain)}` +
      (loss.length ? ` · final loss ${loss.map((v) => v.toFixed(2)).join(" / ")}` : ""),
  );
}
console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s`);
