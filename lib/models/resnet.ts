/**
 * CIFAR-style ResNets with a width multiplier, exactly as `shared/bench/torch_reference.py`: a 3×3 stride-1 stem
 * conv + BN + ReLU (no max-pool), BasicBlock stages of widths w, 2w, 4w, 8w with strides 1, 2, 2, 2, 1×1
 * conv + BN projection shortcuts where the shape changes, and global average pooling. Depth 18 is [2,2,2,2]
 * blocks, 10 is [1,1,1,1], 34 is [3,4,6,3].
 *
 * `apply` returns h (the pooled stage-4 features) and `stages` = [stem, stage1, stage2, stage3, stage4]
 * feature maps, for per-layer evaluation.
 *
 * @module
 */
import { tf } from "../tf.ts";
import type { Rng } from "../rng.ts";
import type { Encoder, EncoderOutput, ForwardOptions } from "./types.ts";
import { BatchNorm, collectVariables, Conv2d, Layer, type NamedVariables, normalizeInput } from "./layers.ts";

/** A ResNet BasicBlock: conv3x3 → BN → ReLU → conv3x3 → BN, plus the (projected) input, then ReLU. */
export class BasicBlock extends Layer {
  /** First conv (carries the stride). */
  readonly conv1: Conv2d;
  /** BN after conv1. */
  readonly bn1: BatchNorm;
  /** Second conv. */
  readonly conv2: Conv2d;
  /** BN after conv2. */
  readonly bn2: BatchNorm;
  /** 1×1 projection shortcut (conv, BN), or null for the identity. */
  readonly shortcut: { conv: Conv2d; bn: BatchNorm } | null;

  /**
   * A freshly initialised block; it gets a 1×1 projection shortcut when `stride` ≠ 1 or the channels change.
   * @param rng initialisation stream.
   * @param inChannels input channels.
   * @param outChannels output channels.
   * @param stride stride of the first conv and of the shortcut.
   * @param zeroInitResidual initialise bn2's γ to 0 (default false, as the reference).
   */
  constructor(rng: Rng, inChannels: number, outChannels: number, stride: number, zeroInitResidual = false) {
    super();
    this.conv1 = new Conv2d(rng, inChannels, outChannels, { kernel: 3, stride, padding: 1 });
    this.bn1 = new BatchNorm(outChannels);
    this.conv2 = new Conv2d(rng, outChannels, outChannels, { kernel: 3, stride: 1, padding: 1 });
    this.bn2 = new BatchNorm(outChannels, { gammaInit: zeroInitResidual ? 0 : 1 });
    this.shortcut = stride !== 1 || inChannels !== outChannels
      ? {
        conv: new Conv2d(rng, inChannels, outChannels, { kernel: 1, stride, padding: 0 }),
        bn: new BatchNorm(outChannels),
      }
      : null;
  }

  /** Forward pass. */
  apply(x: tf.Tensor4D, training: boolean): tf.Tensor4D {
    const y = this.bn1.apply(this.conv1.apply(x), training, "relu");
    const z = this.bn2.apply(this.conv2.apply(y), training);
    const s = this.shortcut ? this.shortcut.bn.apply(this.shortcut.conv.apply(x), training) : x;
    return tf.relu(tf.add(z, s));
  }

  /** Variables: `conv1.*`, `bn1.*`, `conv2.*`, `bn2.*` and `shortcut.conv.*`, `shortcut.bn.*`. */
  namedVariables(): NamedVariables {
    return collectVariables({
      conv1: this.conv1,
      bn1: this.bn1,
      conv2: this.conv2,
      bn2: this.bn2,
      "shortcut.conv": this.shortcut?.conv,
      "shortcut.bn": this.shortcut?.bn,
    });
  }
}

/** Options of {@link resnet}. */
export interface ResNetOptions {
  /** 10, 18 or 34 (default 18); ignored when `blocks` is given. */
  depth?: 10 | 18 | 34;
  /** BasicBlocks per stage (overrides depth), e.g. [2, 2, 2, 2]. */
  blocks?: readonly number[];
  /** Base width w (default 64: the standard network). Stage widths are w, 2w, 4w, 8w. */
  width?: number;
  /** Input channels (default 3). */
  inChannels?: number;
  /** Fixed per-channel input normalisation applied inside the model (default none). */
  inputNorm?: { mean: readonly number[]; std: readonly number[] } | null;
  /** Zero-initialise the last BN γ of each block (default false). */
  zeroInitResidual?: boolean;
}

const DEPTHS: Record<number, number[]> = { 10: [1, 1, 1, 1], 18: [2, 2, 2, 2], 34: [3, 4, 6, 3] };

/** A CIFAR-style ResNet encoder. */
export class ResNet extends Layer implements Encoder {
  /** Identifier, e.g. "resnet18-w64". */
  readonly name: string;
  /** Dimension of h (8w for four stages). */
  readonly outDim: number;
  /** Stem conv. */
  readonly stemConv: Conv2d;
  /** Stem BN. */
  readonly stemBn: BatchNorm;
  /** Blocks per stage. */
  readonly stages: BasicBlock[][];
  /** Channels of [stem, stage1, ..., stageN] outputs. */
  readonly stageChannels: number[];
  readonly #inputNorm: ResNetOptions["inputNorm"];

  /**
   * Build the stem and stages with fresh weights (defaults in {@link ResNetOptions}: depth 18, width 64).
   * @param rng initialisation stream.
   */
  constructor(rng: Rng, opts: ResNetOptions = {}) {
    super();
    const blocks = opts.blocks ?? DEPTHS[opts.depth ?? 18];
    if (!blocks || blocks.length === 0 || blocks.some((b) => !(Number.isInteger(b) && b >= 1))) {
      throw new Error(`resnet: unsupported depth ${opts.depth} / blocks ${JSON.stringify(opts.blocks)}`);
    }
    const w = opts.width ?? 64;
    if (!(Number.isInteger(w) && w >= 1)) {
      throw new Error(`resnet: width must be a positive integer, got ${w}`);
    }
    this.stemConv = new Conv2d(rng, opts.inChannels ?? 3, w, { kernel: 3, stride: 1, padding: 1 });
    this.stemBn = new BatchNorm(w);
    let ci = w;
    this.stageChannels = [w];
    this.stages = blocks.map((n, i) => {
      const co = w * 2 ** i;
      const stage: BasicBlock[] = [];
      for (let j = 0; j < n; j++) {
        stage.push(new BasicBlock(rng, ci, co, j === 0 && i > 0 ? 2 : 1, opts.zeroInitResidual ?? false));
        ci = co;
      }
      this.stageChannels.push(co);
      return stage;
    });
    this.outDim = ci;
    const depth = 2 + 2 * blocks.reduce((a, b) => a + b, 0);
    this.name = `resnet${depth}-w${w}`;
    this.#inputNorm = opts.inputNorm ?? null;
  }

  /** Forward pass: h = GAP(stage N) and stages = [stem, stage1, ..., stageN]. */
  apply(x: tf.Tensor4D, opts: ForwardOptions): EncoderOutput {
    if (x.rank !== 4 || x.shape[3] !== this.stemConv.inChannels) {
      throw new Error(
        `${this.name}: expected NHWC input with ${this.stemConv.inChannels} channels, got [${
          x.shape.join(", ")
        }]`,
      );
    }
    const training = opts.training;
    const x0 = this.#inputNorm ? normalizeInput(x, this.#inputNorm.mean, this.#inputNorm.std) : x;
    let y = this.stemBn.apply(this.stemConv.apply(x0), training, "relu");
    const stages: tf.Tensor4D[] = [y];
    for (const stage of this.stages) {
      for (const block of stage) y = block.apply(y, training);
      stages.push(y);
    }
    return { h: tf.mean(y, [1, 2]) as tf.Tensor2D, stages };
  }

  /** Variables: `stem.conv.*`, `stem.bn.*`, `stage{i}.{j}.*` (stages numbered from 1). */
  namedVariables(): NamedVariables {
    const parts: Record<string, Conv2d | BatchNorm | BasicBlock[]> = {
      "stem.conv": this.stemConv,
      "stem.bn": this.stemBn,
    };
    this.stages.forEach((s, i) => parts[`stage${i + 1}`] = s);
    return collectVariables(parts);
  }
}

/** Build a CIFAR-style ResNet. */
export function resnet(rng: Rng, opts: ResNetOptions = {}): ResNet {
  return new ResNet(rng, opts);
}

/** ResNet-18 with base width w (64: the standard 11.2M-parameter network). */
export function resnet18(rng: Rng, opts: Omit<ResNetOptions, "depth" | "blocks"> = {}): ResNet {
  return new ResNet(rng, { ...opts, depth: 18 });
}
