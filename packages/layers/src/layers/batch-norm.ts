/**
 * Batch normalisation over every axis but the last (channels), for `[N, C]` and `[N, H, W, C]` alike.
 * Training normalises with the batch's mean and biased variance and updates the running statistics
 * (PyTorch's momentum: `running = (1 - momentum) * running + momentum * batch`, the variance unbiased);
 * evaluation normalises with the running statistics.
 */
import {
  ArgumentError,
  add,
  batchNorm,
  batchNormTraining,
  mul,
  noGrad,
  type Shape,
  ShapeError,
  scalar,
  type Tensor,
  tidy,
} from '@dendrite/core';
import { type InitializerSpec, initialize, ones, zeros } from '../initializers.js';
import { Module } from '../module/module.js';
import type { Parameter, StateBuffer } from '../module/parameter.js';
import { releaseFold } from './batch-norm-fold.js';
import { expectLastAxis, expectSize, type LayerOptions, rngOf, sizeOfShape } from './layer-options.js';

export interface BatchNormOptions extends LayerOptions {
  /** Weight of the new batch in the running statistics (default 0.1, PyTorch's sense). */
  readonly momentum?: number;
  /** Added to the variance (default 1e-5). */
  readonly eps?: number;
  readonly gammaInitializer?: InitializerSpec;
  readonly betaInitializer?: InitializerSpec;
}

export class BatchNorm extends Module {
  readonly gamma: Parameter;
  readonly beta: Parameter;
  readonly runningMean: StateBuffer;
  readonly runningVar: StateBuffer;
  /** Batches seen in training (int32 scalar; PyTorch's `num_batches_tracked`). */
  readonly numBatchesTracked: StateBuffer;
  readonly momentum: number;
  readonly eps: number;

  constructor(
    readonly channels: number,
    options: BatchNormOptions = {},
  ) {
    super('BatchNorm', options.name);
    expectSize(this.label, 'channels', channels);
    this.momentum = options.momentum ?? 0.1;
    this.eps = options.eps ?? 1e-5;
    if (!(this.momentum >= 0 && this.momentum <= 1)) {
      throw new ArgumentError(this.label, `momentum ${this.momentum} must be in [0, 1]`);
    }
    if (!(this.eps > 0)) throw new ArgumentError(this.label, `eps ${this.eps} must be positive`);
    const rng = rngOf(options);
    this.gamma = this.addParameter('gamma', initialize(options.gammaInitializer ?? ones, [channels], rng));
    this.beta = this.addParameter('beta', initialize(options.betaInitializer ?? zeros, [channels], rng));
    this.runningMean = this.addBuffer('runningMean', initialize(zeros, [channels], rng));
    this.runningVar = this.addBuffer('runningVar', initialize(ones, [channels], rng));
    this.numBatchesTracked = this.addBuffer('numBatchesTracked', scalar(0, 'int32'));
  }

  outputShape(inputShape: Shape): Shape {
    expectLastAxis(this.label, inputShape, this.channels, 2);
    return [...inputShape];
  }

  protected compute(x: Tensor): Tensor {
    const gamma = this.gamma.value;
    const beta = this.beta.value;
    if (!this.training) {
      const running = { mean: this.runningMean.value, variance: this.runningVar.value };
      return batchNorm(x, running, gamma, beta, this.eps);
    }
    const n = sizeOfShape(x.shape) / this.channels;
    if (n < 2) {
      throw new ShapeError(
        this.label,
        `training needs more than one value per channel to estimate a variance, got input [${x.shape.join(', ')}]`,
      );
    }
    return tidy(() => {
      // One op with the closed-form gradient through the batch statistics.
      const { y, mean, variance } = batchNormTraining(x, gamma, beta, this.eps);
      noGrad(() => this.updateRunningStats(mean, variance, n));
      return y;
    });
  }

  private updateRunningStats(mean: Tensor, variance: Tensor, n: number): void {
    const m = this.momentum;
    this.runningMean.value = add(mul(this.runningMean.value, 1 - m), mul(mean, m));
    this.runningVar.value = add(mul(this.runningVar.value, 1 - m), mul(variance, (m * n) / (n - 1)));
    this.numBatchesTracked.value = add(this.numBatchesTracked.value, 1);
    // The statistics moved, so a kept fold is stale: free it now rather than hold it through training.
    releaseFold(this);
  }

  override dispose(): void {
    releaseFold(this);
    super.dispose();
  }
}
