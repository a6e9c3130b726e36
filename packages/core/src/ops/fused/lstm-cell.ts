/** One LSTM step from its gate pre-activations (blocks i, f, g, o, PyTorch's order). Gradient: gradients/. */
import { asOp, fmtShape, ShapeError } from '../../errors.js';
import type { Tensor } from '../../tensor.js';
import { checkFloatTensor } from '../../validate.js';
import { add, mul } from '../arithmetic.js';
import { concat } from '../concat.js';
import { split } from '../slice.js';
import { sigmoid, tanh } from '../unary.js';
import { runFused } from '../with-default.js';

/**
 * Given `gates = x_t @ W + h @ U + b` `[B, 4H]` and the previous cell state `c` `[B, H]`, returns the new
 * hidden and cell states: `c' = σ(f)·c + σ(i)·tanh(g)`, `h' = σ(o)·tanh(c')`.
 */
export function lstmCell(gates: Tensor, c: Tensor): { h: Tensor; c: Tensor } {
  const op = 'lstmCell';
  checkFloatTensor(op, 'gates', gates);
  checkFloatTensor(op, 'c', c);
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
  });
  const [hNext, cNext] = asOp(op, () => split(hc, 2, 1));
  hc.dispose();
  return { h: hNext, c: cNext };
}
