/** Peer adapter for Dendrite: backend setup, and the SGD training step shared by the training workloads. */
import {
  dispose,
  memory,
  optimizerUpdate,
  setBackend,
  type Tensor,
  tensor,
  valueAndGrad,
} from '@dendrite/core';
import type { ParamSpec } from './data.js';
import type { Peer, Step } from './types.js';

export async function createDendriteCpuPeer(): Promise<Peer> {
  // Loaded here so that a backend that fails to load fails this peer only, not the tfjs-only runs.
  const { registerCpuBackend } = await import('@dendrite/backend-cpu');
  registerCpuBackend();
  // Initialise now so that a backend that fails to start is reported before any workload runs.
  await setBackend('cpu');
  return {
    id: 'dendrite-cpu',
    library: 'dendrite',
    version: 'workspace',
    activate: async () => {
      await setBackend('cpu');
    },
    liveTensors: () => memory().tensors,
  };
}

export function upload(values: Float32Array | Int32Array, shape: readonly number[]): Tensor {
  return tensor(values, shape);
}

/**
 * One SGD step per `run`: value and gradients of `loss` with respect to the parameters, then the fused
 * optimizer update, swapping the new parameters in. `constants` (inputs, targets) are freed on dispose.
 */
export function dendriteSgdStep(
  specs: readonly ParamSpec[],
  loss: (...params: Tensor[]) => Tensor,
  lr: number,
  constants: readonly Tensor[],
): Step {
  let params = specs.map((p) => tensor(p.values, p.shape));
  const vg = valueAndGrad(loss);
  return {
    run: async () => {
      const { value, grads } = vg(...params);
      params = params.map((p, i) => {
        const { param } = optimizerUpdate('sgd', p, grads[i], [], { lr });
        p.dispose();
        grads[i].dispose();
        return param;
      });
      const v = await value.data();
      value.dispose();
      return v[0];
    },
    dispose: () => dispose([...params, ...constants]),
  };
}
