/**
 * Building blocks of the models: convolution, batch norm, dense, layer norm, GELU and a two-layer MLP.
 *
 * Every block is a small class holding `tf.Variable`s (no tfjs-layers) with an `apply` method and a
 * `namedVariables()` map of stable local names, which {@link collectVariables} prefixes into a model's paths
 * (e.g. `stage1.0.bn1.gamma`). Weights are initialised on the JS side from a seeded {@link Rng}.
 *
 * The forward passes use fused tfjs ops (`tf.fused.conv2d`, `tf.fused.matMul`, `tf.batchNorm`), which have fast
 * wasm kernels; under a gradient tape tfjs automatically un-fuses the activation so gradients stay exact.
 * Training-mode batch norm is `batchNormTraining` (`lib/backend/batch_norm.ts`): one op with a closed-form
 * gradient (optionally fused with the following ReLU) where the backend has the kernels, tfjs' ops elsewhere.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { batchNormTraining } from "../backend/batch_norm.ts";
import { heNormalValues, makeVariable, sizeOf, truncatedNormalValues, uniformValues } from "./init.ts";

/** Variables under stable path names. */
export type NamedVariables = Record<string, tf.Variable>;

/** Anything that can list its variables by name. */
export interface HasVariables {
  /** Variables by local path name. */
  namedVariables(): NamedVariables;
}

/**
 * Merge children's variables under `child.` prefixes. Arrays are numbered (`blocks.0.…`); a bare variable is
 * stored under its key.
 */
export function collectVariables(
  children: Record<string, HasVariables | readonly HasVariables[] | tf.Variable | null | undefined>,
): NamedVariables {
  const out: NamedVariables = {};
  for (const [key, child] of Object.entries(children)) {
    if (child == null) continue;
    if (child instanceof tf.Variable) {
      out[key] = child;
    } else if (Array.isArray(child)) {
      child.forEach((c: HasVariables, i: number) => {
        for (const [k, v] of Object.entries(c.namedVariables())) out[`${key}.${i}.${k}`] = v;
      });
    } else {
      for (const [k, v] of Object.entries((child as HasVariables).namedVariables())) out[`${key}.${k}`] = v;
    }
  }
  return out;
}

/** The trainable variables of a named map, in its (stable) insertion order. */
export function trainableOf(vars: NamedVariables): tf.Variable[] {
  return Object.values(vars).filter((v) => v.trainable);
}

/** Number of trainable scalars (what PyTorch's `sum(p.numel() for p in net.parameters())` counts). */
export function countParameters(m: HasVariables): number {
  return trainableOf(m.namedVariables()).reduce((n, v) => n + v.size, 0);
}

/** Dispose every variable of a named map. */
export function disposeVariables(vars: NamedVariables): void {
  for (const v of Object.values(vars)) v.dispose();
}

/** Base class: trainable list and disposal derived from `namedVariables()`. */
export abstract class Layer implements HasVariables {
  /** Variables by local path name. */
  abstract namedVariables(): NamedVariables;
  /** Variables updated by an optimizer. */
  trainableVariables(): tf.Variable[] {
    return trainableOf(this.namedVariables());
  }
  /** Free all variables. */
  dispose(): void {
    disposeVariables(this.namedVariables());
  }
}

/** Activations a fused op can apply. */
export type Activation = "linear" | "relu";

/** How a convolution's weights are initialised. */
export type ConvInit = "he-fan-out" | "he-fan-in" | "torch-default";

/** Options of {@link Conv2d}. */
export interface Conv2dOptions {
  /** Square kernel size (default 3). */
  kernel?: number;
  /** Stride (default 1). */
  stride?: number;
  /** Symmetric zero padding as PyTorch's `padding=` (default (kernel-1)/2 rounded down). */
  padding?: number;
  /** Add a bias (default false: convolutions are followed by batch norm). */
  bias?: boolean;
  /**
   * Initialisation (default "he-fan-out", as torchvision's ResNets: N(0, 2/(k²·out))). "he-fan-in" uses
   * k²·in; "torch-default" is PyTorch's `Conv2d` default U(±1/√(k²·in)).
   */
  init?: ConvInit;
}

/** 2-D convolution on NHWC tensors with a [k, k, in, out] filter and PyTorch-style symmetric padding. */
export class Conv2d extends Layer {
  /** Filter [k, k, inChannels, outChannels]. */
  readonly weight: tf.Variable;
  /** Optional bias [outChannels]. */
  readonly bias: tf.Variable | null;
  /** Kernel size. */
  readonly kernel: number;
  /** Stride. */
  readonly stride: number;
  /** Zero padding on each side. */
  readonly padding: number;

  /**
   * A freshly initialised convolution (defaults in {@link Conv2dOptions}: 3×3, stride 1, "same" padding for
   * odd kernels, no bias, "he-fan-out" init).
   * @param rng initialisation stream.
   * @param inChannels input channels.
   * @param outChannels output channels.
   */
  constructor(rng: Rng, readonly inChannels: number, readonly outChannels: number, opts: Conv2dOptions = {}) {
    super();
    const k = opts.kernel ?? 3;
    if (!(inChannels >= 1 && outChannels >= 1 && k >= 1)) {
      throw new Error(`Conv2d: invalid sizes in=${inChannels} out=${outChannels} kernel=${k}`);
    }
    this.kernel = k;
    this.stride = opts.stride ?? 1;
    this.padding = opts.padding ?? Math.floor((k - 1) / 2);
    const shape = [k, k, inChannels, outChannels];
    const init = opts.init ?? "he-fan-out";
    const fanIn = k * k * inChannels;
    const values = init === "torch-default"
      ? uniformValues(rng, shape, 1 / Math.sqrt(fanIn))
      : heNormalValues(rng, shape, init === "he-fan-in" ? fanIn : k * k * outChannels);
    this.weight = makeVariable(values, shape);
    this.bias = opts.bias
      ? makeVariable(uniformValues(rng, [outChannels], 1 / Math.sqrt(fanIn)), [outChannels])
      : null;
  }

  /** Convolve [B, H, W, in] -> [B, H', W', out], optionally followed by a fused activation. */
  apply(x: tf.Tensor4D, activation: Activation = "linear"): tf.Tensor4D {
    if (x.rank !== 4 || x.shape[3] !== this.inChannels) {
      throw new Error(`Conv2d: expected input [B, H, W, ${this.inChannels}], got [${x.shape.join(", ")}]`);
    }
    const pad = this.padding === 0 ? "valid" : this.padding;
    return tf.fused.conv2d({
      x,
      filter: this.weight as tf.Tensor4D,
      strides: this.stride,
      pad,
      bias: this.bias ?? undefined,
      activation,
    });
  }

  /** Variables: `weight` (and `bias`). */
  namedVariables(): NamedVariables {
    return this.bias ? { weight: this.weight, bias: this.bias } : { weight: this.weight };
  }
}

/** Options of {@link BatchNorm}. */
export interface BatchNormOptions {
  /** Running-average momentum as PyTorch: running = (1 - m)·running + m·batch (default 0.1). */
  momentum?: number;
  /** Variance epsilon (default 1e-5). */
  eps?: number;
  /** Initial scale γ (default 1; 0 gives "zero-init" residual branches). */
  gammaInit?: number;
}

/**
 * Batch normalisation over every axis but the last (channels): works for [B, C], [B, T, C] and [B, H, W, C].
 *
 * Training: normalises with the batch mean and biased variance and updates the running mean and the running
 * *unbiased* variance in place, exactly as PyTorch. The update is a side effect on non-trainable variables and
 * is safe inside `tf.variableGrads` / `tf.tidy`. Evaluation: normalises with the running statistics.
 */
export class BatchNorm extends Layer {
  /** Scale γ [C]. */
  readonly gamma: tf.Variable;
  /** Shift β [C]. */
  readonly beta: tf.Variable;
  /** Running mean [C] (non-trainable). */
  readonly runningMean: tf.Variable;
  /** Running unbiased variance [C] (non-trainable). */
  readonly runningVar: tf.Variable;
  /** Momentum of the running averages. */
  readonly momentum: number;
  /** Variance epsilon. */
  readonly eps: number;

  /**
   * γ = `gammaInit` (default 1), β = 0, running mean 0, running variance 1; momentum 0.1, eps 1e-5 default.
   * @param channels number of channels C.
   */
  constructor(readonly channels: number, opts: BatchNormOptions = {}) {
    super();
    if (!(channels >= 1)) throw new Error(`BatchNorm: channels must be >= 1, got ${channels}`);
    this.momentum = opts.momentum ?? 0.1;
    this.eps = opts.eps ?? 1e-5;
    this.gamma = makeVariable(opts.gammaInit ?? 1, [channels]);
    this.beta = makeVariable(0, [channels]);
    this.runningMean = makeVariable(0, [channels], false);
    this.runningVar = makeVariable(1, [channels], false);
  }

  /**
   * Normalise `x` (channels last), optionally followed by a ReLU (`activation = "relu"`: the same as
   * `tf.relu(bn.apply(x, training))`, computed as one fused op with one saved tensor where the backend has the
   * fused batch-norm kernels, see `lib/backend/batch_norm.ts`).
   */
  apply<T extends tf.Tensor>(x: T, training: boolean, activation: Activation = "linear"): T {
    const c = x.shape[x.rank - 1];
    if (c !== this.channels) {
      throw new Error(`BatchNorm: expected ${this.channels} channels, got shape [${x.shape.join(", ")}]`);
    }
    const relu = activation === "relu";
    if (!training) {
      return tf.tidy(() => {
        const z = tf.batchNorm(x, this.runningMean, this.runningVar, this.beta, this.gamma, this.eps);
        return (relu ? tf.relu(z) : z) as T;
      });
    }
    const n = x.size / c;
    if (n < 2) {
      throw new Error(`BatchNorm: training needs more than one value per channel, got shape [${x.shape}]`);
    }
    const { y, mean, variance } = batchNormTraining(
      x,
      this.gamma as tf.Tensor1D,
      this.beta as tf.Tensor1D,
      this.eps,
      { relu },
    );
    this.updateRunning(mean, variance, n);
    mean.dispose();
    variance.dispose();
    return y;
  }

  /**
   * Blend a batch's mean and biased variance (over `n` values per channel; the variance made unbiased) into
   * the running averages with weight `momentum`.
   */
  private updateRunning(mean: tf.Tensor1D, variance: tf.Tensor1D, n: number): void {
    const m = this.momentum;
    const newMean = tf.tidy(() => tf.add(tf.mul(this.runningMean, 1 - m), tf.mul(mean, m)));
    const newVar = tf.tidy(() => tf.add(tf.mul(this.runningVar, 1 - m), tf.mul(variance, (m * n) / (n - 1))));
    this.runningMean.assign(newMean);
    this.runningVar.assign(newVar);
    newMean.dispose();
    newVar.dispose();
  }

  /** Variables: `gamma`, `beta`, `runningMean`, `runningVar`. */
  namedVariables(): NamedVariables {
    return { gamma: this.gamma, beta: this.beta, runningMean: this.runningMean, runningVar: this.runningVar };
  }
}

/** How a dense layer's weights are initialised. */
export type DenseInit = "torch-default" | "he" | "xavier" | { std: number };

/** Options of {@link Dense}. */
export interface DenseOptions {
  /** Add a bias (default true). */
  bias?: boolean;
  /**
   * Initialisation (default "torch-default": weight and bias U(±1/√in), as PyTorch's `nn.Linear`). "he":
   * N(0, 2/in), zero bias. "xavier": U(±√(6/(in+out))), zero bias. `{std}`: truncated normal (ViTs use 0.02),
   * zero bias.
   */
  init?: DenseInit;
}

/** Fully connected layer y = x·W + b on [..., in] tensors (rank 2 or 3), W of shape [in, out]. */
export class Dense extends Layer {
  /** Weight [in, out]. */
  readonly weight: tf.Variable;
  /** Bias [out] or null. */
  readonly bias: tf.Variable | null;

  /**
   * A freshly initialised layer (default init "torch-default", with bias; see {@link DenseOptions}).
   * @param rng initialisation stream.
   * @param inDim input features.
   * @param outDim output features.
   */
  constructor(rng: Rng, readonly inDim: number, readonly outDim: number, opts: DenseOptions = {}) {
    super();
    if (!(inDim >= 1 && outDim >= 1)) throw new Error(`Dense: invalid sizes in=${inDim} out=${outDim}`);
    const init = opts.init ?? "torch-default";
    const shape = [inDim, outDim];
    let w: Float32Array;
    let b: Float32Array | number = 0;
    if (init === "torch-default") {
      w = uniformValues(rng, shape, 1 / Math.sqrt(inDim));
      b = uniformValues(rng, [outDim], 1 / Math.sqrt(inDim));
    } else if (init === "he") w = heNormalValues(rng, shape, inDim);
    else if (init === "xavier") w = uniformValues(rng, shape, Math.sqrt(6 / (inDim + outDim)));
    else w = truncatedNormalValues(rng, shape, init.std);
    this.weight = makeVariable(w, shape);
    this.bias = opts.bias === false ? null : makeVariable(b, [outDim]);
  }

  /** Apply to [B, in] or [B, T, in], with an optional fused activation. */
  apply<T extends tf.Tensor2D | tf.Tensor3D>(x: T, activation: Activation = "linear"): T {
    const last = x.shape[x.rank - 1];
    if ((x.rank !== 2 && x.rank !== 3) || last !== this.inDim) {
      throw new Error(
        `Dense: expected input [..., ${this.inDim}] of rank 2 or 3, got [${x.shape.join(", ")}]`,
      );
    }
    const x2 = x.rank === 2 ? (x as tf.Tensor2D) : tf.reshape(x, [-1, this.inDim]) as tf.Tensor2D;
    const y = tf.fused.matMul({
      a: x2,
      b: this.weight as tf.Tensor2D,
      bias: this.bias ?? undefined,
      activation,
    });
    return (x.rank === 2 ? y : tf.reshape(y, [x.shape[0], x.shape[1] as number, this.outDim])) as T;
  }

  /** Variables: `weight` (and `bias`). */
  namedVariables(): NamedVariables {
    return this.bias ? { weight: this.weight, bias: this.bias } : { weight: this.weight };
  }
}

/** Layer normalisation over the last axis with learnable scale and shift. */
export class LayerNorm extends Layer {
  /** Scale [dim]. */
  readonly gamma: tf.Variable;
  /** Shift [dim]. */
  readonly beta: tf.Variable;

  /**
   * γ = 1 and β = 0.
   * @param dim normalised (last) dimension.
   * @param eps variance epsilon (default 1e-6 as ViTs; PyTorch's default is 1e-5).
   */
  constructor(readonly dim: number, readonly eps = 1e-6) {
    super();
    if (!(dim >= 1)) throw new Error(`LayerNorm: dim must be >= 1, got ${dim}`);
    this.gamma = makeVariable(1, [dim]);
    this.beta = makeVariable(0, [dim]);
  }

  /** Normalise the last axis of `x`. */
  apply<T extends tf.Tensor>(x: T): T {
    if (x.shape[x.rank - 1] !== this.dim) {
      throw new Error(`LayerNorm: expected last dimension ${this.dim}, got shape [${x.shape.join(", ")}]`);
    }
    return tf.tidy(() => {
      const { mean, variance } = tf.moments(x, -1, true);
      const inv = tf.rsqrt(tf.add(variance, this.eps));
      return tf.add(tf.mul(tf.mul(tf.sub(x, mean), inv), this.gamma), this.beta) as T;
    });
  }

  /** Variables: `gamma`, `beta`. */
  namedVariables(): NamedVariables {
    return { gamma: this.gamma, beta: this.beta };
  }
}

/** Exact GELU: x·Φ(x) = 0.5·x·(1 + erf(x/√2)) (PyTorch's default `nn.GELU`). */
export function gelu<T extends tf.Tensor>(x: T): T {
  return tf.tidy(() => tf.mul(tf.mul(x, 0.5), tf.add(tf.erf(tf.mul(x, Math.SQRT1_2)), 1)) as T);
}

/** Transformer MLP: Dense(dim → hidden) → GELU → Dense(hidden → outDim). */
export class Mlp extends Layer {
  /** First layer. */
  readonly fc1: Dense;
  /** Second layer. */
  readonly fc2: Dense;

  /**
   * Two freshly initialised {@link Dense} layers.
   * @param rng initialisation stream.
   * @param dim input features.
   * @param hidden hidden features.
   * @param outDim output features (default dim).
   * @param init dense initialisation (default truncated normal std 0.02, as ViTs).
   */
  constructor(rng: Rng, dim: number, hidden: number, outDim = dim, init: DenseInit = { std: 0.02 }) {
    super();
    this.fc1 = new Dense(rng, dim, hidden, { init });
    this.fc2 = new Dense(rng, hidden, outDim, { init });
  }

  /** Apply to [B, dim] or [B, T, dim]. */
  apply<T extends tf.Tensor2D | tf.Tensor3D>(x: T): T {
    return tf.tidy(() => this.fc2.apply(gelu(this.fc1.apply(x))));
  }

  /** Variables: `fc1.*`, `fc2.*`. */
  namedVariables(): NamedVariables {
    return collectVariables({ fc1: this.fc1, fc2: this.fc2 });
  }
}

/** Fixed per-channel input normalisation (x - mean) / std for NHWC images in [0, 1]. */
export function normalizeInput(x: tf.Tensor4D, mean: readonly number[], std: readonly number[]): tf.Tensor4D {
  const c = x.shape[3];
  if (mean.length !== c || std.length !== c) {
    throw new Error(`normalizeInput: ${c} channels but mean/std have ${mean.length}/${std.length} entries`);
  }
  return tf.tidy(() => tf.div(tf.sub(x, tf.tensor1d(mean as number[])), tf.tensor1d(std as number[])));
}

/** Re-export for callers building shapes. */
export { sizeOf };
