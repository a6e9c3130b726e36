/** Gradients of sum, prod, max and min over any axes. */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { div, mul } from '../ops/arithmetic.js';
import { castTo } from '../ops/cast.js';
import { equal } from '../ops/compare.js';
import { broadcastTo } from '../ops/expand.js';
import { type ReduceAttrs, sum } from '../ops/reduce.js';
import { reshape } from '../ops/reshape.js';
import { keptShape } from '../shape.js';
import type { Tensor } from '../tensor.js';

/** A reduced tensor put back over the input's shape (the reduced axes broadcast). */
function spread(t: Tensor, { axes, inShape }: ReduceAttrs): Tensor {
  return broadcastTo(reshape(t, keptShape(inShape, axes)), inShape);
}

/** max/min share the gradient evenly among tied extremes (as PyTorch's amax/amin do). */
const extreme = (op: string): GradientConfig<ReduceAttrs> => ({
  op,
  grad: (dy, [x], y, _needed, attrs) => {
    const mask = castTo(equal(x, spread(y, attrs)), 'float32');
    const count = spread(sum(mask, attrs.axes), attrs);
    return [div(mul(spread(dy, attrs), mask), count)];
  },
});

export const reduceGradients: readonly GradientConfig[] = [
  { op: 'sum', savesInputs: false, grad: (dy, _x, _y, _needed, attrs: ReduceAttrs) => [spread(dy, attrs)] },
  {
    op: 'prod',
    grad: (dy, [x], y, _needed, attrs: ReduceAttrs) => [div(mul(spread(dy, attrs), spread(y, attrs)), x)],
  },
  extreme('max'),
  extreme('min'),
];
