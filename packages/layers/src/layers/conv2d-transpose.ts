/**
 * Transposed convolution ("deconvolution"): the adjoint of a Conv2D, upsampling by `strides`. Kernel
 * `[kh, kw, outChannels, inChannels]` (TensorFlow's layout). The output size per axis is
 * `in * stride` for 'same', `(in - 1) * stride + (k - 1) * dilation + 1` for 'valid', less the pads when
 * explicit, plus `outputPadding` (which picks among the sizes a strided conv maps to the same input).
 */
import { ArgumentError, conv2dTranspose, type Padding, type Shape, type Tensor } from '@dendrite/core';
import { initialize } from '../initializers.js';
import type { Parameter } from '../module/parameter.js';
import { type ResolvedActivation, resolveActivation } from './activation-option.js';
import { ConvLayer, type ConvLayerOptions } from './conv-layer.js';
import { rngOf, sizeOfShape } from './layer-options.js';
import { expectNHWC, type Pair } from './window-geometry.js';

export interface Conv2DTransposeOptions extends ConvLayerOptions {
  /** Padding of the forward convolution this is the adjoint of (default 'valid'). */
  readonly padding?: Padding;
  /** Extra rows/columns at the bottom/right, less than the stride; not with 'same'. Default 0. */
  readonly outputPadding?: number | readonly [number, number];
}

export class Conv2DTranspose extends ConvLayer {
  readonly kernel: Parameter;
  readonly bias: Parameter | null;
  readonly outputPadding: Pair;
  protected readonly activation: ResolvedActivation;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | Pair,
    options: Conv2DTransposeOptions = {},
  ) {
    super('Conv2DTranspose', { inChannels, outChannels }, kernelSize, options);
    const op = options.outputPadding ?? 0;
    this.outputPadding = typeof op === 'number' ? [op, op] : [op[0], op[1]];
    this.outputPadding.forEach((p, i) => {
      if (!Number.isInteger(p) || p < 0 || p >= this.strides[i]) {
        throw new ArgumentError(
          this.label,
          `outputPadding ${JSON.stringify(op)} must be integers in [0, stride) with strides ${JSON.stringify(this.strides)}`,
        );
      }
      if (p > 0 && this.padding === 'same') {
        throw new ArgumentError(
          this.label,
          "outputPadding is not allowed with padding 'same' (output = in * stride)",
        );
      }
    });
    this.activation = resolveActivation(options.activation);
    const rng = rngOf(options);
    const [kh, kw] = this.kernelSize;
    this.kernel = this.addParameter(
      'kernel',
      initialize(options.kernelInitializer ?? 'glorotUniform', [kh, kw, outChannels, inChannels], rng),
    );
    this.bias = this.addBias(options, outChannels, rng);
  }

  outputShape(inputShape: Shape): Shape {
    expectNHWC(this.label, inputShape, this.inChannels);
    const size = (i: 0 | 1) => {
      const n = inputShape[1 + i];
      if (this.padding === 'same') return n * this.strides[i];
      const span = (this.kernelSize[i] - 1) * this.dilations[i] + 1;
      const pads = this.padding === 'valid' ? 0 : this.padding[i][0] + this.padding[i][1];
      return (n - 1) * this.strides[i] + span - pads + this.outputPadding[i];
    };
    const [oh, ow] = [size(0), size(1)];
    if (inputShape[1] < 1 || inputShape[2] < 1 || oh < 1 || ow < 1) {
      throw new ArgumentError(
        this.label,
        `input [${inputShape.join(', ')}] gives an empty output ${oh}x${ow}; check padding and kernel size`,
      );
    }
    return [inputShape[0], oh, ow, this.outChannels];
  }

  protected compute(x: Tensor): Tensor {
    return this.activated(() =>
      conv2dTranspose(x, this.kernel.value, this.outputShape(x.shape), {
        ...this.windowOptions,
        bias: this.bias?.value ?? null,
      }),
    );
  }

  /** Every input element meets outChannels × kh × kw kernel weights. */
  protected override countMacs(inputShape: Shape): number {
    return sizeOfShape(inputShape) * this.outChannels * this.kernelSize[0] * this.kernelSize[1];
  }
}
