/**
 * Pilot for issue 14: how long must the base SimCLR run of the cpu profile train before its linear probe clearly
 * beats the random-init encoder and the raw pixels of the same seed? Trains the base run at several epoch
 * budgets (through the run engine, so the runs are cached and a later notebook reuses them) and prints, per
 * budget, the probe and its paired gain over both baselines.
 *
 *     deno run -A tools/pilots/simclr_epochs.ts [--epochs 3,10,30] [--seeds 3] [--size PX] [--lr LR]
 *       [--widths 16,32,64] [--ntrain N] [--batch B] [--backend NAME] [--run JSON[;JSON…]]
 *
 * `--run` trains ablation arms instead of the base run: each JSON object overrides fields of the base
 * `RunSpec`, e.g. `--run '{"head":"linear"};{"loss":{"kind":"margin","margin":0.5,"semiHard":false}}'`.
 *
 * @module
 */
import { parseCli } from "../../lib/cli.ts";
import { initBackend, parseBackend } from "../../lib/backend/mod.ts";
import { meanCI } from "../../lib/stats/confidence.ts";
import * as S from "../../lib/experiments/simclr/mod.ts";

const { values } = parseCli({
  epochs: { type: "string", value: "E[,E]", help: "epoch budgets of the base run" },
  seeds: { type: "string", value: "N", help: "seeds 0..N-1" },
  size: { type: "string", value: "PX", help: "view size (default: the cpu profile's)" },
  lr: { type: "string", value: "LR", help: "peak learning rate (default: the cpu profile's)" },
  widths: { type: "string", value: "W,W,W", help: "cnn3 widths (default: the cpu profile's)" },
  ntrain: { type: "string", value: "N", help: "training images (default: the cpu profile's)" },
  batch: { type: "string", value: "B", help: "pairs per step (default: the cpu profile's)" },
  backend: { type: "string", value: "NAME", help: "backend (default auto)" },
  run: {
    type: "string",
    value: "JSON[;JSON]",
    help: "RunSpec overrides of the arms to train (default: base)",
  },
}, Deno.args);
const variants: Partial<S.RunSpec>[] = values.run ? values.run.split(";").map((j) => JSON.parse(j)) : [{}];
const epochs = (values.epochs ?? "3,10,30").split(",").map(Number);
const n = Number(values.seeds ?? 3);
const backend = await initBackend(parseBackend(values.backend ?? "auto"), { quiet: true });
const base = S.simclrConfig("cpu", { seeds: n });
const cfg: S.SimclrConfig = {
  ...base,
  imageSize: values.size ? Number(values.size) : base.imageSize,
  optimizer: { ...base.optimizer, lr: values.lr ? Number(values.lr) : base.optimizer.lr },
  encoder: values.widths
    ? {
      ...base.encoder,
      widths: values.widths.split(",").map(Number) as [number, number, number],
    } as S.EncoderSpec
    : base.encoder,
  dataset: values.ntrain ? { ...base.dataset, nTrain: Number(values.ntrain) } : base.dataset,
  base: values.batch ? { ...base.base, batchSize: Number(values.batch) } : base.base,
};
console.log(
  `${backend.name} · views ${cfg.imageSize}px · lr ${cfg.optimizer.lr} · widths ${
    JSON.stringify((cfg.encoder as { widths?: number[] }).widths)
  } · ${cfg.dataset.nTrain} images · batch ${cfg.base.batchSize} · ${n} seeds`,
);
const data = await S.loadSimclrData(cfg);
const ctx: S.SimclrContext = { cfg, data, pool: S.startSimclrPool(cfg, backend.name), log: null };
const seeds = Array.from({ length: n }, (_, i) => i);
const baselines = await S.baselines(ctx);
const lin = (r: S.RunResult) => 100 * r.eval.linear.accuracy.mean;
const fmt = (e: { mean: number; ci95: [number, number] }) =>
  `${e.mean.toFixed(1)} [${e.ci95[0].toFixed(1)}, ${e.ci95[1].toFixed(1)}]`;
console.log(
  `random init ${fmt(meanCI(baselines.randomInit.runs.map(lin)))} · raw pixels ${
    fmt(meanCI(baselines.pixels.runs.map(lin)))
  }`,
);
for (const v of variants) {
  for (const e of epochs) {
    const t0 = performance.now();
    const res = await S.runConfig(ctx, `base ${e} ep`, (s) => S.baseRun(cfg, s, { ...v, epochs: e }), seeds);
    if (values.run) console.log(JSON.stringify(v));
    const gain = (b: S.ConfigResult) => meanCI(res.runs.map((r, i) => lin(r) - lin(b.runs[i])));
    console.log(
      `${e} ep (${S.stepsOf(cfg, { ...cfg.base, epochs: e })} steps): probe ${
        fmt(meanCI(res.runs.map(lin)))
      } · ` +
        `vs random init ${fmt(gain(baselines.randomInit))} · vs pixels ${fmt(gain(baselines.pixels))} · ` +
        `${((performance.now() - t0) / 1000).toFixed(0)} s`,
    );
  }
}
ctx.pool?.close();
