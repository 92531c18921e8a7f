/**
 * Analytic compute of the ViT pieces, counted as multiply-accumulates (MACs) of the matrix products — the
 * quantity the papers report ("MACs", FLOPs ≈ 2·MACs); layer norms, softmax, GELU and the token scoring are
 * O(T·D) and left out.
 *
 * A pre-norm block on T tokens of width D with MLP ratio r costs T·D·3D (qkv) + 2·T²·D (q·kᵀ and attention·v)
 * + T·D² (projection) + 2·r·T·D² (MLP) = (4 + 2r)·T·D² + 2·T²·D. A training step costs 3× the forward MACs of
 * the parts that are trained (forward + backward with respect to activations and weights), and 1× for PCAE's
 * teacher, which runs forward only.
 *
 * @module
 */
import type { PcaeConfig, PcaeMethod } from "./config.ts";
import { patchTokensKept } from "./redundancy.ts";

/** MACs of one transformer block on `t` tokens of width `d` with MLP ratio `r`. */
export function blockMacs(t: number, d: number, r: number): number {
  return (4 + 2 * r) * t * d * d + 2 * t * t * d;
}

/** MACs of the stride-p patch embedding of `n` patches (p²·C inputs each) to width `d`. */
export function patchEmbedMacs(n: number, p: number, c: number, d: number): number {
  return n * p * p * c * d;
}

/**
 * Tokens entering each of `depth` blocks when `n` patch tokens (+ CLS if `cls`) lose `ratio` of the patch
 * tokens before every block listed in `dropBefore`.
 */
export function tokensPerBlock(
  n: number,
  depth: number,
  ratio: number,
  dropBefore: readonly number[],
  cls = true,
): number[] {
  const out: number[] = [];
  let patches = n;
  for (let i = 0; i < depth; i++) {
    if (ratio > 0 && dropBefore.includes(i)) patches = patchTokensKept(patches, ratio, 1)[1];
    out.push(patches + (cls ? 1 : 0));
  }
  return out;
}

/** Forward MACs of the profile's ViT encoder on the given tokens per block (patch embedding of `embedded`). */
export function encoderMacs(cfg: PcaeConfig, tokens: readonly number[], embedded: number): number {
  const e = cfg.encoder;
  const embed = patchEmbedMacs(embedded, e.patchSize, 3, e.dim);
  return embed + tokens.reduce((s, t) => s + blockMacs(t, e.dim, e.mlpRatio), 0);
}

/** Forward MACs of the decoder with `k` visible inputs and `q` queries predicting `out` values each. */
export function decoderMacs(cfg: PcaeConfig, k: number, q: number, out: number): number {
  const dd = cfg.decoder;
  const blocks = dd.depth * blockMacs(k + q, dd.dim, 4);
  return k * cfg.encoder.dim * dd.dim + blocks + q * dd.dim * out;
}

/** Patches of the profile's image grid. */
export function numPatches(cfg: PcaeConfig): number {
  return (cfg.imageSize / cfg.encoder.patchSize) ** 2;
}

/** MACs of one pretraining step per image, split into its parts (see the module doc). */
export function stepMacs(
  cfg: PcaeConfig,
  method: PcaeMethod,
  maskRatio: number,
): { student: number; decoder: number; teacher: number; total: number } {
  const n = numPatches(cfg), depth = cfg.encoder.depth, p = cfg.encoder.patchSize;
  const k = Math.max(1, Math.round(n * (1 - maskRatio))), m = n - k;
  const student = 3 * encoderMacs(cfg, new Array(depth).fill(k + 1), n);
  if (method === "mae") {
    const decoder = 3 * decoderMacs(cfg, k, m, p * p * 3);
    return { student, decoder, teacher: 0, total: student + decoder };
  }
  const { dropRatio, dropBefore } = cfg.teacher;
  const tTokens = tokensPerBlock(m, depth, dropRatio, dropBefore);
  const q = patchTokensKept(m, dropRatio, dropBefore.filter((b) => b < depth).length).at(-1)!;
  const teacher = encoderMacs(cfg, tTokens, n);
  const decoder = 3 * decoderMacs(cfg, k, q, cfg.encoder.dim);
  return { student, decoder, teacher, total: student + decoder + teacher };
}

/** Inference MACs per image of the encoder dropping `ratio` of the patch tokens before each drop block. */
export function inferenceMacs(cfg: PcaeConfig, ratio: number): number {
  const n = numPatches(cfg);
  return encoderMacs(cfg, tokensPerBlock(n, cfg.encoder.depth, ratio, cfg.teacher.dropBefore), n);
}
