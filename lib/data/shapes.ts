/**
 * `shapes`: a procedural colour dataset for controlled self-supervised studies.
 *
 * Each RGB image (32×32 by default) holds 1–3 objects of one shape class drawn over a background. The
 * factors of variation are sampled independently, each exactly balanced over a split (every class appears
 * ⌊n/K⌋ or ⌈n/K⌉ times), and each is exposed as its own label set over the same images, so a downstream task can
 * ask for different information:
 *
 * | label set    | classes                                                          |
 * |--------------|------------------------------------------------------------------|
 * | `shape`      | circle, square, triangle, star, cross, ring, hexagon, heart      |
 * | `colour`     | red, yellow, green, cyan, blue, magenta (hue bins of 60°)        |
 * | `texture`    | solid, stripes, checker, dots                                    |
 * | `size`       | small, medium, large (circumradius bins)                         |
 * | `position`   | top-left, top-right, bottom-left, bottom-right (group centroid)  |
 * | `count`      | 1, 2, 3                                                          |
 * | `background` | flat, gradient, noise                                            |
 *
 * All objects of an image share shape, colour bin, texture and size bin (each object draws its own exact hue,
 * radius, rotation and texture phase), so every label is well defined. Colour, texture, background, rotation
 * and position are nuisances for the `shape` label and vice versa.
 *
 * Rendering: each shape is a signed distance function in object coordinates (rotated, scaled by its
 * circumradius); pixels whose centre is farther than a pixel half-diagonal from the edge are filled directly,
 * edge pixels are supersampled 4×4 and the interior of textured objects 3×3, which anti-aliases edges and
 * textures. Object hues stay within ±20° of the bin centre (`hueJitter`) and the texture's second tone is a
 * darker shade of the same hue, so the colour label is the hue of the object pixels. Backgrounds are desaturated (saturation
 * ≤ 0.3). Objects never touch (their circumcircles are ≥ 2.5 px apart) and the group centroid is ≥ 1.5 px off
 * the image midlines, so `count` equals the number of 8-connected object regions and `position` is unambiguous.
 *
 * Variants ({@link ShapesDistribution}): `objectScale` (bigger objects), `maxObjects` (fewer objects), and
 * `backgrounds`, `textures`, `sizes` (draw only some classes of those label sets, balanced over them) and
 * `rotate: false` (upright objects) make easier or less cluttered versions of the same dataset, and `hueJitter`
 * (hues spread up to the bin edges) a harder `colour` label; the defaults are the dataset above, byte for byte.
 *
 * Determinism: labels are balanced permutations drawn from `Rng(seed).fork("<split>:<label set>")`, and image
 * i's free parameters come from `Rng(seed).fork("<split>:image:<i>")`; the same seed and sizes give the same
 * bytes on every machine. Generation is fast (thousands of images per second on one core), so
 * `loadDataset("shapes")` regenerates it (caching only sets above 20000 images).
 *
 * @module
 */
import { Rng } from "../rng.ts";
import type { Dataset, Split } from "./types.ts";

/** Class names of every label set of `shapes`. */
export const SHAPES_LABEL_SETS: Record<string, string[]> = {
  shape: ["circle", "square", "triangle", "star", "cross", "ring", "hexagon", "heart"],
  colour: ["red", "yellow", "green", "cyan", "blue", "magenta"],
  texture: ["solid", "stripes", "checker", "dots"],
  size: ["small", "medium", "large"],
  position: ["top-left", "top-right", "bottom-left", "bottom-right"],
  count: ["1", "2", "3"],
  background: ["flat", "gradient", "noise"],
};

/** Circumradius bins of the `size` label, in pixels at a 32-pixel image (scaled with the image side). */
export const SIZE_BINS: [number, number][] = [[3.5, 4.75], [4.75, 6], [6, 7.25]];
/** Maximum deviation (degrees) of an object's hue from its colour bin centre (bins are 60° wide). */
export const HUE_JITTER = 20;

/**
 * Generation options that change the distribution of the images (all optional; the defaults are the dataset
 * described in the module doc, and leaving an option at its default leaves every byte unchanged).
 */
export interface ShapesDistribution {
  /**
   * Multiplier of the circumradius bins ({@link SIZE_BINS}) and so of every object's radius (default 1). The
   * `size` label keeps its three bins, scaled alike. Large objects need few of them: an image that cannot hold
   * `maxObjects` objects of the largest bin throws.
   */
  objectScale?: number;
  /** Most objects per image, 1–3 (default 3); `count` is balanced over the classes 1 … maxObjects. */
  maxObjects?: number;
  /**
   * Background kinds to draw (names of the `background` label set; default all three). The `background`
   * label is balanced over the listed kinds and keeps its class indices.
   */
  backgrounds?: string[];
  /** Object textures to draw (names of the `texture` label set; default all four), as for `backgrounds`. */
  textures?: string[];
  /** Size bins to draw (names of the `size` label set; default all three), as for `backgrounds`. */
  sizes?: string[];
  /** Rotate each object by a random angle (default true); false draws every object upright. */
  rotate?: boolean;
  /**
   * Largest deviation (degrees, 0–30) of an object's hue from its colour bin centre (default
   * {@link HUE_JITTER} = 20, which leaves 20° between neighbouring bins). At 30 the bins touch: hues cover the
   * circle uniformly and the `colour` label asks for fine hue discrimination at the bin edges. The random
   * stream is the same at every value (only the hue's scale changes).
   */
  hueJitter?: number;
}

/** Options of `renderShapes`. */
export interface ShapesOptions extends ShapesDistribution {
  /** Image side in pixels (default 32). Distances scale with side/32. */
  size?: number;
  /** Which split this is; train and test of one seed are disjoint streams (default "train"). */
  split?: string;
}

/** One rendered object (pixel units, image coordinates with y down). */
export interface ShapeObject {
  /** Centre x. */
  x: number;
  /** Centre y. */
  y: number;
  /** Circumradius (every shape fits in the circle of this radius around the centre). */
  r: number;
  /** Rotation in radians. */
  angle: number;
  /** Hue in degrees [0, 360). */
  hue: number;
}

/** What `renderShapes` returns beyond the images. */
export interface ShapesRender {
  /** Images and all label sets. */
  split: Split;
  /** Instance masks [n, size, size]: 0 background, j+1 where object j covers ≥ half the pixel. */
  masks: Uint8Array;
  /** The objects of each image. */
  objects: ShapeObject[][];
}

// ---------------------------------------------------------------------------------------------- geometry

type Sdf = (u: number, v: number) => number;

/** Signed distance to a closed polygon (negative inside; even-odd rule). */
function polygonSdf(pts: number[][]): Sdf {
  const m = pts.length;
  const xs = new Float64Array(pts.map((p) => p[0]));
  const ys = new Float64Array(pts.map((p) => p[1]));
  return (u, v) => {
    let best = Infinity;
    let inside = false;
    for (let a = 0, b = m - 1; a < m; b = a++) {
      const ax = xs[a], ay = ys[a], bx = xs[b], by = ys[b];
      const ex = bx - ax, ey = by - ay;
      const wx = u - ax, wy = v - ay;
      const t = Math.max(0, Math.min(1, (wx * ex + wy * ey) / (ex * ex + ey * ey)));
      const dx = wx - ex * t, dy = wy - ey * t;
      const d2 = dx * dx + dy * dy;
      if (d2 < best) best = d2;
      if ((ay > v) !== (by > v) && u < ax + ((v - ay) * ex) / ey) inside = !inside;
    }
    const d = Math.sqrt(best);
    return inside ? -d : d;
  };
}

function regular(k: number, radius: number, start = -Math.PI / 2): number[][] {
  return Array.from({ length: k }, (_, i) => {
    const a = start + (2 * Math.PI * i) / k;
    return [radius * Math.cos(a), radius * Math.sin(a)];
  });
}

function starPoints(k: number, outer: number, inner: number): number[][] {
  return Array.from({ length: 2 * k }, (_, i) => {
    const a = -Math.PI / 2 + (Math.PI * i) / k;
    const rr = i % 2 === 0 ? outer : inner;
    return [rr * Math.cos(a), rr * Math.sin(a)];
  });
}

function crossPoints(w: number, l: number): number[][] {
  return [[-w, -l], [w, -l], [w, -w], [l, -w], [l, w], [w, w], [w, l], [-w, l], [-w, w], [-l, w], [-l, -w], [
    -w,
    -w,
  ]];
}

const heartTriangle = polygonSdf([[-0.7, -0.05], [0.7, -0.05], [0, 0.9]]);
const circleAt = (cx: number, cy: number, rad: number): Sdf => (u, v) => Math.hypot(u - cx, v - cy) - rad;
const heartLeft = circleAt(-0.33, -0.22, 0.42);
const heartRight = circleAt(0.33, -0.22, 0.42);

/** Unit-circumradius signed distance functions, in `SHAPES_LABEL_SETS.shape` order. */
const SDFS: Sdf[] = [
  (u, v) => Math.hypot(u, v) - 0.85, // circle
  polygonSdf([[-0.7, -0.7], [0.7, -0.7], [0.7, 0.7], [-0.7, 0.7]]), // square
  polygonSdf(regular(3, 1)), // triangle
  polygonSdf(starPoints(5, 1, 0.42)), // star
  polygonSdf(crossPoints(0.3, 0.92)), // cross
  (u, v) => Math.abs(Math.hypot(u, v) - 0.7) - 0.22, // ring
  polygonSdf(regular(6, 0.95, 0)), // hexagon
  (u, v) => Math.min(heartTriangle(u, v), heartLeft(u, v), heartRight(u, v)), // heart
];

/** Signed distance (unit circumradius, object coordinates) of shape class `shape` at (u, v). */
export function shapeSdf(shape: number, u: number, v: number): number {
  return SDFS[shape](u, v);
}

// ---------------------------------------------------------------------------------------------- colour

/** HSV (h in degrees, s, v in [0, 1]) to RGB in [0, 1]. */
export function hsvToRgb(h: number, s: number, v: number): [number, number, number] {
  const hh = (((h % 360) + 360) % 360) / 60;
  const c = v * s;
  const x = c * (1 - Math.abs((hh % 2) - 1));
  const m = v - c;
  const k = Math.floor(hh);
  const [r, g, b] = k === 0
    ? [c, x, 0]
    : k === 1
    ? [x, c, 0]
    : k === 2
    ? [0, c, x]
    : k === 3
    ? [0, x, c]
    : k === 4
    ? [x, 0, c]
    : [c, 0, x];
  return [r + m, g + m, b + m];
}

/** Hue in degrees [0, 360) of an RGB colour (any scale); NaN for greys. */
export function rgbHue(r: number, g: number, b: number): number {
  const max = Math.max(r, g, b), min = Math.min(r, g, b);
  const d = max - min;
  if (d === 0) return NaN;
  let h: number;
  if (max === r) h = ((g - b) / d) % 6;
  else if (max === g) h = (b - r) / d + 2;
  else h = (r - g) / d + 4;
  h *= 60;
  return h < 0 ? h + 360 : h;
}

// ---------------------------------------------------------------------------------------------- rendering

/** Exactly balanced labels: `i mod k` for i < n, shuffled. */
function balanced(n: number, k: number, rng: Rng): Int32Array {
  const a = Array.from({ length: n }, (_, i) => i % k);
  return Int32Array.from(rng.shuffle(a));
}

/** Class indices of `names` in label set `set` (all classes when `names` is undefined); throws on unknown/empty. */
function allowedClasses(set: string, names: string[] | undefined): number[] {
  const classes = SHAPES_LABEL_SETS[set];
  if (names === undefined) return classes.map((_, i) => i);
  if (names.length === 0) throw new Error(`shapes: ${set} list must not be empty`);
  return names.map((name) => {
    const k = classes.indexOf(name);
    if (k < 0) throw new Error(`shapes: unknown ${set} "${name}" (expected one of ${classes.join(", ")})`);
    return k;
  });
}

/** The checked distribution options with their defaults filled in. */
function distribution(opts: ShapesDistribution) {
  const objectScale = opts.objectScale ?? 1;
  if (!(Number.isFinite(objectScale) && objectScale > 0)) {
    throw new Error(`shapes: objectScale must be a positive number, got ${objectScale}`);
  }
  const maxObjects = opts.maxObjects ?? 3;
  if (!(Number.isInteger(maxObjects) && maxObjects >= 1 && maxObjects <= 3)) {
    throw new Error(`shapes: maxObjects must be 1, 2 or 3, got ${maxObjects}`);
  }
  const hueJitter = opts.hueJitter ?? HUE_JITTER;
  if (!(Number.isFinite(hueJitter) && hueJitter >= 0 && hueJitter <= 30)) {
    throw new Error(`shapes: hueJitter must be a number of degrees in [0, 30], got ${hueJitter}`);
  }
  return {
    objectScale,
    maxObjects,
    backgrounds: allowedClasses("background", opts.backgrounds),
    textures: allowedClasses("texture", opts.textures),
    sizes: allowedClasses("size", opts.sizes),
    rotate: opts.rotate ?? true,
    hueJitter,
  };
}

/** The non-default distribution options as a short string ("" for the default dataset). */
export function describeShapesDistribution(opts: ShapesDistribution): string {
  const parts: string[] = [];
  if ((opts.objectScale ?? 1) !== 1) parts.push(`objectScale=${opts.objectScale}`);
  if ((opts.maxObjects ?? 3) !== 3) parts.push(`maxObjects=${opts.maxObjects}`);
  if (opts.backgrounds) parts.push(`backgrounds=${opts.backgrounds.join("|")}`);
  if (opts.textures) parts.push(`textures=${opts.textures.join("|")}`);
  if (opts.sizes) parts.push(`sizes=${opts.sizes.join("|")}`);
  if (opts.rotate === false) parts.push("upright");
  if ((opts.hueJitter ?? HUE_JITTER) !== HUE_JITTER) parts.push(`hueJitter=${opts.hueJitter}`);
  return parts.join(", ");
}

const SS = 4; // supersampling factor per axis at edges
const SS_TEXTURE = 3; // supersampling factor per axis inside textured objects

/**
 * Render `n` images with seed `seed` (see the module doc). Deterministic: equal arguments give equal bytes.
 */
export function renderShapes(n: number, seed: number, opts: ShapesOptions = {}): ShapesRender {
  const S = opts.size ?? 32;
  if (!Number.isInteger(n) || n < 0) throw new Error(`shapes: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(S) || S < 16) throw new Error(`shapes: size must be an integer >= 16, got ${S}`);
  const splitName = opts.split ?? "train";
  const dist = distribution(opts);
  const scale = S / 32;
  const root = new Rng(seed);
  const allowed: Record<string, number[]> = {
    count: Array.from({ length: dist.maxObjects }, (_, i) => i),
    background: dist.backgrounds,
    texture: dist.textures,
    size: dist.sizes,
  };
  const labels: Record<string, Int32Array> = {};
  for (const [name, classes] of Object.entries(SHAPES_LABEL_SETS)) {
    const only = allowed[name] ?? classes.map((_, i) => i);
    const drawn = balanced(n, only.length, root.fork(`${splitName}:${name}`));
    labels[name] = only.length === classes.length ? drawn : drawn.map((k) => only[k]);
  }
  const images = new Uint8Array(n * S * S * 3);
  const masks = new Uint8Array(n * S * S);
  const objects: ShapeObject[][] = [];
  const canvas = new Float32Array(S * S * 3);
  for (let i = 0; i < n; i++) {
    const rng = root.fork(`${splitName}:image:${i}`);
    const shape = labels.shape[i], colour = labels.colour[i], texture = labels.texture[i];
    const sizeBin = labels.size[i], quadrant = labels.position[i], count = labels.count[i] + 1;
    drawBackground(canvas, S, labels.background[i], rng);
    const objs = placeObjects(count, sizeBin, quadrant, S, scale, dist.objectScale, rng);
    if (!dist.rotate) { for (const o of objs) o.angle = 0; // angles are still drawn: the stream is unchanged
     }
    const mask = masks.subarray(i * S * S, (i + 1) * S * S);
    objs.forEach((o, j) => {
      o.hue = (colour * 60 + rng.uniform(-dist.hueJitter, dist.hueJitter) + 360) % 360;
      const sat = rng.uniform(0.65, 1), val = rng.uniform(0.75, 1);
      const fg = hsvToRgb(o.hue, sat, val);
      const dark = hsvToRgb(o.hue, sat, val * 0.45);
      const phase = rng.uniform(0, 16);
      drawObject(canvas, mask, S, o, SDFS[shape], texture, fg, dark, 3 * scale, phase, j + 1);
    });
    objects.push(objs);
    const img = images.subarray(i * S * S * 3, (i + 1) * S * S * 3);
    for (let p = 0; p < canvas.length; p++) {
      const c = canvas[p];
      img[p] = c <= 0 ? 0 : c >= 1 ? 255 : Math.round(c * 255);
    }
  }
  return { split: { n, height: S, width: S, channels: 3, images, labels }, masks, objects };
}

function drawBackground(canvas: Float32Array, S: number, kind: number, rng: Rng): void {
  const base = hsvToRgb(rng.uniform(0, 360), rng.uniform(0, 0.3), rng.uniform(0.1, 0.85));
  if (kind === 0) {
    for (let p = 0; p < S * S; p++) canvas.set(base, 3 * p);
  } else if (kind === 1) {
    const other = hsvToRgb(rng.uniform(0, 360), rng.uniform(0, 0.3), rng.uniform(0.1, 0.85));
    const a = rng.uniform(0, 2 * Math.PI), ca = Math.cos(a), sa = Math.sin(a);
    const half = (S / 2) * (Math.abs(ca) + Math.abs(sa));
    for (let y = 0; y < S; y++) {
      for (let x = 0; x < S; x++) {
        const t = ((x + 0.5 - S / 2) * ca + (y + 0.5 - S / 2) * sa) / (2 * half) + 0.5;
        const p = 3 * (y * S + x);
        for (let k = 0; k < 3; k++) canvas[p + k] = base[k] * (1 - t) + other[k] * t;
      }
    }
  } else {
    const sigma = rng.uniform(0.05, 0.12);
    for (let p = 0; p < S * S; p++) {
      const e = rng.normal(0, sigma);
      for (let k = 0; k < 3; k++) canvas[3 * p + k] = Math.min(1, Math.max(0, base[k] + e));
    }
  }
}

function placeObjects(
  count: number,
  sizeBin: number,
  quadrant: number,
  S: number,
  scale: number,
  objectScale: number,
  rng: Rng,
): ShapeObject[] {
  const lo = SIZE_BINS[sizeBin][0] * objectScale, hi = SIZE_BINS[sizeBin][1] * objectScale;
  const gap = 2.5 * scale, margin = 1.5 * scale, edge = 1 * scale;
  let shrink = 1;
  for (let attempt = 0; attempt < 4000; attempt++) {
    if (attempt > 0 && attempt % 500 === 0) shrink *= 0.9; // safety valve; not reached for count <= 3
    const objs: ShapeObject[] = [];
    let ok = true;
    for (let j = 0; j < count && ok; j++) {
      const r = Math.max(lo, rng.uniform(lo, hi) * shrink) * scale;
      // Sequential placement: retry this object's centre a few times before restarting the layout.
      let placed = false;
      for (let t = 0; t < 30 && !placed; t++) {
        const x = rng.uniform(r + edge, S - r - edge), y = rng.uniform(r + edge, S - r - edge);
        if (objs.every((o) => Math.hypot(o.x - x, o.y - y) >= o.r + r + gap)) {
          objs.push({ x, y, r, angle: rng.uniform(0, 2 * Math.PI), hue: 0 });
          placed = true;
        }
      }
      ok = placed;
    }
    if (!ok) continue;
    const cx = objs.reduce((a, o) => a + o.x, 0) / count, cy = objs.reduce((a, o) => a + o.y, 0) / count;
    if (Math.abs(cx - S / 2) < margin || Math.abs(cy - S / 2) < margin) continue;
    // Mirror the centres into the wanted quadrant: reflections keep bounds and gaps.
    const wantRight = quadrant % 2 === 1, wantBottom = quadrant >= 2;
    const flipX = (cx > S / 2) !== wantRight, flipY = (cy > S / 2) !== wantBottom;
    for (const o of objs) {
      if (flipX) o.x = S - o.x;
      if (flipY) o.y = S - o.y;
    }
    return objs;
  }
  throw new Error(`shapes: could not place ${count} objects of size bin ${sizeBin} in a ${S}x${S} image`);
}

function textureDark(texture: number, lx: number, ly: number, period: number): boolean {
  if (texture === 1) return ((lx % period) + period) % period < period / 2;
  if (texture === 2) return ((Math.floor((2 * lx) / period) + Math.floor((2 * ly) / period)) & 1) === 1;
  if (texture === 3) {
    const dx = lx - period * Math.round(lx / period), dy = ly - period * Math.round(ly / period);
    return dx * dx + dy * dy < (0.33 * period) ** 2;
  }
  return false;
}

function drawObject(
  canvas: Float32Array,
  mask: Uint8Array,
  S: number,
  o: ShapeObject,
  sdf: Sdf,
  texture: number,
  fg: number[],
  dark: number[],
  period: number,
  phase: number,
  id: number,
): void {
  const cos = Math.cos(o.angle), sin = Math.sin(o.angle), inv = 1 / o.r;
  const band = Math.SQRT1_2 * inv; // pixel half-diagonal in unit coordinates
  const x0 = Math.max(0, Math.floor(o.x - o.r - 1)), x1 = Math.min(S - 1, Math.ceil(o.x + o.r + 1));
  const y0 = Math.max(0, Math.floor(o.y - o.r - 1)), y1 = Math.min(S - 1, Math.ceil(o.y + o.r + 1));
  for (let py = y0; py <= y1; py++) {
    for (let px = x0; px <= x1; px++) {
      const dx = px + 0.5 - o.x, dy = py + 0.5 - o.y;
      const u = (dx * cos + dy * sin) * inv, v = (-dx * sin + dy * cos) * inv;
      const d = sdf(u, v);
      if (d > band) continue;
      const p = 3 * (py * S + px);
      if (d < -band && texture === 0) {
        canvas[p] = fg[0];
        canvas[p + 1] = fg[1];
        canvas[p + 2] = fg[2];
        mask[py * S + px] = id;
        continue;
      }
      // Edge pixels take SS×SS samples; the interior of a textured object needs fewer (texture only).
      const ss = d < -band ? SS_TEXTURE : SS, step = 1 / ss;
      let cover = 0, r = 0, g = 0, b = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const qx = dx + (sx + 0.5) * step - 0.5, qy = dy + (sy + 0.5) * step - 0.5;
          const lx = qx * cos + qy * sin, ly = -qx * sin + qy * cos;
          if (d >= -band && sdf(lx * inv, ly * inv) > 0) continue;
          const c = texture !== 0 && textureDark(texture, lx + phase, ly + phase, period) ? dark : fg;
          cover++;
          r += c[0];
          g += c[1];
          b += c[2];
        }
      }
      if (cover === 0) continue;
      const t = cover / (ss * ss), keep = 1 - t, w = 1 / (ss * ss);
      canvas[p] = canvas[p] * keep + r * w;
      canvas[p + 1] = canvas[p + 1] * keep + g * w;
      canvas[p + 2] = canvas[p + 2] * keep + b * w;
      if (t >= 0.5) mask[py * S + px] = id;
    }
  }
}

/** Options of `loadShapes` (with the distribution options of {@link ShapesDistribution}). */
export interface LoadShapesOptions extends ShapesDistribution {
  /** Seed (default 0). */
  seed?: number;
  /** Training images (default 10000). */
  nTrain?: number;
  /** Test images (default 2000). */
  nTest?: number;
  /** Image side (default 32). */
  size?: number;
}

/** The `shapes` dataset: train and test rendered from disjoint streams of one seed. */
export function loadShapes(opts: LoadShapesOptions = {}): Dataset {
  // every other field is a distribution option, so a new one reaches the renderer without being listed here
  const { seed = 0, nTrain = 10000, nTest = 2000, size = 32, ...dist } = opts;
  const variant = describeShapesDistribution(dist);
  return {
    name: "shapes",
    train: renderShapes(nTrain, seed, { ...dist, size, split: "train" }).split,
    test: renderShapes(nTest, seed, { ...dist, size, split: "test" }).split,
    labelSets: SHAPES_LABEL_SETS,
    defaultLabel: "shape",
    provenance: `procedural shapes v1 (lib/data/shapes.ts), seed=${seed}, ${size}x${size} RGB, ` +
      `${nTrain} train / ${nTest} test${variant ? ` (${variant})` : ""}`,
  };
}
