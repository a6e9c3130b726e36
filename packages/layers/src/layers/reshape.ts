/** Reshapes every example: `[N, …] -> [N, ...targetShape]`; one target dimension may be -1 (inferred). */
import { ArgumentError, reshape, type Shape, ShapeError, type Tensor } from '@dendrite/core';
import { Module } from '../module/module.js';
import { fmtShape, sizeOfShape } from './layer-options.js';

export class Reshape extends Module {
  readonly targetShape: Shape;

  constructor(targetShape: Shape, options: { readonly name?: string } = {}) {
    super('Reshape', options.name);
    const unknown = targetShape.filter((d) => d === -1).length;
    if (unknown > 1 || targetShape.some((d) => !Number.isInteger(d) || (d < 0 && d !== -1))) {
      throw new ArgumentError(
        this.label,
        `target shape ${fmtShape(targetShape)} must be non-negative integers with at most one -1`,
      );
    }
    this.targetShape = [...targetShape];
  }

  outputShape(inputShape: Shape): Shape {
    if (inputShape.length < 1) {
      throw new ShapeError(
        this.label,
        `expected input [N, ...] with a batch axis, got ${fmtShape(inputShape)}`,
      );
    }
    const per = sizeOfShape(inputShape.slice(1));
    const known = sizeOfShape(this.targetShape.filter((d) => d !== -1));
    const target = [...this.targetShape];
    const u = target.indexOf(-1);
    if (u >= 0 && known > 0 && per % known === 0) target[u] = per / known;
    if (target.includes(-1) || sizeOfShape(target) !== per) {
      throw new ShapeError(
        this.label,
        `cannot reshape examples of ${fmtShape(inputShape.slice(1))} (${per} elements) to ${fmtShape(this.targetShape)}`,
      );
    }
    return [inputShape[0], ...target];
  }

  protected compute(x: Tensor): Tensor {
    return reshape(x, this.outputShape(x.shape));
  }
}
