/**
 * The CIFAR-10 ResNets of He et al. (2016, section 4.2): depth 6n + 2 (20, 32, 44, 56, 110, …). A 3x3
 * convolution to 16 channels, three stages of n basic blocks at 16, 32 and 64 channels on 32x32, 16x16
 * and 8x8 maps, global average pooling and a linear classifier; convolutions have no bias and the
 * shortcuts are option A (parameter-free), as in the paper.
 */
import { ArgumentError } from '@dendrite/core';
import {
  ActivationLayer,
  BatchNorm,
  Conv2D,
  Dense,
  GlobalAvgPool2D,
  type Module,
  Sequential,
} from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from '../build-options.js';
import { BasicBlock, type ShortcutKind } from './basic-block.js';

export interface CifarResNetOptions extends BuildOptions {
  /** Default 10. */
  readonly classes?: number;
  /** Default 3. */
  readonly inputChannels?: number;
  /** Default 'optionA' (the paper's CIFAR choice); 'projection' is option B. */
  readonly shortcut?: ShortcutKind;
}

/** A CIFAR ResNet of `depth` = 6n + 2 layers: `[N, 32, 32, 3] -> [N, classes]` logits. */
export function cifarResNet(depth: number, options: CifarResNetOptions = {}): Sequential {
  const n = (depth - 2) / 6;
  if (!Number.isInteger(n) || n < 1) {
    throw new ArgumentError('cifarResNet', `depth ${depth} must be 6n + 2 (20, 32, 44, 56, 110, …)`);
  }
  const op = `resnet${depth}`;
  const classes = expectPositiveInteger(op, 'classes', options.classes ?? 10);
  const inputChannels = expectPositiveInteger(op, 'inputChannels', options.inputChannels ?? 3);
  const rng = options.rng;
  const kernelInitializer = options.kernelInitializer ?? 'heNormal';
  const shortcut = options.shortcut ?? 'optionA';
  const layers: Record<string, Module> = {
    conv1: new Conv2D(inputChannels, 16, 3, {
      padding: [
        [1, 1],
        [1, 1],
      ],
      useBias: false,
      rng,
      kernelInitializer,
    }),
    bn1: new BatchNorm(16, { rng }),
    relu: new ActivationLayer('relu'),
  };
  let channels = 16;
  [16, 32, 64].forEach((width, i) => {
    const blocks: Module[] = [];
    for (let b = 0; b < n; b++) {
      const stride = i > 0 && b === 0 ? 2 : 1;
      blocks.push(new BasicBlock(channels, width, { stride, shortcut, rng, kernelInitializer }));
      channels = width;
    }
    layers[`layer${i + 1}`] = new Sequential(blocks);
  });
  layers.avgpool = new GlobalAvgPool2D();
  layers.fc = new Dense(64, classes, {
    rng,
    ...(options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {}),
  });
  return new Sequential(layers, { name: options.name ?? op });
}
