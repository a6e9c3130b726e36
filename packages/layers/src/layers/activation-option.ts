/**
 * The `activation` option of layers: a registered name (`'relu'`), a name with parameters
 * (`{ name: 'leakyRelu', params: { alpha: 0.2 } }`) or a function, resolved once through
 * @dendrite/activations' registry. Names a fused kernel implements are kept as names, so Dense can run
 * matmul + bias + activation as one `fusedMatmul`.
 */
import { type Activation, type ActivationParams, getActivation } from '@dendrite/activations';
import { type FusedActivation, type Tensor, tidy } from '@dendrite/core';

export type ActivationSpec =
  | string
  | Activation
  | { readonly name: string; readonly params?: ActivationParams };

export interface ResolvedActivation {
  /** The activation as a function (identity for none / 'linear'). */
  readonly fn: Activation | null;
  /** Set when `fusedMatmul` implements it. */
  readonly fused: FusedActivation | null;
  /** For summaries and errors. */
  readonly description: string;
  /** The registered name and parameters it was resolved from; null for a function (or none). */
  readonly spec: ActivationDescriptor | null;
}

/** A named activation with its parameters, as exporters (ONNX) read it back from a layer. */
export interface ActivationDescriptor {
  readonly name: string;
  readonly params: ActivationParams;
}

const FUSABLE: readonly string[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'];

export function resolveActivation(spec: ActivationSpec | null | undefined): ResolvedActivation {
  if (spec === undefined || spec === null)
    return { fn: null, fused: 'linear', description: 'linear', spec: null };
  if (typeof spec === 'string') {
    const fn = getActivation(spec);
    return {
      fn: spec === 'linear' ? null : fn,
      fused: FUSABLE.includes(spec) ? (spec as FusedActivation) : null,
      description: spec,
      spec: spec === 'linear' ? null : { name: spec, params: {} },
    };
  }
  if (typeof spec === 'function')
    return { fn: spec, fused: null, description: spec.name || 'custom', spec: null };
  const fn = getActivation(spec.name, spec.params);
  const plain = !spec.params || Object.keys(spec.params).length === 0;
  return {
    fn,
    fused: plain && FUSABLE.includes(spec.name) ? (spec.name as FusedActivation) : null,
    description: spec.name,
    spec: spec.name === 'linear' ? null : { name: spec.name, params: { ...(spec.params ?? {}) } },
  };
}

/**
 * Applies the activation (or returns `z` when there is none), in a scope of its own so a user's function
 * that leaves intermediates behind cannot leak them.
 */
export function applyActivation(z: Tensor, a: ResolvedActivation): Tensor {
  const fn = a.fn;
  return fn ? tidy(() => fn(z)) : z;
}

/**
 * The activation as exporters read it back from a layer: its registered name and parameters, null for
 * none, or 'custom' for a function (which no exporter can describe).
 */
export function describeActivation(a: ResolvedActivation): ActivationDescriptor | null | 'custom' {
  return a.fn && !a.spec ? 'custom' : a.spec;
}
