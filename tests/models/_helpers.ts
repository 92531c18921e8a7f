/**
 * Shared helpers of the model and training tests: backend setup and naive reference computations.
 * @module
 */
import { tf } from "../../lib/tf.ts";
import { Rng } from "../../lib/rng.ts";

/** Use the cpu backend (the wasm training kernels are optional). */
export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}

/** A seeded random NHWC tensor with values in [0, 1). */
export function randomImages(seed: number, shape: [number, number, number, number]): tf.Tensor4D {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor4d(Float32Array.from({ length: n }, () => rng.next()), shape);
}

/** Seeded standard-normal tensor. */
export function randn(seed: number, shape: number[]): tf.Tensor {
  const rng = new Rng(seed);
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(Float32Array.from({ length: n }, () => rng.normal()), shape);
}

/** Max |a - b| over two equal-length arrays. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Naive NHWC convolution with PyTorch-style symmetric zero padding; filter [k, k, ci, co]. */
export function naiveConv(
  x: Float32Array,
  [b, h, w, ci]: number[],
  f: Float32Array,
  k: number,
  co: number,
  stride: number,
  pad: number,
): { data: Float64Array; shape: number[] } {
  const ho = Math.floor((h + 2 * pad - k) / stride) + 1;
  const wo = Math.floor((w + 2 * pad - k) / stride) + 1;
  const out = new Float64Array(b * ho * wo * co);
  for (let n = 0; n < b; n++) {
    for (let i = 0; i < ho; i++) {
      for (let j = 0; j < wo; j++) {
        for (let o = 0; o < co; o++) {
          let s = 0;
          for (let di = 0; di < k; di++) {
            for (let dj = 0; dj < k; dj++) {
              const y = i * stride - pad + di, xx = j * stride - pad + dj;
              if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
              for (let c = 0; c < ci; c++) {
                s += x[((n * h + y) * w + xx) * ci + c] * f[((di * k + dj) * ci + c) * co + o];
              }
            }
          }
          out[((n * ho + i) * wo + j) * co + o] = s;
        }
      }
    }
  }
  return { data: out, shape: [b, ho, wo, co] };
}
