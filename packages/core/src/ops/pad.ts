/** Constant padding. Gradient: gradients/layout.grad.ts. */
import { ArgumentError, fmtShape, fmtValue } from '../errors.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { checkNumber, checkTensor } from '../validate.js';
import { scalarIn } from './operands.js';
import { runKernel } from './run-kernel.js';

/** Attributes of a pad, as its gradient receives them. */
export interface PadAttrs {
  /** Elements added before each axis (where the input starts in the output). */
  readonly begin: readonly number[];
  readonly inShape: Shape;
}

/** Pads every axis with `pads[i] = [before, after]` elements of `value` (default 0). */
export function pad(x: Tensor, pads: readonly (readonly [number, number])[], value = 0): Tensor {
  checkTensor('pad', 'x', x);
  checkNumber('pad', 'value', value, { nonFinite: true });
  if (
    !Array.isArray(pads) ||
    pads.length !== x.rank ||
    pads.some((p) => !Array.isArray(p) || p.length !== 2 || p.some((v) => !Number.isSafeInteger(v) || v < 0))
  ) {
    throw new ArgumentError(
      'pad',
      `pads ${fmtValue(pads)} must hold one [before, after] pair of non-negative integers per axis of ${fmtShape(x.shape)}`,
    );
  }
  // The fill value as the tensor's dtype holds it (0.5 pads a bool tensor with true, an int32 one with 0),
  // so every backend pads with the same element.
  value = scalarIn(value, x.dtype);
  const shape = x.shape.map((d, i) => d + pads[i][0] + pads[i][1]);
  const attrs: PadAttrs = { begin: pads.map((p) => p[0]), inShape: x.shape };
  return runKernel({
    op: 'pad',
    inputs: [x],
    out: { shape, dtype: x.dtype },
    run: (backend, [k]) => backend.pad(k, pads, value, { shape, dtype: x.dtype }),
    attrs,
  });
}
