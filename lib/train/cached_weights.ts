/**
 * Trained weights through the artifact cache, as the reproduction experiments store their pretrained models:
 * one entry per run holding every variable by name, the loss history (`_losses`, a single NaN when there is
 * none) and the run's {@link TrainInfo} by field name (`_info.steps`, `_info.done`, `_info.seconds`,
 * `_info.extra.<name>`), so a re-run restores the model instead of training it again. Also {@link lossCurve},
 * the short loss summary kept with each run's results.
 *
 * @module
 */
import { cached, type CacheOptions, tensorMapCodec } from "../cache.ts";
import { tf } from "../tf.ts";

/** How a training run went, stored beside its weights. */
export interface TrainInfo {
  /** Steps taken. */
  steps: number;
  /** All steps done, or stopped by the non-finite guard. */
  status: "done" | "non-finite";
  /** Training seconds (of the session that trained it). */
  seconds: number;
  /** Method-specific numbers by name (e.g. PIRL's NCE constant; null stored as NaN and read back as null). */
  extra?: Record<string, number | null>;
}

/** What a training function hands to {@link cachedTrainedWeights}. */
export interface TrainedWeights {
  /** The trained variables by name (cloned before `dispose` is called). */
  variables: Record<string, tf.Variable>;
  /** Loss of every step. */
  losses: number[];
  /** How the run went. */
  info: TrainInfo;
  /** Frees the trained model. */
  dispose(): void;
}

/** Entries written before {@link TrainInfo} had names (a positional `_info`) are not reused. */
const FORMAT = 2;

/**
 * Restore the weights of the run `key` from the cache, or train them with `train` and store them.
 * @param restore receives the variables by name (without `_losses` / `_info`); they are disposed afterwards.
 * @returns the loss history (non-finite entries dropped) and the run's `info` numbers.
 */
export async function cachedTrainedWeights(
  key: unknown,
  train: () => Promise<TrainedWeights>,
  restore: (weights: Record<string, tf.Tensor>) => void,
  opts: CacheOptions = {},
): Promise<{ losses: number[]; info: TrainInfo }> {
  const stored = await cached(
    { weights: key, format: FORMAT },
    async () => {
      const res = await train();
      const out: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(res.variables)) out[k] = tf.clone(v);
      res.dispose();
      out["_losses"] = tf.tensor1d(res.losses.length ? res.losses : [NaN]);
      out["_info.steps"] = tf.scalar(res.info.steps);
      out["_info.done"] = tf.scalar(res.info.status === "done" ? 1 : 0);
      out["_info.seconds"] = tf.scalar(res.info.seconds);
      for (const [k, v] of Object.entries(res.info.extra ?? {})) {
        out[`_info.extra.${k}`] = tf.scalar(v ?? NaN);
      }
      return out;
    },
    tensorMapCodec(),
    opts,
  );
  try {
    const weights: Record<string, tf.Tensor> = {};
    const extra: Record<string, number | null> = {};
    const num = (name: string) => stored[name]?.dataSync()[0] ?? NaN;
    for (const [k, v] of Object.entries(stored)) {
      if (k.startsWith("_info.extra.")) {
        const x = v.dataSync()[0];
        extra[k.slice("_info.extra.".length)] = Number.isFinite(x) ? x : null;
      } else if (!k.startsWith("_")) weights[k] = v;
    }
    restore(weights);
    const losses = Array.from(await stored._losses.data()).filter(Number.isFinite);
    const info: TrainInfo = {
      steps: num("_info.steps"),
      status: num("_info.done") === 1 ? "done" : "non-finite",
      seconds: num("_info.seconds"),
      ...(Object.keys(extra).length ? { extra } : {}),
    };
    return { losses, info };
  } finally {
    tf.dispose(Object.values(stored));
  }
}

/** About `points` points of a loss history: [first step of the window, mean loss over the window]. */
export function lossCurve(losses: number[], points = 20): [number, number][] {
  if (losses.length === 0) return [];
  const stride = Math.max(1, Math.floor(losses.length / points));
  const out: [number, number][] = [];
  for (let s = 0; s < losses.length; s += stride) {
    const w = losses.slice(s, s + stride);
    out.push([s, w.reduce((a, b) => a + b, 0) / w.length]);
  }
  return out;
}
