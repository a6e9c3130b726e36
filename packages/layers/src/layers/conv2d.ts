/** 2-D convolution over NHWC images with an HWIO kernel `[kh, kw, in / groups, out]`. */
import {
  ArgumentError,
  conv2d,
  type FusedActivation,
  fusedConv2d,
  type Padding,
  type Shape,
  type Tensor,
  tidy,
} from '@dendrite/core';
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

export interface Conv2DOptions extends LayerOptions {
  readonly strides?: number | Pair;
  /** `'valid'` (default), `'same'` (TensorFlow's) or explicit `[[top, bottom], [left, right]]`. */
  readonly padding?: Padding;
  readonly dilations?: number | Pair;
  /** Grouped convolution; must divide both channel counts. Default 1. */
  readonly groups?: number;
  readonly activation?: ActivationSpec;
  readonly useBias?: boolean;
  /** Default `glorotUniform`. */
  readonly kernelInitializer?: InitializerSpec;
  readonly biasInitializer?: InitializerSpec;
}

export class Conv2D extends Module {
  readonly kernel: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: Pair;
  readonly strides: Pair;
  readonly dilations: Pair;
  readonly padding: Padding;
  readonly groups: number;
  private readonly activation: ResolvedActivation;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | Pair,
    options: Conv2DOptions = {},
  ) {
    super('Conv2D', options.name);
    expectSize(this.label, 'inChannels', inChannels);
    expectSize(this.label, 'outChannels', outChannels);
    this.kernelSize = toPair(this.label, 'kernelSize', kernelSize, 1);
    this.strides = toPair(this.label, 'strides', options.strides, 1);
    this.dilations = toPair(this.label, 'dilations', options.dilations, 1);
    this.padding = checkPadding(this.label, options.padding ?? 'valid');
    this.groups = options.groups ?? 1;
    if (
      !Number.isInteger(this.groups) ||
      this.groups < 1 ||
      inChannels % this.groups ||
      outChannels % this.groups
    ) {
      throw new ArgumentError(
        this.label,
        `groups ${this.groups} must divide both inChannels ${inChannels} and outChannels ${outChannels}`,
      );
    }
    this.activation = resolveActivation(options.activation);
    const rng = rngOf(options);
    const [kh, kw] = this.kernelSize;
    this.kernel = this.addParameter(
      'kernel',
      initialize(
        options.kernelInitializer ?? 'glorotUniform',
        [kh, kw, inChannels / this.groups, outChannels],
        rng,
      ),
    );
    this.bias =
      options.useBias === false
        ? null
        : this.addParameter('bias', initialize(options.biasInitializer ?? 'zeros', [outChannels], rng));
  }

  /**
   * The activation applied after this layer's own computation: its registered name and parameters, null
   * for none, or 'custom' for a function (which no exporter can describe).
   */
  get activationSpec(): ActivationDescriptor | null | 'custom' {
    return this.activation.fn && !this.activation.spec ? 'custom' : this.activation.spec;
  }

  outputShape(inputShape: Shape): Shape {
    expectNHWC(this.label, inputShape, this.inChannels);
    const [oh, ow] = windowOutput(
      this.label,
      inputShape,
      this.kernelSize,
      this.strides,
      this.dilations,
      this.padding,
    );
    return [inputShape[0], oh, ow, this.outChannels];
  }

  /** The activation when a fused kernel applies it ('linear' for none), null for any other. */
  get fusedActivation(): FusedActivation | null {
    return this.activation.fused;
  }

  /** The convolution's attributes, as `conv2d` and `fusedConv2d` take them. */
  get convOptions() {
    return { strides: this.strides, padding: this.padding, dilations: this.dilations, groups: this.groups };
  }

  protected compute(x: Tensor): Tensor {
    const bias = this.bias?.value ?? null;
    // Bias and a fusable activation go into the convolution's epilogue (one fusedConv2d).
    const fused = this.activation.fused;
    if (fused) return fusedConv2d(x, this.kernel.value, { ...this.convOptions, bias, activation: fused });
    return tidy(() =>
      applyActivation(conv2d(x, this.kernel.value, { ...this.convOptions, bias }), this.activation),
    );
  }

  protected override countMacs(_inputShape: Shape, outputShape: Shape): number {
    const [kh, kw] = this.kernelSize;
    return sizeOfShape(outputShape) * (this.inChannels / this.groups) * kh * kw;
  }
}
