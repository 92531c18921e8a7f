/**
 * The encoders of the model zoo: for a {@link ZooModel} and a seed, the trained weights of the SimCLR
 * reproduction's run with that spec and seed (from the shared cache, or trained now through
 * `trainedModel` of `lib/experiments/simclr/run.ts`), or for "random init" the untrained encoder that the
 * runs of that seed start from. Evaluations that train the encoder (finetuning) need a fresh copy per task, so
 * a {@link ZooEncoder} keeps the weights and builds new encoders from them.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import type { Encoder } from "../../models/types.ts";
import { baseRun, type RunSpec } from "../simclr/config.ts";
import {
  buildModel,
  disposeModel,
  loadModelWeights,
  modelVariables,
  type SimclrModel,
} from "../simclr/model.ts";
import { type SimclrContext, trainedModel } from "../simclr/run.ts";
import type { ZooModel } from "./config.ts";

/** A zoo model's weights for one seed, and a factory of encoders initialised with them. */
export interface ZooEncoder {
  model: ZooModel;
  seed: number;
  /** The upstream run (for "random init": the base run of that seed, never trained). */
  run: RunSpec;
  /** Upstream training seconds (0 for random init; from the run that trained it, possibly earlier). */
  trainSeconds: number;
  /** A new encoder holding the weights (the caller disposes it). */
  newEncoder(): Encoder;
  /** Free the stored weights. */
  dispose(): void;
}

/** The run a zoo model stands for at `seed`. */
export function zooRun(ctx: Pick<SimclrContext, "cfg">, model: ZooModel, seed: number): RunSpec {
  return model.kind === "random" ? baseRun(ctx.cfg, seed) : { ...structuredClone(model.run), seed };
}

function encoderOf(m: SimclrModel): Encoder {
  m.head.dispose();
  return m.encoder;
}

/** Load (or train) the weights of `model` at `seed` (module doc). */
export async function zooEncoder(ctx: SimclrContext, model: ZooModel, seed: number): Promise<ZooEncoder> {
  const { cfg, data } = ctx;
  const run = zooRun(ctx, model, seed);
  if (model.kind === "random") {
    return {
      model,
      seed,
      run,
      trainSeconds: 0,
      newEncoder: () => encoderOf(buildModel(cfg, run, data.numClasses)),
      dispose() {},
    };
  }
  const trained = await trainedModel(ctx, run);
  const weights: Record<string, tf.Tensor> = {};
  for (const [k, v] of Object.entries(modelVariables(trained.model))) weights[k] = tf.clone(v);
  disposeModel(trained.model);
  return {
    model,
    seed,
    run,
    trainSeconds: trained.seconds,
    newEncoder() {
      const m = buildModel(cfg, run, data.numClasses);
      loadModelWeights(m, weights);
      return encoderOf(m);
    },
    dispose: () => tf.dispose(Object.values(weights)),
  };
}
