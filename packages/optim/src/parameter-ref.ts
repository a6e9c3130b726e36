/**
 * What an optimizer updates. Parameters live in modules (@dendrite/layers) or anywhere else, so optim
 * needs only this structural shape: an object whose `value` tensor the optimizer replaces with the
 * updated one (disposing the old). Tensors are immutable, so an update is a swap, never a write.
 */
import { ArgumentError, Tensor } from '@dendrite/core';

/** A slot holding a parameter's current tensor; the optimizer assigns `value` after each update. */
export interface ParameterRef {
  value: Tensor;
}

/** A list of parameters, or parameters by name (the names then label errors and state dicts). */
export type ParameterSet = readonly ParameterRef[] | Readonly<Record<string, ParameterRef>>;

/** Wraps a plain tensor so an optimizer can update it: read the current tensor from `.value`. */
export function parameterRef(t: Tensor): ParameterRef {
  return { value: t };
}

/** The parameters in a fixed order, with their names ('0', '1', … for a list). */
export function listParameters(op: string, params: ParameterSet): { names: string[]; refs: ParameterRef[] } {
  if (params === null || typeof params !== 'object') {
    throw new ArgumentError(
      op,
      `params must be an array or a record of { value: Tensor }, got ${String(params)}`,
    );
  }
  const entries: [string, ParameterRef][] = Array.isArray(params)
    ? params.map((p, i) => [String(i), p])
    : Object.entries(params as Record<string, ParameterRef>);
  const seen = new Set<ParameterRef>();
  for (const [name, ref] of entries) {
    if (!ref || !(ref.value instanceof Tensor)) {
      throw new ArgumentError(op, `parameter '${name}' must be an object { value: Tensor }`);
    }
    if (seen.has(ref)) throw new ArgumentError(op, `parameter '${name}' is listed twice`);
    seen.add(ref);
    if (ref.value.dtype !== 'float32') {
      throw new ArgumentError(
        op,
        `parameter '${name}' is ${ref.value.dtype}; only float32 tensors are trainable`,
      );
    }
  }
  return { names: entries.map(([n]) => n), refs: entries.map(([, r]) => r) };
}
