/**
 * The networks of a PCAE or MAE run: the student ViT encoder (the representation that is evaluated), the
 * decoder, and for PCAE the momentum (EMA) teacher, a second ViT of the same shape initialised as a copy of the
 * student. Models are rebuilt from the config and seed; their variables are exported and restored by name so
 * the cache can store trained weights.
 *
 * @module
 */
import { Rng } from "../../rng.ts";
import type { Tensor, Variable } from "../../tf.ts";
import { type VisionTransformer, vit } from "../../models/vit.ts";
import { MaeDecoder } from "../../models/mae_decoder.ts";
import type { NamedVariables } from "../../models/layers.ts";
import { copyVariables } from "../../train/ema.ts";
import { CENTER_INPUT, type PcaeConfig, type PcaeMethod } from "./config.ts";

/** The networks of a run. */
export interface PcaeModel {
  /** The method the model was built for. */
  method: PcaeMethod;
  /** The ViT encoder that is trained and evaluated. */
  student: VisionTransformer;
  /** Predicts the masked patches' targets (pixels for MAE, teacher features for PCAE). */
  decoder: MaeDecoder;
  /** PCAE's momentum encoder (null for MAE). */
  teacher: VisionTransformer | null;
}

/** A ViT encoder of the profile (mean pooling of the final patch tokens, sin-cos positions, centred input). */
export function buildEncoder(cfg: PcaeConfig, seed: number): VisionTransformer {
  const e = cfg.encoder;
  return vit(new Rng(seed).fork("encoder"), {
    imageSize: cfg.imageSize,
    patchSize: e.patchSize,
    dim: e.dim,
    depth: e.depth,
    heads: e.heads,
    mlpRatio: e.mlpRatio,
    pool: "mean",
    posEmbed: "sincos",
    inputNorm: CENTER_INPUT,
  });
}

/**
 * Build the model of `method`: the decoder predicts p²·3 normalised pixels (MAE) or the encoder's feature
 * vector (PCAE); the PCAE teacher starts as an exact copy of the student.
 */
export function buildModel(cfg: PcaeConfig, method: PcaeMethod, seed: number): PcaeModel {
  const student = buildEncoder(cfg, seed);
  const p = cfg.encoder.patchSize;
  const decoder = new MaeDecoder(new Rng(seed).fork("decoder"), {
    inDim: cfg.encoder.dim,
    dim: cfg.decoder.dim,
    depth: cfg.decoder.depth,
    heads: cfg.decoder.heads,
    grid: student.gridSize,
    outDim: method === "mae" ? p * p * 3 : cfg.encoder.dim,
  });
  let teacher: VisionTransformer | null = null;
  if (method === "pcae") {
    teacher = buildEncoder(cfg, seed);
    copyVariables(teacher.namedVariables(), student.namedVariables());
  }
  return { method, student, decoder, teacher };
}

/** Every variable of the model under `student.*`, `decoder.*`, `teacher.*`. */
export function modelVariables(m: PcaeModel): NamedVariables {
  const out: NamedVariables = {};
  const add = (prefix: string, vars: NamedVariables) => {
    for (const [k, v] of Object.entries(vars)) out[`${prefix}.${k}`] = v;
  };
  add("student", m.student.namedVariables());
  add("decoder", m.decoder.namedVariables());
  if (m.teacher) add("teacher", m.teacher.namedVariables());
  return out;
}

/** The variables the optimiser updates: the student's and the decoder's trainable ones (not the teacher). */
export function trainableVariables(m: PcaeModel): Variable[] {
  return [...m.student.trainableVariables(), ...m.decoder.trainableVariables()];
}

/** Restore stored variables by name (extra entries such as `_losses` are ignored; missing ones throw). */
export function loadModelWeights(m: PcaeModel, stored: Record<string, Tensor>): void {
  for (const [name, v] of Object.entries(modelVariables(m))) {
    const t = stored[name];
    if (!t) throw new Error(`pcae: stored weights lack "${name}"`);
    v.assign(t);
  }
}

/** Free every variable. */
export function disposeModel(m: PcaeModel): void {
  m.student.dispose();
  m.decoder.dispose();
  m.teacher?.dispose();
}
