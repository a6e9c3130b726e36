/** RMSprop with optional momentum and centring (PyTorch's rule), composed from core ops. */

import type { Tensor } from '@dendrite/core';
import * as d from '@dendrite/core';
import { finiteAtLeast, unitInterval } from './hyper.js';
import { Optimizer, type ParamState } from './optimizer.js';
import type { ParameterSet } from './parameter-ref.js';

export interface RMSpropOptions {
  /** default 0.01 */
  readonly lr?: number;
  /** smoothing constant of the squared-gradient average (default 0.99) */
  readonly alpha?: number;
  /** default 1e-8, added outside the square root */
  readonly eps?: number;
  /** default 0 */
  readonly momentum?: number;
  /** normalise by the variance estimate rather than the second moment (default false) */
  readonly centered?: boolean;
  /** L2 penalty added to the gradient (default 0) */
  readonly weightDecay?: number;
}

/**
 * s ← α·s + (1 − α)·g²; denominator √s + eps (centred: √(s − ḡ²) + eps with ḡ ← α·ḡ + (1 − α)·g);
 * with momentum buf ← momentum·buf + g/denominator and p ← p − lr·buf, otherwise p ← p − lr·g/denominator.
 */
export class RMSprop extends Optimizer {
  readonly alpha: number;
  readonly eps: number;
  readonly momentum: number;
  readonly centered: boolean;
  readonly weightDecay: number;

  constructor(params: ParameterSet, options: RMSpropOptions = {}) {
    super('RMSprop', params, options.lr ?? 0.01);
    this.alpha = unitInterval('RMSprop', 'alpha', options.alpha ?? 0.99);
    this.eps = finiteAtLeast('RMSprop', 'eps', options.eps ?? 1e-8, 0);
    this.momentum = finiteAtLeast('RMSprop', 'momentum', options.momentum ?? 0, 0);
    this.centered = options.centered ?? false;
    this.weightDecay = finiteAtLeast('RMSprop', 'weightDecay', options.weightDecay ?? 0, 0);
  }

  bufferNames(): string[] {
    return [
      'squareAvg',
      ...(this.centered ? ['gradAvg'] : []),
      ...(this.momentum > 0 ? ['momentumBuffer'] : []),
    ];
  }

  protected initialBuffers(param: Tensor): Tensor[] {
    return this.bufferNames().map(() => d.zerosLike(param));
  }

  protected override update(param: Tensor, grad: Tensor, state: ParamState) {
    const [squareAvg, ...rest] = state.buffers;
    const g = this.weightDecay !== 0 ? d.add(grad, d.mul(param, this.weightDecay)) : grad;
    const s = d.add(d.mul(squareAvg, this.alpha), d.mul(d.square(g), 1 - this.alpha));
    const buffers = [s];
    let variance = s;
    if (this.centered) {
      const gradAvg = d.add(d.mul(rest.shift()!, this.alpha), d.mul(g, 1 - this.alpha));
      buffers.push(gradAvg);
      variance = d.sub(s, d.square(gradAvg));
    }
    const direction = d.div(g, d.add(d.sqrt(variance), this.eps));
    if (this.momentum > 0) {
      const buf = d.add(d.mul(rest.shift()!, this.momentum), direction);
      buffers.push(buf);
      return { param: d.sub(param, d.mul(buf, this.lr)), buffers };
    }
    return { param: d.sub(param, d.mul(direction, this.lr)), buffers };
  }
}
