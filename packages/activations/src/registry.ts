/**
 * Activations by name: `getActivation('leakyRelu', { alpha: 0.2 })` returns a one-argument function.
 * Layers take an activation as a name or a function through this registry, and users add their own
 * with `registerActivation`.
 */
import * as d from '@dendrite/core';
import { ArgumentError } from '@dendrite/core';
import type { Activation } from './activation.js';
import { expectFinite, expectInteger } from './activation.js';
import {
  gaussian,
  gaussianParams,
  parametricSigmoid,
  parametricSigmoidParams,
  ramp,
  rampParams,
  step,
  stepParams,
} from './classic-neurons.js';
import { elu, leakyRelu, relu, relu6, selu } from './relu-family.js';
import { hardSigmoid, sigmoid, softsign, tanh } from './sigmoid-family.js';
import { gelu, geluApproximation, silu, softplus, softplusParams } from './smooth-rectifiers.js';
import { logSoftmax, softmax } from './softmax.js';

export type ActivationParams = Record<string, number | string>;
export type ActivationFactory = (params?: ActivationParams) => Activation;

const factories = new Map<string, ActivationFactory>();

type ParamKind = 'number' | 'string';

/**
 * Checks a built-in's params against the keys it accepts, so a typo (`alpah`) is an error rather than a
 * silently ignored setting.
 */
function accepted<K extends Record<string, ParamKind>>(
  name: string,
  params: ActivationParams | undefined,
  kinds: K,
): { [P in keyof K]?: K[P] extends 'number' ? number : string } {
  const given = params ?? {};
  for (const [key, value] of Object.entries(given)) {
    const kind = kinds[key];
    if (!kind) {
      const known = Object.keys(kinds);
      throw new ArgumentError(
        `getActivation('${name}')`,
        `unknown parameter '${key}'; ${known.length ? `accepted: ${known.join(', ')}` : 'it takes no parameters'}`,
      );
    }
    if (typeof value !== kind) {
      throw new ArgumentError(
        `getActivation('${name}')`,
        `parameter '${key}' must be a ${kind}, got ${typeof value} ${String(value)}`,
      );
    }
  }
  return given as { [P in keyof K]?: K[P] extends 'number' ? number : string };
}

/** A built-in without parameters. */
const plain =
  (name: string, f: Activation): ActivationFactory =>
  (params) => {
    accepted(name, params, {});
    return f;
  };

const BUILT_INS: [string, ActivationFactory][] = [
  ['linear', plain('linear', (x) => d.identity(x))],
  ['sigmoid', plain('sigmoid', sigmoid)],
  ['tanh', plain('tanh', tanh)],
  ['relu', plain('relu', relu)],
  [
    'leakyRelu',
    (params) => {
      const { alpha = 0.01 } = accepted('leakyRelu', params, { alpha: 'number' });
      expectFinite('leakyRelu', 'alpha', alpha);
      return (x) => leakyRelu(x, alpha);
    },
  ],
  [
    'elu',
    (params) => {
      const { alpha = 1 } = accepted('elu', params, { alpha: 'number' });
      expectFinite('elu', 'alpha', alpha);
      return (x) => elu(x, alpha);
    },
  ],
  ['selu', plain('selu', selu)],
  [
    'gelu',
    (params) => {
      const approximate = geluApproximation(accepted('gelu', params, { approximate: 'string' }).approximate);
      return (x) => gelu(x, { approximate });
    },
  ],
  ['silu', plain('silu', silu)],
  ['swish', plain('swish', silu)],
  [
    'softplus',
    (params) => {
      const p = accepted('softplus', params, { beta: 'number', threshold: 'number' });
      const { beta = 1, threshold = 20 } = p;
      softplusParams(beta, threshold);
      return (x) => softplus(x, beta, threshold);
    },
  ],
  ['softsign', plain('softsign', softsign)],
  ['relu6', plain('relu6', relu6)],
  [
    'hardSigmoid',
    (params) => {
      const p = accepted('hardSigmoid', params, { alpha: 'number', beta: 'number' });
      const { alpha = 1 / 6, beta = 0.5 } = p;
      expectFinite('hardSigmoid', 'alpha', alpha);
      expectFinite('hardSigmoid', 'beta', beta);
      return (x) => hardSigmoid(x, alpha, beta);
    },
  ],
  [
    'softmax',
    (params) => {
      const { axis = -1 } = accepted('softmax', params, { axis: 'number' });
      expectInteger('softmax', 'axis', axis);
      return (x) => softmax(x, axis);
    },
  ],
  [
    'logSoftmax',
    (params) => {
      const { axis = -1 } = accepted('logSoftmax', params, { axis: 'number' });
      expectInteger('logSoftmax', 'axis', axis);
      return (x) => logSoftmax(x, axis);
    },
  ],
  [
    'step',
    (params) => {
      const p = stepParams(accepted('step', params, { a: 'number', b: 'number', c: 'number' }));
      return (v) => step(v, p);
    },
  ],
  [
    'ramp',
    (params) => {
      const p = rampParams(accepted('ramp', params, { a: 'number', b: 'number', c: 'number', d: 'number' }));
      return (v) => ramp(v, p);
    },
  ],
  [
    'parametricSigmoid',
    (params) => {
      const p = parametricSigmoidParams(
        accepted('parametricSigmoid', params, { z: 'number', x: 'number', y: 'number' }),
      );
      return (v) => parametricSigmoid(v, p);
    },
  ],
  [
    'gaussian',
    (params) => {
      const p = gaussianParams(accepted('gaussian', params, { mu: 'number', sigma: 'number' }));
      return (v) => gaussian(v, p);
    },
  ],
];

for (const [name, factory] of BUILT_INS) factories.set(name, factory);

/**
 * The activation for a name (with its parameters), or the function itself when given one. An unknown
 * name is an ArgumentError that lists every known name.
 */
export function getActivation(nameOrFn: string | Activation, params?: ActivationParams): Activation {
  if (typeof nameOrFn === 'function') return nameOrFn;
  if (typeof nameOrFn !== 'string') {
    throw new ArgumentError(
      'getActivation',
      `expected an activation name or function, got ${nameOrFn === null ? 'null' : typeof nameOrFn}`,
    );
  }
  const factory = factories.get(nameOrFn);
  if (!factory) {
    throw new ArgumentError(
      'getActivation',
      `unknown activation '${nameOrFn}'; known: ${activationNames().join(', ')}`,
    );
  }
  return factory(params);
}

export interface RegisterOptions {
  /** Allow replacing an activation already registered under this name (default false). */
  readonly replace?: boolean;
}

/**
 * Adds an activation under `name`; `factory` receives the params given to `getActivation`. Registering a
 * taken name is an error unless `replace` is set, so a plug-in cannot silently change what 'relu' means.
 */
export function registerActivation(
  name: string,
  factory: ActivationFactory,
  options: RegisterOptions = {},
): void {
  if (typeof name !== 'string' || name.length === 0) {
    throw new ArgumentError('registerActivation', `name must be a non-empty string, got ${String(name)}`);
  }
  if (typeof factory !== 'function') {
    throw new ArgumentError('registerActivation', `factory for '${name}' must be a function`);
  }
  if (factories.has(name) && !options.replace) {
    throw new ArgumentError(
      'registerActivation',
      `'${name}' is already registered; pass { replace: true } to replace it`,
    );
  }
  factories.set(name, factory);
}

/** Every registered name, built-ins first, in registration order. */
export function activationNames(): string[] {
  return [...factories.keys()];
}
