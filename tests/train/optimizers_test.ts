import { assertEquals, assertLess, assertThrows } from "@std/assert";
import { tf } from "../../lib/tf.ts";
import { adam, adamw, excludeBiasAndNorm, lars, sgd } from "../../lib/train/optimizers.ts";
import type { Optimizer } from "../../lib/train/types.ts";

await tf.setBackend("cpu");

const P0 = [[1, -2, 0.5, 3], [0.25, -0.5]];
const GRADS = [
  [[0.5, 1, -0.25, 0.1], [1, -1]],
  [[0.4, -0.2, 0.3, 0.0], [0.5, 0.25]],
  [[-0.1, 0.6, 0.2, -0.3], [-1, 2]],
];

/** Run an optimizer for the three gradient steps on a [2,2] weight and a [2] bias; return final values. */
function run(make: (vars: tf.Variable[]) => Optimizer, lrs = [0.1, 0.05, 0.2]): number[][] {
  const vars = [tf.variable(tf.tensor2d(P0[0], [2, 2])), tf.variable(tf.tensor1d(P0[1]))];
  const opt = make(vars);
  const before = tf.memory().numTensors;
  GRADS.forEach((gs, k) => {
    const g = [tf.tensor2d(gs[0], [2, 2]), tf.tensor1d(gs[1])];
    opt.step(g, lrs[k]);
    tf.dispose(g);
  });
  assertEquals(tf.memory().numTensors, before, "optimizer step leaks tensors");
  const out = vars.map((v) => Array.from(v.dataSync()));
  vars.forEach((v) => v.dispose());
  opt.dispose();
  return out;
}

function close(actual: number[][], expected: number[][], tol = 1e-6) {
  const a = actual.flat(), e = expected.flat();
  assertEquals(a.length, e.length);
  for (let i = 0; i < a.length; i++) assertLess(Math.abs(a[i] - e[i]), tol, `index ${i}: ${a[i]} vs ${e[i]}`);
}

/** Scalar reference loops in float64, written from the update equations. */
function refRun(
  update: (p: number[], g: number[], state: number[][], lr: number, t: number, which: number) => void,
  lrs = [0.1, 0.05, 0.2],
) {
  const ps = P0.map((p) => p.slice());
  const states = ps.map((p) => [p.map(() => 0), p.map(() => 0)]);
  GRADS.forEach((gs, k) => ps.forEach((p, j) => update(p, gs[j], states[j], lrs[k], k + 1, j)));
  return ps;
}

Deno.test("sgd: plain step is p - lr·g (hand-computed)", () => {
  const vars = [tf.variable(tf.tensor1d([1, -2]))];
  const opt = sgd(vars);
  const g = [tf.tensor1d([0.5, 1])];
  opt.step(g, 0.1);
  close([Array.from(vars[0].dataSync())], [[0.95, -2.1]]);
  assertEquals(Object.keys(opt.stateVariables()), []);
  tf.dispose([...vars, ...g]);
});

Deno.test("sgd with momentum and weight decay matches hand-computed two steps", () => {
  const vars = [tf.variable(tf.tensor1d([1, -2]))];
  const opt = sgd(vars, { momentum: 0.9, weightDecay: 0.01 });
  const g = [tf.tensor1d([0.5, 1])];
  opt.step(g, 0.1);
  opt.step(g, 0.1);
  // step 1: g' = [0.51, 0.98] -> p = [0.949, -2.098]; step 2: g' = [0.50949, 0.97902],
  // b = 0.9·[0.51, 0.98] + g' = [0.96849, 1.86102] -> p = [0.852151, -2.284102]
  close([Array.from(vars[0].dataSync())], [[0.852151, -2.284102]]);
  tf.dispose([...vars, ...g]);
  opt.dispose();
});

Deno.test("sgd momentum / nesterov / decay filter against a float64 reference", () => {
  for (const nesterov of [false, true]) {
    const got = run((v) =>
      sgd(v, { momentum: 0.9, nesterov, weightDecay: 0.1, decayFilter: excludeBiasAndNorm })
    );
    const ref = refRun((p, g, [b], lr, _t, which) => {
      for (let i = 0; i < p.length; i++) {
        const gi = g[i] + (which === 0 ? 0.1 * p[i] : 0);
        b[i] = 0.9 * b[i] + gi;
        p[i] -= lr * (nesterov ? gi + 0.9 * b[i] : b[i]);
      }
    });
    close(got, ref);
  }
});

Deno.test("adam matches torch.optim.Adam's equations (with L2 decay)", () => {
  const got = run((v) => adam(v, { beta1: 0.8, beta2: 0.95, eps: 1e-6, weightDecay: 0.05 }));
  const ref = refRun((p, g, [m, v], lr, t) => {
    for (let i = 0; i < p.length; i++) {
      const gi = g[i] + 0.05 * p[i];
      m[i] = 0.8 * m[i] + 0.2 * gi;
      v[i] = 0.95 * v[i] + 0.05 * gi * gi;
      const mh = m[i] / (1 - 0.8 ** t), vh = v[i] / (1 - 0.95 ** t);
      p[i] -= (lr * mh) / (Math.sqrt(vh) + 1e-6);
    }
  });
  close(got, ref, 2e-6);
});

Deno.test("adam's first step moves each coordinate by ≈ lr·sign(g)", () => {
  const vars = [tf.variable(tf.tensor1d([0, 0, 0]))];
  const opt = adam(vars);
  const g = [tf.tensor1d([3, -0.01, 0])];
  opt.step(g, 0.1);
  close([Array.from(vars[0].dataSync())], [[-0.1, 0.1, 0]], 1e-5);
  assertEquals(Object.keys(opt.stateVariables()), ["t", "m.0", "v.0"]);
  assertEquals(opt.stateVariables().t.dataSync()[0], 1);
  tf.dispose([...vars, ...g]);
  opt.dispose();
});

Deno.test("adamw decouples the weight decay (torch.optim.AdamW)", () => {
  const got = run((v) => adamw(v, { weightDecay: 0.1, decayFilter: excludeBiasAndNorm }));
  const ref = refRun((p, g, [m, v], lr, t, which) => {
    for (let i = 0; i < p.length; i++) {
      if (which === 0) p[i] *= 1 - lr * 0.1;
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      p[i] -= (lr * m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    }
  });
  close(got, ref, 2e-6);
});

Deno.test("adamw lrScale: a variable scaled by s moves exactly as with learning rate s·lr, decay included", () => {
  const got = run((v) => adamw(v, { weightDecay: 0.1, lrScale: (_v, i) => (i === 0 ? 0.25 : 1) }));
  const ref = refRun((p, g, [m, v], lr0, t, which) => {
    const lr = which === 0 ? 0.25 * lr0 : lr0;
    for (let i = 0; i < p.length; i++) {
      p[i] *= 1 - lr * 0.1;
      m[i] = 0.9 * m[i] + 0.1 * g[i];
      v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
      p[i] -= (lr * m[i] / (1 - 0.9 ** t)) / (Math.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8);
    }
  });
  close(got, ref, 2e-6);
  const w = tf.variable(tf.zeros([2]));
  assertThrows(() => adamw([w], { lrScale: () => -1 }), Error, "lrScale");
  w.dispose();
});

Deno.test("lars: trust ratio on weights, plain momentum SGD on biases (SimCLR)", () => {
  for (const nesterov of [false, true]) {
    const got = run((v) => lars(v, { momentum: 0.9, weightDecay: 0.01, eta: 0.5, nesterov }));
    const ref = refRun((p, g, [b], lr, _t, which) => {
      const adapt = which === 0;
      const gd = g.map((gi, i) => gi + (adapt ? 0.01 * p[i] : 0));
      const wn = Math.hypot(...p), gn = Math.hypot(...gd);
      const r = adapt && wn > 0 && gn > 0 ? (0.5 * wn) / gn : 1;
      for (let i = 0; i < p.length; i++) {
        const sg = lr * r * gd[i];
        b[i] = 0.9 * b[i] + sg;
        p[i] -= nesterov ? 0.9 * b[i] + sg : b[i];
      }
    });
    close(got, ref, 2e-6);
  }
});

Deno.test("lars trust ratio is 1 when the weight norm is zero", () => {
  const vars = [tf.variable(tf.zeros([2, 2]))];
  const opt = lars(vars, { momentum: 0, weightDecay: 0 });
  const g = [tf.ones([2, 2])];
  opt.step(g, 0.5);
  close([Array.from(vars[0].dataSync())], [[-0.5, -0.5, -0.5, -0.5]]);
  tf.dispose([...vars, ...g]);
  opt.dispose();
});

Deno.test("optimizers skip null gradients entirely and validate their input", () => {
  const vars = [tf.variable(tf.tensor1d([1])), tf.variable(tf.tensor1d([2]))];
  const opt = sgd(vars, { momentum: 0.9, weightDecay: 0.5 });
  const g = tf.tensor1d([1]);
  opt.step([g, null], 1);
  assertEquals(Array.from(vars[1].dataSync()), [2]);
  assertThrows(() => opt.step([g], 1), Error, "got 1 gradients for 2 variables");
  assertThrows(() => opt.step([g, g], NaN), Error, "learning rate must be finite");
  assertThrows(() => opt.step([tf.zeros([2]), null], 1), Error, "gradient 0 has shape");
  assertThrows(() => sgd([]), Error, "no variables");
  assertThrows(() => sgd(vars, { nesterov: true }), Error, "nesterov needs momentum");
  assertThrows(() => adam(vars, { beta1: 1 }), Error, "beta1 must be in");
  tf.dispose([g, ...vars]);
  opt.dispose();
});

Deno.test("creating and disposing each optimizer leaves no tensors behind", () => {
  const v = tf.variable(tf.ones([3, 2]));
  const before = tf.memory().numTensors;
  for (
    const make of [() => sgd([v], { momentum: 0.9 }), () => adam([v]), () => adamw([v]), () => lars([v])]
  ) {
    const opt = make();
    const g = tf.ones([3, 2]);
    opt.step([g], 0.1);
    g.dispose();
    opt.dispose();
    assertEquals(tf.memory().numTensors, before, opt.name);
  }
  v.dispose();
});
