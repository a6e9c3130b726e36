/**
 * Class labels and indices checked against their range — one-hot, embeddings, cross-entropy, NLL — as
 * PyTorch does: an index outside [0, depth) raises `IndexError` naming the op and the offending value,
 * where it would otherwise select a zero row and give a silently wrong answer.
 *
 * Cost: on a backend that reads synchronously the indices are read at the call (one copy). On an
 * asynchronous backend the check is two reductions (min and max) whose result rides along with the next
 * read (see deferred-checks.ts): no extra synchronisation; the error is thrown by that read. A tensor that
 * passed is remembered (tensors are immutable), so a batch's labels are checked once however many losses,
 * metrics or epochs use them.
 */
import { ArgumentError, fmtShape, IndexError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { deferCheck } from './deferred-checks.js';

/** The smallest `depth` each tensor was checked against (valid below it ⇒ valid below anything larger). */
const checkedBelow = new WeakMap<Tensor, number>();

/** Refuses int32 `indices` outside [0, depth); `what` names them in the message ('labels', 'indices'). */
export function checkIndexRange(op: string, what: string, indices: Tensor, depth: number): void {
  indices.assertLive(op);
  if (!Number.isSafeInteger(depth) || depth < 0) {
    throw new ArgumentError(
      op,
      `depth (the number of classes or rows) must be a non-negative integer, got ${depth}`,
    );
  }
  if (indices.dtype !== 'int32' || indices.size === 0) return;
  const known = checkedBelow.get(indices);
  if (known !== undefined && known <= depth) return;
  const backend = indices.storage.backend;
  const expected = `${what} must be in [0, ${depth})`;
  if (backend.readSync) {
    const values = backend.readSync(indices.storage.id, 'int32', indices.size);
    for (let i = 0; i < values.length; i++) {
      const v = values[i];
      if (v < 0 || v >= depth) {
        throw new IndexError(
          op,
          `${expected}; got ${v} at position ${i} of ${what} int32${fmtShape(indices.shape)}`,
          v,
        );
      }
    }
    checkedBelow.set(indices, depth);
    return;
  }
  // Asynchronous backend: the evidence is [min, max] as float32 (exact below 2^24), read later.
  const k = indices.kernelView(op);
  const axes = indices.shape.map((_, i) => i);
  const scalar = { shape: [] as number[], dtype: 'int32' as const };
  const lo = backend.reduce('min', k, axes, scalar);
  const hi = backend.reduce('max', k, axes, scalar);
  const both = backend.concat(
    [
      { id: lo, shape: [1], dtype: 'int32' },
      { id: hi, shape: [1], dtype: 'int32' },
    ],
    0,
    { shape: [2], dtype: 'int32' },
  );
  const evidence = backend.cast({ id: both, shape: [2], dtype: 'int32' }, { shape: [2], dtype: 'float32' });
  for (const id of [lo, hi, both]) backend.disposeData(id);
  // Remembered at once: the pending check reports this tensor; checking it again would only repeat that.
  checkedBelow.set(indices, depth);
  const shape = fmtShape(indices.shape);
  deferCheck({
    backend,
    id: evidence,
    size: 2,
    verdict: ([min, max]) => {
      if (min >= 0 && max < depth) return null;
      checkedBelow.delete(indices);
      const bad = min < 0 ? min : max;
      return new IndexError(
        op,
        `${expected}; got ${bad} (${what} int32${shape} range over [${min}, ${max}])`,
        bad,
      );
    },
  });
}
