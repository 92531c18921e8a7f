/**
 * Few-shot evaluation with prototypes (Snell et al. 2017, as used by Ericsson et al. 2021 on frozen features):
 * each episode samples N classes (among those with at least K + Q examples), K support and Q query examples
 * per class without replacement; each class prototype is the mean of its support features, and each query is
 * assigned to the nearest prototype by Euclidean distance or by cosine similarity. The score is the mean
 * episode accuracy with a Student-t 95% interval across episodes. Seeded; computed in double precision in JS.
 *
 * @module
 */
import { Rng } from "../rng.ts";
import { type Estimate, meanCI } from "../stats/confidence.ts";
import type { FeatureSet } from "./features.ts";

/** Options of `fewShot`. */
export interface FewShotOptions {
  /** Classes per episode N (default 5). */
  ways?: number;
  /** Support examples per class K (default 5). */
  shots?: number;
  /** Query examples per class Q (default 15). */
  queries?: number;
  /** Episodes (default 600). */
  episodes?: number;
  /** "euclidean" (default) or "cosine". */
  metric?: "euclidean" | "cosine";
  /** Seed of the episode sampler (default 0). */
  seed?: number;
}

/** Result of the few-shot evaluation. */
export interface FewShotResult {
  /** Mean episode accuracy with its 95% CI across episodes (n = episodes). */
  accuracy: Estimate;
  /** Accuracy of each episode. */
  episodeAccuracies: Float64Array;
}

/** Run prototypical N-way K-shot episodes on features (module doc). */
export function fewShot(data: FeatureSet, opts: FewShotOptions = {}): FewShotResult {
  const ways = opts.ways ?? 5, shots = opts.shots ?? 5, queries = opts.queries ?? 15;
  const episodes = opts.episodes ?? 600, metric = opts.metric ?? "euclidean";
  for (
    const [v, name] of [[ways, "ways"], [shots, "shots"], [queries, "queries"], [
      episodes,
      "episodes",
    ]] as const
  ) {
    if (!(Number.isInteger(v) && v >= 1)) {
      throw new Error(`fewShot: ${name} must be an integer >= 1, got ${v}`);
    }
  }
  if (metric !== "euclidean" && metric !== "cosine") throw new Error(`fewShot: unknown metric "${metric}"`);
  if (data.features.length !== data.n * data.dim) throw new Error("fewShot: features length != n·dim");
  if (data.labels.length !== data.n) {
    throw new Error(`fewShot: length mismatch (${data.labels.length} labels, ${data.n} rows)`);
  }
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < data.n; i++) {
    const l = byClass.get(data.labels[i]) ?? [];
    l.push(i);
    byClass.set(data.labels[i], l);
  }
  const eligible = [...byClass.keys()].filter((c) => byClass.get(c)!.length >= shots + queries).sort((a, b) =>
    a - b
  );
  if (eligible.length < ways) {
    throw new Error(
      `fewShot: too few classes with >= ${shots + queries} examples (${eligible.length}, need ${ways} ways)`,
    );
  }
  const d = data.dim, x = data.features;
  const rng = new Rng(opts.seed ?? 0);
  const accs = new Float64Array(episodes);
  const unit = (i: number): Float64Array => {
    const v = Float64Array.from(x.subarray(i * d, (i + 1) * d));
    if (metric === "cosine") {
      let s = 0;
      for (let j = 0; j < d; j++) s += v[j] * v[j];
      const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
      for (let j = 0; j < d; j++) v[j] *= inv;
    }
    return v;
  };
  for (let e = 0; e < episodes; e++) {
    const classes = rng.shuffle([...eligible]).slice(0, ways);
    const protos: Float64Array[] = [];
    const query: { i: number; c: number }[] = [];
    classes.forEach((c, ci) => {
      const pick = rng.shuffle([...byClass.get(c)!]).slice(0, shots + queries);
      const p = new Float64Array(d);
      for (const i of pick.slice(0, shots)) {
        const v = unit(i);
        for (let j = 0; j < d; j++) p[j] += v[j] / shots;
      }
      protos.push(p);
      for (const i of pick.slice(shots)) query.push({ i, c: ci });
    });
    let correct = 0;
    for (const { i, c } of query) {
      const v = unit(i);
      let best = -1, bestScore = -Infinity;
      for (let k = 0; k < ways; k++) {
        const p = protos[k];
        let score = 0;
        if (metric === "euclidean") {
          for (let j = 0; j < d; j++) score -= (v[j] - p[j]) ** 2;
        } else {
          let dot = 0, pp = 0;
          for (let j = 0; j < d; j++) {
            dot += v[j] * p[j];
            pp += p[j] * p[j];
          }
          score = pp > 0 ? dot / Math.sqrt(pp) : 0;
        }
        if (score > bestScore) {
          bestScore = score;
          best = k;
        }
      }
      if (best === c) correct++;
    }
    accs[e] = correct / query.length;
  }
  return { accuracy: meanCI(accs), episodeAccuracies: accs };
}
