import { assert, assertEquals, assertGreater, assertRejects } from "@std/assert";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import { linearProbe, logspace, stratifiedSplit } from "../../lib/eval/linear_probe.ts";
import type { FeatureSet } from "../../lib/eval/features.ts";
import { withoutSyncReads } from "../_no_sync_reads.ts";

await initBackend("cpu", { quiet: true });

function blobs(rng: Rng, centers: number[][], perClass: number, noise: number): FeatureSet {
  const C = centers.length, d = centers[0].length, n = C * perClass;
  const features = new Float32Array(n * d), labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    labels[i] = i % C;
    for (let j = 0; j < d; j++) features[i * d + j] = centers[labels[i]][j] + noise * rng.normal();
  }
  return { features, n, dim: d, labels };
}

Deno.test("linearProbe: ~100% on separable synthetic data, with a Wilson CI and a full validation curve", async () => {
  const rng = new Rng(1);
  const centers = Array.from({ length: 4 }, () => Array.from({ length: 6 }, () => 3 * rng.normal()));
  const train = blobs(rng, centers, 30, 0.3), test = blobs(rng, centers, 25, 0.3);
  const r = await linearProbe(train, test, { l2Grid: [1e-4, 1e-2, 1] });
  assertEquals(r.accuracy.mean, 1);
  assertEquals(r.accuracy.n, 100);
  assert(r.accuracy.ci95[0] > 0.95 && r.accuracy.ci95[1] === 1);
  assertEquals(r.validation.map((v) => v.l2), [1e-4, 1e-2, 1]);
  for (const v of r.validation) assert(v.accuracy >= 0.9);
  assertEquals(r.trainAccuracy, 1);
});

Deno.test("linearProbe: noisy overlapping classes select a stronger penalty than separable ones do not need", async () => {
  const rng = new Rng(2);
  // 40 noise dimensions, 1 informative: overfitting is easy with weak L2.
  const d = 40;
  const mk = (n: number): FeatureSet => {
    const features = new Float32Array(n * d), labels = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      labels[i] = i % 2;
      for (let j = 0; j < d; j++) features[i * d + j] = rng.normal() + (j === 0 ? (labels[i] ? 1 : -1) : 0);
    }
    return { features, n, dim: d, labels };
  };
  const r = await linearProbe(mk(60), mk(400), { l2Grid: logspace(-4, 1, 6), seed: 3 });
  assertGreater(r.accuracy.mean, 0.7);
  assertGreater(r.bestL2, 1e-4);
});

Deno.test("linearProbe: never reads tensors synchronously (webgpu under Deno); identical result", async () => {
  const rng = new Rng(5);
  const centers = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => rng.normal()));
  const train = blobs(rng, centers, 20, 1), test = blobs(rng, centers, 10, 1);
  const opts = { l2Grid: [1e-3, 1e-1], seed: 1 };
  const plain = await linearProbe(train, test, opts);
  assertEquals(await withoutSyncReads(() => linearProbe(train, test, opts)), plain);
});

Deno.test("stratifiedSplit: per-class fractions, disjoint, covering, seeded", () => {
  const labels = Int32Array.from({ length: 50 }, (_, i) => (i < 40 ? 0 : 1));
  const a = stratifiedSplit(labels, 0.25, new Rng(4)), b = stratifiedSplit(labels, 0.25, new Rng(4));
  assertEquals(a, b);
  assertEquals(a.val.filter((i) => labels[i] === 0).length, 10);
  assertEquals(a.val.filter((i) => labels[i] === 1).length, 3);
  assertEquals([...a.train, ...a.val].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
});

Deno.test("linearProbe: bad input rejects with one-line errors", async () => {
  const f: FeatureSet = { features: new Float32Array(12), n: 6, dim: 2, labels: new Int32Array(6) };
  await assertRejects(() => linearProbe(f, { ...f, dim: 3, features: new Float32Array(18) }), Error, "dim");
  await assertRejects(() => linearProbe({ ...f, labels: new Int32Array(5) }, f), Error, "length mismatch");
  await assertRejects(() => linearProbe(f, f, { l2Grid: [] }), Error, "l2Grid");
  assertEquals(logspace(-2, 0, 3).map((v) => +v.toPrecision(12)), [0.01, 0.1, 1]);
});

Deno.test("linearProbe: one λ validates only when asked, and then the final fit is unchanged", async () => {
  const rng = new Rng(4);
  const centers = Array.from({ length: 3 }, () => Array.from({ length: 4 }, () => rng.normal()));
  const train = blobs(rng, centers, 30, 1), test = blobs(rng, centers, 20, 1);
  const plain = await linearProbe(train, test, { l2Grid: [1e-2] });
  assert(Number.isNaN(plain.validation[0].accuracy));
  const scored = await linearProbe(train, test, { l2Grid: [1e-2], validate: true });
  assert(scored.validation[0].accuracy >= 0 && scored.validation[0].accuracy <= 1);
  assertEquals(Array.from(scored.predictions), Array.from(plain.predictions));
});
