/** Average pooling over NHWC windows; padding is not counted (TensorFlow's rule). */
import { avgPool2d, type Shape, type Tensor } from '@dendrite/core';
import { Module } from '../module/module.js';
import { type Pool2DOptions, type PoolGeometry, poolGeometry, poolOutputShape } from './pool-options.js';
import type { Pair } from './window-geometry.js';

export class AvgPool2D extends Module {
  readonly geometry: PoolGeometry;

  constructor(poolSize: number | Pair, options: Pool2DOptions = {}) {
    super('AvgPool2D', options.name);
    this.geometry = poolGeometry(this.label, poolSize, options);
  }

  outputShape(inputShape: Shape): Shape {
    return poolOutputShape(this.label, this.geometry, inputShape);
  }

  protected compute(x: Tensor): Tensor {
    const { window, strides, padding } = this.geometry;
    return avgPool2d(x, window, { strides, padding });
  }
}
