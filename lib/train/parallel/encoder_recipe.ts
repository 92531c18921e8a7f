/**
 * A general recipe (see `./recipe.ts`): an encoder (cnn3 or a CIFAR ResNet) + a head, trained either with
 * SimCLR (two augmented views per image, NT-Xent over the 2B embeddings) or supervised (softmax cross-entropy
 * on integer labels), with Adam / AdamW / SGD / LARS. This is what `tools/bench.ts --workers` runs.
 *
 * Config ({@link EncoderRecipeConfig}), e.g.
 * `{ seed: 0, encoder: "resnet18-w16", task: "simclr", temperature: 0.5, optimizer: "adam" }`.
 *
 * SimCLR's outputs put both views of an image in one row, `[z(view 1) | z(view 2)]` ([n, 2d]), so a batch
 * splits across chunks and workers by image.
 *
 * @module
 */
import { tf } from "../../tf.ts";
import { Rng } from "../../rng.ts";
import { cnn3 } from "../../models/cnn3.ts";
import { resnet } from "../../models/resnet.ts";
import { linearHead, mlpHead } from "../../models/heads.ts";
import type { Encoder, Head } from "../../models/types.ts";
import { ntXent } from "../../losses/nt_xent.ts";
import { randomResizedCrop } from "../../augment/crop.ts";
import { randomFlip } from "../../augment/flip.ts";
import { colorDistortion } from "../../augment/color.ts";
import { adam, adamw, lars, sgd } from "../optimizers.ts";
import type { Optimizer } from "../types.ts";
import { stateVariables } from "../split_step.ts";
import type { Recipe, RecipeConfig } from "./recipe.ts";

/** Configuration of {@link build}. */
export interface EncoderRecipeConfig {
  /** Initialisation seed (equal seeds: identical replicas). */
  seed: number;
  /** `cnn3`, or `resnet{10,18,34}-w{width}` (e.g. `resnet18-w16`). */
  encoder: string;
  /** `simclr` or `supervised`. */
  task: "simclr" | "supervised";
  /** Classes of the supervised linear head (default 10). */
  classes?: number;
  /** Output dimension of the SimCLR MLP head (default 128). */
  projectionDim?: number;
  /** NT-Xent temperature (default 0.5). */
  temperature?: number;
  /** Crop size of the SimCLR augmentation (default 32). */
  imageSize?: number;
  /** `adam` (default), `adamw`, `sgd` (momentum 0.9) or `lars`. */
  optimizer?: "adam" | "adamw" | "sgd" | "lars";
}

function makeEncoder(name: string, rng: Rng): Encoder {
  if (name === "cnn3") return cnn3(rng);
  const m = /^resnet(10|18|34)-w(\d+)$/.exec(name);
  if (!m) throw new Error(`encoder_recipe: unknown encoder "${name}" (cnn3 or resnet{10,18,34}-w{width})`);
  return resnet(rng, { depth: Number(m[1]) as 10 | 18 | 34, width: Number(m[2]) });
}

function makeOptimizer(name: string, vars: tf.Variable[]): Optimizer {
  switch (name) {
    case "adam":
      return adam(vars);
    case "adamw":
      return adamw(vars);
    case "sgd":
      return sgd(vars, { momentum: 0.9 });
    case "lars":
      return lars(vars);
  }
  throw new Error(`encoder_recipe: unknown optimizer "${name}"`);
}

/** Build a replica (the recipe module's entry point). */
export function build(raw: RecipeConfig): Recipe {
  const config = raw as unknown as EncoderRecipeConfig;
  const rng = new Rng(config.seed);
  const encoder = makeEncoder(config.encoder, rng.fork("encoder"));
  const simclr = config.task === "simclr";
  if (!simclr && config.task !== "supervised") {
    throw new Error(`encoder_recipe: unknown task "${config.task}"`);
  }
  const classes = config.classes ?? 10;
  const head: Head = simclr
    ? mlpHead(rng.fork("head"), encoder.outDim, { outDim: config.projectionDim ?? 128 })
    : linearHead(rng.fork("head"), encoder.outDim, classes);
  const variables = [...encoder.trainableVariables(), ...head.trainableVariables()];
  const optimizer = makeOptimizer(config.optimizer ?? "adam", variables);
  const tau = config.temperature ?? 0.5, size = config.imageSize ?? 32;
  const augment = (x: tf.Tensor4D, r: Rng) =>
    colorDistortion(randomFlip(randomResizedCrop(x, r, { size }), r), r);
  const embed = (x: tf.Tensor4D) => head.apply(encoder.apply(x, { training: true }).h, { training: true });
  return {
    variables,
    state: stateVariables(encoder, head),
    optimizer,
    lossKind: simclr ? "embedding" : "mean",
    forward(x, r) {
      const x4 = x as tf.Tensor4D;
      if (!simclr) return embed(x4);
      const n = x4.shape[0];
      const z = embed(tf.concat([augment(x4, r.fork("view1")), augment(x4, r.fork("view2"))], 0));
      const d = z.shape[1];
      return tf.concat([z.slice([0, 0], [n, d]), z.slice([n, 0], [n, d])], 1);
    },
    loss(out, labels) {
      if (!simclr) {
        if (!labels) throw new Error("encoder_recipe: a supervised step needs labels");
        const oneHot = labels.dtype === "int32"
          ? tf.oneHot(labels.reshape([-1]) as tf.Tensor1D, classes)
          : labels;
        return tf.losses.softmaxCrossEntropy(oneHot, out) as tf.Scalar;
      }
      const d = out.shape[1]! / 2;
      return ntXent(
        out.slice([0, 0], [-1, d]) as tf.Tensor2D,
        out.slice([0, d], [-1, d]) as tf.Tensor2D,
        tau,
      );
    },
    dispose() {
      optimizer.dispose();
      encoder.dispose();
      head.dispose();
    },
  };
}
