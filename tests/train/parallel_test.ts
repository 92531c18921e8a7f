import { assert, assertEquals, assertLess, assertRejects } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { DataParallel, loadRecipe, type RecipeConfig, recipeStep } from "../../lib/train/parallel/mod.ts";

await tf.setBackend("cpu");

const RECIPE = new URL("../../lib/train/parallel/encoder_recipe.ts", import.meta.url);
const B = 8, S = 8;

function batch(seed: number) {
  const x = Float32Array.from(
    { length: B * S * S * 3 },
    (_, i) => ((i * 2654435761 + seed * 97) % 1009) / 1009,
  );
  const labels = Int32Array.from({ length: B }, (_, i) => (i + seed) % 3);
  return { x: { data: x, shape: [B, S, S, 3] }, labels: { data: labels, shape: [B] } };
}

function config(task: "simclr" | "supervised"): RecipeConfig {
  return {
    seed: 3,
    encoder: "resnet10-w4",
    task,
    classes: 3,
    projectionDim: 8,
    imageSize: S,
    optimizer: "sgd",
  };
}

/** The same steps in-process (chunk = each worker's share), returning the trained variables flat. */
async function inProcess(task: "simclr" | "supervised", steps: number): Promise<Float32Array> {
  const r = await loadRecipe(RECIPE, config(task));
  for (let i = 0; i < steps; i++) {
    const b = batch(i);
    const x = tf.tensor(b.x.data, b.x.shape), y = tf.tensor(b.labels.data, b.labels.shape, "int32");
    recipeStep(r, x, y, { seed: i, lr: 0.05, chunk: B / 2 });
    tf.dispose([x, y]);
  }
  const flat = Float32Array.from(r.variables.flatMap((v) => Array.from(v.dataSync())));
  r.dispose();
  return flat;
}

function maxRelDiff(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) {
    num = Math.max(num, Math.abs(a[i] - b[i]));
    den = Math.max(den, Math.abs(b[i]));
  }
  return num / den;
}

for (const task of ["simclr", "supervised"] as const) {
  Deno.test(`2 workers (${task}): replicas stay bit-identical and match the in-process step`, async () => {
    const dp = await DataParallel.start({ recipe: RECIPE, config: config(task), workers: 2, backend: "cpu" });
    let weights: Float32Array[];
    try {
      assertEquals(dp.lossKind, task === "simclr" ? "embedding" : "mean");
      for (let i = 0; i < 3; i++) {
        const loss = await dp.step(batch(i), { seed: i, lr: 0.05 });
        assert(Number.isFinite(loss), `loss ${loss}`);
      }
      weights = await dp.weights();
    } finally {
      await dp.close();
    }
    assertEquals(weights[0].length, weights[1].length);
    assert(weights[0].every((v, i) => Object.is(v, weights[1][i])), "replicas differ");
    const ref = await inProcess(task, 3);
    // trainable variables come first; the state (running statistics) is averaged across workers instead of
    // updated twice in sequence, so only the trained variables are compared
    assertLess(maxRelDiff(weights[0].subarray(0, ref.length), ref), 1e-4);
  });
}

Deno.test("single-pass embedding steps equal recomputing ones bit for bit (cpu workers)", async () => {
  const run = async (embeddingStep: "single-pass" | "recompute") => {
    const dp = await DataParallel.start({
      recipe: RECIPE,
      config: config("simclr"),
      workers: 2,
      backend: "cpu",
      embeddingStep,
    });
    try {
      const losses = [];
      for (let i = 0; i < 3; i++) losses.push(await dp.step(batch(i), { seed: i, lr: 0.05 }));
      const timings = dp.lastTimings!;
      return { losses, weights: await dp.weights(), timings };
    } finally {
      await dp.close();
    }
  };
  const single = await run("single-pass"), recompute = await run("recompute");
  // the first step learns z's width by recomputing; the later ones run in one pass (no separate backward)
  assertEquals(single.timings.backward, 0);
  assert(recompute.timings.backward > 0);
  assertEquals(single.losses, recompute.losses);
  for (const w of [...single.weights, ...recompute.weights]) {
    assert(w.every((v, i) => Object.is(v, single.weights[0][i])), "weights differ");
  }
});

Deno.test("single-pass embedding steps on wasm workers: identical replicas, finite losses", async () => {
  const dp = await DataParallel.start({ recipe: RECIPE, config: config("simclr"), workers: 2 });
  try {
    const losses = [];
    for (let i = 0; i < 3; i++) losses.push(await dp.step(batch(i), { seed: i, lr: 0.05 }));
    assert(losses.every(Number.isFinite) && losses[2] !== 0, `losses ${losses}`);
    const [a, b] = await dp.weights();
    assert(a.every((v, i) => Object.is(v, b[i])), "replicas differ");
  } finally {
    await dp.close();
  }
});

Deno.test("DataParallel on wasm workers with chunks: identical replicas, finite losses", async () => {
  const dp = await DataParallel.start({ recipe: RECIPE, config: config("simclr"), workers: 2, chunk: 2 });
  try {
    const losses = [];
    for (let i = 0; i < 2; i++) losses.push(await dp.step(batch(i), { seed: i, lr: 0.05 }));
    assert(losses.every(Number.isFinite));
    const [a, b] = await dp.weights();
    assert(a.every((v, i) => Object.is(v, b[i])), "replicas differ");
    assert(dp.lastTimings !== null && dp.lastTimings.backward > 0);
  } finally {
    await dp.close();
  }
});

Deno.test("DataParallel reports a recipe that cannot be built, and terminates its workers", async () => {
  await assertRejects(
    () =>
      DataParallel.start({ recipe: RECIPE, config: { ...config("simclr"), encoder: "vgg" }, backend: "cpu" }),
    Error,
    "unknown encoder",
  );
});
