/**
 * The networks of a SimCLR run: the encoder f(·) of the profile and the projection head g(·) of the run
 * (Figure 8: a one-hidden-layer MLP, a linear layer, or none), or for the supervised baseline a linear
 * classifier. Models are rebuilt from their spec and a seed, and their variables can be exported and restored
 * by name, so the cache can store trained weights.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import { identityHead, linearHead, mlpHead } from "../../models/heads.ts";
import type { Encoder, EncoderOutput, ForwardOptions, Head } from "../../models/types.ts";
import { buildEncoder, Cnn3Bn } from "../../models/encoder_spec.ts";
import type { RunSpec, SimclrConfig } from "./config.ts";

/** The encoder and the head of a run. */
export interface SimclrModel {
  /** The encoder f(·); its output h is the representation evaluated. */
  encoder: Encoder;
  /** g(·) for SimCLR runs; the classifier for supervised runs. */
  head: Head;
}

export { buildEncoder, Cnn3Bn };

/**
 * Build the model of a run, initialised from `Rng(run.seed).fork("init")`.
 * @param numClasses classes of the supervised baseline's classifier.
 */
export function buildModel(cfg: SimclrConfig, run: RunSpec, numClasses: number): SimclrModel {
  const rng = new Rng(run.seed).fork("init");
  const encoder = buildEncoder(cfg.encoder, rng);
  const d = encoder.outDim;
  let head: Head;
  if (run.method === "supervised") head = linearHead(rng, d, numClasses);
  else if (run.head === "mlp") {
    head = mlpHead(rng, d, {
      hidden: [cfg.projection.hidden],
      outDim: cfg.projection.outDim,
      batchNorm: cfg.encoder.kind === "cnn3" && (cfg.encoder.headBatchNorm ?? false),
    });
  } else if (run.head === "linear") head = linearHead(rng, d, cfg.projection.outDim);
  else head = identityHead(d);
  return { encoder, head };
}

/** Every variable of a model by stable name (`encoder.*`, `head.*`). */
export function modelVariables(m: SimclrModel): Record<string, tf.Variable> {
  const out: Record<string, tf.Variable> = {};
  for (const [k, v] of Object.entries(m.encoder.namedVariables())) out[`encoder.${k}`] = v;
  for (const [k, v] of Object.entries(m.head.namedVariables())) out[`head.${k}`] = v;
  return out;
}

/** The trainable variables of a model. */
export function trainableVariables(m: SimclrModel): tf.Variable[] {
  return [...m.encoder.trainableVariables(), ...m.head.trainableVariables()];
}

/** Assign saved tensors to the model's variables by name; throws naming the first missing or misshapen one. */
export function loadModelWeights(m: SimclrModel, weights: Record<string, tf.Tensor>): void {
  const vars = modelVariables(m);
  for (const [name, v] of Object.entries(vars)) {
    const t = weights[name];
    if (!t) throw new Error(`loadModelWeights: saved weights lack "${name}"`);
    if (!tf.util.arraysEqual(t.shape, v.shape)) {
      throw new Error(`loadModelWeights: "${name}" has shape [${t.shape}], the model [${v.shape}]`);
    }
  }
  for (const [name, v] of Object.entries(vars)) v.assign(weights[name]);
}

/** Free a model's variables. */
export function disposeModel(m: SimclrModel): void {
  m.encoder.dispose();
  m.head.dispose();
}

/**
 * An encoder whose representation is z = g(h) instead of h (for evaluating the projection output with the
 * same feature extraction). It owns nothing: disposing it is a no-op.
 */
export function projectedEncoder(m: SimclrModel): Encoder {
  return {
    name: `${m.encoder.name}+${m.head.name}`,
    outDim: m.head.outDim,
    apply(x: tf.Tensor4D, opts: ForwardOptions): EncoderOutput {
      const out = m.encoder.apply(x, opts);
      return { h: m.head.apply(out.h, opts), stages: out.stages };
    },
    trainableVariables: () => [],
    namedVariables: () => ({}),
    dispose() {},
  };
}
