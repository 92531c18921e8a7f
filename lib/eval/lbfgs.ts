/**
 * A deterministic full-batch L-BFGS minimiser over one tf tensor of parameters, used to fit linear probes.
 *
 * Standard two-loop recursion (Nocedal & Wright, Algorithm 7.4) with history `memory`, initial Hessian scaling
 * γ = sᵀy / yᵀy, and a backtracking line search (halving, first trial step 1, or 1/‖g‖₁ on the first
 * iteration) accepting the Armijo condition (c₁ = 1e-4) or, where float32 cannot resolve the decrease, an
 * approximate-Wolfe step (f within 1e-6 relative and |gₙᵀd| <= 0.9 |gᵀd|). Curvature pairs with sᵀy <= 1e-10·‖s‖‖y‖ are skipped, so the implicit Hessian
 * stays positive definite. Stops when ‖g‖∞ <= `gradTol`, when the relative decrease of f over an iteration is
 * below `funTol` (off by default), when the line search cannot decrease f (float32 precision reached), or after `maxIter`
 * iterations. Every tensor it makes is disposed, except the returned `x`.
 *
 * The minimiser is asynchronous: every scalar it needs on the host (dot products, norms, f) is read with
 * `await t.data()`, never `dataSync()`, because synchronous reads fail on the webgpu backend under Deno.
 *
 * @module
 */
import { tf } from "../tf.ts";

/**
 * What an objective returns at x: f(x), as a number or as a scalar tensor (read asynchronously and disposed by
 * `lbfgs`), and the gradient, a fresh tensor of x's shape (disposed by `lbfgs`).
 */
export interface ValueAndGradResult {
  /** f(x): a number, or a scalar tensor that `lbfgs` reads with `await value.data()` and then disposes. */
  value: number | tf.Tensor;
  /** ∇f(x), x's shape; `lbfgs` owns (and disposes) it. */
  grad: tf.Tensor;
}

/**
 * An objective: value and gradient at x, returned directly or as a promise. Return the value as a tensor rather
 * than reading it with `dataSync()`, so that the objective also works on backends without synchronous reads.
 */
export type ValueAndGrad = (x: tf.Tensor) => ValueAndGradResult | Promise<ValueAndGradResult>;

/** Options of `lbfgs`. */
export interface LbfgsOptions {
  /** Maximum iterations (default 200). */
  maxIter?: number;
  /** Stop when max |g_i| <= gradTol (default 1e-5). */
  gradTol?: number;
  /** When > 0, stop when (f_prev − f) <= funTol · max(1, |f|) (default 0: off, float32 f is too coarse). */
  funTol?: number;
  /** Number of curvature pairs kept (default 10). */
  memory?: number;
}

/** The outcome of a minimisation. */
export interface LbfgsResult {
  /** The minimiser found (the caller owns it). */
  x: tf.Tensor;
  /** f(x). */
  value: number;
  /** max |∇f(x)|. */
  gradInfNorm: number;
  /** Iterations run. */
  iterations: number;
  /** Objective evaluations. */
  evaluations: number;
  /** Why it stopped. */
  reason: "gradTol" | "funTol" | "lineSearch" | "maxIter";
}

/** Read a scalar tensor asynchronously and dispose it. */
async function readScalar(t: tf.Tensor): Promise<number> {
  try {
    return (await t.data())[0];
  } finally {
    t.dispose();
  }
}

function dot(a: tf.Tensor, b: tf.Tensor): Promise<number> {
  return readScalar(tf.tidy(() => tf.sum(tf.mul(a, b))));
}

function infNorm(a: tf.Tensor): Promise<number> {
  return readScalar(tf.tidy(() => tf.max(tf.abs(a))));
}

/** Evaluate the objective; a tensor value is read asynchronously and disposed (the gradient too on failure). */
/** {@link evaluate} at a point the caller created: `x` is disposed if the objective throws. */
async function evaluateOwned(f: ValueAndGrad, x: tf.Tensor): Promise<{ value: number; grad: tf.Tensor }> {
  try {
    return await evaluate(f, x);
  } catch (e) {
    x.dispose();
    throw e;
  }
}

async function evaluate(f: ValueAndGrad, x: tf.Tensor): Promise<{ value: number; grad: tf.Tensor }> {
  const { value, grad } = await f(x);
  if (typeof value === "number") return { value, grad };
  try {
    return { value: await readScalar(value), grad };
  } catch (e) {
    grad.dispose();
    throw e;
  }
}

/**
 * Minimise f from x0 (not modified, not disposed). Asynchronous: reads tensors with `await t.data()` only.
 * @param f objective returning its value (number or scalar tensor) and a fresh gradient tensor (both disposed
 *   here)
 */
export async function lbfgs(f: ValueAndGrad, x0: tf.Tensor, opts: LbfgsOptions = {}): Promise<LbfgsResult> {
  const maxIter = opts.maxIter ?? 200, gradTol = opts.gradTol ?? 1e-5, funTol = opts.funTol ?? 0;
  const memory = opts.memory ?? 10;
  if (!(Number.isInteger(maxIter) && maxIter >= 0)) throw new Error(`lbfgs: maxIter must be an integer >= 0`);
  if (!(Number.isInteger(memory) && memory >= 1)) throw new Error(`lbfgs: memory must be an integer >= 1`);
  let x = tf.clone(x0);
  let { value: fx, grad: g } = await evaluateOwned(f, x);
  let evaluations = 1;
  if (!Number.isFinite(fx)) {
    tf.dispose([x, g]);
    throw new Error(`lbfgs: objective is not finite at the starting point (${fx})`);
  }
  const S: tf.Tensor[] = [], Y: tf.Tensor[] = [], rho: number[] = [];
  let gNorm = await infNorm(g);
  let iterations = 0;
  let reason: LbfgsResult["reason"] = "maxIter";
  try {
    if (gNorm <= gradTol) {
      reason = "gradTol";
      return { x, value: fx, gradInfNorm: gNorm, iterations, evaluations, reason };
    }
    while (iterations < maxIter) {
      iterations++;
      // Two-loop recursion: d = −H g.
      const alpha: number[] = new Array(S.length);
      let q = tf.clone(g);
      for (let i = S.length - 1; i >= 0; i--) {
        alpha[i] = rho[i] * await dot(S[i], q);
        const next = tf.tidy(() => tf.sub(q, tf.mul(alpha[i], Y[i])));
        q.dispose();
        q = next;
      }
      const gamma = S.length > 0
        ? await dot(S[S.length - 1], Y[Y.length - 1]) / await dot(Y[Y.length - 1], Y[Y.length - 1])
        : 1;
      let r = tf.mul(q, gamma);
      q.dispose();
      for (let i = 0; i < S.length; i++) {
        const beta = rho[i] * await dot(Y[i], r);
        const next = tf.tidy(() => tf.add(r, tf.mul(alpha[i] - beta, S[i])));
        r.dispose();
        r = next;
      }
      let d = tf.neg(r);
      r.dispose();
      let slope = await dot(g, d);
      if (!(slope < 0)) {
        // Not a descent direction (numerical trouble): forget the history, take steepest descent.
        d.dispose();
        tf.dispose([...S, ...Y]);
        S.length = Y.length = rho.length = 0;
        d = tf.neg(g);
        slope = -(await dot(g, g));
      }
      let res: LbfgsResult | undefined;
      try {
        res = await lineSearch(d, slope);
      } finally {
        d.dispose();
      }
      if (res) return res;
    }
    return { x, value: fx, gradInfNorm: gNorm, iterations, evaluations, reason };
  } finally {
    tf.dispose([g, ...S, ...Y]);
  }

  /** Backtracking Armijo search along d; returns a result to stop, or undefined to continue. */
  async function lineSearch(d: tf.Tensor, slope: number): Promise<LbfgsResult | undefined> {
    let step = S.length === 0 && iterations === 1
      ? Math.min(1, 1 / await readScalar(tf.tidy(() => tf.sum(tf.abs(g)))))
      : 1;
    for (let k = 0; k < 30; k++) {
      const xn = tf.tidy(() => tf.add(x, tf.mul(step, d)));
      const { value: fn, grad: gn } = await evaluateOwned(f, xn);
      evaluations++;
      const armijo = fn <= fx + 1e-4 * step * slope;
      // Near the optimum float32 cannot resolve the decrease of f; then accept a step that keeps f within
      // rounding and satisfies the strong-Wolfe curvature condition (approximate Wolfe, Hager & Zhang 2005).
      const approx = !armijo && fn <= fx + 1e-6 * Math.abs(fx) &&
        Math.abs(await dot(gn, d)) <= 0.9 * Math.abs(slope);
      if (Number.isFinite(fn) && (armijo || approx)) {
        const s = tf.sub(xn, x), y = tf.sub(gn, g);
        const [sy, ss, yy] = await Promise.all([dot(s, y), dot(s, s), dot(y, y)]);
        const scale = Math.sqrt(ss * yy);
        if (sy > 1e-10 * scale) {
          S.push(s);
          Y.push(y);
          rho.push(1 / sy);
          if (S.length > memory) {
            S.shift()!.dispose();
            Y.shift()!.dispose();
            rho.shift();
          }
        } else tf.dispose([s, y]);
        const fPrev = fx;
        x.dispose();
        g.dispose();
        x = xn;
        g = gn;
        fx = fn;
        gNorm = await infNorm(g);
        if (gNorm <= gradTol) {
          return { x, value: fx, gradInfNorm: gNorm, iterations, evaluations, reason: "gradTol" };
        }
        if (funTol > 0 && fPrev - fx <= funTol * Math.max(1, Math.abs(fx))) {
          return { x, value: fx, gradInfNorm: gNorm, iterations, evaluations, reason: "funTol" };
        }
        return undefined;
      }
      tf.dispose([xn, gn]);
      step *= 0.5;
    }
    return { x, value: fx, gradInfNorm: gNorm, iterations, evaluations, reason: "lineSearch" };
  }
}
