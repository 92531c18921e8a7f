/**
 * Pilot for issue 13: does every PIRL-notebook arm (Jigsaw, NPID++, PIRL, PIRL λ = 1) learn when the cpu
 * profile trains longer, at another learning rate or with another form of the bank loss? Runs the chosen
 * methods (through the run engine, so runs are cached) with `steps`, `lr` and `form` overridden and prints,
 * per method, the best-stage probe (test), the best validation accuracy, its paired gain over random init and
 * the final pretext loss.
 *
 *     deno run -A tools/pilots/pirl_steps.ts [--steps 1500] [--lr 5e-4] [--seeds 3] [--form nce|infonce]
 *       [--methods random,supervised,jigsaw,npid,pirl,pirl1,pixels]
 *
 * @module
 */
import { parseCli } from "../../lib/cli.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { meanCI } from "../../lib/stats/confidence.ts";
import * as P from "../../lib/experiments/pirl/mod.ts";
import type { NceForm } from "../../lib/losses/pirl_nce.ts";
import type { EncoderSpec } from "../../lib/models/encoder_spec.ts";

const { values } = parseCli({
  steps: { type: "string", value: "N", help: "optimisation steps of every trained run" },
  lr: { type: "string", value: "LR|K=LR,…", help: "peak learning rate of every method, or per method key" },
  seeds: { type: "string", value: "N", help: "seeds 0..N-1" },
  form: { type: "string", value: "F", help: "bank loss: nce (eq. 4) or infonce" },
  methods: { type: "string", value: "M[,M]", help: "methods to run (default all)" },
  encoder: {
    type: "string",
    value: "E",
    help: "encoder: cnn3-W1-W2-W3, cnn4-W1-W2-W3-W4 or resnet10-W (default the profile's)",
  },
  ntrain: { type: "string", value: "N", help: "training images (default the profile's)" },
}, Deno.args);
/** "2e-3" (every method) or "jigsaw=5e-3,npid=2e-3" (the others keep the profile's). */
function parseLrs(text: string): Record<P.LrKey, number> {
  if (!text.includes("=")) {
    return Object.fromEntries(P.LR_KEYS.map((k) => [k, Number(text)])) as Record<P.LrKey, number>;
  }
  const out = { ...base.optimizer.lr };
  for (const part of text.split(",")) {
    const [k, v] = part.split("=");
    if (!P.LR_KEYS.includes(k as P.LrKey)) throw new Error(`--lr: unknown method key ${k}`);
    out[k as P.LrKey] = Number(v);
  }
  return out;
}
function encoderOf(name: string): EncoderSpec {
  const r = /^resnet(10|18)-(\d+)$/.exec(name);
  if (r) return { kind: "resnet", depth: Number(r[1]) as 10 | 18, width: Number(r[2]) };
  const c4 = /^cnn4-(\d+)-(\d+)-(\d+)-(\d+)$/.exec(name);
  if (c4) {
    return {
      kind: "cnn4",
      widths: [1, 2, 3, 4].map((i) => Number(c4[i])),
      init: "he-fan-in",
      centerInput: true,
    } as EncoderSpec;
  }
  const c = /^cnn3-(\d+)-(\d+)-(\d+)$/.exec(name);
  if (!c) throw new Error(`--encoder: expected cnn3-W1-W2-W3 or resnet10-W, got ${name}`);
  return { ...base.encoder, kind: "cnn3", widths: [Number(c[1]), Number(c[2]), Number(c[3])] } as EncoderSpec;
}
const backend = await initBackend("auto", { quiet: true });
const base = P.pirlConfig("cpu", { seeds: Number(values.seeds ?? 3) });
const cfg: P.PirlConfig = {
  ...base,
  steps: Number(values.steps ?? base.steps),
  optimizer: { ...base.optimizer, lr: values.lr ? parseLrs(values.lr) : base.optimizer.lr },
  nce: { ...base.nce, form: (values.form ?? base.nce.form) as NceForm },
  encoder: values.encoder ? encoderOf(values.encoder) : base.encoder,
  dataset: { ...base.dataset, nTrain: Number(values.ntrain ?? base.dataset.nTrain) },
};
const all = ["random", "supervised", "jigsaw", "npid", "pirl", "pirl1", "pixels"];
const chosen = values.methods ? values.methods.split(",") : all;
console.log(
  `${backend.name} · ${cfg.steps} steps of ${cfg.batchSize} · lr ${
    JSON.stringify(cfg.optimizer.lr)
  } · ${cfg.nce.form} · ` +
    `${cfg.seeds} seeds · ${chosen.join(",")} · ${
      JSON.stringify(cfg.encoder)
    } · ${cfg.dataset.nTrain} images`,
);
const t0 = performance.now();
const data = await P.loadPirlData(cfg);
const ctx: P.PirlContext = { cfg, data, pool: P.startPirlPool(cfg, backend.name) };
const spec = (m: string, seed: number): P.RunSpec =>
  m === "npid"
    ? P.makeRun(cfg, "pirl", seed, { lambda: 0 })
    : m === "pirl1"
    ? P.makeRun(cfg, "pirl", seed, { lambda: 1 })
    : P.makeRun(cfg, m as P.Method, seed);
const seeds = Array.from({ length: cfg.seeds }, (_, i) => i);
const names = ["random", ...chosen.filter((m) => m !== "random")];
const results = await P.runAll(ctx, names.flatMap((m) => seeds.map((s) => spec(m, s))));
ctx.pool?.close();
const best = (r: P.PirlRunResult) => 100 * Math.max(...r.eval.stages.map((s) => s.accuracy.mean));
const val = (r: P.PirlRunResult) => 100 * Math.max(...r.eval.stages.map((s) => s.valAccuracy));
const fmt = (e: { mean: number; ci95: [number, number] }) =>
  `${e.mean.toFixed(1)} [${e.ci95[0].toFixed(1)}, ${e.ci95[1].toFixed(1)}]`;
const random = results.slice(0, seeds.length);
names.forEach((m, k) => {
  const runs = results.slice(k * seeds.length, (k + 1) * seeds.length);
  const gain = meanCI(runs.map((r, i) => best(r) - best(random[i])));
  const loss = runs.map((r) => r.lossCurve.at(-1)?.[1]).filter((v): v is number => v !== undefined);
  console.log(
    `${m.padEnd(10)} best stage ${fmt(meanCI(runs.map(best)))} · val ${
      meanCI(runs.map(val)).mean.toFixed(1)
    }` +
      ` · vs random init ${fmt(gain)}` + (loss.length
        ? ` · final loss ${loss.map((v) => v.toFixed(2)).join(" / ")}`
        : ""),
  );
  const stages = runs[0].eval.stages.map((_, s) =>
    meanCI(runs.map((r) => 100 * r.eval.stages[s].accuracy.mean)).mean
  );
  const pretext = runs.map((r) => r.eval.pretext?.accuracy).filter((v) => v !== undefined);
  const heads = runs.map((r) => r.eval.invariance.heads).filter((h): h is number[] => !!h);
  const avg = (x: number[]) => x.reduce((a, b) => a + b, 0) / x.length;
  console.log(
    `           stages ${stages.map((v) => v.toFixed(1)).join(" → ")}` +
      (runs[0].eval.invariance.encoder.length
        ? ` · encoder distance ${avg(runs.map((r) => avg(r.eval.invariance.encoder))).toFixed(3)}`
        : "") +
      (heads.length ? ` · head distance ${avg(heads.map(avg)).toFixed(3)}` : "") +
      (pretext.length ? ` · pretext ${pretext.map((v) => (100 * v!).toFixed(1)).join(" / ")}%` : ""),
  );
});
console.log(`${((performance.now() - t0) / 1000).toFixed(0)} s`);
