/** Gradients of add, sub, mul, div, pow, maximum, minimum, with two tensors or a number operand. */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import { type BroadcastAttrs, div, mul, pow, sub } from '../ops/arithmetic.js';
import type { ScalarAttrs } from '../ops/binary-scalar.js';
import { castTo } from '../ops/cast.js';
import { greater, greaterEqual, less, where } from '../ops/compare.js';
import { zerosLike } from '../ops/creation.js';
import { sumTo } from '../ops/reduce.js';
import { log, neg } from '../ops/unary.js';
import type { Tensor } from '../tensor.js';

type Pair = [Tensor | null, Tensor | null];

/** Two-tensor form: each gradient is summed back over the axes its operand was broadcast along. */
function broadcasting(
  op: string,
  savesInputs: boolean,
  grad: (dy: Tensor, a: Tensor, b: Tensor, y: Tensor, needed: readonly boolean[]) => Pair,
): GradientConfig<BroadcastAttrs> {
  return {
    op,
    savesInputs,
    grad: (dy, [a, b], y, needed, { aShape, bShape }) => {
      const [ga, gb] = grad(dy, a, b, y, needed);
      return [ga && sumTo(ga, aShape), gb && sumTo(gb, bShape)];
    },
  };
}

/** Number-operand form (`x op v`, or `v op x` when scalarFirst): one input, no broadcasting. */
function scalar(
  op: string,
  savesInputs: boolean,
  grad: (dy: Tensor, x: Tensor, y: Tensor, attrs: ScalarAttrs) => Tensor,
): GradientConfig<ScalarAttrs> {
  return { op, savesInputs, grad: (dy, [x], y, _needed, attrs) => [grad(dy, x, y, attrs)] };
}

export const arithmeticGradients: readonly GradientConfig[] = [
  broadcasting('add', false, (dy) => [dy, dy]),
  {
    // The broadcast operand's gradient is negated after it is summed (a [C] mean against [N, H, W, C]:
    // one small negation instead of a full-size one; negation is exact, so the values are the same).
    op: 'sub',
    savesInputs: false,
    grad: (dy, _inputs, _y, needed, { aShape, bShape }: BroadcastAttrs) => [
      needed[0] ? sumTo(dy, aShape) : null,
      needed[1] ? neg(sumTo(dy, bShape)) : null,
    ],
  },
  broadcasting('mul', true, (dy, a, b, _y, needed) => [
    needed[0] ? mul(dy, b) : null,
    needed[1] ? mul(dy, a) : null,
  ]),
  broadcasting('div', true, (dy, _a, b, y, needed) => [
    needed[0] ? div(dy, b) : null,
    needed[1] ? neg(div(mul(dy, y), b)) : null,
  ]),
  // d/db a^b = y ln a, taken as 0 where a <= 0 (undefined there).
  broadcasting('pow', true, (dy, a, b, y, needed) => [
    needed[0] ? mul(dy, mul(b, pow(a, sub(b, 1)))) : null,
    needed[1] ? mul(dy, where(greater(a, 0), mul(y, log(a)), 0)) : null,
  ]),
  // A tie sends the gradient to `a`.
  broadcasting('maximum', true, (dy, a, b) => {
    const m = castTo(greaterEqual(a, b), 'float32');
    return [mul(dy, m), sub(dy, mul(dy, m))];
  }),
  broadcasting('minimum', true, (dy, a, b) => {
    const m = castTo(less(b, a), 'float32');
    return [sub(dy, mul(dy, m)), mul(dy, m)];
  }),

  scalar('addScalar', false, (dy) => dy),
  scalar('subScalar', false, (dy, _x, _y, { scalarFirst }) => (scalarFirst ? neg(dy) : dy)),
  scalar('mulScalar', false, (dy, _x, _y, { value }) => mul(dy, value)),
  // x / v -> dy / v;  v / x -> -dy * y / x
  scalar('divScalar', true, (dy, x, y, { value, scalarFirst }) =>
    scalarFirst ? neg(div(mul(dy, y), x)) : div(dy, value),
  ),
  // x ^ v -> dy * v * x^(v-1);  v ^ x -> dy * y * ln v (0 where v <= 0)
  scalar('powScalar', true, (dy, x, y, { value, scalarFirst }) => {
    if (!scalarFirst) return mul(dy, mul(pow(x, value - 1), value));
    return value > 0 ? mul(dy, mul(y, Math.log(value))) : zerosLike(dy);
  }),
  // maximum(x, v): x wins ties; maximum(v, x): v does.
  scalar('maximumScalar', true, (dy, x, _y, { value, scalarFirst }) => {
    const aWins = castTo(scalarFirst ? greaterEqual(value, x) : greaterEqual(x, value), 'float32');
    return scalarFirst ? sub(dy, mul(dy, aWins)) : mul(dy, aWins);
  }),
  // minimum(a, b): b gets the gradient where b < a.
  scalar('minimumScalar', true, (dy, x, _y, { value, scalarFirst }) => {
    const bWins = castTo(scalarFirst ? less(x, value) : less(value, x), 'float32');
    return scalarFirst ? mul(dy, bWins) : sub(dy, mul(dy, bWins));
  }),
];
