/** One LSTM step from its gate pre-activations (blocks i, f, g, o, PyTorch's order). */
import { fmtShape, ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { add, mul, sub } from '../arithmetic.js';
import { concat } from '../concat.js';
import { split } from '../slice.js';
import { sigmoid, square, tanh } from '../unary.js';
import { runFused } from '../with-default.js';

/**
 * Given `gates = x_t @ W + h @ U + b` `[B, 4H]` and the previous cell state `c` `[B, H]`, returns the new
 * hidden and cell states: `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
 */
export function lstmCell(gates: Tensor, c: Tensor): { h: Tensor; c: Tensor } {
  const op = 'lstmCell';
  const [b, h4] = gates.shape;
  const hidden = h4 / 4;
  if (
    gates.rank !== 2 ||
    c.rank !== 2 ||
    !Number.isInteger(hidden) ||
    c.shape[0] !== b ||
    c.shape[1] !== hidden
  ) {
    throw new ShapeError(
      op,
      `gates ${fmtShape(gates.shape)} must be [B, 4H] and c ${fmtShape(c.shape)} [B, H]`,
    );
  }
  const out = { shape: [b, 2 * hidden], dtype: 'float32' as const };
  const hc = runFused({
    op,
    inputs: [gates, c],
    out,
    kernel: (be) => (be.lstmCell ? ([kg, kc]) => be.lstmCell!(kg, kc, out) : null),
    fallback: () => {
      const [zi, zf, zg, zo] = split(gates, 4, 1);
      const cNext = add(mul(sigmoid(zf), c), mul(sigmoid(zi), tanh(zg)));
      return concat([mul(sigmoid(zo), tanh(cNext)), cNext], 1);
    },
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
  });
  const [hNext, cNext] = split(hc, 2, 1);
  hc.dispose();
  return { h: hNext, c: cNext };
}
