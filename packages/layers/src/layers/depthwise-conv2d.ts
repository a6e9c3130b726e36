/**
 * Depthwise convolution: each input channel convolved with its own `multiplier` filters; kernel
 * `[kh, kw, channels, multiplier]`, output channel `c * multiplier + m`.
 */
import { depthwiseConv2d, type Padding, type Shape, type Tensor, tidy } from '@dendrite/core';
import { type InitializerSpec, initialize } from '../initializers.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import {
  type ActivationDescriptor,
  type ActivationSpec,
  applyActivation,
  type ResolvedActivation,
  resolveActivation,
} from './activation-option.js';
import { expectSize, type LayerOptions, rngOf, sizeOfShape } from './layer-options.js';
import { checkPadding, expectNHWC, type Pair, toPair, windowOutput } from './window-geometry.js';

export interface DepthwiseConv2DOptions extends LayerOptions {
  /** Filters per input channel (default 1). */
  readonly multiplier?: number;
  readonly strides?: number | Pair;
  readonly padding?: Padding;
  readonly dilations?: number | Pair;
  readonly activation?: ActivationSpec;
  readonly useBias?: boolean;
  readonly kernelInitializer?: InitializerSpec;
  readonly biasInitializer?: InitializerSpec;
}

export class DepthwiseConv2D extends Module {
  readonly kernel: Parameter;
  readonly bias: Parameter | null;
  readonly multiplier: number;
  readonly kernelSize: Pair;
  readonly strides: Pair;
  readonly dilations: Pair;
  readonly padding: Padding;
  private readonly activation: ResolvedActivation;

  constructor(
    readonly channels: number,
    kernelSize: number | Pair,
    options: DepthwiseConv2DOptions = {},
  ) {
    super('DepthwiseConv2D', options.name);
    expectSize(this.label, 'channels', channels);
    this.multiplier = expectSize(this.label, 'multiplier', options.multiplier ?? 1);
    this.kernelSize = toPair(this.label, 'kernelSize', kernelSize, 1);
    this.strides = toPair(this.label, 'strides', options.strides, 1);
    this.dilations = toPair(this.label, 'dilations', options.dilations, 1);
    this.padding = checkPadding(this.label, options.padding ?? 'valid');
    this.activation = resolveActivation(options.activation);
    const rng = rngOf(options);
    const [kh, kw] = this.kernelSize;
    // Each output sees one channel's window; each input feeds `multiplier` windows.
    const fans = { fanIn: kh * kw, fanOut: kh * kw * this.multiplier };
    this.kernel = this.addParameter(
      'kernel',
      initialize(
        options.kernelInitializer ?? 'glorotUniform',
        [kh, kw, channels, this.multiplier],
        rng,
        fans,
      ),
    );
    this.bias =
      options.useBias === false
        ? null
        : this.addParameter(
            'bias',
            initialize(options.biasInitializer ?? 'zeros', [channels * this.multiplier], rng),
          );
  }

  /**
   * The activation applied after this layer's own computation: its registered name and parameters, null
   * for none, or 'custom' for a function (which no exporter can describe).
   */
  get activationSpec(): ActivationDescriptor | null | 'custom' {
    return this.activation.fn && !this.activation.spec ? 'custom' : this.activation.spec;
  }

  outputShape(inputShape: Shape): Shape {
    expectNHWC(this.label, inputShape, this.channels);
    const [oh, ow] = windowOutput(
      this.label,
      inputShape,
      this.kernelSize,
      this.strides,
      this.dilations,
      this.padding,
    );
    return [inputShape[0], oh, ow, this.channels * this.multiplier];
  }

  protected compute(x: Tensor): Tensor {
    const conv = () =>
      depthwiseConv2d(x, this.kernel.value, {
        strides: this.strides,
        padding: this.padding,
        dilations: this.dilations,
        bias: this.bias?.value ?? null,
      });
    return this.activation.fn ? tidy(() => applyActivation(conv(), this.activation)) : conv();
  }

  /** A grouped convolution with groups = channels: output elements × 1 × kh × kw. */
  protected override countMacs(_inputShape: Shape, outputShape: Shape): number {
    return sizeOfShape(outputShape) * this.kernelSize[0] * this.kernelSize[1];
  }
}
