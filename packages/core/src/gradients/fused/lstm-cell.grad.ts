/** Gradient of one LSTM cell step for its gate pre-activations and the previous cell state. */
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import { add, mul, sub } from '../../ops/arithmetic.js';
import { concat } from '../../ops/concat.js';
import { split } from '../../ops/slice.js';
import { sigmoid, square, tanh } from '../../ops/unary.js';

export const lstmCellGradients: readonly GradientConfig[] = [
  {
    op: 'lstmCell',
    grad: (dy, [z, cPrev], y) => {
      const [zi, zf, zg, zo] = split(z, 4, 1);
      const [i, f, g, o] = [sigmoid(zi), sigmoid(zf), tanh(zg), sigmoid(zo)];
      const [, cNext] = split(y, 2, 1);
      const [dh, dcOut] = split(dy, 2, 1);
      const tc = tanh(cNext);
      const dc = add(dcOut, mul(mul(dh, o), sub(1, square(tc))));
      const dzi = mul(mul(dc, g), mul(i, sub(1, i)));
      const dzf = mul(mul(dc, cPrev), mul(f, sub(1, f)));
      const dzg = mul(mul(dc, i), sub(1, square(g)));
      const dzo = mul(mul(dh, tc), mul(o, sub(1, o)));
      return [concat([dzi, dzf, dzg, dzo], 1), mul(dc, f)];
    },
  },
];
