/** Dense (fully connected): `y = activation(x @ W + b)` with `W` `[in, out]`, over the last axis. */
import { fusedMatmul, reshape, type Shape, type Tensor, tidy } from '@dendrite/core';
import { type InitializerSpec, initialize } from '../initializers.js';
import { Module } from '../module/module.js';
import type { Parameter } from '../module/parameter.js';
import {
  type ActivationDescriptor,
  type ActivationSpec,
  applyActivation,
  describeActivation,
  type ResolvedActivation,
  resolveActivation,
} from './activation-option.js';
import { expectLastAxis, expectSize, type LayerOptions, rngOf, sizeOfShape } from './layer-options.js';

export interface DenseOptions extends LayerOptions {
  /** Applied to `x @ W + b`; relu, relu6, sigmoid and tanh run fused with the product. Default none. */
  readonly activation?: ActivationSpec;
  /** Default true. */
  readonly useBias?: boolean;
  /** Default `glorotUniform`. */
  readonly kernelInitializer?: InitializerSpec;
  /** Default `zeros`. */
  readonly biasInitializer?: InitializerSpec;
}

export class Dense extends Module {
  readonly kernel: Parameter;
  readonly bias: Parameter | null;
  private readonly activation: ResolvedActivation;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: DenseOptions = {},
  ) {
    super('Dense', options.name);
    expectSize(this.label, 'inFeatures', inFeatures);
    expectSize(this.label, 'outFeatures', outFeatures);
    this.activation = resolveActivation(options.activation);
    const rng = rngOf(options);
    this.kernel = this.addParameter(
      'kernel',
      initialize(options.kernelInitializer ?? 'glorotUniform', [inFeatures, outFeatures], rng),
    );
    this.bias =
      options.useBias === false
        ? null
        : this.addParameter('bias', initialize(options.biasInitializer ?? 'zeros', [outFeatures], rng));
  }

  /** The activation after the product, as exporters read it (see `describeActivation`). */
  get activationSpec(): ActivationDescriptor | null | 'custom' {
    return describeActivation(this.activation);
  }

  outputShape(inputShape: Shape): Shape {
    expectLastAxis(this.label, inputShape, this.inFeatures);
    return [...inputShape.slice(0, -1), this.outFeatures];
  }

  protected compute(x: Tensor): Tensor {
    // One 2-D product for any leading axes: [..., in] -> [rows, in] -> [rows, out] -> [..., out].
    if (x.rank !== 2) {
      return tidy(() => reshape(this.compute(reshape(x, [-1, this.inFeatures])), this.outputShape(x.shape)));
    }
    const bias = this.bias?.value ?? null;
    const fused = this.activation.fused;
    if (fused) return fusedMatmul(x, this.kernel.value, { bias, activation: fused });
    return tidy(() => applyActivation(fusedMatmul(x, this.kernel.value, { bias }), this.activation));
  }

  protected override countMacs(_inputShape: Shape, outputShape: Shape): number {
    return sizeOfShape(outputShape) * this.inFeatures;
  }
}
