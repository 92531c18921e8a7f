/**
 * Numeric helpers for the loss tests: seeded random matrices, a double-precision cosine-similarity reference
 * and central finite differences.
 *
 * @module
 */
import { Rng } from "../../lib/rng.ts";

/** A seeded [rows × cols] standard-normal matrix as nested arrays of doubles. */
export function randMatrix(rng: Rng, rows: number, cols: number, scale = 1): number[][] {
  return Array.from({ length: rows }, () => Array.from({ length: cols }, () => scale * rng.normal()));
}

/** Dot product of two double vectors. */
export function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** Cosine similarity (or dot product when `normalize` is false) in double precision. */
export function sim(a: number[], b: number[], normalize = true): number {
  return normalize ? dot(a, b) / Math.sqrt(dot(a, a) * dot(b, b)) : dot(a, b);
}

/** log(1 + e^x), stable. */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** Central finite-difference gradient of `f` with respect to every entry of the matrix `x`. */
export function fdGrad(f: (x: number[][]) => number, x: number[][], h = 1e-6): number[][] {
  return x.map((row, i) =>
    row.map((_, j) => {
      const xp = x.map((r) => r.slice()), xm = x.map((r) => r.slice());
      xp[i][j] += h;
      xm[i][j] -= h;
      return (f(xp) - f(xm)) / (2 * h);
    })
  );
}

/** Largest |a − b| / max(1, |b|) over two matrices. */
export function maxRelErr(a: ArrayLike<number>, b: number[][]): number {
  const flat = b.flat();
  let e = 0;
  for (let i = 0; i < flat.length; i++) {
    e = Math.max(e, Math.abs(a[i] - flat[i]) / Math.max(1, Math.abs(flat[i])));
  }
  return e;
}
