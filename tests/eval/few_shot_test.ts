import { assert, assertAlmostEquals, assertEquals, assertThrows } from "@std/assert";
import { Rng } from "../../lib/rng.ts";
import { fewShot } from "../../lib/eval/few_shot.ts";
import type { FeatureSet } from "../../lib/eval/features.ts";

function clusters(rng: Rng, C: number, per: number, d: number, spread: number, noise: number): FeatureSet {
  const centers = Array.from({ length: C }, () => Array.from({ length: d }, () => spread * rng.normal()));
  const n = C * per, features = new Float32Array(n * d), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % C;
    for (let j = 0; j < d; j++) features[i * d + j] = centers[labels[i]][j] + noise * rng.normal();
  }
  return { features, n, dim: d, labels };
}

Deno.test("fewShot: well-separated classes give 100%; pure noise gives chance (1/N) within the CI", () => {
  const rng = new Rng(1);
  const easy = fewShot(clusters(rng, 10, 25, 8, 5, 0.2), { episodes: 50, seed: 1 });
  assertEquals(easy.accuracy.mean, 1);
  assertEquals(easy.accuracy.n, 50);
  const noise = clusters(rng, 10, 25, 8, 0, 1);
  const r = fewShot(noise, { episodes: 300, ways: 5, shots: 1, queries: 5, seed: 2, metric: "cosine" });
  assert(r.accuracy.ci95[0] < 0.2 && 0.2 < r.accuracy.ci95[1], `CI ${r.accuracy.ci95} should contain 0.2`);
});

Deno.test("fewShot: seeded, CI is the t-interval of the episode accuracies, metric matters for scaled data", () => {
  const rng = new Rng(3);
  const data = clusters(rng, 6, 12, 4, 1, 0.8);
  const o = { episodes: 40, seed: 9, queries: 5 };
  const a = fewShot(data, o), b = fewShot(data, o);
  assertEquals(a.episodeAccuracies, b.episodeAccuracies);
  const m = a.episodeAccuracies.reduce((s, v) => s + v, 0) / 40;
  assertAlmostEquals(a.accuracy.mean, m, 1e-12);
  // Classes that differ only in norm (same direction) are separable by Euclidean distance, not by cosine.
  const d = 3, per = 20, dirs = [1, 4, 16];
  const features = new Float32Array(3 * per * d), labels = new Int32Array(3 * per);
  for (let i = 0; i < 3 * per; i++) {
    labels[i] = i % 3;
    for (let j = 0; j < d; j++) features[i * d + j] = dirs[labels[i]] * (1 + 0.02 * rng.normal());
  }
  const scaled: FeatureSet = { features, n: 3 * per, dim: d, labels };
  const eu = fewShot(scaled, { ways: 3, shots: 5, queries: 5, episodes: 20 });
  const cos = fewShot(scaled, { ways: 3, shots: 5, queries: 5, episodes: 20, metric: "cosine" });
  assertEquals(eu.accuracy.mean, 1);
  assert(cos.accuracy.mean < 0.8);
});

Deno.test("fewShot: bad input throws", () => {
  const rng = new Rng(4);
  const data = clusters(rng, 3, 5, 2, 1, 1);
  assertThrows(() => fewShot(data, { ways: 5 }), Error, "too few classes");
  assertThrows(() => fewShot(data, { ways: 2, shots: 0 }), Error, "shots");
});
