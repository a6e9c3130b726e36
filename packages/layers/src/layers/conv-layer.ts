/**
 * What the 2-D convolution layers (Conv2D, Conv2DTranspose, DepthwiseConv2D) share: channel sizes and
 * window attributes checked when the layer is built, a bias unless `useBias: false`, and the activation
 * applied after the convolution.
 */
import type { Padding, Rng, Shape, Tensor } from '@dendrite/core';
import { tidy } from '@dendrite/core';
import { type InitializerSpec, initialize } from '../initializers.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import {
  type ActivationDescriptor,
  type ActivationSpec,
  applyActivation,
  describeActivation,
  type ResolvedActivation,
} from './activation-option.js';
import { expectSize, type LayerOptions } from './layer-options.js';
import { checkPadding, type Pair, toPair, windowOutput } from './window-geometry.js';

export interface ConvLayerOptions extends LayerOptions {
  readonly strides?: number | Pair;
  readonly padding?: Padding;
  readonly dilations?: number | Pair;
  readonly activation?: ActivationSpec;
  readonly useBias?: boolean;
  /** Default `glorotUniform`. */
  readonly kernelInitializer?: InitializerSpec;
  readonly biasInitializer?: InitializerSpec;
}

export abstract class ConvLayer extends Module {
  abstract readonly kernel: Parameter;
  abstract readonly bias: Parameter | null;
  readonly kernelSize: Pair;
  readonly strides: Pair;
  readonly dilations: Pair;
  readonly padding: Padding;
  // Resolved by each layer after its own attribute checks, so their errors come first.
  protected abstract readonly activation: ResolvedActivation;

  /** `sizes` are the channel arguments (name -> value), each checked to be a positive integer. */
  protected constructor(
    kind: string,
    sizes: Readonly<Record<string, number>>,
    kernelSize: number | Pair,
    options: ConvLayerOptions,
  ) {
    super(kind, options.name);
    for (const [name, value] of Object.entries(sizes)) expectSize(this.label, name, value);
    this.kernelSize = toPair(this.label, 'kernelSize', kernelSize, 1);
    this.strides = toPair(this.label, 'strides', options.strides, 1);
    this.dilations = toPair(this.label, 'dilations', options.dilations, 1);
    this.padding = checkPadding(this.label, options.padding ?? 'valid');
  }

  /** The activation after the convolution, as exporters read it (see `describeActivation`). */
  get activationSpec(): ActivationDescriptor | null | 'custom' {
    return describeActivation(this.activation);
  }

  /** The window attributes, as core's convolution ops take them. */
  protected get windowOptions(): { strides: Pair; padding: Padding; dilations: Pair } {
    return { strides: this.strides, padding: this.padding, dilations: this.dilations };
  }

  /** `[oh, ow]` of this layer's window sliding over NHWC `inputShape` (a forward convolution's output). */
  protected slidingWindowOutput(inputShape: Shape): Pair {
    return windowOutput(this.label, inputShape, this.kernelSize, this.strides, this.dilations, this.padding);
  }

  /** The bias parameter (`biasInitializer`, default zeros), or null with `useBias: false`. */
  protected addBias(options: ConvLayerOptions, size: number, rng: Rng): Parameter | null {
    return options.useBias === false
      ? null
      : this.addParameter('bias', initialize(options.biasInitializer ?? 'zeros', [size], rng));
  }

  /** `conv()` followed by the activation, in one scope when there is an activation to apply. */
  protected activated(conv: () => Tensor): Tensor {
    return this.activation.fn ? tidy(() => applyActivation(conv(), this.activation)) : conv();
  }
}
