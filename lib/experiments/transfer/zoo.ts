/**
 * The encoders of the model zoo: for a {@link ZooModel} and a seed, the trained weights of the SimCLR
 * reproduction's run with that spec and seed (from the shared cache, or trained now), or for "random init" the
 * untrained encoder that the runs of that seed start from; both through the run engine's public
 * {@link trainedEncoder} with the SimCLR method. Evaluations that train the encoder (finetuning) need a fresh copy per task, so
 * a {@link ZooEncoder} keeps the weights and builds new encoders from them.
 *
 * @module
 */
import type { Encoder } from "../../models/types.ts";
import { trainedEncoder } from "../../runs/engine.ts";
import { pixelEncoder } from "../../models/pixels.ts";
import { baseRun, type RunSpec, simclrMethod, type SimclrMethodContext } from "../simclr/mod.ts";
import type { ZooModel } from "./config.ts";

/** A zoo model's weights for one seed, and a factory of encoders initialised with them. */
export interface ZooEncoder {
  /** The zoo model. */
  model: ZooModel;
  /** The seed of the upstream run. */
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
export function zooRun(ctx: Pick<SimclrMethodContext, "cfg">, model: ZooModel, seed: number): RunSpec {
  return model.kind === "trained" ? { ...structuredClone(model.run), seed } : baseRun(ctx.cfg, seed);
}

/** Load (or train) the weights of `model` at `seed` (module doc). */
export async function zooEncoder(
  ctx: SimclrMethodContext,
  model: ZooModel,
  seed: number,
): Promise<ZooEncoder> {
  const run = zooRun(ctx, model, seed);
  if (model.kind === "pixels") {
    const { imageSize } = ctx.cfg, channels = ctx.data.train.channels;
    return {
      model,
      seed,
      run,
      trainSeconds: 0,
      newEncoder: () => pixelEncoder(imageSize, channels),
      dispose() {},
    };
  }
  const enc = await trainedEncoder(simclrMethod, ctx, { run, transforms: false }, {
    untrained: model.kind === "random",
  });
  return { model, seed, run, trainSeconds: enc.seconds, newEncoder: enc.newEncoder, dispose: enc.dispose };
}
