/**
 * Gradients for a module's parameters with core's functional autograd. `valueAndGrad(f)(...tensors)`
 * differentiates with respect to explicit arguments, so `valueAndGradOfModule` passes the trainable
 * parameters' tensors as those arguments and, while the loss runs, points every parameter at the leaf
 * core made for it (`withParameters`). Nothing is copied and no `.grad` is touched; the caller owns the
 * returned loss and gradients.
 */
import { ArgumentError, type Tensor, type ValueAndGrads, valueAndGrad } from '@dendrite/core';
import type { Module } from './module.js';
import { type Parameter, swapValue } from './parameter.js';

/** Replacement tensors for a module's parameters: by dotted path, or by `Parameter`. */
export type ParameterValues = Readonly<Record<string, Tensor>> | ReadonlyMap<Parameter, Tensor>;

function resolve(module: Module, values: ParameterValues): [Parameter, Tensor][] {
  if (values instanceof Map) return [...values];
  const byName = new Map(module.namedParameters());
  return Object.entries(values).map(([name, t]) => {
    const p = byName.get(name);
    if (!p) {
      throw new ArgumentError(
        `${module.label}.withParameters`,
        `no parameter '${name}'; the module has [${[...byName.keys()].join(', ')}]`,
      );
    }
    return [p, t];
  });
}

/**
 * Runs `fn` (synchronously) with the module's parameters temporarily pointing at `values`, then
 * restores them. The module does not take ownership of `values`; gradients of anything computed in `fn`
 * flow to them. Like `torch.func.functional_call`.
 */
export function withParameters<T>(module: Module, values: ParameterValues, fn: () => T): T {
  const pairs = resolve(module, values);
  for (const [p, t] of pairs) {
    const label = `${module.label}.withParameters`;
    t.assertLive(label);
    if (
      t.dtype !== p.dtype ||
      t.shape.length !== p.shape.length ||
      t.shape.some((d, i) => d !== p.shape[i])
    ) {
      throw new ArgumentError(
        label,
        `${p.label} is ${p.dtype}[${p.shape.join(', ')}]; got ${t.dtype}[${t.shape.join(', ')}]`,
      );
    }
  }
  const previous = pairs.map(([p, t]) => p[swapValue](t));
  try {
    const result = fn();
    if (result instanceof Promise) {
      throw new ArgumentError(`${module.label}.withParameters`, 'fn must be synchronous');
    }
    return result;
  } finally {
    pairs.forEach(([p], i) => {
      p[swapValue](previous[i]);
    });
  }
}

export interface ModuleValueAndGrads extends ValueAndGrads {
  /** The parameters the gradients belong to, in the same order as `grads`. */
  readonly parameters: Parameter[];
}

/**
 * The loss `lossFn()` (a one-element float32 tensor computed with `module`) and its gradient with
 * respect to each trainable parameter (or the `parameters` given). A training step:
 *
 * ```ts
 * const { value, grads, parameters } = valueAndGradOfModule(model, () => mse(model.forward(x), y));
 * parameters.forEach((p, i) => { p.value = optimizerUpdate('sgd', p.value, grads[i], [], { lr }).param; });
 * dispose([value, grads]);
 * ```
 */
export function valueAndGradOfModule(
  module: Module,
  lossFn: () => Tensor,
  parameters: readonly Parameter[] = module.trainableParameters(),
): ModuleValueAndGrads {
  const params = [...parameters];
  const current = params.map((p) => p.value);
  const { value, grads } = valueAndGrad((...leaves: Tensor[]) =>
    withParameters(module, new Map(params.map((p, i) => [p, leaves[i]])), lossFn),
  )(...current);
  return { value, grads, parameters: params };
}
