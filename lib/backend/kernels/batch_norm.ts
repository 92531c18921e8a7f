/**
 * Training-mode batch normalisation (optionally followed by ReLU) as two wasm kernels, forward and backward,
 * each a couple of sequential passes over the data in JS on the wasm heap.
 *
 * tfjs composes the same computation from `moments` (mean, squared difference, mean), `batchNorm` and its
 * gradient (≈ 15 kernels, several of them broadcasting or tiling per-channel tensors to the full activation
 * size, each saving its inputs for the backward pass). Here, viewing `x` as [N, C] (channels last):
 *
 * - forward: one pass for the per-channel mean and biased variance (float64 sums of `x − x[0]`, shifted so
 *   that large means do not cancel), one pass for `y = a·x + b` with `a = γ/√(σ² + ε)`,
 *   `b = β − μ·a` (and `max(y, 0)` when fused with ReLU);
 * - backward (the closed form, with `g = dy`, or `dy·[a·x + b > 0]` with ReLU, recomputed from `x`):
 *   one pass for `Σg` and `Σg·(x − μ)`, one pass for
 *   `dx = a·(g − Σg/N − (x − μ)·r²·Σg·(x − μ)/N)` with `r = 1/√(σ² + ε)`, `dγ = r·Σg·(x − μ)`, `dβ = Σg`.
 *
 * The kernels' names are {@link BN_TRAIN} and {@link BN_TRAIN_GRAD}; `lib/backend/batch_norm.ts` wires them
 * into a differentiable op (and falls back to tfjs' ops on backends without them).
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { type KernelArgs, type WasmBackend, wasmKernelConfig } from "./compose.ts";

/** Name of the forward kernel: inputs `{x, gamma, beta}`, attrs {@link BatchNormTrainAttrs}; outputs `[y, mean, variance]`. */
export const BN_TRAIN = "SslBatchNormTrain";
/**
 * Name of the backward kernel: inputs `{dy, x, gamma, beta, mean, variance}`, attrs
 * {@link BatchNormTrainAttrs}; outputs `[dx, dgamma, dbeta]`.
 */
export const BN_TRAIN_GRAD = "SslBatchNormTrainGrad";

/** Attributes of both kernels. */
export interface BatchNormTrainAttrs {
  /** Variance epsilon. */
  epsilon: number;
  /** Apply (forward) / differentiate (backward) a ReLU after the normalisation. */
  relu: boolean;
}

/**
 * Rows per block of every pass: each pass walks a block of rows once per channel (stride C, in L1) with the
 * channel's coefficients and accumulators in registers — 1.5–2.5× faster than channel-innermost loops.
 */
const BLOCK = 128;

/** Per-channel `a = γ·r`, `b = β − μ·a` and `r = 1/√(σ² + ε)`, identical in the forward and backward pass. */
function coefficients(
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  eps: number,
): { a: Float64Array; b: Float64Array; r: Float64Array } {
  const c = gamma.length;
  const a = new Float64Array(c), b = new Float64Array(c), r = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    r[k] = 1 / Math.sqrt(variance[k] + eps);
    a[k] = gamma[k] * r[k];
    b[k] = beta[k] - mean[k] * a[k];
  }
  return { a, b, r };
}

/**
 * The forward pass on plain arrays: writes `y` (same length as `x`), `mean` and the biased `variance` [C].
 * @param x values, channels innermost, length N·C with N ≥ 1
 */
export function batchNormTrainForward(
  x: Float32Array,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  attrs: BatchNormTrainAttrs,
  y: Float32Array,
  mean: Float32Array,
  variance: Float32Array,
): void {
  const c = gamma.length, len = x.length, n = len / c;
  const shift = Float64Array.from(x.subarray(0, c));
  const s = new Float64Array(c), q = new Float64Array(c);
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const end = Math.min(n, r0 + BLOCK) * c;
    for (let k = 0; k < c; k++) {
      const sk = shift[k];
      let a = 0, b = 0;
      for (let i = r0 * c + k; i < end; i += c) {
        const d = x[i] - sk;
        a += d;
        b += d * d;
      }
      s[k] += a;
      q[k] += b;
    }
  }
  for (let k = 0; k < c; k++) {
    const m = s[k] / n;
    mean[k] = shift[k] + m;
    variance[k] = Math.max(q[k] / n - m * m, 0);
  }
  const { a, b } = coefficients(gamma, beta, mean, variance, attrs.epsilon);
  const relu = attrs.relu;
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const end = Math.min(n, r0 + BLOCK) * c;
    for (let k = 0; k < c; k++) {
      const ak = a[k], bk = b[k];
      if (relu) {
        for (let i = r0 * c + k; i < end; i += c) {
          const v = ak * x[i] + bk;
          y[i] = (v + Math.abs(v)) * 0.5; // max(v, 0) without a branch
        }
      } else {
        for (let i = r0 * c + k; i < end; i += c) y[i] = ak * x[i] + bk;
      }
    }
  }
}

/**
 * The backward pass on plain arrays: writes `dx` (same length as `x`), `dgamma` and `dbeta` [C].
 * `mean` and `variance` are the forward pass's outputs.
 */
export function batchNormTrainBackward(
  dy: Float32Array,
  x: Float32Array,
  gamma: ArrayLike<number>,
  beta: ArrayLike<number>,
  mean: ArrayLike<number>,
  variance: ArrayLike<number>,
  attrs: BatchNormTrainAttrs,
  dx: Float32Array,
  dgamma: Float32Array,
  dbeta: Float32Array,
): void {
  const c = gamma.length, len = x.length, n = len / c;
  const { a, b, r } = coefficients(gamma, beta, mean, variance, attrs.epsilon);
  const mu = Float64Array.from(mean);
  const sg = new Float64Array(c), sgx = new Float64Array(c);
  const relu = attrs.relu;
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const end = Math.min(n, r0 + BLOCK) * c;
    for (let k = 0; k < c; k++) {
      const ak = a[k], bk = b[k], mk = mu[k];
      let s1 = 0, s2 = 0;
      for (let i = r0 * c + k; i < end; i += c) {
        const xv = x[i];
        // `+(v > 0)` compiles to a branch-free mask (the signs are unpredictable)
        const g = relu ? dy[i] * +(ak * xv + bk > 0) : dy[i];
        s1 += g;
        s2 += g * (xv - mk);
      }
      sg[k] += s1;
      sgx[k] += s2;
    }
  }
  // dx = a·g + k2·(x − μ) + k3
  const k2 = new Float64Array(c), k3 = new Float64Array(c);
  for (let k = 0; k < c; k++) {
    dbeta[k] = sg[k];
    dgamma[k] = sgx[k] * r[k];
    k2[k] = -a[k] * r[k] * r[k] * sgx[k] / n;
    k3[k] = -a[k] * sg[k] / n;
  }
  for (let r0 = 0; r0 < n; r0 += BLOCK) {
    const end = Math.min(n, r0 + BLOCK) * c;
    for (let k = 0; k < c; k++) {
      const ak = a[k], bk = b[k], mk = mu[k], c2 = k2[k], c3 = k3[k];
      if (relu) {
        for (let i = r0 * c + k; i < end; i += c) {
          const xv = x[i];
          const g = dy[i] * +(ak * xv + bk > 0);
          dx[i] = ak * g + c2 * (xv - mk) + c3;
        }
      } else {
        for (let i = r0 * c + k; i < end; i += c) dx[i] = ak * dy[i] + c2 * (x[i] - mk) + c3;
      }
    }
  }
}

function checkShapes(x: tf.TensorInfo, gamma: tf.TensorInfo, beta: tf.TensorInfo): number {
  const c = x.shape[x.shape.length - 1];
  if (x.shape.length < 2 || gamma.shape.join() !== `${c}` || beta.shape.join() !== `${c}`) {
    throw new Error(
      `${BN_TRAIN}: expected x [..., C] and gamma, beta [C], got [${x.shape}], [${gamma.shape}], [${beta.shape}]`,
    );
  }
  if (tf.util.sizeFromShape(x.shape) < 2 * c) throw new Error(`${BN_TRAIN}: needs N ≥ 2 values per channel`);
  for (const t of [x, gamma, beta]) {
    if (t.dtype !== "float32") throw new Error(`${BN_TRAIN}: expected float32 tensors, got ${t.dtype}`);
  }
  return c;
}

/** The forward kernel function on the wasm backend. */
export function batchNormTrainKernel(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackend;
  const { x, gamma, beta } = args.inputs;
  const c = checkShapes(x, gamma, beta);
  const y = backend.makeOutput(x.shape, "float32");
  const mean = backend.makeOutput([c], "float32");
  const variance = backend.makeOutput([c], "float32");
  // views after the allocations (which may grow and detach the heap)
  const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  batchNormTrainForward(
    view(x),
    view(gamma),
    view(beta),
    args.attrs as unknown as BatchNormTrainAttrs,
    view(y),
    view(mean),
    view(variance),
  );
  return [y, mean, variance];
}

/** The backward kernel function on the wasm backend. */
export function batchNormTrainGradKernel(args: KernelArgs): tf.TensorInfo[] {
  const backend = args.backend as WasmBackend;
  const { dy, x, gamma, beta, mean, variance } = args.inputs;
  const c = checkShapes(x, gamma, beta);
  if (dy.shape.join() !== x.shape.join()) throw new Error(`${BN_TRAIN_GRAD}: dy and x shapes differ`);
  const dx = backend.makeOutput(x.shape, "float32");
  const dgamma = backend.makeOutput([c], "float32");
  const dbeta = backend.makeOutput([c], "float32");
  const view = (t: tf.TensorInfo) => backend.typedArrayFromHeap(t) as Float32Array;
  batchNormTrainBackward(
    view(dy),
    view(x),
    view(gamma),
    view(beta),
    view(mean),
    view(variance),
    args.attrs as unknown as BatchNormTrainAttrs,
    view(dx),
    view(dgamma),
    view(dbeta),
  );
  return [dx, dgamma, dbeta];
}

/** The forward kernel's config on the wasm backend. */
export const batchNormTrainConfig: tf.KernelConfig = wasmKernelConfig(BN_TRAIN, batchNormTrainKernel);

/** The backward kernel's config on the wasm backend. */
export const batchNormTrainGradConfig: tf.KernelConfig = wasmKernelConfig(
  BN_TRAIN_GRAD,
  batchNormTrainGradKernel,
);
