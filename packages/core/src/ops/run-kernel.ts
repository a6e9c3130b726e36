/**
 * The single path from an op to a backend kernel: check the inputs are alive and on one backend, call
 * the kernel, wrap its storage in a Tensor, check it is finite when `setCheckNumerics(true)` asked for it
 * (checks/numerics.ts), and record the gradient when autograd needs it.
 */

import { record } from '../autograd/record.js';
import type { Backend, DataId, KernelTensor, OutSpec } from '../backend.js';
import { inspectOutputs, isCheckingNumerics } from '../checks/numerics.js';
import { engine } from '../engine.js';
import { ArgumentError, allocationError, BackendError, fmtShape, fmtValue } from '../errors.js';
import { getBackend } from '../registry.js';
import { checkShape, sizeOf } from '../shape.js';
import { Tensor } from '../tensor.js';

/** The backend all `inputs` live on (the current backend when there are none). */
export function backendOf(op: string, inputs: readonly Tensor[]): Backend {
  if (inputs.length === 0) return getBackend();
  const backend = inputs[0]?.storage?.backend;
  for (let i = 0; i < inputs.length; i++) {
    const t = inputs[i];
    if (!(t instanceof Tensor)) {
      throw new ArgumentError(op, `input ${i} is ${fmtValue(t)}; expected a Tensor`);
    }
    t.assertLive(op);
    if (t.storage.backend !== backend) {
      throw new BackendError(
        op,
        `inputs live on different backends ('${backend.name}' and '${t.storage.backend.name}'); move one explicitly with 'await t.to(name)'`,
      );
    }
  }
  return backend;
}

/** Wraps freshly made storage of `backend` in a new tensor (`size`: the elements of `out.shape`). */
export function wrap(backend: Backend, id: DataId, out: OutSpec, size = sizeOf(out.shape)): Tensor {
  return new Tensor(engine.newStorage(backend, id, out.dtype, size), out.shape, out.dtype, size);
}

export interface KernelCall {
  /** The op the user called (named in errors; the tape key unless `gradient` says otherwise). */
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly out: OutSpec;
  readonly run: (backend: Backend, inputs: KernelTensor[]) => DataId;
  /** Attributes the op's gradient reads (see gradients/). */
  readonly attrs?: unknown;
  /** The gradient's key when it is not `op` (e.g. `mulScalar` for `mul(x, 2)`). */
  readonly gradient?: string;
}

export function runKernel(call: KernelCall): Tensor {
  const backend = backendOf(call.op, call.inputs);
  // The one size limit every backend shares, checked before any backend allocates.
  const size = checkShape(call.op, call.out.shape, 'output shape');
  // A plain loop, not `map`: on a 16-element add the callback was a measurable part of the op.
  const inputs = call.inputs;
  const views = new Array<KernelTensor>(inputs.length);
  for (let i = 0; i < inputs.length; i++) views[i] = inputs[i].kernelView(call.op);
  let id: DataId;
  try {
    id = call.run(backend, views);
  } catch (e) {
    throw allocationError(call.op, e, `the output ${fmtShape(call.out.shape)}`);
  }
  const y = wrap(backend, id, call.out, size);
  if (isCheckingNumerics()) {
    try {
      inspectOutputs(call.op, call.inputs, [y]);
    } catch (e) {
      y.dispose();
      throw e;
    }
  }
  record(call.gradient ?? call.op, call.inputs, y, call.attrs);
  return y;
}
