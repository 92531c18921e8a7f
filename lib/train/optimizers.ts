/**
 * Optimizers implementing the {@link Optimizer} contract: SGD (momentum, Nesterov, L2 weight decay), Adam (L2
 * decay), AdamW (decoupled decay) and LARS (layer-wise trust ratio, as SimCLR). The update rules follow
 * PyTorch's `torch.optim` (and SimCLR's TF `LARSOptimizer` for LARS), so hyper-parameters transfer.
 *
 * Per-variable options are predicates on (variable, index): `decayFilter` chooses which variables get weight
 * decay, `adaptFilter` which get LARS adaptation. The common convention "no decay / no adaptation for biases and
 * normalisation parameters" is {@link excludeBiasAndNorm} (rank ≤ 1 variables).
 *
 * State (moments, step counters) lives in `tf.Variable`s, so `stateVariables()` can be checkpointed and
 * restored by assignment, and updates never read values back to JS.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Optimizer } from "./types.ts";

/** Chooses variables for a per-variable option. */
export type VariableFilter = (v: tf.Variable, index: number) => boolean;

/** True for weights (rank ≥ 2), false for biases and normalisation scales/shifts (rank ≤ 1). */
export const excludeBiasAndNorm: VariableFilter = (v): boolean => v.rank >= 2;

/** Every variable. */
const all: VariableFilter = () => true;

function checkVariables(name: string, variables: readonly tf.Variable[]): void {
  if (variables.length === 0) throw new Error(`${name}: no variables to optimise`);
  variables.forEach((v, i) => {
    if (!(v instanceof tf.Variable)) throw new Error(`${name}: variables[${i}] is not a tf.Variable`);
    if (v.dtype !== "float32") {
      throw new Error(`${name}: variables[${i}] has dtype ${v.dtype}, expected float32`);
    }
  });
}

function checkGrads(
  name: string,
  variables: readonly tf.Variable[],
  grads: ReadonlyArray<tf.Tensor | null | undefined>,
  lr: number,
) {
  if (grads.length !== variables.length) {
    throw new Error(`${name}: got ${grads.length} gradients for ${variables.length} variables`);
  }
  if (!Number.isFinite(lr)) throw new Error(`${name}: learning rate must be finite, got ${lr}`);
  grads.forEach((g, i) => {
    if (g && !tf.util.arraysEqual(g.shape, variables[i].shape)) {
      throw new Error(
        `${name}: gradient ${i} has shape [${g.shape}] but its variable has [${variables[i].shape}]`,
      );
    }
  });
}

function zerosVariable(v: tf.Variable): tf.Variable {
  return tf.tidy(() => tf.variable(tf.zerosLike(v), false));
}

/** "1011…": which variables a per-variable option applies to, as one comparable string. */
function mask(flags: readonly boolean[]): string {
  return flags.map((f) => (f ? "1" : "0")).join("");
}

function checkRange(name: string, what: string, x: number, lo: number, hi: number): void {
  if (!(x >= lo && x < hi)) throw new Error(`${name}: ${what} must be in [${lo}, ${hi}), got ${x}`);
}

/** Options of {@link sgd}. */
export interface SgdOptions {
  /** Momentum μ (default 0). */
  momentum?: number;
  /** Nesterov momentum (default false; needs momentum > 0). */
  nesterov?: boolean;
  /** L2 weight decay added to the gradient (default 0). */
  weightDecay?: number;
  /** Which variables get weight decay (default all). */
  decayFilter?: VariableFilter;
}

/**
 * SGD as `torch.optim.SGD` (dampening 0): g ← g + wd·p; b ← μ·b + g; d = g + μ·b (Nesterov) or b; p ← p − lr·d.
 */
export function sgd(variables: tf.Variable[], opts: SgdOptions = {}): Optimizer {
  checkVariables("sgd", variables);
  const mu = opts.momentum ?? 0, wd = opts.weightDecay ?? 0, nesterov = opts.nesterov ?? false;
  checkRange("sgd", "momentum", mu, 0, 1);
  if (!(wd >= 0)) throw new Error(`sgd: weightDecay must be >= 0, got ${wd}`);
  if (nesterov && mu === 0) throw new Error("sgd: nesterov needs momentum > 0");
  const decays = variables.map((v, i) => wd > 0 && (opts.decayFilter ?? all)(v, i));
  const bufs = mu > 0 ? variables.map(zerosVariable) : [];
  return {
    name: "sgd",
    config: { momentum: mu, nesterov, weightDecay: wd, decayed: mask(decays) },
    step(grads, lr) {
      checkGrads("sgd", variables, grads, lr);
      tf.tidy(() => {
        variables.forEach((p, i) => {
          const g0 = grads[i];
          if (!g0) return;
          let g = decays[i] ? tf.add(g0, tf.mul(p, wd)) : g0;
          if (mu > 0) {
            const b = tf.add(tf.mul(bufs[i], mu), g);
            bufs[i].assign(b);
            g = nesterov ? tf.add(g, tf.mul(b, mu)) : b;
          }
          p.assign(tf.sub(p, tf.mul(g, lr)));
        });
      });
    },
    stateVariables() {
      return Object.fromEntries(bufs.map((b, i) => [`momentum.${i}`, b]));
    },
    dispose() {
      bufs.forEach((b) => b.dispose());
    },
  };
}

/** Options of {@link adam} and {@link adamw}. */
export interface AdamOptions {
  /** β1 (default 0.9). */
  beta1?: number;
  /** β2 (default 0.999). */
  beta2?: number;
  /** ε (default 1e-8). */
  eps?: number;
  /** Weight decay: L2 added to the gradient for Adam (default 0), decoupled for AdamW (default 0.01). */
  weightDecay?: number;
  /** Which variables get weight decay (default all). */
  decayFilter?: VariableFilter;
  /**
   * Per-variable multiplier of the learning rate (default 1), e.g. layer-wise decay for fine-tuning; it scales
   * the whole update of that variable, AdamW's decoupled decay included (as a PyTorch parameter group's lr).
   */
  lrScale?: (v: tf.Variable, i: number) => number;
}

function adamFamily(name: "adam" | "adamw", variables: tf.Variable[], opts: AdamOptions): Optimizer {
  checkVariables(name, variables);
  const b1 = opts.beta1 ?? 0.9, b2 = opts.beta2 ?? 0.999, eps = opts.eps ?? 1e-8;
  const wd = opts.weightDecay ?? (name === "adamw" ? 0.01 : 0);
  checkRange(name, "beta1", b1, 0, 1);
  checkRange(name, "beta2", b2, 0, 1);
  if (!(eps > 0)) throw new Error(`${name}: eps must be > 0, got ${eps}`);
  if (!(wd >= 0)) throw new Error(`${name}: weightDecay must be >= 0, got ${wd}`);
  const decays = variables.map((v, i) => wd > 0 && (opts.decayFilter ?? all)(v, i));
  const scales = variables.map((v, i) => opts.lrScale?.(v, i) ?? 1);
  scales.forEach((x, i) => {
    if (!(x >= 0 && Number.isFinite(x))) {
      throw new Error(`${name}: lrScale of variable ${i} must be >= 0, got ${x}`);
    }
  });
  const m = variables.map(zerosVariable), v2 = variables.map(zerosVariable);
  const t = tf.tidy(() => tf.variable(tf.scalar(0), false));
  return {
    name,
    config: {
      beta1: b1,
      beta2: b2,
      eps,
      weightDecay: wd,
      decayed: mask(decays),
      ...(opts.lrScale ? { lrScale: scales.join(",") } : {}),
    },
    step(grads, lr0) {
      checkGrads(name, variables, grads, lr0);
      tf.tidy(() => {
        const tNew = tf.add(t, 1) as tf.Scalar;
        t.assign(tNew);
        // bias corrections computed on the device from the step counter: update lr·m̂/(√v̂ + ε) with
        // m̂ = m/(1−β1^t) and v̂ = v/(1−β2^t), as PyTorch
        const bc1 = tf.sub(1, tf.pow(tf.scalar(b1), tNew));
        const bc2 = tf.sub(1, tf.pow(tf.scalar(b2), tNew));
        variables.forEach((p, i) => {
          const g0 = grads[i];
          if (!g0) return;
          const lr = lr0 * scales[i];
          let base: tf.Tensor = p;
          let g = g0;
          if (decays[i]) {
            if (name === "adamw") base = tf.mul(p, 1 - lr * wd);
            else g = tf.add(g0, tf.mul(p, wd));
          }
          const mi = tf.add(tf.mul(m[i], b1), tf.mul(g, 1 - b1));
          const vi = tf.add(tf.mul(v2[i], b2), tf.mul(tf.square(g), 1 - b2));
          m[i].assign(mi);
          v2[i].assign(vi);
          const denom = tf.add(tf.sqrt(tf.div(vi, bc2)), eps);
          p.assign(tf.sub(base, tf.mul(tf.div(tf.div(mi, bc1), denom), lr)));
        });
      });
    },
    stateVariables() {
      const out: Record<string, tf.Variable> = { t };
      m.forEach((x, i) => out[`m.${i}`] = x);
      v2.forEach((x, i) => out[`v.${i}`] = x);
      return out;
    },
    dispose() {
      [...m, ...v2, t].forEach((x) => x.dispose());
    },
  };
}

/** Adam as `torch.optim.Adam` (weight decay is L2 added to the gradient). */
export function adam(variables: tf.Variable[], opts: AdamOptions = {}): Optimizer {
  return adamFamily("adam", variables, opts);
}

/** AdamW as `torch.optim.AdamW`: p ← p·(1 − lr·wd) before the Adam step (default wd 0.01). */
export function adamw(variables: tf.Variable[], opts: AdamOptions = {}): Optimizer {
  return adamFamily("adamw", variables, opts);
}

/** Options of {@link lars}. */
export interface LarsOptions {
  /** Momentum μ (default 0.9). */
  momentum?: number;
  /** Weight decay (default 1e-6, SimCLR's value). */
  weightDecay?: number;
  /** Trust coefficient η (default 0.001). */
  eta?: number;
  /** Nesterov momentum (default false). */
  nesterov?: boolean;
  /** Which variables get weight decay (default {@link excludeBiasAndNorm}, as SimCLR). */
  decayFilter?: VariableFilter;
  /** Which variables get the trust-ratio adaptation (default {@link excludeBiasAndNorm}, as SimCLR). */
  adaptFilter?: VariableFilter;
}

/**
 * LARS as SimCLR's `LARSOptimizer`: g ← g + wd·p (decayed variables); for adapted variables
 * r = η·‖p‖/‖g‖ (1 when either norm is 0), else r = 1; b ← μ·b + lr·r·g; p ← p − b
 * (Nesterov: p ← p − (μ·b + lr·r·g)).
 */
export function lars(variables: tf.Variable[], opts: LarsOptions = {}): Optimizer {
  checkVariables("lars", variables);
  const mu = opts.momentum ?? 0.9, wd = opts.weightDecay ?? 1e-6, eta = opts.eta ?? 0.001;
  const nesterov = opts.nesterov ?? false;
  checkRange("lars", "momentum", mu, 0, 1);
  if (!(wd >= 0)) throw new Error(`lars: weightDecay must be >= 0, got ${wd}`);
  if (!(eta > 0)) throw new Error(`lars: eta must be > 0, got ${eta}`);
  const decays = variables.map((v, i) => wd > 0 && (opts.decayFilter ?? excludeBiasAndNorm)(v, i));
  const adapts = variables.map((v, i) => (opts.adaptFilter ?? excludeBiasAndNorm)(v, i));
  const bufs = variables.map(zerosVariable);
  return {
    name: "lars",
    config: { momentum: mu, nesterov, weightDecay: wd, eta, decayed: mask(decays), adapted: mask(adapts) },
    step(grads, lr) {
      checkGrads("lars", variables, grads, lr);
      tf.tidy(() => {
        variables.forEach((p, i) => {
          const g0 = grads[i];
          if (!g0) return;
          const g = decays[i] ? tf.add(g0, tf.mul(p, wd)) : g0;
          let scaledLr: tf.Tensor = tf.scalar(lr);
          if (adapts[i]) {
            const wn = tf.norm(p), gn = tf.norm(g);
            const ratio = tf.where(
              tf.logicalAnd(tf.greater(wn, 0), tf.greater(gn, 0)),
              tf.div(tf.mul(wn, eta), tf.maximum(gn, 1e-30)),
              tf.scalar(1),
            );
            scaledLr = tf.mul(ratio, lr);
          }
          const scaledG = tf.mul(g, scaledLr);
          const b = tf.add(tf.mul(bufs[i], mu), scaledG);
          bufs[i].assign(b);
          p.assign(tf.sub(p, nesterov ? tf.add(tf.mul(b, mu), scaledG) : b));
        });
      });
    },
    stateVariables() {
      return Object.fromEntries(bufs.map((b, i) => [`momentum.${i}`, b]));
    },
    dispose() {
      bufs.forEach((b) => b.dispose());
    },
  };
}
