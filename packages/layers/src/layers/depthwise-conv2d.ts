/**
 * Depthwise convolution: each input channel convolved with its own `multiplier` filters; kernel
 * `[kh, kw, channels, multiplier]`, output channel `c * multiplier + m`.
 */
import { depthwiseConv2d, type Shape, type Tensor } from '@dendrite/core';
import { initialize } from '../initializers.js';
import type { Parameter } from '../module/parameter.js';
import { type ResolvedActivation, resolveActivation } from './activation-option.js';
import { ConvLayer, type ConvLayerOptions } from './conv-layer.js';
import { rngOf, sizeOfShape } from './layer-options.js';
import { expectNHWC, type Pair } from './window-geometry.js';

export interface DepthwiseConv2DOptions extends ConvLayerOptions {
  /** Filters per input channel (default 1). */
  readonly multiplier?: number;
}

export class DepthwiseConv2D extends ConvLayer {
  readonly kernel: Parameter;
  readonly bias: Parameter | null;
  readonly multiplier: number;
  protected readonly activation: ResolvedActivation;

  constructor(
    readonly channels: number,
    kernelSize: number | Pair,
    options: DepthwiseConv2DOptions = {},
  ) {
    const multiplier = options.multiplier ?? 1;
    super('DepthwiseConv2D', { channels, multiplier }, kernelSize, options);
    this.multiplier = multiplier;
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
    this.bias = this.addBias(options, channels * this.multiplier, rng);
  }

  outputShape(inputShape: Shape): Shape {
    expectNHWC(this.label, inputShape, this.channels);
    const [oh, ow] = this.slidingWindowOutput(inputShape);
    return [inputShape[0], oh, ow, this.channels * this.multiplier];
  }

  protected compute(x: Tensor): Tensor {
    return this.activated(() =>
      depthwiseConv2d(x, this.kernel.value, { ...this.windowOptions, bias: this.bias?.value ?? null }),
    );
  }

  /** A grouped convolution with groups = channels: output elements × 1 × kh × kw. */
  protected override countMacs(_inputShape: Shape, outputShape: Shape): number {
    return sizeOfShape(outputShape) * this.kernelSize[0] * this.kernelSize[1];
  }
}
