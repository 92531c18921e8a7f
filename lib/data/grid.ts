/**
 * A gallery of sample images: tiles of a split laid out in a grid, for data figures. Returns raw RGB
 * (`imageGrid`) or a PNG (`gridPng`, via sharp). Grey images are replicated to RGB.
 *
 * @module
 */
import sharp from "sharp";
import type { Split } from "./types.ts";

/** Options of `imageGrid`. */
export interface GridOptions {
  /** Tiles per row (default: ceil(sqrt(count))). */
  cols?: number;
  /** Gap between tiles in output pixels (default 2). */
  pad?: number;
  /** Integer upscaling of every tile, nearest neighbour (default 1). */
  scale?: number;
  /** Colour of the gaps, RGB 0..255 (default white). */
  background?: [number, number, number];
}

/** An RGB image. */
export interface RgbImage {
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
  /** Pixels, row-major RGB uint8. */
  data: Uint8Array;
}

/** Lay images `indices` of `split` out in a grid (see `GridOptions`). */
export function imageGrid(split: Split, indices: ArrayLike<number>, opts: GridOptions = {}): RgbImage {
  const count = indices.length;
  if (count === 0) throw new Error("imageGrid: no images given");
  const cols = opts.cols ?? Math.ceil(Math.sqrt(count));
  const rows = Math.ceil(count / cols);
  const pad = opts.pad ?? 2, scale = opts.scale ?? 1;
  if (!(Number.isInteger(scale) && scale >= 1)) throw new Error(`imageGrid: scale must be an integer >= 1`);
  const th = split.height * scale, tw = split.width * scale, c = split.channels;
  const width = cols * tw + (cols + 1) * pad, height = rows * th + (rows + 1) * pad;
  const data = new Uint8Array(width * height * 3);
  const bg = opts.background ?? [255, 255, 255];
  for (let p = 0; p < width * height; p++) data.set(bg, 3 * p);
  const bytes = split.height * split.width * c;
  for (let t = 0; t < count; t++) {
    const i = indices[t];
    if (!Number.isInteger(i) || i < 0 || i >= split.n) {
      throw new Error(`imageGrid: index ${i} is out of range 0..${split.n - 1}`);
    }
    const ox = pad + (t % cols) * (tw + pad), oy = pad + Math.floor(t / cols) * (th + pad);
    const img = split.images.subarray(i * bytes, (i + 1) * bytes);
    for (let y = 0; y < th; y++) {
      const sy = Math.floor(y / scale);
      for (let x = 0; x < tw; x++) {
        const s = (sy * split.width + Math.floor(x / scale)) * c;
        const o = ((oy + y) * width + ox + x) * 3;
        if (c === 3) {
          data[o] = img[s];
          data[o + 1] = img[s + 1];
          data[o + 2] = img[s + 2];
        } else data[o] = data[o + 1] = data[o + 2] = img[s];
      }
    }
  }
  return { width, height, data };
}

/** The grid of `imageGrid` encoded as PNG bytes. */
export async function gridPng(
  split: Split,
  indices: ArrayLike<number>,
  opts: GridOptions = {},
): Promise<Uint8Array> {
  const g = imageGrid(split, indices, opts);
  const buf = await sharp(g.data, { raw: { width: g.width, height: g.height, channels: 3 } }).png()
    .toBuffer();
  return new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
}
