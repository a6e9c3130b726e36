/**
 * Core's default for the optional `binaryScalar` kernel: the number as a one-element tensor and the
 * broadcasting `binary` kernel. Correct everywhere, but it allocates storage per call; every Dendrite
 * backend overrides it (the conformance suite checks each override against this default).
 */
import type { Backend, BinaryOp, DataId, KernelTensor, OutSpec } from '../../backend.js';

export function binaryScalarDefault(
  backend: Backend,
  op: BinaryOp,
  x: KernelTensor,
  value: number,
  scalarFirst: boolean,
  out: OutSpec,
): DataId {
  const s: KernelTensor = {
    id: backend.fill(value, { shape: [], dtype: x.dtype }),
    shape: [],
    dtype: x.dtype,
  };
  try {
    return scalarFirst ? backend.binary(op, s, x, out) : backend.binary(op, x, s, out);
  } finally {
    // Safe on asynchronous backends too: disposing storage that queued work still reads is allowed.
    backend.disposeData(s.id);
  }
}
