/**
 * The memory bank of PIRL (Misra & van der Maaten 2020, §3.2) and Instance Discrimination (Wu et al. 2018):
 * one ℓ2-normalised d-dimensional vector m_i per training image, updated as an exponential moving average of
 * that image's current representation f(v_i) and sampled as negatives.
 *
 * Update rule (for the images of a batch): m_i ← normalize(λ m_i + (1 − λ) f̂(v_i)), with f̂ = f/‖f‖ and λ the
 * momentum (PIRL uses 0.5). Initial entries are i.i.d. standard normal vectors, ℓ2-normalised (seeded), i.e.
 * uniform on the unit sphere. The bank lives in a JS Float32Array (row-major N × d): rows are gathered into
 * fresh tensors when needed, so it is backend-independent and never holds tensors itself.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";

/** A memory bank of N ℓ2-normalised d-dimensional vectors. */
export class MemoryBank {
  /** Number of entries (the dataset size |D|). */
  readonly size: number;
  /** Dimension of each entry. */
  readonly dim: number;
  /** Momentum λ of the update m ← λ m + (1 − λ) f. */
  readonly momentum: number;
  /** The entries, row-major [size, dim]. Mutated in place by `update`. */
  readonly data: Float32Array;

  /**
   * Create a bank of `size` random unit vectors of dimension `dim`.
   * @param size number of entries N (>= 1)
   * @param dim entry dimension d (>= 1)
   * @param rng seeded stream for the random initialisation
   * @param momentum λ in [0, 1) (default 0.5, PIRL's value)
   */
  constructor(size: number, dim: number, rng: Rng, momentum = 0.5) {
    if (!(Number.isInteger(size) && size >= 1)) throw new Error(`MemoryBank: size must be an integer >= 1`);
    if (!(Number.isInteger(dim) && dim >= 1)) throw new Error(`MemoryBank: dim must be an integer >= 1`);
    if (!(momentum >= 0 && momentum < 1)) {
      throw new Error(`MemoryBank: momentum must be in [0, 1), got ${momentum}`);
    }
    this.size = size;
    this.dim = dim;
    this.momentum = momentum;
    this.data = new Float32Array(size * dim);
    const row = new Float64Array(dim);
    for (let i = 0; i < size; i++) {
      let ss = 0;
      for (let j = 0; j < dim; j++) {
        row[j] = rng.normal();
        ss += row[j] * row[j];
      }
      const inv = 1 / Math.sqrt(ss);
      for (let j = 0; j < dim; j++) this.data[i * dim + j] = row[j] * inv;
    }
  }

  #checkIndices(indices: ArrayLike<number>, what: string): void {
    for (let k = 0; k < indices.length; k++) {
      const i = indices[k];
      if (!(Number.isInteger(i) && i >= 0 && i < this.size)) {
        throw new Error(`MemoryBank.${what}: index ${i} out of range [0, ${this.size})`);
      }
    }
  }

  /** The rows at `indices` as a new [indices.length, dim] tensor (the caller disposes it). */
  gather(indices: ArrayLike<number>): tf.Tensor2D {
    this.#checkIndices(indices, "gather");
    const out = new Float32Array(indices.length * this.dim);
    for (let k = 0; k < indices.length; k++) {
      out.set(this.data.subarray(indices[k] * this.dim, (indices[k] + 1) * this.dim), k * this.dim);
    }
    return tf.tensor2d(out, [indices.length, this.dim]);
  }

  /**
   * `m` indices drawn uniformly with replacement from [0, size), avoiding `exclude` (e.g. the batch's own
   * images, so an image is never its own negative). Throws when every entry is excluded.
   */
  sampleNegatives(m: number, rng: Rng, exclude: ArrayLike<number> = []): Int32Array {
    if (!(Number.isInteger(m) && m >= 1)) {
      throw new Error(`MemoryBank.sampleNegatives: m must be an integer >= 1`);
    }
    const ex = new Set<number>(Array.from(exclude));
    if (ex.size >= this.size) throw new Error(`MemoryBank.sampleNegatives: every entry is excluded`);
    const out = new Int32Array(m);
    for (let k = 0; k < m; k++) {
      let i = rng.int(this.size);
      while (ex.has(i)) i = rng.int(this.size);
      out[k] = i;
    }
    return out;
  }

  /**
   * Momentum update of the rows at `indices` from the batch representations `features` [B, dim] (read, not
   * disposed; normalised before mixing). Repeated indices are applied in order.
   */
  async update(indices: ArrayLike<number>, features: tf.Tensor2D): Promise<void> {
    this.#checkIndices(indices, "update");
    if (features.rank !== 2 || features.shape[0] !== indices.length || features.shape[1] !== this.dim) {
      throw new Error(
        `MemoryBank.update: features shape [${features.shape}] does not match [${indices.length}, ${this.dim}]`,
      );
    }
    const f = await features.data();
    const d = this.dim, lam = this.momentum;
    const mixed = new Float64Array(d);
    for (let k = 0; k < indices.length; k++) {
      let fs = 0;
      for (let j = 0; j < d; j++) fs += f[k * d + j] * f[k * d + j];
      if (!Number.isFinite(fs)) throw new Error(`MemoryBank.update: non-finite feature in row ${k}`);
      const fInv = fs > 0 ? 1 / Math.sqrt(fs) : 0;
      const base = indices[k] * d;
      let ms = 0;
      for (let j = 0; j < d; j++) {
        mixed[j] = lam * this.data[base + j] + (1 - lam) * f[k * d + j] * fInv;
        ms += mixed[j] * mixed[j];
      }
      const mInv = ms > 0 ? 1 / Math.sqrt(ms) : 0;
      if (ms > 0) { for (let j = 0; j < d; j++) this.data[base + j] = mixed[j] * mInv; }
    }
  }
}
