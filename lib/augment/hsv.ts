/**
 * Exact RGB <-> HSV conversion with tensor ops (hue as a fraction of a turn in [0, 1), saturation and value in
 * [0, 1]), following the hexcone model that `tf.image.adjust_hue` / `adjust_saturation` use.
 *
 * HSV -> RGB uses the closed form `channel_n = V - C * clamp(min(k, 4 - k), 0, 1)` with
 * `k = (n + 6H) mod 6`, `n = 5, 3, 1` for R, G, B and chroma `C = V * S`, so no per-sector branching is needed.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Tensor4D } from "../tf.ts";
import { assertImages, joinChannels, splitChannels } from "./common.ts";

/** x - floor(x): the fractional part, in [0, 1) also for negative x. */
function frac<T extends tf.Tensor>(x: T): T {
  return tf.sub(x, tf.floor(x));
}

/**
 * Hue (turns, [0, 1); 0 for grey pixels), value (max channel) and chroma (max - min) of RGB images, each of
 * shape [B, H, W, 1]. The building block of {@link rgbToHsv} and of hue rotation.
 */
export function hueValueChroma(x: Tensor4D): { h: Tensor4D; v: Tensor4D; c: Tensor4D } {
  assertImages(x, "hueValueChroma", [3]);
  return tf.tidy(() => {
    const [r, g, b] = splitChannels(x);
    const v = tf.maximum(tf.maximum(r, g), b);
    const c = tf.sub(v, tf.minimum(tf.minimum(r, g), b));
    const hasC = tf.greater(c, 0);
    const safeC = tf.where(hasC, c, tf.onesLike(c));
    const hr = tf.div(tf.sub(g, b), safeC);
    const hg = tf.add(tf.div(tf.sub(b, r), safeC), 2);
    const hb = tf.add(tf.div(tf.sub(r, g), safeC), 4);
    const h6 = tf.where(tf.equal(r, v), hr, tf.where(tf.equal(g, v), hg, hb));
    const h = tf.where(hasC, frac(tf.div(h6, 6)), tf.zerosLike(h6));
    return { h, v, c } as { h: Tensor4D; v: Tensor4D; c: Tensor4D };
  });
}

/** Convert NHWC RGB images in [0, 1] to HSV (H in turns, [0, 1); S, V in [0, 1]). Grey pixels get H = 0. */
export function rgbToHsv(x: Tensor4D): Tensor4D {
  assertImages(x, "rgbToHsv", [3]);
  return tf.tidy(() => {
    const { h, v, c } = hueValueChroma(x);
    const pos = tf.greater(v, 0);
    const s = tf.where(pos, tf.div(c, tf.where(pos, v, tf.onesLike(v))), tf.zerosLike(v));
    return joinChannels([h, s, v]);
  });
}

/** Convert NHWC HSV images (H in turns, any real value; S, V in [0, 1]) back to RGB. */
export function hsvToRgb(x: Tensor4D): Tensor4D {
  assertImages(x, "hsvToRgb", [3]);
  return tf.tidy(() => {
    const [h, s, v] = splitChannels(x);
    return hvcToRgb(h, v, tf.mul(v, s));
  });
}

/**
 * RGB from hue (turns), value and chroma tensors of equal shape [..., 1]; the channels are concatenated on the
 * last axis. Shared by {@link hsvToRgb} and the hue rotation in `color.ts`.
 */
export function hvcToRgb(h: tf.Tensor, v: tf.Tensor, c: tf.Tensor): Tensor4D {
  return tf.tidy(() => {
    const h6 = tf.mul(frac(h), 6);
    const channel = (n: number) => {
      const k = tf.add(h6, n);
      const km = tf.sub(k, tf.mul(tf.floor(tf.div(k, 6)), 6));
      const t = tf.clipByValue(tf.minimum(km, tf.sub(4, km)), 0, 1);
      return tf.sub(v, tf.mul(c, t));
    };
    return joinChannels([channel(5), channel(3), channel(1)]);
  });
}
