/**
 * Branches applied to the same input, their outputs concatenated along `axis` (default the last, the
 * channels): Inception-style blocks, and DenseNet's `concat(x, f(x))` with an `Identity` branch.
 */
import { ArgumentError, concat, type Shape, ShapeError, type Tensor, tidy } from '@dendrite/core';
import { combineDescriptions, type LayerDescription, Module } from '../module/module.js';
import { fmtShape } from './layer-options.js';
import type { LayerList } from './sequential.js';

export interface ConcatOptions {
  readonly name?: string;
  /** Default -1 (channels). */
  readonly axis?: number;
}

export class Concat extends Module {
  readonly branches: readonly Module[];
  readonly axis: number;

  constructor(branches: LayerList, options: ConcatOptions = {}) {
    super('Concat', options.name);
    const entries = Array.isArray(branches)
      ? branches.map((b, i) => [String(i), b] as const)
      : Object.entries(branches);
    if (entries.length === 0) throw new ArgumentError(this.label, 'needs at least one branch');
    this.branches = entries.map(([name, b]) => this.addChild(name, b));
    this.axis = options.axis ?? -1;
    if (!Number.isInteger(this.axis))
      throw new ArgumentError(this.label, `axis ${this.axis} must be an integer`);
  }

  outputShape(inputShape: Shape): Shape {
    const shapes = this.branches.map((b) => b.outputShape(inputShape));
    const rank = shapes[0].length;
    const axis = this.axis < 0 ? this.axis + rank : this.axis;
    const fits =
      axis >= 0 &&
      axis < rank &&
      shapes.every((s) => s.length === rank && s.every((d, i) => i === axis || d === shapes[0][i]));
    if (!fits) {
      throw new ShapeError(
        this.label,
        `branch outputs ${shapes.map(fmtShape).join(', ')} must agree on every axis but ${this.axis}`,
      );
    }
    return shapes[0].map((d, i) => (i === axis ? shapes.reduce((n, s) => n + s[i], 0) : d));
  }

  protected override checkInput(x: Tensor): void {
    this.outputShape(x.shape);
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() =>
      concat(
        this.branches.map((b) => b.forward(x)),
        this.axis,
      ),
    );
  }

  override describe(inputShape: Shape): LayerDescription {
    const outputShape = this.outputShape(inputShape);
    return combineDescriptions(
      this,
      inputShape,
      outputShape,
      this.branches.map((b) => b.describe(inputShape)),
    );
  }
}
