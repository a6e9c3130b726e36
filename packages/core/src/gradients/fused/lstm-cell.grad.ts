/** Gradient of one LSTM cell step for its gate pre-activations and the previous cell state. */
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import { add, mul, sub } from '../../ops/arithmetic.js';
import { concat } from '../../ops/concat.js';
import { split } from '../../ops/slice.js';
import { sigmoid, square, tanh } from '../../ops/unary.js';
import type { Tensor } from '../../tensor.js';

/**
 * One step back through an LSTM cell: from the gradients of its outputs `h'` and `c'`, its gate
 * pre-activations `z` `[B, 4H]` and cell states `cPrev`, `cNext` `[B, H]`, the gradients of `z` and
 * `cPrev`. Shared by lstmCell's gradient and lstmSequence's back-propagation through time.
 */
export function lstmCellBackward(
  dh: Tensor,
  dcOut: Tensor,
  z: Tensor,
  cPrev: Tensor,
  cNext: Tensor,
): { dz: Tensor; dcPrev: Tensor } {
  const [zi, zf, zg, zo] = split(z, 4, 1);
  const [i, f, g, o] = [sigmoid(zi), sigmoid(zf), tanh(zg), sigmoid(zo)];
  const tc = tanh(cNext);
  const dc = add(dcOut, mul(mul(dh, o), sub(1, square(tc))));
  const dzi = mul(mul(dc, g), mul(i, sub(1, i)));
  const dzf = mul(mul(dc, cPrev), mul(f, sub(1, f)));
  const dzg = mul(mul(dc, i), sub(1, square(g)));
  const dzo = mul(mul(dh, tc), mul(o, sub(1, o)));
  return { dz: concat([dzi, dzf, dzg, dzo], 1), dcPrev: mul(dc, f) };
}

export const lstmCellGradients: readonly GradientConfig[] = [
  {
    op: 'lstmCell',
    grad: (dy, [z, cPrev], y) => {
      const [, cNext] = split(y, 2, 1);
      const [dh, dcOut] = split(dy, 2, 1);
      const { dz, dcPrev } = lstmCellBackward(dh, dcOut, z, cPrev, cNext);
      return [dz, dcPrev];
    },
  },
];
