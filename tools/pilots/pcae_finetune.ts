/**
 * Pilot for issue 15: how long must MAE and PCAE pretrain, and how long must the fine-tune run, before the
 * fine-tuned students clearly beat a random-init student fine-tuned on the same schedule? Pretrains the chosen
 * methods at `--steps` (through the run engine: cached, two workers), then fine-tunes random init and each
 * pretrained student of every seed (`finetuneJob`: cached, on the same workers) and prints the test accuracies and the
 * paired gains over random init, with the linear probe beside them.
 *
 *     deno run -A tools/pilots/pcae_finetune.ts [--steps 1500] [--seeds 2] [--ft-steps 300] [--ft-lr 1e-3]
 *       [--ft-batch 64] [--ft-crop 0.6] [--ft-ld 0.75] [--ft-n 400] [--ft-head 10] [--ft-lpft] [--methods mae,pcae] [--drop 0.2] [--seed-offset 0]
 *
 * @module
 */
import { parseCli } from "../../lib/cli.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { meanCI } from "../../lib/stats/confidence.ts";
import * as C from "../../lib/experiments/pcae/mod.ts";

const { values } = parseCli({
  steps: { type: "string", value: "N", help: "pretraining steps" },
  seeds: { type: "string", value: "N", help: "seeds (from --seed-offset)" },
  "seed-offset": { type: "string", value: "S", help: "first seed (default 0)" },
  "ft-steps": { type: "string", value: "N", help: "fine-tuning steps" },
  "ft-lr": { type: "string", value: "LR", help: "fine-tuning peak learning rate" },
  "ft-batch": { type: "string", value: "B", help: "fine-tuning batch" },
  "ft-head": { type: "string", value: "X", help: "learning-rate multiplier of the head (default 1)" },
  "ft-lpft": { type: "boolean", help: "start the head from the linear probe (LP-FT)" },
  "ft-n": { type: "string", value: "N", help: "labelled images of the fine-tune (default all)" },
  "ft-ld": { type: "string", value: "D", help: "layer-wise lr decay of the fine-tune (default none)" },
  "ft-crop": { type: "string", value: "S", help: "fine-tune with crop (area ≥ S) + flip augmentation" },
  methods: { type: "string", value: "M[,M]", help: "pretraining methods (mae, pcae)" },
  drop: {
    type: "string",
    value: "R",
    help: "mean-token drop ratio during fine-tuning and inference (default 0)",
  },
}, Deno.args);
const backend = await initBackend("auto", { quiet: true });
const cfg = C.pcaeConfig("cpu");
const steps = Number(values.steps ?? cfg.base.steps);
const first = Number(values["seed-offset"] ?? 0), n = Number(values.seeds ?? 2);
const seeds = Array.from({ length: n }, (_, i) => first + i);
const schedule = {
  steps: Number(values["ft-steps"] ?? 300),
  lr: Number(values["ft-lr"] ?? 1e-3),
  batchSize: Number(values["ft-batch"] ?? 64),
  ...(values["ft-head"] ? { headLrScale: Number(values["ft-head"]) } : {}),
  ...(values["ft-lpft"] ? { headInit: "probe" as const } : {}),
  ...(values["ft-n"] ? { trainImages: Number(values["ft-n"]) } : {}),
  ...(values["ft-ld"] ? { layerDecay: Number(values["ft-ld"]) } : {}),
  ...(values["ft-crop"]
    ? { augment: { cropScale: [Number(values["ft-crop"]), 1] as [number, number] } }
    : {}),
};
const drop = Number(values.drop ?? 0);
const methods = (values.methods ?? "mae,pcae").split(",") as C.PcaeMethod[];
console.log(
  `${backend.name} · pretrain ${steps} steps × ${cfg.batchSize} · fine-tune ${
    JSON.stringify(schedule)
  } · drop ${drop}`,
);
const data = await C.loadPcaeData(cfg);
const ctx: C.PcaeContext = { cfg, data, pool: C.startPcaePool(cfg, backend.name), log: null };
const t0 = performance.now();
const runs = await Promise.all(
  methods.flatMap((m) => seeds.map((s) => C.runPcae(ctx, C.baseRun(cfg, m, s, { steps })))),
);
console.log(`pretraining: ${((performance.now() - t0) / 1000).toFixed(0)} s`);
const dropSetting = drop > 0 ? { drop: { ratio: drop, mode: "mean-token" as const } } : {};
const arms: { name: string; from: (s: number) => C.PcaeRunSpec | null }[] = [
  { name: "random init", from: () => null },
  ...methods.map((m) => ({ name: m, from: (s: number) => C.baseRun(cfg, m, s, { steps }) })),
];
const t1 = performance.now();
const results = await Promise.all(
  arms.map((a) =>
    Promise.all(seeds.map((s) => C.finetuneJob(ctx, { from: a.from(s), seed: s, schedule, ...dropSetting })))
  ),
);
ctx.pool?.close();
console.log(`fine-tuning: ${((performance.now() - t1) / 1000).toFixed(0)} s`);
const acc: Record<string, number[]> = {};
arms.forEach((a, k) => {
  acc[a.name] = results[k].map((r) => 100 * r.accuracy.mean);
  results[k].forEach((r, i) => {
    const probe = runs.find((x) => x.run.method === a.name && x.run.seed === seeds[i])?.eval.full.linear.mean;
    console.log(
      `${a.name} seed ${seeds[i]}: fine-tune ${(100 * r.accuracy.mean).toFixed(1)}%${
        probe === undefined ? "" : ` · probe ${(100 * probe).toFixed(1)}%`
      } (loss ${r.firstLoss.toFixed(2)} → ${r.finalLoss.toFixed(2)}, ${r.seconds.toFixed(0)} s)`,
    );
  });
});
const fmt = (e: { mean: number; ci95: [number, number] }) =>
  `${e.mean.toFixed(1)} [${e.ci95[0].toFixed(1)}, ${e.ci95[1].toFixed(1)}]`;
for (const [k, v] of Object.entries(acc)) {
  const gain = k === "random init"
    ? ""
    : ` · vs random init ${fmt(meanCI(v.map((x, i) => x - acc["random init"][i])))}`;
  console.log(`${k}: fine-tune ${fmt(meanCI(v))}${gain}`);
}
