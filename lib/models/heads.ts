/**
 * Heads on top of an encoder's representation h: linear classifiers, MLP projection heads (SimCLR's g(·)), and
 * the identity.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";
import type { ForwardOptions, Head } from "./types.ts";
import { BatchNorm, collectVariables, Dense, type DenseInit, Layer, type NamedVariables } from "./layers.ts";

/** A linear layer as a head, e.g. the classifier of a supervised model or a linear probe. */
export class LinearHead extends Layer implements Head {
  /** Identifier. */
  readonly name: string;
  /** The layer. */
  readonly fc: Dense;

  /**
   * A freshly initialised `inDim → outDim` layer with bias.
   * @param rng initialisation stream.
   * @param inDim representation dimension.
   * @param outDim outputs (e.g. classes).
   * @param init weight initialisation of the {@link Dense} layer (default "torch-default").
   */
  constructor(rng: Rng, readonly inDim: number, readonly outDim: number, init: DenseInit = "torch-default") {
    super();
    this.fc = new Dense(rng, inDim, outDim, { init });
    this.name = `linear-${inDim}-${outDim}`;
  }

  /** Logits [B, outDim]. */
  apply(h: tf.Tensor2D, _opts?: ForwardOptions): tf.Tensor2D {
    return this.fc.apply(h);
  }

  /** Variables: `fc.weight`, `fc.bias`. */
  namedVariables(): NamedVariables {
    return collectVariables({ fc: this.fc });
  }
}

/** A linear head. */
export function linearHead(
  rng: Rng,
  inDim: number,
  outDim: number,
  init: DenseInit = "torch-default",
): LinearHead {
  return new LinearHead(rng, inDim, outDim, init);
}

/** Options of {@link mlpHead}. */
export interface MlpHeadOptions {
  /** Hidden layer widths (default [inDim]: one hidden layer as wide as the input, as SimCLR). */
  hidden?: readonly number[];
  /** Output dimension (default 128). */
  outDim?: number;
  /** Batch norm after each hidden linear layer (which then has no bias); default false (SimCLR v1 paper). */
  batchNorm?: boolean;
  /** Batch norm on the output too (SimCLR's TF code); default false. */
  finalBatchNorm?: boolean;
}

/** MLP projection head: [Linear → (BN) → ReLU] × hidden → Linear → (BN). */
export class MlpHead extends Layer implements Head {
  /** Identifier. */
  readonly name: string;
  /** Output dimension. */
  readonly outDim: number;
  /** Linear layers (hidden then output). */
  readonly layers: Dense[];
  /** Batch norms after the linear layers (null where absent). */
  readonly norms: (BatchNorm | null)[];

  /**
   * Freshly initialised layers `inDim → ...hidden → outDim` (defaults: one hidden layer of width `inDim`,
   * `outDim` 128).
   * @param rng initialisation stream.
   * @param inDim representation dimension.
   */
  constructor(rng: Rng, readonly inDim: number, opts: MlpHeadOptions = {}) {
    super();
    const hidden = opts.hidden ?? [inDim];
    this.outDim = opts.outDim ?? 128;
    const dims = [inDim, ...hidden, this.outDim];
    this.layers = [];
    this.norms = [];
    for (let i = 0; i + 1 < dims.length; i++) {
      const last = i + 2 === dims.length;
      const bn = last ? opts.finalBatchNorm === true : opts.batchNorm === true;
      this.layers.push(new Dense(rng, dims[i], dims[i + 1], { bias: !bn }));
      this.norms.push(bn ? new BatchNorm(dims[i + 1]) : null);
    }
    this.name = `mlp-${dims.join("-")}${opts.batchNorm ? "-bn" : ""}`;
  }

  /** Projection z [B, outDim]. */
  apply(h: tf.Tensor2D, opts: ForwardOptions): tf.Tensor2D {
    if (h.rank !== 2 || h.shape[1] !== this.inDim) {
      throw new Error(`MlpHead: expected input [B, ${this.inDim}], got [${h.shape.join(", ")}]`);
    }
    let y = h;
    this.layers.forEach((layer, i) => {
      const last = i + 1 === this.layers.length;
      const norm = this.norms[i];
      if (norm) {
        y = norm.apply(layer.apply(y), opts.training);
        if (!last) y = tf.relu(y);
      } else {
        y = layer.apply(y, last ? "linear" : "relu");
      }
    });
    return y;
  }

  /** Variables: `fc{i}.*` and `bn{i}.*`. */
  namedVariables(): NamedVariables {
    const parts: Record<string, Dense | BatchNorm | null> = {};
    this.layers.forEach((l, i) => {
      parts[`fc${i}`] = l;
      parts[`bn${i}`] = this.norms[i];
    });
    return collectVariables(parts);
  }
}

/** An MLP projection head (SimCLR: `mlpHead(rng, 512, {hidden: [512], outDim: 128})`). */
export function mlpHead(rng: Rng, inDim: number, opts: MlpHeadOptions = {}): MlpHead {
  return new MlpHead(rng, inDim, opts);
}

/** The identity head (no projection): returns h unchanged and has no variables. */
export class IdentityHead implements Head {
  /** Identifier. */
  readonly name = "identity";
  /**
   * An identity head for representations of width `outDim`.
   * @param outDim the representation dimension it passes through.
   */
  constructor(readonly outDim: number) {}
  /** Returns `h` (the same tensor). */
  apply(h: tf.Tensor2D, _opts?: ForwardOptions): tf.Tensor2D {
    return h;
  }
  /** None. */
  trainableVariables(): tf.Variable[] {
    return [];
  }
  /** None. */
  namedVariables(): NamedVariables {
    return {};
  }
  /** Nothing to free. */
  dispose(): void {}
}

/** The identity head. */
export function identityHead(dim: number): IdentityHead {
  return new IdentityHead(dim);
}
