/**
 * How optional (fused) kernels work: use the backend's kernel when it has one, otherwise the default
 * built from ops. Either way the op is one node on the tape with one gradient, defined in core.
 */

import { noGrad } from '../autograd/grad-mode.js';
import { record } from '../autograd/record.js';
import type { Backend, DataId, KernelTensor, OutSpec } from '../backend.js';
import { tidy } from '../memory.js';
import { checkShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { backendOf, runKernel } from './run-kernel.js';

export interface FusedCall {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly out: OutSpec;
  /** The backend's kernel, or null when it has none. */
  readonly kernel: (backend: Backend) => ((inputs: KernelTensor[]) => DataId) | null;
  /** The default, written with ops. */
  readonly fallback: () => Tensor;
  /** Attributes the op's gradient reads (see gradients/). */
  readonly attrs?: unknown;
}

export function runFused(call: FusedCall): Tensor {
  const backend = backendOf(call.op, call.inputs);
  checkShape(call.op, call.out.shape, 'output shape');
  const kernel = call.kernel(backend);
  if (kernel) {
    return runKernel({
      op: call.op,
      inputs: call.inputs,
      out: call.out,
      run: (_b, ks) => kernel(ks),
      attrs: call.attrs,
    });
  }
  const y = tidy(() => noGrad(call.fallback));
  record(call.op, call.inputs, y, call.attrs);
  return y;
}
