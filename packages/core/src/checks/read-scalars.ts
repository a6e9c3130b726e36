/**
 * `readScalars(tensors)`: the values of several one-element tensors in ONE read. Each read is a
 * synchronisation point on a GPU (the queue drains, the buffer is mapped), so the training loop reads a
 * step's loss and every metric together: the scalars are concatenated on the device (cast to float32)
 * with the evidence of every check waiting on that backend (labels in range, numerics; see
 * deferred-checks.ts), read once, and the checks judged — their error is thrown here.
 */
import type { DataId, KernelTensor } from '../backend.js';
import { ArgumentError, fmtShape } from '../errors.js';
import { backendOf } from '../ops/run-kernel.js';
import type { Tensor } from '../tensor.js';
import { evidenceSize, judge, readOrExplain, settleAllChecks, takePendingChecks } from './deferred-checks.js';

export async function readScalars(tensors: readonly Tensor[]): Promise<number[]> {
  const op = 'readScalars';
  if (tensors.length === 0) {
    await settleAllChecks();
    return [];
  }
  const backend = backendOf(op, tensors);
  for (const t of tensors) {
    if (t.size !== 1) {
      throw new ArgumentError(op, `expected one-element tensors, got ${t.dtype}${fmtShape(t.shape)}`);
    }
  }
  const checks = takePendingChecks(backend);
  const temporaries: DataId[] = [];
  try {
    const parts: KernelTensor[] = tensors.map((t) => {
      const k = { id: t.storage.id, shape: [1], dtype: t.dtype };
      if (t.dtype === 'float32') return k;
      const id = backend.cast(k, { shape: [1], dtype: 'float32' });
      temporaries.push(id);
      return { id, shape: [1], dtype: 'float32' };
    });
    for (const c of checks) parts.push({ id: c.id, shape: [c.size], dtype: 'float32' });
    const size = tensors.length + evidenceSize(checks);
    let joined = parts[0].id;
    if (parts.length > 1) {
      joined = backend.concat(parts, 0, { shape: [size], dtype: 'float32' });
      temporaries.push(joined);
    }
    const values = (await readOrExplain(backend, checks, () =>
      backend.read(joined, 'float32', size),
    )) as Float32Array;
    await judge(checks, values.subarray(tensors.length));
    return Array.from(values.subarray(0, tensors.length));
  } finally {
    for (const id of temporaries) backend.disposeData(id);
    for (const c of checks) backend.disposeData(c.id);
  }
}
