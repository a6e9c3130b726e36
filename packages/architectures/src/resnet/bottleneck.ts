/**
 * ResNet's bottleneck block (ResNet-50 and deeper): 1x1 reduce, 3x3 (strided, torchvision's "v1.5"),
 * 1x1 expand to 4x the width, each followed by BN, ReLU between, added to the shortcut then ReLU.
 * Children are named as torchvision's (`conv1` … `bn3`, `downsample.0/1`).
 */
import { BatchNorm, Conv2D } from '@dendrite/layers';
import { makeShortcut, ResidualBlock, type ResidualBlockOptions } from './basic-block.js';

export class Bottleneck extends ResidualBlock {
  static readonly expansion = 4;
  readonly conv1: Conv2D;
  readonly bn1: BatchNorm;
  readonly conv2: Conv2D;
  readonly bn2: BatchNorm;
  readonly conv3: Conv2D;
  readonly bn3: BatchNorm;

  /** `channels` is the width of the 3x3 convolution; the block outputs `4 * channels`. */
  constructor(inChannels: number, channels: number, options: ResidualBlockOptions = {}) {
    const out = channels * Bottleneck.expansion;
    super('Bottleneck', inChannels, out, makeShortcut(inChannels, out, options), options.name);
    const rng = options.rng;
    const kernelInitializer = options.kernelInitializer ?? 'heNormal';
    const conv = (cin: number, cout: number, k: number, extra = {}) =>
      new Conv2D(cin, cout, k, { useBias: false, rng, kernelInitializer, ...extra });
    this.conv1 = this.addChild('conv1', conv(inChannels, channels, 1));
    this.bn1 = this.addChild('bn1', new BatchNorm(channels, { rng }));
    this.conv2 = this.addChild(
      'conv2',
      conv(channels, channels, 3, {
        strides: options.stride ?? 1,
        padding: options.padding ?? [
          [1, 1],
          [1, 1],
        ],
      }),
    );
    this.bn2 = this.addChild('bn2', new BatchNorm(channels, { rng }));
    this.conv3 = this.addChild('conv3', conv(channels, out, 1));
    this.bn3 = this.addChild('bn3', new BatchNorm(out, { rng }));
    this.registerShortcut();
  }

  protected get pairs(): readonly (readonly [Conv2D, BatchNorm])[] {
    return [
      [this.conv1, this.bn1],
      [this.conv2, this.bn2],
      [this.conv3, this.bn3],
    ];
  }
}
