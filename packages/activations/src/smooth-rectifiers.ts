/** Smooth rectifiers: GELU (erf and tanh forms), SiLU/swish and softplus. */
import * as d from '@dendrite/core';
import { ArgumentError } from '@dendrite/core';
import { expectFloat, expectPositive } from './activation.js';

export interface GeluOptions {
  /** 'none': the exact x·Φ(x) with erf; 'tanh': the tanh approximation (GPT-2, BERT). */
  readonly approximate?: 'none' | 'tanh';
}

/** x·Φ(x), Φ the standard normal CDF; or its tanh approximation. */
export function gelu(x: d.Tensor, options: GeluOptions = {}): d.Tensor {
  expectFloat('gelu', x);
  const approximate = geluApproximation(options.approximate);
  return d.tidy(() => {
    const inner =
      approximate === 'none'
        ? d.erf(d.mul(x, Math.SQRT1_2))
        : d.tanh(d.mul(d.add(x, d.mul(d.mul(d.square(x), x), 0.044715)), Math.sqrt(2 / Math.PI)));
    return d.mul(d.mul(x, 0.5), d.add(inner, 1));
  });
}

/** Checks GELU's `approximate` setting (undefined means 'none'). */
export function geluApproximation(value: unknown): 'none' | 'tanh' {
  const mode = value ?? 'none';
  if (mode !== 'none' && mode !== 'tanh') {
    throw new ArgumentError('gelu', `approximate must be 'none' or 'tanh', got '${String(mode)}'`);
  }
  return mode;
}

/** x·sigmoid(x) (SiLU; called swish with β = 1). */
export function silu(x: d.Tensor): d.Tensor {
  expectFloat('silu', x);
  return d.tidy(() => d.mul(x, d.sigmoid(x)));
}

/** The same function as `silu`, under the name Ramachandran et al. gave it. */
export const swish = silu;

/**
 * (1/beta)·log(1 + e^(beta·x)), and x itself where beta·x > threshold (PyTorch's rule: the curve is
 * linear there to float precision). `threshold = Infinity` gives the plain function everywhere.
 */
export function softplus(x: d.Tensor, beta = 1, threshold = 20): d.Tensor {
  expectFloat('softplus', x);
  softplusParams(beta, threshold);
  return d.tidy(() => {
    const z = beta === 1 ? x : d.mul(x, beta);
    const smooth = stableLog1pExp(z);
    const y = beta === 1 ? smooth : d.div(smooth, beta);
    return threshold === Infinity ? y : d.where(d.greater(z, threshold), x, y);
  });
}

/**
 * log(1 + e^z) without overflow: z + log1p(e^−z) above zero, log1p(e^z) below. Each branch only sees
 * its own half of z (clamped at 0), so the branch `where` discards stays finite and passes no NaN back.
 */
function stableLog1pExp(z: d.Tensor): d.Tensor {
  const pos = d.maximum(z, 0);
  const neg = d.minimum(z, 0);
  const above = d.add(pos, d.log1p(d.exp(d.neg(pos))));
  const below = d.log1p(d.exp(neg));
  return d.where(d.greater(z, 0), above, below);
}

/** Checks softplus's settings: beta > 0, threshold any number but NaN (Infinity: no linear part). */
export function softplusParams(beta: number, threshold: number): void {
  expectPositive('softplus', 'beta', beta);
  if (typeof threshold !== 'number' || Number.isNaN(threshold)) {
    throw new ArgumentError('softplus', `threshold must be a number, got ${String(threshold)}`);
  }
}
