/** Passes its input through (any dtype): a placeholder branch, e.g. DenseNet's `Concat([Identity, f])`. */
import { identity, type Shape, type Tensor } from '@dendrite/core';
import { Module } from '../module/module.js';

export class Identity extends Module {
  constructor(options: { readonly name?: string } = {}) {
    super('Identity', options.name);
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  protected override checkInput(): void {}

  protected compute(x: Tensor): Tensor {
    return identity(x);
  }
}
