/**
 * ImageNet ResNets (He et al. 2015) with torchvision's structure: a 7x7/2 stem with max pooling, four
 * stages of basic blocks (18, 34) or bottlenecks (50, 101, 152) at 64, 128, 256 and 512 channels (the
 * first block of stages 2–4 strided, projection shortcuts where the shape changes), global average
 * pooling and a linear classifier. Module names follow torchvision (`conv1`, `bn1`, `layer1.0.conv1`,
 * …, `fc`), so its checkpoints load through `fromPyTorchStateDict`.
 */
import { ArgumentError } from '@dendrite/core';
import { Dense, GlobalAvgPool2D, type Module, Sequential } from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from '../build-options.js';
import { IMAGENET_STEM_CHANNELS, imagenetStem } from '../imagenet-stem.js';
import { BasicBlock, type ResidualBlockOptions } from './basic-block.js';
import { Bottleneck } from './bottleneck.js';

export type ResNetDepth = 18 | 34 | 50 | 101 | 152;

const CONFIGS: Record<ResNetDepth, { block: 'basic' | 'bottleneck'; blocks: readonly number[] }> = {
  18: { block: 'basic', blocks: [2, 2, 2, 2] },
  34: { block: 'basic', blocks: [3, 4, 6, 3] },
  50: { block: 'bottleneck', blocks: [3, 4, 6, 3] },
  101: { block: 'bottleneck', blocks: [3, 4, 23, 3] },
  152: { block: 'bottleneck', blocks: [3, 8, 36, 3] },
};

export const RESNET_DEPTHS = Object.keys(CONFIGS).map(Number) as ResNetDepth[];

export interface ResNetOptions extends BuildOptions {
  /** Default 1000 (ImageNet). */
  readonly classes?: number;
  /** Channels of the input images (default 3). */
  readonly inputChannels?: number;
}

/** A stage: `blocks` blocks of `channels` width, the first one at `stride`. */
function stage(
  block: 'basic' | 'bottleneck',
  inChannels: number,
  channels: number,
  blocks: number,
  stride: number,
  options: ResidualBlockOptions,
): { module: Sequential; outChannels: number } {
  const make = (cin: number, s: number): Module =>
    block === 'basic'
      ? new BasicBlock(cin, channels, { ...options, stride: s })
      : new Bottleneck(cin, channels, { ...options, stride: s });
  const outChannels = channels * (block === 'basic' ? BasicBlock.expansion : Bottleneck.expansion);
  const list: Module[] = [make(inChannels, stride)];
  for (let i = 1; i < blocks; i++) list.push(make(outChannels, 1));
  return { module: new Sequential(list), outChannels };
}

/** ResNet-18/34/50/101/152: `[N, H, W, 3] -> [N, classes]` logits (224x224 is the reference size). */
export function resnet(depth: ResNetDepth, options: ResNetOptions = {}): Sequential {
  const config = CONFIGS[depth];
  if (!config) {
    throw new ArgumentError('resnet', `depth ${depth} must be one of ${RESNET_DEPTHS.join(', ')}`);
  }
  const op = `resnet${depth}`;
  const classes = expectPositiveInteger(op, 'classes', options.classes ?? 1000);
  const inputChannels = expectPositiveInteger(op, 'inputChannels', options.inputChannels ?? 3);
  const rng = options.rng;
  const kernelInitializer = options.kernelInitializer ?? 'heNormal';
  const blockOptions: ResidualBlockOptions = { rng, kernelInitializer, shortcut: 'projection' };
  const layers = imagenetStem(
    inputChannels,
    { conv: 'conv1', norm: 'bn1', relu: 'relu', pool: 'maxpool' },
    options,
  );
  let channels = IMAGENET_STEM_CHANNELS;
  [64, 128, 256, 512].forEach((width, i) => {
    const s = stage(config.block, channels, width, config.blocks[i], i === 0 ? 1 : 2, blockOptions);
    layers[`layer${i + 1}`] = s.module;
    channels = s.outChannels;
  });
  layers.avgpool = new GlobalAvgPool2D();
  layers.fc = new Dense(channels, classes, {
    rng,
    ...(options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {}),
  });
  return new Sequential(layers, { name: options.name ?? op });
}
