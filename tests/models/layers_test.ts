import { assert, assertAlmostEquals, assertEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { initBackend } from "../../lib/backend/mod.ts";
import { Rng } from "../../lib/rng.ts";
import {
  BatchNorm,
  collectVariables,
  Conv2d,
  countParameters,
  Dense,
  gelu,
  LayerNorm,
  Mlp,
  normalizeInput,
} from "../../lib/models/layers.ts";
import { maxAbsDiff, naiveConv, randn, useCpu } from "./_helpers.ts";

await useCpu();

Deno.test("Conv2d matches a naive convolution with PyTorch padding (stride 1 and 2, 1x1 and 3x3)", () => {
  for (const [k, stride, pad] of [[3, 1, 1], [3, 2, 1], [1, 2, 0]]) {
    const rng = new Rng(1);
    const conv = new Conv2d(rng, 3, 4, { kernel: k, stride, padding: pad });
    const x = randn(2, [2, 7, 8, 3]) as tf.Tensor4D;
    const y = conv.apply(x);
    const ref = naiveConv(
      x.dataSync() as Float32Array,
      x.shape,
      conv.weight.dataSync() as Float32Array,
      k,
      4,
      stride,
      pad,
    );
    assertEquals(y.shape, ref.shape);
    assertLess(maxAbsDiff(y.dataSync(), ref.data), 1e-4);
    // fused relu equals relu of the linear conv
    const yr = conv.apply(x, "relu");
    assertLess(maxAbsDiff(yr.dataSync(), ref.data.map((v) => Math.max(v, 0))), 1e-4);
    tf.dispose([x, y, yr]);
    conv.dispose();
  }
});

Deno.test("Conv2d He fan-out init has the right spread and no bias", () => {
  const conv = new Conv2d(new Rng(3), 16, 32, { kernel: 3 });
  const w = Array.from(conv.weight.dataSync());
  const std = Math.sqrt(w.reduce((a, v) => a + v * v, 0) / w.length);
  assertAlmostEquals(std, Math.sqrt(2 / (9 * 32)), 0.01);
  assertEquals(Object.keys(conv.namedVariables()), ["weight"]);
  assertEquals(countParameters(conv), 9 * 16 * 32);
  conv.dispose();
});

Deno.test("same seed gives identical weights", () => {
  const a = new Dense(new Rng(5), 4, 3), b = new Dense(new Rng(5), 4, 3);
  assertEquals(Array.from(a.weight.dataSync()), Array.from(b.weight.dataSync()));
  assertEquals(Array.from(a.bias!.dataSync()), Array.from(b.bias!.dataSync()));
  a.dispose();
  b.dispose();
});

Deno.test("BatchNorm training: batch statistics, PyTorch running-average update, eval uses running stats", () => {
  const bn = new BatchNorm(2);
  // channel 0 values 1..8, channel 1 values 2*(1..8)
  const vals: number[] = [];
  for (let i = 1; i <= 8; i++) vals.push(i, 2 * i);
  const x = tf.tensor4d(vals, [2, 2, 2, 2]);
  const y = bn.apply(x, true);
  const yd = y.dataSync();
  // normalised with biased variance: mean 4.5, var 5.25 (channel 0)
  assertAlmostEquals(yd[0], (1 - 4.5) / Math.sqrt(5.25 + 1e-5), 1e-5);
  assertAlmostEquals(yd[1], (2 - 9) / Math.sqrt(21 + 1e-5), 1e-5);
  const rm = bn.runningMean.dataSync(), rv = bn.runningVar.dataSync();
  assertAlmostEquals(rm[0], 0.45, 1e-6);
  assertAlmostEquals(rm[1], 0.9, 1e-6);
  // unbiased variance 6 and 24
  assertAlmostEquals(rv[0], 0.9 + 0.1 * 6, 1e-5);
  assertAlmostEquals(rv[1], 0.9 + 0.1 * 24, 1e-5);
  const ye = bn.apply(x, false);
  assertAlmostEquals(ye.dataSync()[0], (1 - 0.45) / Math.sqrt(1.5 + 1e-5), 1e-5);
  assertEquals(Object.keys(bn.namedVariables()), ["gamma", "beta", "runningMean", "runningVar"]);
  assertEquals(bn.trainableVariables().length, 2);
  tf.dispose([x, y, ye]);
  bn.dispose();
});

Deno.test("BatchNorm running stats update inside tf.variableGrads and gradients are right", () => {
  const bn = new BatchNorm(1);
  const x = tf.tensor2d([1, 2, 3, 6], [4, 1]);
  const before = tf.memory().numTensors;
  const { value, grads } = tf.variableGrads(
    () => tf.sum(tf.mul(bn.apply(x, true), tf.tensor2d([1, 0, 0, 0], [4, 1]))),
    bn.trainableVariables(),
  );
  // running mean after one update: 0.1 * 3
  assertAlmostEquals(bn.runningMean.dataSync()[0], 0.3, 1e-6);
  // d/dgamma = xhat_0, d/dbeta = 1
  const xhat0 = (1 - 3) / Math.sqrt(3.5 + 1e-5);
  assertAlmostEquals(grads[bn.gamma.name].dataSync()[0], xhat0, 1e-5);
  assertAlmostEquals(grads[bn.beta.name].dataSync()[0], 1, 1e-6);
  assertAlmostEquals(value.dataSync()[0], xhat0, 1e-5);
  tf.dispose([value, ...Object.values(grads)]);
  assertEquals(tf.memory().numTensors, before);
  // a second update inside tidy keeps the variable alive and correct
  tf.tidy(() => {
    bn.apply(x, true);
  });
  assertAlmostEquals(bn.runningMean.dataSync()[0], 0.3 * 0.9 + 0.3, 1e-6);
  assertEquals(tf.memory().numTensors, before);
  x.dispose();
  bn.dispose();
});

Deno.test("BatchNorm apply with relu equals relu(apply) in training and eval, gradients included", () => {
  const x = randn(21, [3, 4, 4, 2]);
  const w = randn(22, [3, 4, 4, 2]);
  const run = (fusedRelu: boolean) => {
    const bn = new BatchNorm(2);
    const f = () => {
      const y = fusedRelu ? bn.apply(x, true, "relu") : tf.relu(bn.apply(x, true));
      return tf.sum(tf.mul(y, w)) as tf.Scalar;
    };
    const { value, grads } = tf.variableGrads(f, bn.trainableVariables());
    const out = [value, grads[bn.gamma.name], grads[bn.beta.name]].map((t) => Array.from(t.dataSync()));
    const evalOut = tf.tidy(() =>
      Array.from((fusedRelu ? bn.apply(x, false, "relu") : tf.relu(bn.apply(x, false))).dataSync())
    );
    const stats = [...bn.runningMean.dataSync(), ...bn.runningVar.dataSync()];
    tf.dispose([value, ...Object.values(grads)]);
    bn.dispose();
    return [...out, evalOut, stats];
  };
  const a = run(true), b = run(false);
  for (let i = 0; i < a.length; i++) assertLess(maxAbsDiff(a[i], b[i]), 1e-5);
  tf.dispose([x, w]);
});

Deno.test("BatchNorm on wasm (fused kernels) matches cpu: output, running stats and gradients", async () => {
  const run = async (backend: "cpu" | "wasm") => {
    if (backend === "wasm") await initBackend("wasm", { quiet: true });
    else await useCpu();
    const bn = new BatchNorm(3, { momentum: 0.2 });
    const x = randn(31, [8, 5, 5, 3]).mul(3).add(1);
    const w = randn(32, [8, 5, 5, 3]);
    const { value, grads } = tf.variableGrads(
      () => tf.sum(tf.mul(bn.apply(x, true, "relu"), w)) as tf.Scalar,
      bn.trainableVariables(),
    );
    const out = [value, grads[bn.gamma.name], grads[bn.beta.name], bn.runningMean, bn.runningVar].map((t) =>
      Array.from(t.dataSync())
    );
    tf.dispose([x, w, value, ...Object.values(grads)]);
    bn.dispose();
    return out;
  };
  const wasm = await run("wasm");
  const cpu = await run("cpu");
  for (let i = 0; i < cpu.length; i++) {
    const scale = Math.max(...cpu[i].map(Math.abs), 1e-6);
    assertLess(maxAbsDiff(wasm[i], cpu[i]) / scale, 1e-4);
  }
});

Deno.test("BatchNorm rejects a channel mismatch and single-value batches", () => {
  const bn = new BatchNorm(3);
  const x = tf.zeros([2, 4]);
  assertThrows(() => bn.apply(x as tf.Tensor2D, true), Error, "expected 3 channels");
  const y = tf.zeros([1, 3]);
  assertThrows(() => bn.apply(y as tf.Tensor2D, true), Error, "more than one value");
  tf.dispose([x, y]);
  bn.dispose();
});

Deno.test("Dense computes x·W + b on rank-2 and rank-3 inputs", () => {
  const d = new Dense(new Rng(1), 3, 2);
  const x = randn(4, [2, 3]) as tf.Tensor2D;
  const W = d.weight.arraySync() as number[][], b = d.bias!.arraySync() as number[];
  const xs = x.arraySync();
  const ref = xs.map((row) => [0, 1].map((o) => row.reduce((s, v, i) => s + v * W[i][o], b[o])));
  assertLess(maxAbsDiff(d.apply(x).dataSync(), ref.flat()), 1e-5);
  const x3 = tf.reshape(x, [1, 2, 3]) as tf.Tensor3D;
  const y3 = d.apply(x3);
  assertEquals(y3.shape, [1, 2, 2]);
  assertLess(maxAbsDiff(y3.dataSync(), ref.flat()), 1e-5);
  assertThrows(() => d.apply(tf.zeros([2, 4]) as tf.Tensor2D), Error, "expected input [..., 3]");
  tf.dispose([x, x3, y3]);
  d.dispose();
});

Deno.test("LayerNorm normalises the last axis", () => {
  const ln = new LayerNorm(4, 1e-5);
  const x = tf.tensor2d([[1, 2, 3, 4], [0, 0, 0, 8]]);
  const y = ln.apply(x).arraySync() as number[][];
  const ref = (r: number[]) => {
    const m = r.reduce((a, b) => a + b) / r.length;
    const v = r.reduce((a, b) => a + (b - m) ** 2, 0) / r.length;
    return r.map((q) => (q - m) / Math.sqrt(v + 1e-5));
  };
  assertLess(maxAbsDiff(y.flat(), [...ref([1, 2, 3, 4]), ...ref([0, 0, 0, 8])]), 1e-5);
  x.dispose();
  ln.dispose();
});

Deno.test("gelu matches x·Φ(x) and its derivative Φ(x) + x·φ(x)", () => {
  const x = tf.tensor1d([-1, 0, 1, 2]);
  const y = gelu(x).dataSync();
  const ref = [-0.15865525, 0, 0.84134475, 1.95449974];
  assertLess(maxAbsDiff(y, ref), 1e-6);
  const g = tf.grad((t: tf.Tensor) => tf.sum(gelu(t)))(x).dataSync();
  assertLess(maxAbsDiff(g, [-0.08331547, 0.5, 1.08331547, 1.08523011]), 1e-5);
  x.dispose();
});

Deno.test("Mlp shapes and collectVariables naming", () => {
  const m = new Mlp(new Rng(1), 4, 8, 2);
  const x = tf.zeros([3, 5, 4]) as tf.Tensor3D;
  const y = m.apply(x);
  assertEquals(y.shape, [3, 5, 2]);
  assertEquals(Object.keys(m.namedVariables()), ["fc1.weight", "fc1.bias", "fc2.weight", "fc2.bias"]);
  const named = collectVariables({ a: m, list: [m], v: m.fc1.weight });
  assert("list.0.fc2.bias" in named && "a.fc1.weight" in named && "v" in named);
  assertEquals(countParameters(m), 4 * 8 + 8 + 8 * 2 + 2);
  tf.dispose([x, y]);
  m.dispose();
});

Deno.test("normalizeInput subtracts mean and divides by std per channel", () => {
  const x = tf.fill([1, 1, 1, 2], 0.5) as tf.Tensor4D;
  assertLess(maxAbsDiff(normalizeInput(x, [0.25, 0.5], [0.5, 2]).dataSync(), [0.5, 0]), 1e-7);
  assertThrows(() => normalizeInput(x, [0], [1]), Error, "2 channels");
  x.dispose();
});

Deno.test("gradient check: conv + BN (training) + dense model vs central finite differences", () => {
  const rng = new Rng(11);
  const conv = new Conv2d(rng, 2, 3, { kernel: 3, stride: 2 });
  const bn = new BatchNorm(3);
  const fc = new Dense(rng, 3, 2);
  const x = randn(12, [3, 5, 5, 2]) as tf.Tensor4D;
  const target = randn(13, [3, 2]);
  const vars = [...conv.trainableVariables(), ...bn.trainableVariables(), ...fc.trainableVariables()];
  // non-trivial gamma/beta so their gradients are not degenerate
  bn.gamma.assign(tf.tensor1d([1.5, 0.7, 1.1]));
  bn.beta.assign(tf.tensor1d([0.2, -0.3, 0.1]));
  const loss = () =>
    tf.tidy(() => {
      const h = tf.mean(tf.tanh(bn.apply(conv.apply(x), true)), [1, 2]) as tf.Tensor2D;
      return tf.sum(tf.square(tf.sub(fc.apply(h), target))) as tf.Scalar;
    });
  const { grads } = tf.variableGrads(loss, vars);
  const drng = new Rng(14);
  const eps = 1e-2;
  for (let trial = 0; trial < 4; trial++) {
    // random direction d over all variables: compare <g, d> with (L(θ+εd) - L(θ-εd)) / 2ε
    const dirs = vars.map((v) => randn(drng.seedInt(), v.shape));
    const analytic = vars.reduce(
      (s, v, i) => s + tf.tidy(() => tf.sum(tf.mul(grads[v.name], dirs[i])).dataSync()[0]),
      0,
    );
    const shift = (sign: number) =>
      vars.forEach((v, i) => v.assign(tf.tidy(() => tf.add(v, tf.mul(dirs[i], sign * eps)))));
    shift(1);
    const lp = loss().dataSync()[0];
    shift(-2);
    const lm = loss().dataSync()[0];
    shift(1);
    const numeric = (lp - lm) / (2 * eps);
    assertAlmostEquals(analytic, numeric, 2e-2 * Math.max(1, Math.abs(numeric)), `trial ${trial}`);
    tf.dispose(dirs);
  }
  // and one single-coordinate check per variable
  for (const v of vars) {
    const base = v.dataSync().slice();
    const g = grads[v.name].dataSync()[0];
    const set = (delta: number) => {
      const d = base.slice();
      d[0] += delta;
      v.assign(tf.tensor(d, v.shape));
    };
    set(eps);
    const lp = loss().dataSync()[0];
    set(-eps);
    const lm = loss().dataSync()[0];
    set(0);
    assertAlmostEquals(g, (lp - lm) / (2 * eps), 2e-2 * Math.max(1, Math.abs(g)));
  }
  tf.dispose([x, target, ...Object.values(grads)]);
  [conv, bn, fc].forEach((m) => m.dispose());
});
