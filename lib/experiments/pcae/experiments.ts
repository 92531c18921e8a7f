/**
 * The experiment drivers of the notebook: the paired MAE / PCAE / random-init runs of every seed (evaluated with
 * and without inference-time dropping), their fine-tuning study, the inference throughput at each drop ratio, and
 * the timed pretraining steps. Timings are measured in this thread once the workers are idle and cached like
 * everything else (a re-run shows the timings of the run that measured them).
 *
 * @module
 */
import { cached, jsonCodec } from "../../cache.ts";
import { toBatch } from "../../data/batch.ts";
import { backendInfo } from "../../backend/mod.ts";
import { baseRun, type PcaeRunSpec, seedList } from "./config.ts";
import { disposeModel } from "./model.ts";
import {
  type FinetuneJob,
  finetuneJob,
  type PcaeContext,
  type PcaeFinetuneResult,
  type PcaeRunResult,
  randomInit,
  rawPixels,
  runPcae,
  trainedModel,
} from "./run.ts";
import type { DropSetting, PcaeEval } from "./evaluate.ts";
import { inferenceThroughput, stepSeconds } from "./timing.ts";
import { emitProgress } from "../../progress.ts";

/** The runs of every seed. */
export interface MethodRuns {
  /** The seeds, 0 … cfg.seeds − 1; the arrays below are in this order. */
  seeds: number[];
  /** The MAE run of each seed. */
  mae: PcaeRunResult[];
  /** The PCAE run of each seed. */
  pcae: PcaeRunResult[];
  /** The random-init student of each seed, evaluated without dropping. */
  random: PcaeEval[];
  /** The raw-pixel baseline of each seed (linear probe and kNN on the pixels). */
  pixels: PcaeEval[];
}

/** MAE and PCAE pretraining, the random-init and raw-pixel baselines for seeds 0 … cfg.seeds − 1 (side by side on the pool). */
export async function methodRuns(ctx: PcaeContext): Promise<MethodRuns> {
  const seeds = Array.from({ length: ctx.cfg.seeds }, (_, i) => i);
  emitProgress({ kind: "plan", runs: 4 * seeds.length });
  const [mae, pcae, random, pixels] = await Promise.all([
    Promise.all(seeds.map((s) => runPcae(ctx, baseRun(ctx.cfg, "mae", s)))),
    Promise.all(seeds.map((s) => runPcae(ctx, baseRun(ctx.cfg, "pcae", s)))),
    Promise.all(seeds.map((s) => randomInit(ctx, s))),
    Promise.all(seeds.map((s) => rawPixels(ctx, s))),
  ]);
  return { seeds, mae, pcae, random, pixels };
}

/** Inference throughput (images/s) of one seed's pretrained PCAE student at each drop ratio. */
export interface ThroughputResult {
  /** Seed of the PCAE run timed. */
  seed: number;
  /** Inference drop ratios timed (the profile's `dropRatios`). */
  ratios: number[];
  /** Images per second at each ratio (median over the timed repeats). */
  imagesPerSecond: number[];
}

function timingKey(ctx: PcaeContext, what: string, seed: number) {
  const { dataset, imageSize, encoder, decoder, teacher, eval: e, dropRatios, batchSize, base } = ctx.cfg;
  return {
    what,
    dataset,
    imageSize,
    encoder,
    decoder,
    teacher,
    timing: e.timing,
    dropRatios,
    batchSize,
    base,
    seed,
    backend: backendInfo()?.name ?? "unknown",
  };
}

/** {@link ThroughputResult} per seed (timed here, one seed after the other; cached). */
export async function dropThroughput(ctx: PcaeContext): Promise<ThroughputResult[]> {
  const { cfg, data } = ctx;
  const out: ThroughputResult[] = [];
  for (let seed = 0; seed < cfg.seeds; seed++) {
    out.push(
      await cached(
        timingKey(ctx, "pcae-throughput", seed),
        async () => {
          const { model } = await trainedModel(ctx, baseRun(cfg, "pcae", seed));
          const n = Math.min(cfg.eval.timing.batch, data.test.n);
          const x = toBatch(data.test, Array.from({ length: n }, (_, i) => i));
          try {
            const ips = await inferenceThroughput(
              model.student,
              x,
              cfg.dropRatios,
              cfg.teacher.dropBefore,
              { warmup: cfg.eval.timing.warmup, repeats: cfg.eval.timing.throughputRepeats },
            );
            return { seed, ratios: cfg.dropRatios, imagesPerSecond: ips };
          } finally {
            x.dispose();
            disposeModel(model);
          }
        },
        jsonCodec<ThroughputResult>(),
        { name: "pcae-timing", ...ctx.cache },
      ),
    );
  }
  return out;
}

/**
 * Median seconds per pretraining step of MAE and PCAE for one seed's initialisation: at the timing batch
 * (`eval.timing.batch`, where the step is compute-bound, as the paper's GPU batches are; the speed claims use
 * these) and at the training batch (`batchSize`, what the runs of this profile spend; equal wall time uses these).
 */
export interface StepTiming {
  /** Seed of the initialisation timed. */
  seed: number;
  /** Median seconds per MAE step at the timing batch. */
  mae: number;
  /** Median seconds per PCAE step at the timing batch. */
  pcae: number;
  /** Median seconds per PCAE step at each mask ratio of the profile's `maskSweep` (Table 4), timing batch. */
  sweep: number[];
  /** The same MAE and PCAE steps at the training batch. */
  train: { batch: number; mae: number; pcae: number };
}

/**
 * {@link StepTiming} per seed: MAE, PCAE and the swept mask ratios on one batch of `eval.timing.batch` training
 * images, then MAE and PCAE on one batch of the training size (timed alternately; cached).
 */
export async function stepTimings(ctx: PcaeContext): Promise<StepTiming[]> {
  const { cfg, data } = ctx;
  const batch = (n: number) =>
    toBatch(data.train, Array.from({ length: Math.min(n, data.train.n) }, (_, i) => i));
  const out: StepTiming[] = [];
  for (let seed = 0; seed < cfg.seeds; seed++) {
    out.push(
      await cached(
        { ...timingKey(ctx, "pcae-step-timing", seed), v: 2 },
        async () => {
          const big = batch(cfg.eval.timing.batch), small = batch(cfg.batchSize);
          try {
            const compute = await stepSeconds(cfg, seed, big, cfg.eval.timing, cfg.maskSweep);
            const train = await stepSeconds(cfg, seed, small, cfg.eval.timing);
            return { seed, ...compute, train: { batch: small.shape[0], mae: train.mae, pcae: train.pcae } };
          } finally {
            big.dispose();
            small.dispose();
          }
        },
        jsonCodec<StepTiming>(),
        { name: "pcae-timing", ...ctx.cache },
      ),
    );
  }
  return out;
}

/** The fine-tuning evaluation of every seed (see `PcaeConfig.finetune`). */
export interface FinetuneStudy {
  /** The seeds, in the order of the arrays below. */
  seeds: number[];
  /** The random-init student fine-tuned. */
  random: PcaeFinetuneResult[];
  /** The MAE student fine-tuned. */
  mae: PcaeFinetuneResult[];
  /**
   * The PCAE student fine-tuned without dropping; its `inference` holds the three ways of dropping
   * {@link compareSettings} at inference.
   */
  pcae: PcaeFinetuneResult[];
  /**
   * At each of `finetune.dropRatios` (mean-token rule, during fine-tuning and at its test): the PCAE student,
   * and, at `finetune.controlRatios`, the random-init student under the same drops (a control; absent elsewhere).
   */
  drops: { ratio: number; pcae: PcaeFinetuneResult[]; random?: PcaeFinetuneResult[] }[];
  /**
   * The drop rules compared where Table 5 measures drops (during fine-tuning and at its test), at
   * `finetune.compareRatio`: PCAE fine-tuned dropping random tokens, and dropping the mean-token rule's tokens
   * all at once before the first drop block. Progressive mean-token dropping at that ratio is `drops`' entry.
   */
  rules: { ratio: number; random: PcaeFinetuneResult[]; oneShot: PcaeFinetuneResult[] };
  /** Table 4: PCAE pretrained at each mask ratio of `maskSweep` (base steps, same seeds), fine-tuned. */
  masks: { maskRatio: number; pcae: PcaeFinetuneResult[] }[];
}

/**
 * The inference settings compared on the no-drop fine-tuned PCAE at `ratio`, in this order: progressive
 * mean-token, progressive random, one-shot mean-token (the same number of tokens kept in the end).
 */
export function compareSettings(ratio: number): DropSetting[] {
  return [
    { ratio, mode: "mean-token" },
    { ratio, mode: "random" },
    { ratio, mode: "mean-token", oneShot: true },
  ];
}

/**
 * Fine-tune random init, MAE and PCAE of every seed; PCAE again at each drop ratio (and random init at the
 * control ratios), and with the other two drop rules at the compared ratio; and PCAE pretrained at each swept
 * mask ratio (side by side on the pool; a fine-tune job pretrains its student first when that run is not
 * cached).
 */
export async function finetuneStudy(ctx: PcaeContext): Promise<FinetuneStudy> {
  const { cfg } = ctx;
  const seeds = seedList(cfg);
  const { schedule, dropRatios, controlRatios, compareRatio } = cfg.finetune;
  if (!dropRatios.includes(compareRatio)) {
    throw new Error(
      `pcae: finetune.compareRatio ${compareRatio} must be one of finetune.dropRatios (${
        dropRatios.join(", ")
      })`,
    );
  }
  const [, randomRule, oneShotRule] = compareSettings(compareRatio);
  const arms = 5 + dropRatios.length + dropRatios.filter((r) => controlRatios.includes(r)).length +
    cfg.maskSweep.length;
  emitProgress({ kind: "plan", runs: seeds.length * arms });
  const ft = (from: (s: number) => PcaeRunSpec | null, extra: Partial<FinetuneJob> = {}) =>
    Promise.all(seeds.map((seed) => finetuneJob(ctx, { from: from(seed), seed, schedule, ...extra })));
  const pcaeRun = (s: number) => baseRun(cfg, "pcae", s);
  const [random, mae, pcae, drops, rules, masks] = await Promise.all([
    ft(() => null),
    ft((s) => baseRun(cfg, "mae", s)),
    ft(pcaeRun, { inference: compareSettings(compareRatio) }),
    Promise.all(dropRatios.map(async (ratio) => {
      const drop = { ratio, mode: "mean-token" as const };
      const [p, r] = await Promise.all([
        ft(pcaeRun, { drop }),
        controlRatios.includes(ratio) ? ft(() => null, { drop }) : undefined,
      ]);
      return r ? { ratio, pcae: p, random: r } : { ratio, pcae: p };
    })),
    Promise.all([ft(pcaeRun, { drop: randomRule }), ft(pcaeRun, { drop: oneShotRule })])
      .then(([random, oneShot]) => ({ ratio: compareRatio, random, oneShot })),
    Promise.all(cfg.maskSweep.map(async (maskRatio) => ({
      maskRatio,
      pcae: await ft((s) => baseRun(cfg, "pcae", s, { maskRatio })),
    }))),
  ]);
  return { seeds, random, mae, pcae, drops, rules, masks };
}
