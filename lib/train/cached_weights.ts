/**
 * Trained weights through the artifact cache, as the reproduction experiments store their pretrained models:
 * one entry per run holding every variable by name, the loss history (`_losses`, a single NaN when there is
 * none) and a few run numbers (`_info`, e.g. steps, status, seconds), so a re-run restores the model instead of
 * training it again. Also {@link lossCurve}, the short loss summary kept with each run's results.
 *
 * @module
 */
import { cached, type CacheOptions, tensorMapCodec } from "../cache.ts";
import { tf } from "../tf.ts";

/** What a training function hands to {@link cachedTrainedWeights}. */
export interface TrainedWeights {
  /** The trained variables by name (cloned before `dispose` is called). */
  variables: Record<string, tf.Variable>;
  /** Loss of every step. */
  losses: number[];
  /** Numbers describing the run, stored as given and returned as read. */
  info: number[];
  /** Frees the trained model. */
  dispose(): void;
}

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
): Promise<{ losses: number[]; info: number[] }> {
  const stored = await cached(
    key,
    async () => {
      const res = await train();
      const out: Record<string, tf.Tensor> = {};
      for (const [k, v] of Object.entries(res.variables)) out[k] = tf.clone(v);
      res.dispose();
      out["_losses"] = tf.tensor1d(res.losses.length ? res.losses : [NaN]);
      out["_info"] = tf.tensor1d(res.info);
      return out;
    },
    tensorMapCodec(),
    opts,
  );
  try {
    const { _losses, _info, ...weights } = stored;
    restore(weights);
    const losses = Array.from(await _losses.data()).filter(Number.isFinite);
    return { losses, info: Array.from(await _info.data()) };
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
