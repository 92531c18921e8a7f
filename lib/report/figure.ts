/**
 * Figures: render a vega-lite v5 spec to `<outDir>/<name>.svg` and `.png`, record its caption and provenance
 * in `<name>.figure.json`, and show it inline when running inside the Deno Jupyter kernel.
 *
 * Rendering is headless (vega-lite compile → vega View with renderer "none" → `toSVG()`), then sharp rasterises
 * the SVG at 2× density. Text is set in DejaVu Sans (installed with fonts-dejavu-core) with a white background so
 * the PNG is readable anywhere. Inline display is a raw MIME bundle ({@link figureBundle}):
 * `application/vnd.vegalite.v5+json` (the interactive chart in JupyterLab), `image/svg+xml` (GitHub, nbviewer)
 * and `image/png` (base64, shown at the SVG's size): a freshly executed notebook is untrusted, and classic
 * Jupyter Notebook and `jupyter nbconvert --to html` show neither vega-lite nor SVG from an untrusted notebook,
 * but they do show PNG.
 *
 * @module
 */
import * as vl from "vega-lite";
import * as vega from "vega";
import sharp from "sharp";
import { writeFileAtomic, writeJsonAtomic } from "./atomic.ts";
import type { Provenance } from "./results.ts";

/** A vega-lite spec (kept loose: the suite passes plain JSON specs). */
export type VegaLiteSpec = Record<string, unknown>;

/** The sidecar metadata written next to each figure and read by the gallery generator. */
export interface FigureMeta {
  /** Figure name: the file stem of `<name>.svg`, `<name>.png` and `<name>.figure.json`. */
  name: string;
  /** Paper the figure belongs to (the option, else the output directory's name). */
  paper: string;
  /** The caption given to {@link renderFigure}, trimmed. */
  caption: string;
  /** File names (relative to the paper directory). */
  files: { svg: string; png: string };
  /** Provenance of the run that drew it (null when no experiment was started). */
  provenance: Omit<Provenance, "versions"> | null;
}

/** Options for {@link renderFigure}. */
export interface FigureOptions {
  /** One-sentence caption shown in the gallery (required: figures without captions are not allowed). */
  caption: string;
  /** Output directory (a notebook passes its experiment's through `Experiment.figure`). */
  outDir: string;
  /** Paper the figure belongs to (default: the output directory's name). */
  paper?: string;
  /** Provenance of the run that draws it, recorded in `<name>.figure.json` (default: none). */
  provenance?: Omit<Provenance, "versions"> | null;
  /** Show inline in the kernel (default true; ignored outside `deno jupyter`). */
  display?: boolean;
  /** PNG density in dpi (default 144 = 2×). */
  density?: number;
}

const FONT = "DejaVu Sans";
const NAME_RE = /^[a-z0-9][a-z0-9_-]*$/;

/** The spec with the suite's defaults: v5 schema, DejaVu Sans everywhere, white background. */
export function withDefaults(spec: VegaLiteSpec): VegaLiteSpec {
  const config = (spec.config ?? {}) as Record<string, unknown>;
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v5.json",
    background: "white",
    ...spec,
    config: { font: FONT, ...config },
  };
}

/** Render a vega-lite spec to an SVG string (headless). Throws one line on an invalid spec. */
export async function renderSvg(spec: VegaLiteSpec): Promise<string> {
  let compiled: vega.Spec;
  try {
    compiled = vl.compile(withDefaults(spec) as unknown as vl.TopLevelSpec).spec as vega.Spec;
  } catch (e) {
    throw new Error(`invalid vega-lite spec: ${(e as Error).message.split("\n")[0]}`);
  }
  const view = new vega.View(vega.parse(compiled), { renderer: "none", logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Rasterise SVG text to PNG bytes. */
export async function svgToPng(svg: string, density = 144): Promise<Uint8Array> {
  const buf = await sharp(new TextEncoder().encode(svg), { density }).png().toBuffer();
  return new Uint8Array(buf);
}

/** The parts of the Deno Jupyter kernel's `Deno.jupyter` namespace that figures use. */
export interface JupyterNs {
  /** Show `obj` as cell output (`raw: true`: `obj` is already a MIME bundle). */
  display(obj: unknown, opts?: { raw?: boolean }): Promise<void>;
  /** Send a raw Jupyter message on IOPub (absent in older kernels). */
  broadcast?(msgType: string, content: Record<string, unknown>): Promise<void>;
}

/** The content of the `display_data` message that shows a figure inline. */
export interface FigureBundle {
  /** MIME type → representation: vega-lite spec, SVG text, base64 PNG and a one-line text/plain. */
  data: {
    "application/vnd.vegalite.v5+json": VegaLiteSpec;
    "image/svg+xml": string;
    "image/png": string;
    "text/plain": string;
  };
  /** Display size of the PNG in CSS pixels (the SVG's size; the PNG itself is rendered at `density`). */
  metadata: { "image/png": { width: number; height: number } };
}

/** Base64 of bytes (chunked, so large PNGs do not overflow the argument list of `String.fromCharCode`). */
function base64(bytes: Uint8Array): string {
  let s = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(s);
}

/** The width and height attributes of the root `<svg>` element (CSS pixels; 0 where missing). */
function svgSize(svg: string): { width: number; height: number } {
  const root = /<svg\b[^>]*>/.exec(svg)?.[0] ?? "";
  const attr = (k: string) => Number(new RegExp(`\\s${k}="([\\d.]+)"`).exec(root)?.[1] ?? 0);
  return { width: attr("width"), height: attr("height") };
}

/**
 * The MIME bundle that displays a rendered figure: the vega-lite spec `full` (with defaults), its SVG, its PNG
 * (base64, displayed at the SVG's size) and `[figure <name>] <caption>` as text.
 */
export function figureBundle(
  full: VegaLiteSpec,
  svg: string,
  png: Uint8Array,
  text: string,
): FigureBundle {
  return {
    data: {
      "application/vnd.vegalite.v5+json": full,
      "image/svg+xml": svg,
      "image/png": base64(png),
      "text/plain": text,
    },
    metadata: { "image/png": svgSize(svg) },
  };
}

/** `Deno.jupyter` inside `deno jupyter`, else null (outside the kernel, merely reading it throws). */
export function jupyterNamespace(): JupyterNs | null {
  try {
    return (Deno as unknown as { jupyter?: JupyterNs }).jupyter ?? null;
  } catch {
    return null;
  }
}

/**
 * Render `spec` to `<outDir>/<name>.svg|.png|.figure.json` (each written atomically) and display it inline.
 * `name` must match `/^[a-z0-9][a-z0-9_-]*$/` and the caption must not be blank.
 * @returns the metadata that was written.
 * @example
 * ```ts
 * import { barsSpec, meanCI, point, renderFigure } from "../mod.ts";
 * const points = [
 *   point("SimCLR", "linear probe", meanCI([0.71, 0.73, 0.72])),
 *   point("supervised", "linear probe", meanCI([0.80, 0.81, 0.79])),
 * ];
 * const spec = barsSpec(points, { title: "Top-1 accuracy", x: "method", y: "accuracy (%)" });
 * const meta = await renderFigure(spec, "t1-accuracy", { caption: "Linear-probe accuracy (mean, 95% CI)." });
 * meta.files.svg; // "t1-accuracy.svg", next to t1-accuracy.png and t1-accuracy.figure.json
 * ```
 */
export async function renderFigure(
  spec: VegaLiteSpec,
  name: string,
  opts: FigureOptions,
): Promise<FigureMeta> {
  if (!NAME_RE.test(name)) throw new Error(`figure name "${name}" must match ${NAME_RE.source}`);
  if (!opts.caption?.trim()) throw new Error(`figure "${name}": a caption is required`);
  const outDir = opts.outDir;
  const full = withDefaults(spec);
  const svg = await renderSvg(full);
  const png = await svgToPng(svg, opts.density);
  const provenance: FigureMeta["provenance"] = opts.provenance ?? null;
  const meta: FigureMeta = {
    name,
    paper: opts.paper ?? outDir.replace(/\/+$/, "").split("/").pop()!,
    caption: opts.caption.trim(),
    files: { svg: `${name}.svg`, png: `${name}.png` },
    provenance,
  };
  await writeFileAtomic(`${outDir}/${name}.svg`, svg);
  await writeFileAtomic(`${outDir}/${name}.png`, png);
  await writeJsonAtomic(`${outDir}/${name}.figure.json`, meta);
  const jupyter = jupyterNamespace();
  if (jupyter && opts.display !== false) {
    const bundle = figureBundle(full, svg, png, `[figure ${name}] ${meta.caption}`);
    // broadcast carries the PNG's display size; display() (older kernels) sends empty metadata
    if (jupyter.broadcast) {
      await jupyter.broadcast("display_data", { ...bundle, transient: {} });
    } else await jupyter.display(bundle.data, { raw: true });
  }
  return meta;
}
