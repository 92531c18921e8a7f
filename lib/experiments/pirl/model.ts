/**
 * The networks of a PIRL-reproduction run: one encoder φ (the profile's, shared by whole images and patches,
 * built by the SimCLR reproduction's `buildEncoder`) and the heads its method trains:
 *
 * - `pirl`: f, a linear map of φ(v_I) to the embedding (PIRL's f), and, when λ > 0, g, a linear map of the 9
 *   patch representations concatenated in slot order to the embedding (PIRL's g);
 * - `jigsaw`: a one-hidden-layer MLP from the same concatenation to the N permutation classes;
 * - `supervised`: a linear classifier on φ(v_I);
 * - `random`: none.
 *
 * Variables are exported and restored by stable names (`encoder.*`, `<head>.*`) so the cache can store trained
 * weights.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import { linearHead, mlpHead } from "../../models/heads.ts";
import type { Encoder, ForwardOptions, Head } from "../../models/types.ts";
import { buildEncoder } from "../../models/encoder_spec.ts";
import { type PirlConfig, runConfig, type RunSpec } from "./config.ts";
import { patchBatch } from "./views.ts";

/** Head names a model may hold. */
export type HeadName = "f" | "g" | "jigsaw" | "classifier";

/** The encoder and the heads of a run. */
export interface PirlModel {
  /** The encoder φ, shared by whole images and patches. */
  encoder: Encoder;
  /** The heads the run's method trains (none for random init). */
  heads: Partial<Record<HeadName, Head>>;
}

/** Patches per jigsaw sample (3×3 grid). */
export const PATCHES = 9;

/**
 * Build the model of `run`, initialised from `Rng(run.seed).fork("init")` (the encoder first, so every method
 * of a seed starts from the same encoder weights).
 * @param numClasses classes of the supervised classifier.
 */
export function buildPirlModel(profileCfg: PirlConfig, run: RunSpec, numClasses: number): PirlModel {
  const cfg = runConfig(profileCfg, run);
  const rng = new Rng(run.seed).fork("init");
  const encoder = buildEncoder(cfg.encoder, rng);
  const d = encoder.outDim;
  const heads: PirlModel["heads"] = {};
  if (run.method === "pirl") {
    const proj = (r: Rng, inDim: number): Head =>
      cfg.headNorm
        ? mlpHead(r, inDim, { hidden: [], outDim: cfg.embedDim, finalBatchNorm: true })
        : linearHead(r, inDim, cfg.embedDim);
    heads.f = proj(rng.fork("f"), d);
    if (run.lambda > 0) heads.g = proj(rng.fork("g"), PATCHES * d);
  } else if (run.method === "jigsaw") {
    heads.jigsaw = mlpHead(rng.fork("jigsaw"), PATCHES * d, {
      hidden: [cfg.jigsawHidden],
      outDim: cfg.jigsaw.permutations,
    });
  } else if (run.method === "supervised") {
    heads.classifier = linearHead(rng.fork("classifier"), d, numClasses);
  }
  return { encoder, heads };
}

/**
 * The patch representation of a jigsaw batch: φ of every patch (one encoder pass over B·9 patches), the 9
 * vectors of a sample concatenated in slot order, [B, 9·outDim].
 */
export function patchFeatures(encoder: Encoder, patches: tf.Tensor5D, opts: ForwardOptions): tf.Tensor2D {
  return tf.tidy(() => {
    const b = patches.shape[0], n = patches.shape[1];
    const h = encoder.apply(patchBatch(patches), opts).h;
    return tf.reshape(h, [b, n * encoder.outDim]) as tf.Tensor2D;
  });
}

/** Every variable of a model by stable name. */
export function pirlModelVariables(m: PirlModel): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(m.encoder.namedVariables())) out[`encoder.${k}`] = v;
  for (const [name, head] of Object.entries(m.heads)) {
    for (const [k, v] of Object.entries(head!.namedVariables())) out[`${name}.${k}`] = v;
  }
  return out;
}

/** The trainable variables of a model (encoder and heads). */
export function pirlTrainableVariables(m: PirlModel): tf.Variable[] {
  return [
    ...m.encoder.trainableVariables(),
    ...Object.values(m.heads).flatMap((h) => h!.trainableVariables()),
  ];
}

/** Assign saved tensors to the model's variables by name; throws naming the first missing or misshapen one. */
export function loadPirlWeights(m: PirlModel, weights: Record<string, tf.Tensor>): void {
  const vars = pirlModelVariables(m);
  for (const [name, v] of Object.entries(vars)) {
    const t = weights[name];
    if (!t) throw new Error(`loadPirlWeights: saved weights lack "${name}"`);
    if (!tf.util.arraysEqual(t.shape, v.shape)) {
      throw new Error(`loadPirlWeights: "${name}" has shape [${t.shape}], the model [${v.shape}]`);
    }
  }
  for (const [name, v] of Object.entries(vars)) v.assign(weights[name]);
}

/** Free a model's variables. */
export function disposePirlModel(m: PirlModel): void {
  m.encoder.dispose();
  for (const h of Object.values(m.heads)) h!.dispose();
}
