/** How a loss turns per-element (or per-example) values into its result, and the checks losses share. */
import { ArgumentError, DTypeError, mean, ShapeError, sum, type Tensor } from '@dendrite/core';

/** `'mean'` (default) and `'sum'` give a scalar; `'none'` keeps one value per element / example. */
export type Reduction = 'mean' | 'sum' | 'none';

export interface LossOptions {
  readonly reduction?: Reduction;
}

export function reduceLoss(op: string, values: Tensor, reduction: Reduction = 'mean'): Tensor {
  switch (reduction) {
    case 'mean':
      return mean(values);
    case 'sum':
      return sum(values);
    case 'none':
      return values;
    default:
      throw new ArgumentError(op, `reduction '${String(reduction)}' must be 'mean', 'sum' or 'none'`);
  }
}

const fmt = (t: Tensor) => `${t.dtype}[${t.shape.join(', ')}]`;

export function expectFloat(op: string, name: string, t: Tensor): void {
  t.assertLive(op);
  if (t.dtype !== 'float32') throw new DTypeError(op, `${name} is ${fmt(t)}; expected float32`);
}

/** Prediction and target of one shape, both float32. */
export function expectSameShape(op: string, a: [string, Tensor], b: [string, Tensor]): void {
  expectFloat(op, a[0], a[1]);
  expectFloat(op, b[0], b[1]);
  if (a[1].rank !== b[1].rank || a[1].shape.some((d, i) => d !== b[1].shape[i])) {
    throw new ShapeError(op, `${a[0]} ${fmt(a[1])} and ${b[0]} ${fmt(b[1])} must have the same shape`);
  }
}

/** Scores `[..., C]` and int32 class indices `[...]` (the scores' shape without the last axis). */
export function expectLabels(op: string, scores: [string, Tensor], labels: Tensor): void {
  expectFloat(op, scores[0], scores[1]);
  labels.assertLive(op);
  if (labels.dtype !== 'int32') {
    throw new DTypeError(
      op,
      `labels are ${fmt(labels)}; expected int32 class indices (or float32 [..., C] targets)`,
    );
  }
  const s = scores[1].shape;
  if (s.length < 1 || labels.rank !== s.length - 1 || labels.shape.some((d, i) => d !== s[i])) {
    throw new ShapeError(
      op,
      `labels ${fmt(labels)} must have the shape of ${scores[0]} ${fmt(scores[1])} without its last (class) axis`,
    );
  }
}
