/**
 * ResNet's basic block (He et al. 2016): `relu(bn2(conv2(relu(bn1(conv1(x))))) + shortcut(x))` with two
 * 3x3 convolutions without bias. Children are named as torchvision's (`conv1`, `bn1`, `conv2`, `bn2`,
 * `downsample.0`, `downsample.1`), so a torchvision checkpoint maps name for name.
 */
import {
  add,
  type Padding,
  relu,
  type Shape,
  ShapeError,
  shapesEqual,
  type Tensor,
  tidy,
} from '@dendrite/core';
import {
  BatchNorm,
  Conv2D,
  canFoldBatchNorm,
  combineDescriptions,
  convBatchNorm,
  type LayerDescription,
  Module,
  Sequential,
} from '@dendrite/layers';
import type { BuildOptions } from '../build-options.js';
import { chainOutputShape, describeChain, fmtShape } from '../chain.js';
import { OptionAShortcut } from './option-a-shortcut.js';

/**
 * How the shortcut matches a block that changes the shape: a 1x1 convolution + BN (`'projection'`,
 * torchvision's and option B) or subsampling with zero channels (`'optionA'`, the CIFAR ResNets).
 * When the shape does not change the shortcut is the identity either way.
 */
export type ShortcutKind = 'projection' | 'optionA';

export interface ResidualBlockOptions extends BuildOptions {
  /** Stride of the block's strided convolution (default 1). */
  readonly stride?: number;
  /** Default 'projection'. */
  readonly shortcut?: ShortcutKind;
  /** Padding of the strided 3x3 convolution (default `[[1, 1], [1, 1]]`, PyTorch's `padding=1`). */
  readonly padding?: Padding;
}

const PAD1: Padding = [
  [1, 1],
  [1, 1],
];

/** The shortcut module for a block `inChannels -> outChannels` at `stride`, or null for the identity. */
export function makeShortcut(
  inChannels: number,
  outChannels: number,
  options: ResidualBlockOptions,
): Module | null {
  const stride = options.stride ?? 1;
  if (stride === 1 && inChannels === outChannels) return null;
  if (options.shortcut === 'optionA') return new OptionAShortcut(inChannels, outChannels, stride);
  return new Sequential([
    new Conv2D(inChannels, outChannels, 1, {
      strides: stride,
      useBias: false,
      rng: options.rng,
      kernelInitializer: options.kernelInitializer ?? 'heNormal',
    }),
    new BatchNorm(outChannels, { rng: options.rng }),
  ]);
}

/** Shared by the basic and bottleneck blocks: a main path of conv/BN pairs, ReLU between, a shortcut. */
export abstract class ResidualBlock extends Module {
  /** The shortcut: `downsample` (projection), `shortcut` (option A), or null (identity). */
  readonly downsample: Module | null;

  protected constructor(
    kind: string,
    readonly inChannels: number,
    readonly outChannels: number,
    shortcut: Module | null,
    name: string | undefined,
  ) {
    super(kind, name);
    this.downsample = shortcut;
  }

  /** Registers the shortcut after the main path, so children list in torchvision's order. */
  protected registerShortcut(): void {
    if (!this.downsample) return;
    this.addChild(this.downsample instanceof OptionAShortcut ? 'shortcut' : 'downsample', this.downsample);
  }

  /** `[conv, bn]` pairs of the main path, in order. */
  protected abstract get pairs(): readonly (readonly [Conv2D, BatchNorm])[];

  outputShape(inputShape: Shape): Shape {
    const main = chainOutputShape(this.pairs.flat(), inputShape);
    const skip = this.downsample ? this.downsample.outputShape(inputShape) : inputShape;
    if (!shapesEqual(main, skip)) {
      throw new ShapeError(
        this.label,
        `the main path gives ${fmtShape(main)} but the shortcut ${fmtShape(skip)} for input ${fmtShape(inputShape)}`,
      );
    }
    return main;
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() => {
      let h = x;
      this.pairs.forEach(([conv, bn], i) => {
        const inner = i + 1 < this.pairs.length;
        // In inference each conv → BN (→ ReLU) runs as one convolution with the norm folded in.
        if (canFoldBatchNorm(conv, bn)) h = convBatchNorm(conv, bn, h, inner ? 'relu' : 'linear');
        else {
          h = bn.forward(conv.forward(h));
          if (inner) h = relu(h);
        }
      });
      return relu(add(h, this.downsample ? this.downsample.forward(x) : x));
    });
  }

  override describe(inputShape: Shape): LayerDescription {
    const main = describeChain(this.pairs.flat(), inputShape);
    const children = this.downsample
      ? [...main.children, this.downsample.describe(inputShape)]
      : main.children;
    return combineDescriptions(this, inputShape, this.outputShape(inputShape), children);
  }
}

export class BasicBlock extends ResidualBlock {
  /** Output channels per `channels` argument (1; the bottleneck's is 4). */
  static readonly expansion = 1;
  readonly conv1: Conv2D;
  readonly bn1: BatchNorm;
  readonly conv2: Conv2D;
  readonly bn2: BatchNorm;

  constructor(inChannels: number, channels: number, options: ResidualBlockOptions = {}) {
    super('BasicBlock', inChannels, channels, makeShortcut(inChannels, channels, options), options.name);
    const rng = options.rng;
    const kernelInitializer = options.kernelInitializer ?? 'heNormal';
    this.conv1 = this.addChild(
      'conv1',
      new Conv2D(inChannels, channels, 3, {
        strides: options.stride ?? 1,
        padding: options.padding ?? PAD1,
        useBias: false,
        rng,
        kernelInitializer,
      }),
    );
    this.bn1 = this.addChild('bn1', new BatchNorm(channels, { rng }));
    this.conv2 = this.addChild(
      'conv2',
      new Conv2D(channels, channels, 3, { padding: PAD1, useBias: false, rng, kernelInitializer }),
    );
    this.bn2 = this.addChild('bn2', new BatchNorm(channels, { rng }));
    this.registerShortcut();
  }

  protected get pairs(): readonly (readonly [Conv2D, BatchNorm])[] {
    return [
      [this.conv1, this.bn1],
      [this.conv2, this.bn2],
    ];
  }
}
