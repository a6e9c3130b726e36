/**
 * A residual connection: `activation(body(x) + shortcut(x))`, the shortcut being the identity unless a
 * module is given (a 1x1 projection when the body changes the shape). ResNet's blocks are one of these.
 */
import { add, type Shape, ShapeError, type Tensor, tidy } from '@dendrite/core';
import { combineDescriptions, type LayerDescription, Module } from '../module/module.js';
import {
  type ActivationDescriptor,
  type ActivationSpec,
  applyActivation,
  type ResolvedActivation,
  resolveActivation,
} from './activation-option.js';
import { fmtShape } from './layer-options.js';

export interface ResidualOptions {
  readonly name?: string;
  /** Applied to the sum (ResNet: 'relu'). Default none. */
  readonly activation?: ActivationSpec;
  /** Default: the identity. */
  readonly shortcut?: Module;
}

export class Residual extends Module {
  readonly body: Module;
  readonly shortcut: Module | null;
  private readonly activation: ResolvedActivation;

  constructor(body: Module, options: ResidualOptions = {}) {
    super('Residual', options.name);
    this.body = this.addChild('body', body);
    this.shortcut = options.shortcut ? this.addChild('shortcut', options.shortcut) : null;
    this.activation = resolveActivation(options.activation);
  }

  /**
   * The activation applied after this layer's own computation: its registered name and parameters, null
   * for none, or 'custom' for a function (which no exporter can describe).
   */
  get activationSpec(): ActivationDescriptor | null | 'custom' {
    return this.activation.fn && !this.activation.spec ? 'custom' : this.activation.spec;
  }

  outputShape(inputShape: Shape): Shape {
    const main = this.body.outputShape(inputShape);
    const skip = this.shortcut ? this.shortcut.outputShape(inputShape) : inputShape;
    if (main.length !== skip.length || main.some((d, i) => d !== skip[i])) {
      throw new ShapeError(
        this.label,
        `the body gives ${fmtShape(main)} but the shortcut ${fmtShape(skip)} for input ${fmtShape(inputShape)}; a shortcut module must project to the body's shape`,
      );
    }
    return main;
  }

  protected override checkInput(x: Tensor): void {
    this.outputShape(x.shape);
  }

  protected compute(x: Tensor): Tensor {
    return tidy(() => {
      const skip = this.shortcut ? this.shortcut.forward(x) : x;
      return applyActivation(add(this.body.forward(x), skip), this.activation);
    });
  }

  override describe(inputShape: Shape): LayerDescription {
    const outputShape = this.outputShape(inputShape);
    const children = [this.body.describe(inputShape)];
    if (this.shortcut) children.push(this.shortcut.describe(inputShape));
    return combineDescriptions(this, inputShape, outputShape, children);
  }
}
