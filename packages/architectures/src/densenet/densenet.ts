/**
 * DenseNets (Huang et al. 2017): dense blocks joined by transitions (BN-ReLU-conv1x1 that compresses the
 * channels by θ, then 2x2 average pooling), a final BN-ReLU, global average pooling and a linear
 * classifier. `densenet(121 | 169 | 201)` is torchvision's ImageNet model (DenseNet-BC, growth 32, a
 * 7x7/2 stem with max pooling) with its module names (`features.denseblock1.denselayer1.norm1`, …,
 * `classifier`); `cifarDenseNet({ depth, growthRate, bottleneck, compression })` is the paper's CIFAR
 * family (a 3x3 stem, three blocks on 32x32, 16x16 and 8x8 maps), DenseNet-40 (k = 12) by default.
 */
import { ArgumentError, type Padding } from '@dendrite/core';
import {
  ActivationLayer,
  AvgPool2D,
  BatchNorm,
  Conv2D,
  Dense,
  GlobalAvgPool2D,
  type Module,
  Sequential,
} from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from '../build-options.js';
import { IMAGENET_STEM_CHANNELS, imagenetStem } from '../imagenet-stem.js';
import { DenseLayer } from './dense-layer.js';

export type DenseNetDepth = 121 | 169 | 201;

const IMAGENET_BLOCKS: Record<DenseNetDepth, readonly number[]> = {
  121: [6, 12, 24, 16],
  169: [6, 12, 32, 32],
  201: [6, 12, 48, 32],
};

export const DENSENET_DEPTHS = Object.keys(IMAGENET_BLOCKS).map(Number) as DenseNetDepth[];

export interface DenseBlockOptions extends BuildOptions {
  /** Width of each layer's 1x1 bottleneck in multiples of the growth rate (DenseNet-B: 4; 0: none). */
  readonly bottleneckWidth?: number;
  /** Dropout after each convolution (default 0). */
  readonly dropRate?: number;
}

/** A dense block: `layers` dense layers (`denselayer1` …), each adding `growthRate` channels. */
export function denseBlock(
  inChannels: number,
  layers: number,
  growthRate: number,
  options: DenseBlockOptions = {},
): Sequential {
  const block: Record<string, Module> = {};
  let channels = inChannels;
  for (let l = 0; l < layers; l++) {
    const layer = new DenseLayer(channels, growthRate, {
      bottleneckWidth: options.bottleneckWidth,
      dropRate: options.dropRate,
      rng: options.rng,
      kernelInitializer: options.kernelInitializer ?? 'heNormal',
    });
    block[`denselayer${l + 1}`] = layer;
    channels = layer.outChannels;
  }
  return new Sequential(block);
}

/** A transition: BN, ReLU, a 1x1 convolution to `outChannels` (no bias), 2x2 average pooling. */
export function transition(inChannels: number, outChannels: number, options: BuildOptions = {}): Sequential {
  return new Sequential({
    norm: new BatchNorm(inChannels, { rng: options.rng }),
    relu: new ActivationLayer('relu'),
    conv: new Conv2D(inChannels, outChannels, 1, {
      useBias: false,
      rng: options.rng,
      kernelInitializer: options.kernelInitializer ?? 'heNormal',
    }),
    pool: new AvgPool2D(2),
  });
}

interface BodyOptions extends DenseBlockOptions {
  readonly growthRate: number;
  readonly blocks: readonly number[];
  readonly compression: number;
}

/** The blocks and transitions (named `denseblock<i>`, `transition<i>`) added to `features`. */
function addBlocks(features: Record<string, Module>, channels: number, o: BodyOptions): number {
  o.blocks.forEach((layers, b) => {
    features[`denseblock${b + 1}`] = denseBlock(channels, layers, o.growthRate, o);
    channels += layers * o.growthRate;
    if (b + 1 < o.blocks.length) {
      const out = Math.floor(channels * o.compression);
      features[`transition${b + 1}`] = transition(channels, out, o);
      channels = out;
    }
  });
  return channels;
}

function withHead(
  features: Record<string, Module>,
  channels: number,
  classes: number,
  name: string,
  options: BuildOptions,
): Sequential {
  features.norm5 = new BatchNorm(channels, { rng: options.rng });
  return new Sequential(
    {
      features: new Sequential(features),
      relu: new ActivationLayer('relu'),
      pool: new GlobalAvgPool2D(),
      classifier: new Dense(channels, classes, {
        rng: options.rng,
        ...(options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {}),
      }),
    },
    { name: options.name ?? name },
  );
}

const PAD = (p: number): Padding => [
  [p, p],
  [p, p],
];

export interface DenseNetOptions extends BuildOptions {
  /** Default 1000. */
  readonly classes?: number;
  /** Default 3. */
  readonly inputChannels?: number;
  /** Dropout after each convolution of the dense layers (default 0). */
  readonly dropRate?: number;
}

/** torchvision's DenseNet-121/169/201: `[N, H, W, 3] -> [N, classes]` logits (224x224 reference size). */
export function densenet(depth: DenseNetDepth, options: DenseNetOptions = {}): Sequential {
  const blocks = IMAGENET_BLOCKS[depth];
  if (!blocks) {
    throw new ArgumentError('densenet', `depth ${depth} must be one of ${DENSENET_DEPTHS.join(', ')}`);
  }
  const op = `densenet${depth}`;
  const classes = expectPositiveInteger(op, 'classes', options.classes ?? 1000);
  const inputChannels = expectPositiveInteger(op, 'inputChannels', options.inputChannels ?? 3);
  const features = imagenetStem(
    inputChannels,
    { conv: 'conv0', norm: 'norm0', relu: 'relu0', pool: 'pool0' },
    options,
  );
  const channels = addBlocks(features, IMAGENET_STEM_CHANNELS, {
    ...options,
    growthRate: 32,
    blocks,
    bottleneckWidth: 4,
    compression: 0.5,
    dropRate: options.dropRate ?? 0,
  });
  return withHead(features, channels, classes, op, options);
}

export interface CifarDenseNetOptions extends DenseNetOptions {
  /** Total depth L (default 40): 3 blocks of (L − 4) / 3 layers, or (L − 4) / 6 with bottlenecks. */
  readonly depth?: number;
  /** k, new feature maps per layer (default 12). */
  readonly growthRate?: number;
  /** DenseNet-B: a 1x1 convolution to 4k channels before each 3x3 (default false). */
  readonly bottleneck?: boolean;
  /** θ, the fraction of channels a transition keeps (default 1: none; DenseNet-BC uses 0.5). */
  readonly compression?: number;
  /** Channels of the first convolution (default 16, or 2k with a bottleneck and compression, as the paper). */
  readonly initialChannels?: number;
}

/** The CIFAR DenseNets: `[N, 32, 32, 3] -> [N, classes]` logits; DenseNet-40 (k = 12) by default. */
export function cifarDenseNet(options: CifarDenseNetOptions = {}): Sequential {
  const depth = options.depth ?? 40;
  const growthRate = expectPositiveInteger('cifarDenseNet', 'growthRate', options.growthRate ?? 12);
  const bottleneck = options.bottleneck ?? false;
  const compression = options.compression ?? 1;
  const perBlock = (depth - 4) / (bottleneck ? 6 : 3);
  if (!Number.isInteger(perBlock) || perBlock < 1) {
    throw new ArgumentError(
      'cifarDenseNet',
      `depth ${depth} must be 3n + 4 (or 6n + 4 with bottlenecks), e.g. 40 or 100`,
    );
  }
  if (!(compression > 0 && compression <= 1)) {
    throw new ArgumentError('cifarDenseNet', `compression ${compression} must be in (0, 1]`);
  }
  const bc = bottleneck && compression < 1;
  const op = `densenet${bottleneck ? '-bc' : ''}-${depth}-k${growthRate}`;
  const classes = expectPositiveInteger(op, 'classes', options.classes ?? 10);
  const inputChannels = expectPositiveInteger(op, 'inputChannels', options.inputChannels ?? 3);
  const initial = expectPositiveInteger(
    op,
    'initialChannels',
    options.initialChannels ?? (bc ? 2 * growthRate : 16),
  );
  const features: Record<string, Module> = {
    conv0: new Conv2D(inputChannels, initial, 3, {
      padding: PAD(1),
      useBias: false,
      rng: options.rng,
      kernelInitializer: options.kernelInitializer ?? 'heNormal',
    }),
  };
  const channels = addBlocks(features, initial, {
    ...options,
    growthRate,
    blocks: [perBlock, perBlock, perBlock],
    bottleneckWidth: bottleneck ? 4 : 0,
    compression,
    dropRate: options.dropRate ?? 0,
  });
  return withHead(features, channels, classes, op, options);
}
