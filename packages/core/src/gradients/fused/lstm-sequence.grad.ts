/**
 * Gradient of lstmSequence: back-propagation through time by hand. Walking the steps backwards, each
 * step costs one small product (the recurrent gradient `dz_t · Uᵀ`) and the cell's elementwise backward,
 * reading the step's `h`, `c` and `z` from the saved trajectory; the weight and input gradients of every
 * step then come from three large products over the stacked `dz`. A backend with `lstmSequenceGrad`
 * runs the same in one kernel call.
 */
import type { GradientConfig } from '../../autograd/gradient-registry.js';
import type { KernelTensor } from '../../backend.js';
import { add } from '../../ops/arithmetic.js';
import { concat } from '../../ops/concat.js';
import { zerosLike } from '../../ops/creation.js';
import type { LstmSequenceAttrs } from '../../ops/fused/lstm-sequence.js';
import { matmul } from '../../ops/matmul.js';
import { sum } from '../../ops/reduce.js';
import { reshape } from '../../ops/reshape.js';
import { backendOf, wrap } from '../../ops/run-kernel.js';
import { slice } from '../../ops/slice.js';
import type { Tensor } from '../../tensor.js';
import { lstmCellBackward } from './lstm-cell.grad.js';

export const lstmSequenceGradients: readonly GradientConfig<LstmSequenceAttrs>[] = [
  {
    op: 'lstmSequence',
    grad: (dPacked, [x, kernel, recurrentKernel, , h0, c0], packed, needed, { hidden }) => {
      const backend = backendOf('lstmSequence', [dPacked, x, kernel, recurrentKernel, packed, h0, c0]);
      if (backend.lstmSequenceGrad) {
        // The backend's back-propagation through time, in one kernel call.
        const ids = backend.lstmSequenceGrad(
          ...([dPacked, x, kernel, recurrentKernel, packed, h0, c0].map((t) =>
            t.kernelView('lstmSequence'),
          ) as [
            KernelTensor,
            KernelTensor,
            KernelTensor,
            KernelTensor,
            KernelTensor,
            KernelTensor,
            KernelTensor,
          ]),
        );
        const shapes = [x.shape, kernel.shape, recurrentKernel.shape, [4 * hidden], h0.shape, c0.shape];
        const grads = ids.map((id, i) => wrap(backend, id, { shape: shapes[i], dtype: 'float32' }));
        return grads.map((g, i) => {
          if (needed[i]) return g;
          g.dispose();
          return null;
        });
      }
      const [batch, steps, features] = x.shape;
      const h4 = 4 * hidden;
      /** Step `t`'s block of `width` columns starting at `from`, as `[B, width]`. */
      const at = (t: Tensor, step: number, from: number, width: number) =>
        reshape(slice(t, [0, step, from], [batch, 1, width]), [batch, width]);
      let dhNext: Tensor | null = null;
      let dcNext: Tensor | null = null;
      const dzs: Tensor[] = new Array(steps);
      for (let t = steps - 1; t >= 0; t--) {
        const dhOut = at(dPacked, t, 0, hidden);
        const dcOut = at(dPacked, t, hidden, hidden);
        const dh = dhNext ? add(dhOut, dhNext) : dhOut;
        const dc = dcNext ? add(dcOut, dcNext) : dcOut;
        const cPrev = t > 0 ? at(packed, t - 1, hidden, hidden) : c0;
        const { dz, dcPrev } = lstmCellBackward(
          dh,
          dc,
          at(packed, t, 2 * hidden, h4),
          cPrev,
          at(packed, t, hidden, hidden),
        );
        dzs[t] = dz;
        dhNext = matmul(dz, recurrentKernel, { transposeB: true });
        dcNext = dcPrev;
      }
      // [B·T, 4H], in the same (batch, time) order as the inputs.
      const dZ = reshape(
        concat(
          dzs.map((d) => reshape(d, [batch, 1, h4])),
          1,
        ),
        [batch * steps, h4],
      );
      const hPrev = () => {
        const hs = slice(packed, [0, 0, 0], [batch, steps - 1, hidden]);
        return reshape(concat([reshape(h0, [batch, 1, hidden]), hs], 1), [batch * steps, hidden]);
      };
      return [
        needed[0] ? reshape(matmul(dZ, kernel, { transposeB: true }), [batch, steps, features]) : null,
        needed[1] ? matmul(reshape(x, [batch * steps, features]), dZ, { transposeA: true }) : null,
        needed[2] ? matmul(hPrev(), dZ, { transposeA: true }) : null,
        needed[3] ? sum(dZ, 0) : null,
        needed[4] ? (dhNext ?? zerosLike(h0)) : null,
        needed[5] ? (dcNext ?? zerosLike(c0)) : null,
      ];
    },
  },
];
