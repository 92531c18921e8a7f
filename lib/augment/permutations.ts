/**
 * Permutation sets for the jigsaw pretext task (Noroozi & Favaro 2016, used by PIRL): N permutations of the
 * 3×3 = 9 tiles chosen greedily from all 9! = 362 880 so that they are far apart in Hamming distance.
 *
 * Greedy selection: the first permutation is drawn at random from the seed; each next one is the remaining
 * permutation that maximises the criterion against the permutations chosen so far:
 * - `"min"` (default): the minimum Hamming distance to the chosen set, ties broken by the larger sum of
 *   distances, then at random (seeded) — the max-min design;
 * - `"mean"`: the sum (equivalently the mean) of Hamming distances, as in the released code of Noroozi & Favaro,
 *   ties broken at random (seeded).
 *
 * Results are deterministic in (n, seed, criterion, size) and memoised. n = 1000 takes a few seconds.
 *
 * @module
 */
import { Rng } from "../rng.ts";

/** Selection criterion of {@link maxHammingPermutations}. */
export type PermutationCriterion = "min" | "mean";

/** Options of {@link maxHammingPermutations}. */
export interface PermutationOptions {
  /** Seed of the random first choice and of the tie-breaking; default 0. */
  seed?: number;
  /** Greedy criterion; default "min". */
  criterion?: PermutationCriterion;
  /** Number of elements permuted (tiles); default 9. At most 10. */
  size?: number;
}

/** A selected permutation set and its spread. */
export interface PermutationSet {
  /** The permutations, each a permutation of 0..size-1. */
  perms: number[][];
  /** Minimum pairwise Hamming distance within the set (size for a single permutation). */
  minDistance: number;
  /** Mean pairwise Hamming distance within the set (0 for a single permutation). */
  meanDistance: number;
}

/** Number of positions at which two permutations differ. */
export function hamming(a: readonly number[], b: readonly number[]): number {
  if (a.length !== b.length) throw new Error(`hamming: lengths differ (${a.length} vs ${b.length})`);
  let d = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) d++;
  return d;
}

/** All permutations of 0..k-1 in lexicographic order, packed k bytes each. */
function allPermutations(k: number): Uint8Array {
  let count = 1;
  for (let i = 2; i <= k; i++) count *= i;
  const out = new Uint8Array(count * k);
  const a = Array.from({ length: k }, (_, i) => i);
  for (let n = 0; n < count; n++) {
    out.set(a, n * k);
    // next lexicographic permutation
    let i = k - 2;
    while (i >= 0 && a[i] > a[i + 1]) i--;
    if (i < 0) break;
    let j = k - 1;
    while (a[j] < a[i]) j--;
    [a[i], a[j]] = [a[j], a[i]];
    for (let l = i + 1, r = k - 1; l < r; l++, r--) [a[l], a[r]] = [a[r], a[l]];
  }
  return out;
}

const cache = new Map<string, PermutationSet>();

/**
 * Greedily select `n` permutations of `size` (default 9) elements with large Hamming distances (see module doc).
 * Deterministic in the options; the returned object is a fresh copy.
 */
export function maxHammingPermutations(n: number, opts: PermutationOptions = {}): PermutationSet {
  const seed = opts.seed ?? 0;
  const criterion = opts.criterion ?? "min";
  const k = opts.size ?? 9;
  if (!(Number.isInteger(k) && k >= 2 && k <= 10)) {
    throw new Error(`maxHammingPermutations: size must be an integer in [2, 10], got ${k}`);
  }
  let total = 1;
  for (let i = 2; i <= k; i++) total *= i;
  if (!(Number.isInteger(n) && n >= 1 && n <= total)) {
    throw new Error(`maxHammingPermutations: n must be an integer in [1, ${total}], got ${n}`);
  }
  if (criterion !== "min" && criterion !== "mean") {
    throw new Error(`maxHammingPermutations: criterion must be "min" or "mean", got ${criterion}`);
  }
  const key = `${n}/${seed}/${criterion}/${k}`;
  let set = cache.get(key);
  if (!set) {
    set = select(n, k, total, new Rng(seed), criterion);
    cache.set(key, set);
  }
  return {
    perms: set.perms.map((p) => [...p]),
    minDistance: set.minDistance,
    meanDistance: set.meanDistance,
  };
}

function select(
  n: number,
  k: number,
  total: number,
  rng: Rng,
  criterion: PermutationCriterion,
): PermutationSet {
  const all = allPermutations(k);
  // lists[i * k + v]: the candidates holding value v at position i ((k-1)! each), so the agreement counts with a
  // new permutation p are k list walks instead of a compare per (candidate, position).
  const per = total / k;
  const lists = Array.from({ length: k * k }, () => new Int32Array(per));
  const fillCount = new Int32Array(k * k);
  for (let c = 0, o = 0; c < total; c++, o += k) {
    for (let i = 0; i < k; i++) {
      const l = i * k + all[o + i];
      lists[l][fillCount[l]++] = c;
    }
  }
  const minD = new Uint8Array(total).fill(255);
  const sumD = new Uint32Array(total);
  const agree = new Uint8Array(total);
  const taken = new Uint8Array(total);
  // Ties are broken by a random priority per candidate, drawn once from the seed.
  const keys = new Uint32Array(total);
  for (let c = 0; c < total; c++) keys[c] = rng.u32();
  const useMin = criterion === "min";
  const chosen: number[] = [];
  let j = rng.int(total);
  for (let step = 0; step < n; step++) {
    chosen.push(j);
    taken[j] = 1;
    if (step === n - 1) break;
    agree.fill(0);
    for (let i = 0; i < k; i++) {
      const l = lists[i * k + all[j * k + i]];
      for (let q = 0; q < l.length; q++) agree[l[q]]++;
    }
    // Update the distances of every candidate to the chosen set, and find the best remaining one.
    let best = -1, bestPrimary = -1, bestSecondary = -1, bestKey = -1;
    for (let c = 0; c < total; c++) {
      const d = k - agree[c];
      if (d < minD[c]) minD[c] = d;
      const s = (sumD[c] += d);
      if (taken[c]) continue;
      const primary = useMin ? minD[c] : s;
      if (primary < bestPrimary) continue;
      const secondary = useMin ? s : 0;
      if (
        primary > bestPrimary || secondary > bestSecondary ||
        (secondary === bestSecondary && keys[c] > bestKey)
      ) {
        best = c;
        bestPrimary = primary;
        bestSecondary = secondary;
        bestKey = keys[c];
      }
    }
    j = best;
  }
  const perms = chosen.map((c) => Array.from(all.subarray(c * k, c * k + k)));
  let minDistance = k, sum = 0, pairs = 0;
  for (let a = 0; a < perms.length; a++) {
    for (let b = a + 1; b < perms.length; b++) {
      const d = hamming(perms[a], perms[b]);
      if (d < minDistance) minDistance = d;
      sum += d;
      pairs++;
    }
  }
  return { perms, minDistance, meanDistance: pairs ? sum / pairs : 0 };
}
