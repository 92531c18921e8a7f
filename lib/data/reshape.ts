/**
 * Changing the geometry of uint8 image splits on the JS side: zero-padding (MNIST 28×28 -> 32×32, as is
 * customary so CIFAR encoders run unchanged), resampling (area average when shrinking, bilinear when
 * growing) and grey -> RGB replication. Working on uint8 keeps big splits (e.g. STL-10 96×96 -> 32×32) small in
 * memory; `toBatch` offers the same conversions on tensors per batch.
 *
 * @module
 */
import { imageBytes, type Split } from "./types.ts";

/** Target geometry of a split. */
export interface ReshapeOptions {
  /** Square side length of the output (default: unchanged). */
  size?: number;
  /** Output channels: 1 averages RGB (ITU-R BT.601 luma), 3 replicates grey (default: unchanged). */
  channels?: 1 | 3;
  /** How to reach `size`: "pad" centres the image on a black canvas (crops when smaller), "resize" resamples. */
  fit?: "pad" | "resize";
}

/**
 * Resample n images [n, h, w, c] uint8 to [n, H, W, c]: area averaging when shrinking an axis, bilinear
 * (pixel-centre aligned, edge clamped) when growing it.
 */
export function resizeImages(
  src: Uint8Array,
  n: number,
  h: number,
  w: number,
  c: number,
  outH: number,
  outW: number,
): Uint8Array {
  if (src.length !== n * h * w * c) {
    throw new Error(`resizeImages: expected ${n * h * w * c} bytes, got ${src.length}`);
  }
  if (!(outH >= 1 && outW >= 1)) {
    throw new Error(`resizeImages: output size must be >= 1, got ${outH}x${outW}`);
  }
  const ys = axisWeights(h, outH);
  const xs = axisWeights(w, outW);
  const out = new Uint8Array(n * outH * outW * c);
  const acc = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const base = i * h * w * c;
    const obase = i * outH * outW * c;
    for (let oy = 0; oy < outH; oy++) {
      const ry = ys[oy];
      for (let ox = 0; ox < outW; ox++) {
        const rx = xs[ox];
        acc.fill(0);
        for (let a = 0; a < ry.idx.length; a++) {
          const rowOff = base + ry.idx[a] * w * c;
          for (let b = 0; b < rx.idx.length; b++) {
            const wgt = ry.wt[a] * rx.wt[b];
            const p = rowOff + rx.idx[b] * c;
            for (let k = 0; k < c; k++) acc[k] += wgt * src[p + k];
          }
        }
        const o = obase + (oy * outW + ox) * c;
        for (let k = 0; k < c; k++) out[o + k] = Math.min(255, Math.max(0, Math.round(acc[k])));
      }
    }
  }
  return out;
}

/** Per output position: source indices and weights (summing to 1) along one axis. */
function axisWeights(inLen: number, outLen: number): { idx: number[]; wt: number[] }[] {
  const res: { idx: number[]; wt: number[] }[] = [];
  const scale = inLen / outLen;
  for (let o = 0; o < outLen; o++) {
    if (scale >= 1) {
      // Area: the output pixel covers [o*scale, (o+1)*scale) of the input.
      const lo = o * scale, hi = (o + 1) * scale;
      const idx: number[] = [], wt: number[] = [];
      for (let i = Math.floor(lo); i < Math.min(inLen, Math.ceil(hi)); i++) {
        const cover = Math.min(hi, i + 1) - Math.max(lo, i);
        if (cover > 1e-9) {
          idx.push(i);
          wt.push(cover / scale);
        }
      }
      res.push({ idx, wt });
    } else {
      const pos = Math.min(inLen - 1, Math.max(0, (o + 0.5) * scale - 0.5));
      const i0 = Math.floor(pos), i1 = Math.min(inLen - 1, i0 + 1), f = pos - i0;
      res.push(i1 === i0 || f === 0 ? { idx: [i0], wt: [1] } : { idx: [i0, i1], wt: [1 - f, f] });
    }
  }
  return res;
}

/** Centre n images on a black size×size canvas (cropping symmetrically where the image is larger). */
export function padImages(
  src: Uint8Array,
  n: number,
  h: number,
  w: number,
  c: number,
  size: number,
): Uint8Array {
  const out = new Uint8Array(n * size * size * c);
  const dy = Math.floor((size - h) / 2), dx = Math.floor((size - w) / 2);
  for (let i = 0; i < n; i++) {
    for (let y = 0; y < h; y++) {
      const oy = y + dy;
      if (oy < 0 || oy >= size) continue;
      const x0 = Math.max(0, -dx), x1 = Math.min(w, size - dx);
      if (x1 <= x0) continue;
      const s = ((i * h + y) * w + x0) * c;
      out.set(src.subarray(s, s + (x1 - x0) * c), ((i * size + oy) * size + x0 + dx) * c);
    }
  }
  return out;
}

/** Convert n·p pixels between 1 and 3 channels (grey is replicated; RGB becomes BT.601 luma). */
export function convertChannels(src: Uint8Array, pixels: number, from: number, to: number): Uint8Array {
  if (from === to) return src;
  const out = new Uint8Array(pixels * to);
  if (from === 1 && to === 3) {
    for (let p = 0; p < pixels; p++) out[3 * p] = out[3 * p + 1] = out[3 * p + 2] = src[p];
  } else if (from === 3 && to === 1) {
    for (let p = 0; p < pixels; p++) {
      out[p] = Math.round(0.299 * src[3 * p] + 0.587 * src[3 * p + 1] + 0.114 * src[3 * p + 2]);
    }
  } else throw new Error(`convertChannels: cannot convert ${from} to ${to} channels`);
  return out;
}

/** A split with the requested geometry (the input itself when nothing changes; labels are shared). */
export function reshapeSplit(split: Split, opts: ReshapeOptions = {}): Split {
  const size = opts.size;
  const channels = opts.channels ?? split.channels;
  if (size !== undefined && !(Number.isInteger(size) && size >= 1)) {
    throw new Error(`reshapeSplit: size must be a positive integer, got ${size}`);
  }
  let { images, height, width } = split;
  if (size !== undefined && (size !== height || size !== width)) {
    images = (opts.fit ?? "resize") === "pad"
      ? padImages(images, split.n, height, width, split.channels, size)
      : resizeImages(images, split.n, height, width, split.channels, size, size);
    height = width = size;
  }
  if (channels !== split.channels) {
    images = convertChannels(images, split.n * height * width, split.channels, channels);
  }
  if (images === split.images) return split;
  const out: Split = { n: split.n, height, width, channels, images, labels: split.labels };
  if (out.images.length !== out.n * imageBytes(out)) throw new Error("reshapeSplit: internal size mismatch");
  return out;
}
