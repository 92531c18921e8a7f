/**
 * The jigsaw pretext input of Noroozi & Favaro (2016) as used by PIRL (Misra & van der Maaten 2020): the image
 * is split into a 3×3 grid of cells, a `tile`×`tile` patch is cropped at a random offset inside each cell (the
 * "jitter" that stops the network from matching edges; PIRL: 64 px patches in 85 px cells of a 255 px crop,
 * scaled here to the image size), optionally each patch gets its own colour jitter, and the patches are
 * shuffled by a permutation drawn from a fixed set (see `permutations.ts`).
 *
 * Convention: with permutation `perm`, output slot j holds the patch of grid cell `perm[j]` (cells numbered
 * row-major), so `reassembleJigsaw` puts slot j back at cell `perm[j]`.
 *
 * Patches are extracted exactly (no interpolation) by one `tf.gather` over precomputed pixel indices.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages } from "./common.ts";
import { colorDistortion, type ColorDistortionOptions } from "./color.ts";

/** Options of {@link jigsaw}. */
export interface JigsawOptions {
  /** The permutation set (each a permutation of 0..grid²-1), e.g. `maxHammingPermutations(100).perms`. */
  perms: readonly (readonly number[])[];
  /** Cells per side; default 3. */
  grid?: number;
  /** Patch side in pixels; default round(cell · 64/85) as PIRL's 64-in-85 ratio (8 px for 32×32 images). */
  tile?: number;
  /** Random patch offsets inside the cells (default true); false centres every patch. */
  jitter?: boolean;
  /** Per-patch colour distortion (`colorDistortion` options), or false/absent for none. */
  color?: ColorDistortionOptions | false;
}

/** Jigsaw patches and their targets. */
export interface JigsawBatch {
  /** Shuffled patches, [B, grid², tile, tile, C] (reshape to [B·grid², tile, tile, C] for a shared encoder). */
  patches: tf.Tensor5D;
  /** Index into `perms` of the permutation applied to each sample (the pretext label). */
  permIndex: Int32Array;
  /** Top-left pixel of each cell's patch, [B][cell] = [row, col], in cell (unshuffled) order. */
  origins: [number, number][][];
}

/** Geometry of the grid on an `h`×`w` image: cell size, grid origin (centred) and default tile. */
export function jigsawGeometry(
  h: number,
  w: number,
  grid = 3,
): { cellH: number; cellW: number; y0: number; x0: number } {
  const cellH = Math.floor(h / grid), cellW = Math.floor(w / grid);
  if (cellH < 1 || cellW < 1) {
    throw new Error(`jigsaw: a ${h}x${w} image is too small for a ${grid}x${grid} grid`);
  }
  return { cellH, cellW, y0: Math.floor((h - grid * cellH) / 2), x0: Math.floor((w - grid * cellW) / 2) };
}

function checkPerms(perms: readonly (readonly number[])[], n: number): void {
  if (!Array.isArray(perms) || perms.length === 0) throw new Error("jigsaw: perms must be a non-empty array");
  perms.forEach((p, i) => {
    const sorted = [...p].sort((a, b) => a - b);
    if (p.length !== n || sorted.some((v, j) => v !== j)) {
      throw new Error(`jigsaw: perms[${i}] is not a permutation of 0..${n - 1}`);
    }
  });
}

/** Cut each image into shuffled jittered grid patches (see module doc). */
export function jigsaw(x: Tensor4D, rng: Rng, opts: JigsawOptions): JigsawBatch {
  assertImages(x, "jigsaw");
  const grid = opts.grid ?? 3;
  if (!(Number.isInteger(grid) && grid >= 1)) {
    throw new Error(`jigsaw: grid must be a positive integer, got ${grid}`);
  }
  const n = grid * grid;
  checkPerms(opts.perms, n);
  const [b, h, w, c] = x.shape;
  const { cellH, cellW, y0, x0 } = jigsawGeometry(h, w, grid);
  const tile = opts.tile ?? Math.max(1, Math.round(Math.min(cellH, cellW) * 64 / 85));
  if (!(Number.isInteger(tile) && tile >= 1 && tile <= Math.min(cellH, cellW))) {
    throw new Error(`jigsaw: tile must be an integer in [1, ${Math.min(cellH, cellW)}], got ${tile}`);
  }
  const jitter = opts.jitter ?? true;
  const permIndex = new Int32Array(b);
  const origins: [number, number][][] = [];
  const idx = new Int32Array(b * n * tile * tile);
  let q = 0;
  for (let s = 0; s < b; s++) {
    permIndex[s] = rng.int(opts.perms.length);
    const cells: [number, number][] = [];
    for (let cell = 0; cell < n; cell++) {
      const oy = rng.int(cellH - tile + 1), ox = rng.int(cellW - tile + 1);
      const cy = jitter ? oy : Math.floor((cellH - tile) / 2),
        cx = jitter ? ox : Math.floor((cellW - tile) / 2);
      cells.push([y0 + Math.floor(cell / grid) * cellH + cy, x0 + (cell % grid) * cellW + cx]);
    }
    origins.push(cells);
    for (const cell of opts.perms[permIndex[s]]) {
      const [top, left] = cells[cell];
      for (let y = 0; y < tile; y++) {
        for (let xx = 0; xx < tile; xx++) idx[q++] = s * h * w + (top + y) * w + left + xx;
      }
    }
  }
  const patches = tf.tidy(() => {
    let p = tf.gather(tf.reshape(x, [b * h * w, c]), idx).reshape([b * n, tile, tile, c]) as Tensor4D;
    if (opts.color) p = colorDistortion(p, rng, opts.color);
    return p.reshape([b, n, tile, tile, c]) as tf.Tensor5D;
  });
  return { patches, permIndex, origins };
}

/**
 * Undo the shuffle and lay the patches out on the grid: [B, grid², p, p, C] -> [B, grid·p, grid·p, C], with
 * slot j of sample s placed at cell `perms[permIndex[s]][j]`.
 */
export function reassembleJigsaw(
  patches: tf.Tensor5D,
  permIndex: ArrayLike<number>,
  perms: readonly (readonly number[])[],
): Tensor4D {
  if (patches.rank !== 5) {
    throw new Error(`reassembleJigsaw: expected patches of rank 5, got [${patches.shape}]`);
  }
  const [b, n, p, p2, c] = patches.shape;
  const grid = Math.round(Math.sqrt(n));
  if (grid * grid !== n || p !== p2) throw new Error(`reassembleJigsaw: bad patch shape [${patches.shape}]`);
  if (permIndex.length !== b) {
    throw new Error(`reassembleJigsaw: got ${permIndex.length} labels for ${b} samples`);
  }
  checkPerms(perms, n);
  // Row (s, cell) of the result comes from row (s, slot) with perm[slot] = cell.
  const rows = new Int32Array(b * n);
  for (let s = 0; s < b; s++) {
    const perm = perms[permIndex[s]];
    if (!perm) throw new Error(`reassembleJigsaw: permIndex[${s}] = ${permIndex[s]} is out of range`);
    perm.forEach((cell, slot) => (rows[s * n + cell] = s * n + slot));
  }
  return tf.tidy(() => {
    const ordered = tf.gather(tf.reshape(patches, [b * n, p, p, c]), rows);
    const g = tf.reshape(ordered, [b, grid, grid, p, p, c]);
    return tf.reshape(tf.transpose(g, [0, 1, 3, 2, 4, 5]), [b, grid * p, grid * p, c]) as Tensor4D;
  });
}
