/** The functional transforms `grad` / `valueAndGrad`. */
import { engine } from '../engine.js';
import { DTypeError, fmtShape } from '../errors.js';
import { alias, zerosLike as zerosOfLike } from '../ops/creation.js';
import type { Tensor } from '../tensor.js';
import { backward } from './backward.js';
import { enableGrad } from './grad-mode.js';

export interface ValueAndGrads {
  readonly value: Tensor;
  readonly grads: Tensor[];
}

/**
 * `valueAndGrad(f)(...xs)` returns `f(...xs)` (a one-element float32 tensor) and its gradient with
 * respect to every argument. Intermediates are freed; the caller owns `value` and `grads`. `f` must be
 * synchronous. Other tensors' `.grad` are not touched.
 */
export function valueAndGrad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => ValueAndGrads {
  return (...xs) => {
    const scope = engine.beginScope('valueAndGrad');
    return engine.runInScope(scope, () => {
      try {
        const leaves = xs.map((x) => {
          if (x.dtype !== 'float32')
            throw new DTypeError(
              'valueAndGrad',
              `argument is ${x.dtype}${fmtShape(x.shape)}; expected float32`,
            );
          return alias(x).requireGrad();
        });
        const out = enableGrad(() => f(...leaves));
        if (out.size !== 1 || out.dtype !== 'float32') {
          throw new DTypeError(
            'valueAndGrad',
            `f must return a one-element float32 tensor, got ${out.dtype}${fmtShape(out.shape)}`,
          );
        }
        const grads = backward(out, undefined, leaves).map((g, i) => g ?? zerosOfLike(xs[i]));
        const value = alias(out);
        engine.endScope(scope, new Set([value, ...grads]));
        return { value, grads };
      } catch (e) {
        engine.endScope(scope, new Set());
        throw e;
      }
    });
  };
}

/** `grad(f)(...xs)`: the gradients of `f` with respect to every argument. */
export function grad(f: (...xs: Tensor[]) => Tensor): (...xs: Tensor[]) => Tensor[] {
  const vg = valueAndGrad(f);
  return (...xs) => {
    const { value, grads } = vg(...xs);
    value.dispose();
    return grads;
  };
}
