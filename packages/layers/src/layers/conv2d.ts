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
import { initialize } from '../initializers.js';
import type { Parameter } from '../module/parameter.js';
import { applyActivation, type ResolvedActivation, resolveActivation } from './activation-option.js';
import { ConvLayer, type ConvLayerOptions } from './conv-layer.js';
import { rngOf, sizeOfShape } from './layer-options.js';
import { expectNHWC, type Pair } from './window-geometry.js';

export interface Conv2DOptions extends ConvLayerOptions {
  /** `'valid'` (default), `'same'` (TensorFlow's) or explicit `[[top, bottom], [left, right]]`. */
  readonly padding?: Padding;
  /** Grouped convolution; must divide both channel counts. Default 1. */
  readonly groups?: number;
}

export class Conv2D extends ConvLayer {
  readonly kernel: Parameter;
  readonly bias: Parameter | null;
  readonly groups: number;
  protected readonly activation: ResolvedActivation;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | Pair,
    options: Conv2DOptions = {},
  ) {
    super('Conv2D', { inChannels, outChannels }, kernelSize, options);
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
    this.bias = this.addBias(options, outChannels, rng);
  }

  outputShape(inputShape: Shape): Shape {
    expectNHWC(this.label, inputShape, this.inChannels);
    const [oh, ow] = this.slidingWindowOutput(inputShape);
    return [inputShape[0], oh, ow, this.outChannels];
  }

  /** The activation when a fused kernel applies it ('linear' for none), null for any other. */
  get fusedActivation(): FusedActivation | null {
    return this.activation.fused;
  }

  /** The convolution's attributes, as `conv2d` and `fusedConv2d` take them. */
  get convOptions() {
    return { ...this.windowOptions, groups: this.groups };
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
