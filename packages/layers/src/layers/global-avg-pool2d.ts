/** The mean over height and width: `[N, H, W, C] -> [N, C]` (or `[N, 1, 1, C]` with keepdims). */
import { globalAvgPool2d, type Shape, type Tensor } from '@dendrite/core';
import { Module } from '../module/module.js';
import { expectNHWC } from './window-geometry.js';

export interface GlobalAvgPool2DOptions {
  readonly name?: string;
  readonly keepdims?: boolean;
}

export class GlobalAvgPool2D extends Module {
  readonly keepdims: boolean;

  constructor(options: GlobalAvgPool2DOptions = {}) {
    super('GlobalAvgPool2D', options.name);
    this.keepdims = options.keepdims ?? false;
  }

  outputShape(inputShape: Shape): Shape {
    expectNHWC(this.label, inputShape);
    const [n, , , c] = inputShape;
    return this.keepdims ? [n, 1, 1, c] : [n, c];
  }

  protected compute(x: Tensor): Tensor {
    return globalAvgPool2d(x, this.keepdims);
  }
}
