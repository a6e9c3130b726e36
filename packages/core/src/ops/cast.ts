/** Conversion between dtypes. */
import type { DType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { checkDType, checkTensor } from '../validate.js';
import { reshape } from './reshape.js';
import { runKernel } from './run-kernel.js';

/**
 * `x` converted to `dtype`: float -> int truncates toward zero, anything -> bool is `x != 0`, bool -> 0/1.
 * Only float32 -> float32 carries a gradient.
 */
export function castTo(x: Tensor, dtype: DType): Tensor {
  checkTensor('cast', 'x', x);
  checkDType('cast', dtype, 'target dtype');
  if (x.dtype === dtype) return reshape(x, x.shape); // a new handle, still on the graph
  return runKernel({
    op: 'cast',
    inputs: [x],
    out: { shape: x.shape, dtype },
    run: (backend, [k]) => backend.cast(k, { shape: x.shape, dtype }),
  });
}
