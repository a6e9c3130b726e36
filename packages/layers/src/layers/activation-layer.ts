/** An activation as a layer, for `Sequential`: `new ActivationLayer('relu')`. */
import { type FusedActivation, identity, type Shape, type Tensor } from '@dendrite/core';
import { Module } from '../module/module.js';
import {
  type ActivationDescriptor,
  type ActivationSpec,
  applyActivation,
  describeActivation,
  type ResolvedActivation,
  resolveActivation,
} from './activation-option.js';

export class ActivationLayer extends Module {
  private readonly activation: ResolvedActivation;

  constructor(activation: ActivationSpec, options: { readonly name?: string } = {}) {
    super('Activation', options.name);
    this.activation = resolveActivation(activation);
  }

  /** The activation when a fused kernel can apply it, null for any other. */
  get fusedActivation(): FusedActivation | null {
    return this.activation.fused;
  }

  /** The activation's name (or 'custom' for an anonymous function). */
  get activationName(): string {
    return this.activation.description;
  }

  /** This layer's activation, as exporters read it (see `describeActivation`). */
  get activationSpec(): ActivationDescriptor | null | 'custom' {
    return describeActivation(this.activation);
  }

  outputShape(inputShape: Shape): Shape {
    return [...inputShape];
  }

  protected compute(x: Tensor): Tensor {
    return this.activation.fn ? applyActivation(x, this.activation) : identity(x);
  }
}
