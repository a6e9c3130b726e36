/** Gradients of the ops that move elements: reshape, broadcastTo, transpose, slice, pad, concat. */
import type { GradientConfig } from '../autograd/gradient-registry.js';
import type { ConcatAttrs } from '../ops/concat.js';
import { type PadAttrs, pad } from '../ops/pad.js';
import { sumTo } from '../ops/reduce.js';
import { type ReshapeAttrs, reshape } from '../ops/reshape.js';
import { type SliceAttrs, slice, split } from '../ops/slice.js';
import { type TransposeAttrs, transpose } from '../ops/transpose.js';

// None of these reads its input back: the attributes say everything the gradient needs.
export const layoutGradients: readonly GradientConfig[] = [
  { op: 'reshape', savesInputs: false, grad: (dy, _x, _y, _n, a: ReshapeAttrs) => [reshape(dy, a.inShape)] },
  {
    op: 'broadcastTo',
    savesInputs: false,
    grad: (dy, _x, _y, _n, a: ReshapeAttrs) => [sumTo(dy, a.inShape)],
  },
  {
    op: 'transpose',
    savesInputs: false,
    grad: (dy, _x, _y, _n, a: TransposeAttrs) => [transpose(dy, a.inverse)],
  },
  {
    op: 'slice',
    savesInputs: false,
    grad: (dy, _x, _y, _n, { begin, size, inShape }: SliceAttrs) => [
      pad(
        dy,
        inShape.map((d, i) => [begin[i], d - begin[i] - size[i]] as [number, number]),
      ),
    ],
  },
  { op: 'pad', savesInputs: false, grad: (dy, _x, _y, _n, a: PadAttrs) => [slice(dy, a.begin, a.inShape)] },
  { op: 'concat', savesInputs: false, grad: (dy, _x, _y, _n, a: ConcatAttrs) => split(dy, a.sizes, a.axis) },
];
