/**
 * The neuron models of an introductory course, with their parameters: the threshold (step) unit, the
 * ramp (saturating linear) unit, the parametric sigmoid and the Gaussian (radial) unit.
 */
import * as d from '@dendrite/core';
import { ArgumentError } from '@dendrite/core';
import { expectFinite, expectFloat, expectPositive } from './activation.js';

export interface StepParams {
  /** output below the threshold (default 0) */
  readonly a?: number;
  /** output at or above the threshold (default 1) */
  readonly b?: number;
  /** the threshold (default 0) */
  readonly c?: number;
}

/**
 * φ(v) = a if v < c else b. The gradient is 0 everywhere, and v stays in the graph (as in PyTorch), so
 * a network of step units back-propagates zeros instead of failing for want of a graph.
 */
export function step(v: d.Tensor, params: StepParams = {}): d.Tensor {
  expectFloat('step', v);
  const { a, b, c } = stepParams(params);
  return d.tidy(() => {
    const below = d.castTo(d.less(v, c), 'float32');
    const y = d.add(d.mul(below, a - b), b);
    // sign() has a zero gradient: this term is 0 in value and links v to the output.
    return d.add(y, d.mul(d.sign(v), 0));
  });
}

export interface RampParams {
  /** output below c (default 0) */
  readonly a?: number;
  /** output above d (default 1) */
  readonly b?: number;
  /** where the ramp starts (default 0) */
  readonly c?: number;
  /** where the ramp ends; must exceed c (default 1) */
  readonly d?: number;
}

/** φ(v) = a for v < c, b for v > d, and a + (v − c)(b − a)/(d − c) in between. */
export function ramp(v: d.Tensor, params: RampParams = {}): d.Tensor {
  expectFloat('ramp', v);
  const { a, b, c, d: end } = rampParams(params);
  // The clip's ties pass the gradient through, so v = c and v = d take the ramp's slope, as PyTorch's
  // where(v < c, a, where(v > d, b, line)) does.
  return d.tidy(() => d.add(d.mul(d.clip(d.div(d.sub(v, c), end - c), 0, 1), b - a), a));
}

export interface ParametricSigmoidParams {
  /** vertical offset (default 0) */
  readonly z?: number;
  /** slope (default 1) */
  readonly x?: number;
  /** horizontal shift, as x·v − y (default 0) */
  readonly y?: number;
}

/** φ(v) = z + 1 / (1 + exp(−x·v + y)); the defaults give the logistic sigmoid. */
export function parametricSigmoid(v: d.Tensor, params: ParametricSigmoidParams = {}): d.Tensor {
  expectFloat('parametricSigmoid', v);
  const { z, x: slope, y: shift } = parametricSigmoidParams(params);
  return d.tidy(() => d.add(d.sigmoid(d.sub(d.mul(v, slope), shift)), z));
}

export interface GaussianParams {
  /** centre (default 0) */
  readonly mu?: number;
  /** width; must be positive (default 1) */
  readonly sigma?: number;
}

/** φ(v) = exp(−½((v − μ)/σ)²) / (√(2π)·σ): the normal density, a radial-basis unit. */
export function gaussian(v: d.Tensor, params: GaussianParams = {}): d.Tensor {
  expectFloat('gaussian', v);
  const { mu, sigma } = gaussianParams(params);
  return d.tidy(() =>
    d.mul(d.exp(d.mul(d.square(d.div(d.sub(v, mu), sigma)), -0.5)), 1 / (Math.sqrt(2 * Math.PI) * sigma)),
  );
}

// Parameter resolution (defaults and checks), shared with the registry so a bad setting fails when the
// activation is looked up rather than at its first call.

export function stepParams(p: StepParams): Required<StepParams> {
  return {
    a: expectFinite('step', 'a', p.a ?? 0),
    b: expectFinite('step', 'b', p.b ?? 1),
    c: expectFinite('step', 'c', p.c ?? 0),
  };
}

export function rampParams(p: RampParams): Required<RampParams> {
  const r = {
    a: expectFinite('ramp', 'a', p.a ?? 0),
    b: expectFinite('ramp', 'b', p.b ?? 1),
    c: expectFinite('ramp', 'c', p.c ?? 0),
    d: expectFinite('ramp', 'd', p.d ?? 1),
  };
  if (!(r.d > r.c)) throw new ArgumentError('ramp', `d must be greater than c, got c = ${r.c}, d = ${r.d}`);
  return r;
}

export function parametricSigmoidParams(p: ParametricSigmoidParams): Required<ParametricSigmoidParams> {
  return {
    z: expectFinite('parametricSigmoid', 'z', p.z ?? 0),
    x: expectFinite('parametricSigmoid', 'x', p.x ?? 1),
    y: expectFinite('parametricSigmoid', 'y', p.y ?? 0),
  };
}

export function gaussianParams(p: GaussianParams): Required<GaussianParams> {
  return {
    mu: expectFinite('gaussian', 'mu', p.mu ?? 0),
    sigma: expectPositive('gaussian', 'sigma', p.sigma ?? 1),
  };
}
