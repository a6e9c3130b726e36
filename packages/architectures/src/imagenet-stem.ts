/**
 * The stem torchvision's ImageNet classifiers (ResNet, DenseNet) share: a 7x7/2 convolution to 64
 * channels without bias (He normal unless `kernelInitializer`), batch norm, ReLU and 3x3/2 max pooling.
 */
import { ActivationLayer, BatchNorm, Conv2D, MaxPool2D, type Module } from '@dendrite/layers';
import type { BuildOptions } from './build-options.js';

/** Channels out of the stem. */
export const IMAGENET_STEM_CHANNELS = 64;

/** The stem's four module keys, as each architecture's torchvision checkpoints spell them. */
export interface ImageNetStemNames {
  readonly conv: string;
  readonly norm: string;
  readonly relu: string;
  readonly pool: string;
}

/** The stem's modules keyed by `names`, in order, for a `Sequential` of `[N, H, W, inputChannels]`. */
export function imagenetStem(
  inputChannels: number,
  names: ImageNetStemNames,
  options: BuildOptions,
): Record<string, Module> {
  const rng = options.rng;
  return {
    [names.conv]: new Conv2D(inputChannels, IMAGENET_STEM_CHANNELS, 7, {
      strides: 2,
      padding: [
        [3, 3],
        [3, 3],
      ],
      useBias: false,
      rng,
      kernelInitializer: options.kernelInitializer ?? 'heNormal',
    }),
    [names.norm]: new BatchNorm(IMAGENET_STEM_CHANNELS, { rng }),
    [names.relu]: new ActivationLayer('relu'),
    [names.pool]: new MaxPool2D(3, {
      strides: 2,
      padding: [
        [1, 1],
        [1, 1],
      ],
    }),
  };
}
