/**
 * Random resized crop, as in Inception / SimCLR: per sample, a box covering a uniform fraction `scale` of the
 * image area with a log-uniform aspect ratio (width / height) in `ratio` is chosen (up to 10 attempts, then a
 * centred crop with the ratio clamped to the range, as torchvision does), and resized bilinearly to
 * `size`×`size`. The whole batch is cropped by one `tf.image.cropAndResize` call with per-sample boxes.
 *
 * (SimCLR's TensorFlow code samples with `sample_distorted_bounding_box`, 100 attempts and the whole image as
 * fallback; the distribution of accepted boxes is the same up to rounding.)
 *
 * Boxes are integer pixel rectangles; in normalised coordinates a box spanning pixel rows `top..top+h-1` is
 * `[top/(H-1), (top+h-1)/(H-1)]`, so the full-image box resized to the input size is exactly the identity.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import type { Rng } from "../rng.ts";
import { assertImages, assertRange } from "./common.ts";

/** An integer pixel rectangle inside an image. */
export interface CropBox {
  /** First row. */
  top: number;
  /** First column. */
  left: number;
  /** Number of rows (>= 1). */
  height: number;
  /** Number of columns (>= 1). */
  width: number;
}

/** Options of {@link randomResizedCrop} and {@link sampleCropBoxes}. */
export interface CropOptions {
  /** Output side in pixels (square output); default: the input height. */
  size?: number;
  /** Range of the crop area as a fraction of the image area; default [0.08, 1]. */
  scale?: [number, number];
  /** Range of the aspect ratio width/height, sampled log-uniformly; default [3/4, 4/3]. */
  ratio?: [number, number];
}

/** SimCLR / Inception defaults for the crop area fraction. */
export const DEFAULT_CROP_SCALE: [number, number] = [0.08, 1];
/** SimCLR / Inception defaults for the crop aspect ratio. */
export const DEFAULT_CROP_RATIO: [number, number] = [3 / 4, 4 / 3];

/**
 * Draw `n` crop boxes for an `height`×`width` image (torchvision's RandomResizedCrop.get_params semantics,
 * with all randomness from `rng`). Every box lies inside the image.
 */
export function sampleCropBoxes(
  rng: Rng,
  n: number,
  height: number,
  width: number,
  opts: Pick<CropOptions, "scale" | "ratio"> = {},
): CropBox[] {
  const scale = opts.scale ?? DEFAULT_CROP_SCALE;
  const ratio = opts.ratio ?? DEFAULT_CROP_RATIO;
  assertRange(scale, "randomResizedCrop", "scale", 0);
  assertRange(ratio, "randomResizedCrop", "ratio", 0);
  if (scale[1] <= 0 || ratio[0] <= 0) throw new Error("randomResizedCrop: scale and ratio must be positive");
  if (!(Number.isInteger(height) && Number.isInteger(width) && height >= 1 && width >= 1)) {
    throw new Error(`randomResizedCrop: image size must be positive integers, got ${height}x${width}`);
  }
  const area = height * width;
  const logLo = Math.log(ratio[0]), logHi = Math.log(ratio[1]);
  const boxes: CropBox[] = [];
  for (let i = 0; i < n; i++) {
    let box: CropBox | null = null;
    for (let attempt = 0; attempt < 10 && !box; attempt++) {
      const target = area * rng.uniform(scale[0], scale[1]);
      const r = Math.exp(rng.uniform(logLo, logHi));
      const w = Math.round(Math.sqrt(target * r));
      const h = Math.round(Math.sqrt(target / r));
      if (w > 0 && h > 0 && w <= width && h <= height) {
        box = { top: rng.int(height - h + 1), left: rng.int(width - w + 1), height: h, width: w };
      }
    }
    if (!box) {
      // Fallback: the largest centred crop whose ratio is clamped into the range.
      const inRatio = width / height;
      let w = width, h = height;
      if (inRatio < ratio[0]) h = Math.max(1, Math.round(w / ratio[0]));
      else if (inRatio > ratio[1]) w = Math.max(1, Math.round(h * ratio[1]));
      box = { top: Math.floor((height - h) / 2), left: Math.floor((width - w) / 2), height: h, width: w };
    }
    boxes.push(box);
  }
  return boxes;
}

/**
 * Crop every sample to its box and resize bilinearly to `size`×`size` (one batched cropAndResize).
 * `boxes.length` must equal the batch size.
 */
export function cropResize(x: Tensor4D, boxes: readonly CropBox[], size: number): Tensor4D {
  assertImages(x, "cropResize");
  const [b, h, w] = x.shape;
  if (boxes.length !== b) throw new Error(`cropResize: got ${boxes.length} boxes for a batch of ${b}`);
  if (!(Number.isInteger(size) && size >= 1)) {
    throw new Error(`cropResize: size must be a positive integer, got ${size}`);
  }
  const dy = Math.max(h - 1, 1), dx = Math.max(w - 1, 1);
  const flat = new Float32Array(b * 4);
  boxes.forEach((bx, i) => {
    if (
      bx.top < 0 || bx.left < 0 || bx.height < 1 || bx.width < 1 || bx.top + bx.height > h ||
      bx.left + bx.width > w
    ) {
      throw new Error(`cropResize: box ${i} ${JSON.stringify(bx)} is not inside the ${h}x${w} image`);
    }
    flat.set(
      [bx.top / dy, bx.left / dx, (bx.top + bx.height - 1) / dy, (bx.left + bx.width - 1) / dx],
      4 * i,
    );
  });
  return tf.tidy(() => {
    const bt = tf.tensor2d(flat, [b, 4]);
    const idx = tf.tensor1d(Int32Array.from({ length: b }, (_, i) => i), "int32");
    return tf.image.cropAndResize(x, bt, idx, [size, size], "bilinear");
  });
}

/**
 * SimCLR's random resized crop: per-sample boxes from {@link sampleCropBoxes}, resized to `size`×`size`.
 * Returns a new tensor of shape [B, size, size, C].
 */
export function randomResizedCrop(x: Tensor4D, rng: Rng, opts: CropOptions = {}): Tensor4D {
  assertImages(x, "randomResizedCrop");
  const [b, h, w] = x.shape;
  const size = opts.size ?? h;
  const boxes = sampleCropBoxes(rng, b, h, w, opts);
  return cropResize(x, boxes, size);
}
