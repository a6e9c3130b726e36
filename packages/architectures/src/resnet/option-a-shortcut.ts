/**
 * He et al. (2016)'s option A shortcut for CIFAR ResNets: parameter-free. It keeps every `stride`-th
 * row and column (`x[:, ::s, ::s, :]`) and pads the channels with zeros, `(out − in) / 2` on each side,
 * so a block that halves the resolution and doubles the channels still adds its input.
 */
import { ArgumentError, avgPool2d, pad, type Shape, ShapeError, type Tensor, tidy } from '@dendrite/core';
import { Module } from '@dendrite/layers';
import { fmtShape } from '../chain.js';

export class OptionAShortcut extends Module {
  private readonly side: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    readonly stride: number,
    options: { readonly name?: string } = {},
  ) {
    super('OptionAShortcut', options.name);
    if (outChannels < inChannels || (outChannels - inChannels) % 2 !== 0) {
      throw new ArgumentError(
        this.label,
        `needs outChannels >= inChannels with an even difference, got ${inChannels} -> ${outChannels}`,
      );
    }
    if (!Number.isInteger(stride) || stride < 1) {
      throw new ArgumentError(this.label, `stride ${stride} must be a positive integer`);
    }
    this.side = (outChannels - inChannels) / 2;
  }

  outputShape(inputShape: Shape): Shape {
    if (inputShape.length !== 4 || inputShape[3] !== this.inChannels) {
      throw new ShapeError(
        this.label,
        `expected input [N, H, W, ${this.inChannels}], got ${fmtShape(inputShape)}`,
      );
    }
    const [n, h, w] = inputShape;
    return [n, Math.ceil(h / this.stride), Math.ceil(w / this.stride), this.outChannels];
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() => {
      // A 1x1 window at stride s is exactly the subsampling x[:, ::s, ::s, :].
      const kept = this.stride === 1 ? x : avgPool2d(x, 1, { strides: this.stride });
      return pad(kept, [
        [0, 0],
        [0, 0],
        [0, 0],
        [this.side, this.side],
      ]);
    });
  }
}
