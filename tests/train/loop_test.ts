import {
  assert,
  assertAlmostEquals,
  assertEquals,
  assertLess,
  assertRejects,
  assertStringIncludes,
} from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";
import { resnet } from "../../lib/models/resnet.ts";
import { linearHead } from "../../lib/models/heads.ts";
import { adam, adamw, sgd } from "../../lib/train/optimizers.ts";
import { constantLr } from "../../lib/train/schedules.ts";
import { NonFiniteError, trainLoop } from "../../lib/train/loop.ts";
import { loadCheckpoint } from "../../lib/train/checkpoint.ts";

await tf.setBackend("cpu");

/** A tiny supervised ResNet task whose batches depend only on (seed, step). */
function tinyTask(seed: number, blocks = [1, 1, 1, 1]) {
  const rng = new Rng(seed);
  const enc = resnet(rng.fork("enc"), { blocks, width: 2 });
  const head = linearHead(rng.fork("head"), enc.outDim, 3);
  const variables = [...enc.trainableVariables(), ...head.trainableVariables()];
  const named = { ...prefix("enc.", enc.namedVariables()), ...prefix("head.", head.namedVariables()) };
  const lossFn = (step: number) => {
    const r = rng.fork(`batch-${step}`);
    const x = tf.tensor4d(Float32Array.from({ length: 4 * 8 * 8 * 3 }, () => r.next()), [4, 8, 8, 3]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 2, r.int(3)], "int32"), 3);
    const logits = head.apply(enc.apply(x, { training: true }).h, { training: true });
    return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
  };
  const dispose = () => {
    enc.dispose();
    head.dispose();
  };
  return { enc, head, variables, named, lossFn, dispose };
}

function prefix(p: string, vars: Record<string, tf.Variable>): Record<string, tf.Variable> {
  return Object.fromEntries(Object.entries(vars).map(([k, v]) => [p + k, v]));
}

Deno.test("trainLoop fits a linear regression; onStep sees the scheduled lr", async () => {
  const w = tf.variable(tf.zeros([3, 1]));
  const X = tf.tensor2d([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]]);
  const Y = tf.tensor2d([[1], [-2], [3], [2]]);
  const lrs: number[] = [];
  const res = await trainLoop({
    steps: 200,
    variables: [w],
    optimizer: sgd([w], { momentum: 0.5 }),
    lr: (s) => (s < 100 ? 0.1 : 0.05),
    lossFn: () => tf.losses.meanSquaredError(Y, tf.matMul(X, w)) as tf.Scalar,
    onStep: (i) => void lrs.push(i.lr),
    progress: false,
  });
  assertEquals(res.status, "done");
  assertEquals(res.losses.length, 200);
  assertLess(res.losses[199], 1e-6);
  assertLess(Math.abs(w.dataSync()[1] + 2), 1e-3);
  assertEquals([lrs[0], lrs[99], lrs[100]], [0.1, 0.1, 0.05]);
  tf.dispose([w, X, Y]);
});

Deno.test("trainLoop: same seed gives identical losses; memory is constant over 50 ResNet+BN steps", async () => {
  // a two-stage ResNet (stem + 2 BasicBlocks, one with a projection shortcut) keeps this fast on the cpu backend
  const runOnce = async (steps: number, trackMemory: boolean) => {
    const task = tinyTask(42, [1, 1]);
    const opt = adam(task.variables);
    const counts: number[] = [];
    const res = await trainLoop({
      steps,
      variables: task.variables,
      optimizer: opt,
      lr: constantLr(0.01),
      lossFn: task.lossFn,
      onStep: () => void (trackMemory && counts.push(tf.memory().numTensors)),
      progress: false,
    });
    opt.dispose();
    task.dispose();
    return { losses: res.losses, counts };
  };
  const before = tf.memory().numTensors;
  const a = await runOnce(50, true);
  assertEquals(new Set(a.counts).size, 1, `tensor count drifted: ${a.counts.join(",")}`);
  assertEquals(tf.memory().numTensors, before, "tensors left after disposing model and optimizer");
  const b = await runOnce(10, false);
  assertEquals(b.losses, a.losses.slice(0, 10));
  assert(a.losses.every(Number.isFinite));
  assertLess(
    a.losses.slice(-5).reduce((s, x) => s + x) / 5,
    a.losses.slice(0, 5).reduce((s, x) => s + x) / 5,
  );
});

Deno.test("trainLoop checkpoints and resumes exactly (weights, BN statistics, Adam state, loss history)", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/ck.bin`;
  const full = async (steps: number, ckPath?: string, meta?: Record<string, unknown>) => {
    const task = tinyTask(7);
    const opt = adam(task.variables);
    let resumedMeta: Record<string, unknown> | null = null;
    const res = await trainLoop({
      steps,
      seed: 7,
      variables: task.variables,
      optimizer: opt,
      lr: constantLr(0.01),
      lossFn: task.lossFn,
      checkpoint: ckPath
        ? { path: ckPath, every: 3, variables: task.named, meta: () => meta ?? {} }
        : undefined,
      onResume: (m) => void (resumedMeta = m),
      progress: false,
    });
    const finalRm = Array.from(task.enc.stemBn.runningMean.dataSync());
    opt.dispose();
    task.dispose();
    return { res, finalRm, resumedMeta };
  };
  const straight = await full(8);
  const first = await full(4, path, { cursor: 4 }); // "interrupted" after 4 steps (checkpoint at 3 and 4)
  assertEquals(first.res.resumedFrom, null);
  assertEquals((await loadCheckpoint(path)).step, 4);
  const resumed = await full(8, path);
  assertEquals(resumed.res.resumedFrom, 4);
  assertEquals(resumed.resumedMeta, { cursor: 4 });
  assertEquals(resumed.res.losses, straight.res.losses);
  assertEquals(resumed.finalRm, straight.finalRm);
  const ck = await loadCheckpoint(path);
  assertEquals(ck.step, 8);
  assert("optimizer.t" in ck.tensors && "enc.stem.bn.runningVar" in ck.tensors);
  // a different seed refuses to resume
  const task = tinyTask(7);
  const opt = adam(task.variables);
  await assertRejects(
    () =>
      trainLoop({
        steps: 9,
        seed: 8,
        variables: task.variables,
        optimizer: opt,
        lr: constantLr(0.01),
        lossFn: task.lossFn,
        checkpoint: { path, every: 3, variables: task.named },
        progress: false,
      }),
    Error,
    "written with seed 7",
  );
  opt.dispose();
  task.dispose();
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainLoop stops on a non-finite loss with a one-line message and keeps the last good checkpoint", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/ck.bin`;
  const w = tf.variable(tf.tensor1d([1, 2]));
  const opt = sgd([w]);
  const lossFn = (step: number) => (step === 5 ? tf.mul(tf.sum(w), NaN) : tf.sum(tf.square(w))) as tf.Scalar;
  const base = {
    steps: 10,
    variables: [w],
    optimizer: opt,
    lr: constantLr(0.1),
    lossFn,
    progress: false as const,
  };
  const err = await assertRejects(
    () => trainLoop({ ...base, checkpoint: { path, every: 2 } }),
    NonFiniteError,
    "non-finite loss NaN at step 5",
  );
  assert(!err.message.includes("\n"));
  assertStringIncludes(err.message, `last good checkpoint kept at ${path}`);
  const ck = await loadCheckpoint(path);
  assertEquals(ck.step, 4);
  // the weights after 4 steps of w <- w - 0.1·2w = 0.8·w
  assertAlmostEquals(ck.tensors["var.0"].data[0], 0.8 ** 4, 1e-6);
  // the failing step did not touch the weights (5 good steps ran)
  assertAlmostEquals(w.dataSync()[0], 0.8 ** 5, 1e-6);
  // "stop" mode returns instead of throwing
  const w2 = tf.variable(tf.tensor1d([1]));
  const res = await trainLoop({
    steps: 10,
    variables: [w2],
    optimizer: sgd([w2]),
    lr: constantLr(0.1),
    lossFn: (s) => (s === 2 ? tf.div(tf.sum(w2), 0) : tf.sum(w2)) as tf.Scalar,
    onNonFinite: "stop",
    progress: false,
  });
  assertEquals([res.status, res.steps, res.losses.length], ["non-finite", 2, 2]);
  assertStringIncludes(res.message!, "non-finite loss Infinity at step 2");
  tf.dispose([w, w2]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainLoop guards non-finite gradients and clips the global gradient norm", async () => {
  const w = tf.variable(tf.tensor1d([0, 0]));
  // gradient (3, 4): norm 5, clipped to 1 -> update -lr·(0.6, 0.8)
  const res = await trainLoop({
    steps: 1,
    variables: [w],
    optimizer: sgd([w]),
    lr: constantLr(1),
    lossFn: () => tf.sum(tf.mul(w, tf.tensor1d([3, 4]))) as tf.Scalar,
    clipGradNorm: 1,
    onStep: (i) => assertAlmostEquals(i.gradNorm!, 5, 1e-6),
    progress: false,
  });
  assertEquals(res.status, "done");
  assertLess(Math.abs(w.dataSync()[0] + 0.6) + Math.abs(w.dataSync()[1] + 0.8), 1e-5);
  // sqrt at 0 has an infinite derivative: finite loss, non-finite gradient
  const v = tf.variable(tf.tensor1d([0]));
  await assertRejects(
    () =>
      trainLoop({
        steps: 3,
        variables: [v],
        optimizer: sgd([v]),
        lr: constantLr(1),
        lossFn: () => tf.sum(tf.sqrt(v)) as tf.Scalar,
        progress: false,
      }),
    NonFiniteError,
    "non-finite gradient",
  );
  assertEquals(v.dataSync()[0], 0);
  tf.dispose([w, v]);
});

Deno.test("trainLoop validates its options", async () => {
  const w = tf.variable(tf.tensor1d([0]));
  const nt = tf.variable(tf.tensor1d([0]), false);
  const base = {
    variables: [w],
    optimizer: sgd([w]),
    lr: constantLr(1),
    lossFn: () => tf.sum(w) as tf.Scalar,
    progress: false as const,
  };
  await assertRejects(() => trainLoop({ ...base, steps: -1 }), Error, "steps must be");
  await assertRejects(() => trainLoop({ ...base, steps: 1, variables: [nt] }), Error, "not trainable");
  await assertRejects(
    () => trainLoop({ ...base, steps: 1, checkpoint: { path: "/tmp/x", every: 0 } }),
    Error,
    "checkpoint.every",
  );
  await assertRejects(
    () => trainLoop({ ...base, steps: 1, lossFn: () => tf.ones([2]) as unknown as tf.Scalar }),
    Error,
    "scalar",
  );
  tf.dispose([w, nt]);
});

Deno.test("trainLoop refuses a checkpoint that would not restore every trained variable, or another optimizer's", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/ck.bin`;
  const w = tf.variable(tf.tensor1d([1, 2]));
  const b = tf.variable(tf.tensor1d([0.5]));
  const base = {
    steps: 2,
    variables: [w, b],
    lr: constantLr(0.1),
    lossFn: () => tf.add(tf.sum(tf.square(w)), tf.sum(b)) as tf.Scalar,
    progress: false as const,
  };
  // b is trained but not checkpointed: a resume would silently restart it from its initial value
  await assertRejects(
    () => trainLoop({ ...base, optimizer: sgd([w, b]), checkpoint: { path, every: 1, variables: { w } } }),
    Error,
    "checkpoint.variables lacks trained variables[1]",
  );
  assertEquals(await Deno.stat(path).then(() => true, () => false), false);
  // a checkpoint written by adam is not resumed by adamw (same state names, different update rule)
  const opt = adam([w, b]);
  await trainLoop({ ...base, optimizer: opt, checkpoint: { path, every: 1 } });
  const other = adamw([w, b]);
  await assertRejects(
    () => trainLoop({ ...base, steps: 3, optimizer: other, checkpoint: { path, every: 1 } }),
    Error,
    "written by optimizer adam, this run uses adamw",
  );
  opt.dispose();
  other.dispose();
  tf.dispose([w, b]);
  await Deno.remove(dir, { recursive: true });
});

Deno.test("trainLoop refuses a resume whose learning rates, optimizer settings or fingerprint differ", async () => {
  const dir = await Deno.makeTempDir();
  const path = `${dir}/ck.bin`;
  const w = tf.variable(tf.tensor1d([1, 2]));
  const base = {
    variables: [w],
    lossFn: () => tf.sum(tf.square(w)) as tf.Scalar,
    checkpoint: { path, every: 1 },
    progress: false as const,
  };
  const run = (o: { steps: number; lr: (s: number) => number; momentum?: number; fingerprint?: unknown }) => {
    const opt = sgd([w], { momentum: o.momentum ?? 0.5 });
    return trainLoop({ ...base, ...o, optimizer: opt }).finally(() => opt.dispose());
  };
  await run({ steps: 3, lr: constantLr(0.1), fingerprint: { data: "a" } });
  const before = await Deno.readFile(path);
  const refused = async (o: Parameters<typeof run>[0], text: string) => {
    const e = await assertRejects(() => run(o), Error, text);
    assert(!e.message.includes("\n"));
    assertEquals(await Deno.readFile(path), before, "the checkpoint is untouched");
  };
  await refused(
    { steps: 5, lr: constantLr(0.2), fingerprint: { data: "a" } },
    "took step 0 at learning rate 0.1",
  );
  await refused({ steps: 5, lr: (s) => (s < 2 ? 0.1 : 0.3), fingerprint: { data: "a" } }, "took step 2");
  await refused(
    { steps: 5, lr: constantLr(0.1), momentum: 0.9, fingerprint: { data: "a" } },
    'other training options (optimizerConfig: {"momentum":0.5',
  );
  await refused({ steps: 5, lr: constantLr(0.1), fingerprint: { data: "b" } }, "fingerprint");
  // the same options (a constant rate continued further) resume
  const res = await run({ steps: 5, lr: constantLr(0.1), fingerprint: { data: "a" } });
  assertEquals(res.resumedFrom, 3);
  w.dispose();
  await Deno.remove(dir, { recursive: true });
});
