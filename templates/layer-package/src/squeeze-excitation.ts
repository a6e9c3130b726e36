/**
 * Squeeze-and-Excitation (Hu, Shen, Sun 2018): re-weights the channels of an NHWC feature map by a gate
 * computed from the map itself — global average pool ("squeeze"), a bottleneck of two dense layers
 * (ReLU, then sigmoid: "excitation"), and a channel-wise product with the input.
 *
 * Written only against public APIs: core's ops (so autograd and every backend come for free) and the
 * layers package's `Module` and `Dense`. Nothing here computes a gradient by hand.
 */
import { mean, mul, reshape, type Shape, ShapeError, type Tensor, tidy } from '@dendrite/core';
import { Dense, type LayerOptions, Module } from '@dendrite/layers';

export interface SqueezeExcitationOptions extends LayerOptions {
  /** Bottleneck reduction: the hidden layer has `ceil(channels / reduction)` units. Default 16. */
  readonly reduction?: number;
}

export class SqueezeExcitation extends Module {
  readonly squeeze: Dense;
  readonly excite: Dense;

  constructor(
    readonly channels: number,
    options: SqueezeExcitationOptions = {},
  ) {
    super('SqueezeExcitation', options.name);
    const reduction = options.reduction ?? 16;
    if (!Number.isInteger(channels) || channels < 1 || !Number.isInteger(reduction) || reduction < 1) {
      throw new ShapeError(
        this.label,
        `channels ${channels} and reduction ${reduction} must be positive integers`,
      );
    }
    const hidden = Math.ceil(channels / reduction);
    // Children are registered by name, so parameters, stateDict() and summaries see them.
    this.squeeze = this.addChild(
      'squeeze',
      new Dense(channels, hidden, { activation: 'relu', rng: options.rng }),
    );
    this.excite = this.addChild(
      'excite',
      new Dense(hidden, channels, { activation: 'sigmoid', rng: options.rng }),
    );
  }

  outputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 4 || inputShape[3] !== this.channels) {
      throw new ShapeError(
        this.label,
        `expected input [N, H, W, ${this.channels}], got [${inputShape.join(', ')}]`,
      );
    }
    return inputShape;
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() => {
      const pooled = mean(x, [1, 2]); // [N, C]
      const gate = this.excite.forward(this.squeeze.forward(pooled)); // [N, C] in (0, 1)
      return mul(x, reshape(gate, [x.shape[0], 1, 1, this.channels]));
    });
  }

  // MACs of the two dense layers (the pooling and the product are not counted, by convention).
  protected override countMacs(inputShape: Shape): number {
    const hidden = this.squeeze.outFeatures;
    return inputShape[0] * (this.channels * hidden + hidden * this.channels);
  }
}
