/**
 * A whole LSTM layer over a sequence as ONE op on the tape (cuDNN's design): the input projection of
 * every step in one product, a loop of `lstmCell` steps, and a gradient that runs back-propagation
 * through time by hand — one small product per step, then the weight gradients of all steps in three
 * large ones. A backend may run either direction as one kernel call (`lstmSequence`,
 * `lstmSequenceGrad`); the defaults here and in the gradient are the same computation in ops. Differentiating the step loop with autograd instead slices the sequence T times and pads
 * each slice's gradient back to the whole sequence: O(T²) work and memory.
 * Gradient: gradients/fused/lstm-sequence.grad.ts.
 */
import { asOp, fmtShape, ShapeError } from '../../errors.js';
import { tidy } from '../../memory.js';
import type { Tensor } from '../../tensor.js';
import { checkBoolean, checkFloatTensor } from '../../validate.js';
import { add } from '../arithmetic.js';
import { concat } from '../concat.js';
import { zeros } from '../creation.js';
import { matmul } from '../matmul.js';
import { reshape } from '../reshape.js';
import { slice } from '../slice.js';
import { runFused } from '../with-default.js';
import { lstmCell } from './lstm-cell.js';

export interface LstmSequenceResult {
  /** Every step's hidden state `[B, T, H]` (only when asked for: `returnSequences`). */
  readonly y: Tensor | null;
  /** The last hidden state `[B, H]`. */
  readonly h: Tensor;
  /** The last cell state `[B, H]`. */
  readonly c: Tensor;
}

/** Attributes of lstmSequence, as its gradient receives them. */
export interface LstmSequenceAttrs {
  readonly hidden: number;
}

/**
 * Runs an LSTM over `x` `[B, T, F]` with `kernel` `[F, 4H]`, `recurrentKernel` `[H, 4H]`, `bias` `[4H]`
 * (gate blocks i, f, g, o) from `h0`, `c0` `[B, H]` (zeros when null).
 *
 * The op's one output is the packed trajectory `[B, T, 6H]` — per step `h_t`, `c_t` and the gate
 * pre-activations `z_t` — which its gradient reads; `y`, `h` and `c` are slices of it.
 */
export function lstmSequence(
  x: Tensor,
  kernel: Tensor,
  recurrentKernel: Tensor,
  bias: Tensor,
  h0: Tensor | null = null,
  c0: Tensor | null = null,
  returnSequences = true,
): LstmSequenceResult {
  const op = 'lstmSequence';
  for (const [name, t] of [
    ['x', x],
    ['kernel', kernel],
    ['recurrentKernel', recurrentKernel],
    ['bias', bias],
    ['h0', h0],
    ['c0', c0],
  ] as const) {
    if (t === null && (name === 'h0' || name === 'c0')) continue;
    checkFloatTensor(op, name, t);
  }
  checkBoolean(op, 'returnSequences', returnSequences);
  const hidden = recurrentKernel.shape[0];
  const [batch, steps, features] = x.shape;
  const shapesOk =
    x.rank === 3 &&
    steps >= 1 &&
    kernel.rank === 2 &&
    kernel.shape[0] === features &&
    kernel.shape[1] === 4 * hidden &&
    recurrentKernel.rank === 2 &&
    recurrentKernel.shape[1] === 4 * hidden &&
    bias.rank === 1 &&
    bias.shape[0] === 4 * hidden &&
    [h0, c0].every((s) => !s || (s.rank === 2 && s.shape[0] === batch && s.shape[1] === hidden));
  if (!shapesOk) {
    throw new ShapeError(
      op,
      `expected x [B, T >= 1, F], kernel [F, 4H], recurrentKernel [H, 4H], bias [4H], h0/c0 [B, H]; got x ${fmtShape(x.shape)}, kernel ${fmtShape(kernel.shape)}, recurrentKernel ${fmtShape(recurrentKernel.shape)}, bias ${fmtShape(bias.shape)}${h0 ? `, h0 ${fmtShape(h0.shape)}` : ''}${c0 ? `, c0 ${fmtShape(c0.shape)}` : ''}`,
    );
  }
  const h4 = 4 * hidden;
  const out = { shape: [batch, steps, 6 * hidden], dtype: 'float32' as const };
  return asOp(op, () =>
    tidy(() => {
      const hStart = h0 ?? zeros([batch, hidden]);
      const cStart = c0 ?? zeros([batch, hidden]);
      const packed = runFused({
        op,
        inputs: [x, kernel, recurrentKernel, bias, hStart, cStart],
        out,
        attrs: { hidden } satisfies LstmSequenceAttrs,
        kernel: (be) =>
          be.lstmSequence
            ? ([kx, kk, ku, kb, kh, kc]) => be.lstmSequence!(kx, kk, ku, kb, kh, kc, out)
            : null,
        fallback: () => {
          // The input projection of every step in one product: [B·T, F] @ [F, 4H] + b.
          const projected = reshape(add(matmul(reshape(x, [batch * steps, features]), kernel), bias), [
            batch,
            steps,
            h4,
          ]);
          let h = hStart;
          let c = cStart;
          const trajectory: Tensor[] = [];
          for (let t = 0; t < steps; t++) {
            const xt = reshape(slice(projected, [0, t, 0], [batch, 1, h4]), [batch, h4]);
            const z = add(xt, matmul(h, recurrentKernel));
            const next = lstmCell(z, c);
            h = next.h;
            c = next.c;
            trajectory.push(reshape(concat([h, c, z], 1), [batch, 1, 6 * hidden]));
          }
          return concat(trajectory, 1);
        },
      });
      const last = (from: number) =>
        reshape(slice(packed, [0, steps - 1, from], [batch, 1, hidden]), [batch, hidden]);
      return {
        y: returnSequences ? slice(packed, [0, 0, 0], [batch, steps, hidden]) : null,
        h: last(0),
        c: last(hidden),
      };
    }),
  );
}
