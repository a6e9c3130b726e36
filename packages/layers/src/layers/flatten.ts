/** `[N, d1, d2, …] -> [N, d1 * d2 * …]`: keeps the batch axis, flattens the rest in row-major order. */
import { reshape, type Shape, ShapeError, type Tensor } from '@dendrite/core';
import { Module } from '../module/module.js';
import { fmtShape, sizeOfShape } from './layer-options.js';

export class Flatten extends Module {
  constructor(options: { readonly name?: string } = {}) {
    super('Flatten', options.name);
  }

  outputShape(inputShape: Shape): Shape {
    if (inputShape.length < 1) {
      throw new ShapeError(
        this.label,
        `expected input [N, ...] with a batch axis, got ${fmtShape(inputShape)}`,
      );
    }
    return [inputShape[0], sizeOfShape(inputShape.slice(1))];
  }

  protected compute(x: Tensor): Tensor {
    return reshape(x, this.outputShape(x.shape));
  }
}
