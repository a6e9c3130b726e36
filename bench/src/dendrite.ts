/** Peer adapter for Dendrite: backend setup, and the SGD training step shared by the training workloads. */
import {
  dispose,
  memory,
  optimizerUpdate,
  registerBackend,
  setBackend,
  type Tensor,
  tensor,
  valueAndGrad,
} from '@dendrite/core';
import type { ParamSpec } from './data.js';
import { KernelProfile, profiledBackend, summarise } from './profile.js';
import type { Peer, PeerId, Step } from './types.js';

/**
 * A Dendrite backend as a peer. The package is loaded here, so a backend that fails to load fails this
 * peer only; it is initialised now, so a backend that fails to start is reported before any workload.
 */
async function dendritePeer(id: PeerId, backendName: string, register: () => Promise<void>): Promise<Peer> {
  await register();
  const backend = await setBackend(backendName);
  const threads = backend.info?.().threads;
  // The same backend instance under a second name, every call timed (`--profile` only).
  const profile = new KernelProfile();
  const profiledName = `${backendName}+profile`;
  registerBackend(profiledName, () => profiledBackend(backend, profile), -100);
  return {
    id,
    library: 'dendrite',
    version: threads === undefined ? 'workspace' : `workspace, ${threads} thread(s)`,
    activate: async () => {
      await setBackend(backendName);
    },
    liveTensors: () => memory().tensors,
    profileSteps: async (build, steps) => {
      await setBackend(profiledName);
      const step = build();
      try {
        await step.run(); // warm-up: compiled kernels, packed weights
        profile.reset();
        const start = performance.now();
        for (let i = 0; i < steps; i++) await step.run();
        return summarise(profile, steps, performance.now() - start);
      } finally {
        step.dispose();
        await setBackend(backendName);
      }
    },
  };
}

export function createDendriteCpuPeer(): Promise<Peer> {
  return dendritePeer('dendrite-cpu', 'cpu', async () =>
    (await import('@dendrite/backend-cpu')).registerCpuBackend(),
  );
}

/** backend-wasm with one thread (`dendrite-wasm-1t`) or every core (`dendrite-wasm`). */
export function createDendriteWasmPeer(threads: 'one' | 'all'): Promise<Peer> {
  const name = threads === 'one' ? 'wasm-1t' : 'wasm';
  return dendritePeer(threads === 'one' ? 'dendrite-wasm-1t' : 'dendrite-wasm', name, async () => {
    const { createWasmBackend } = await import('@dendrite/backend-wasm');
    registerBackend(name, () => createWasmBackend(threads === 'one' ? { threads: 1 } : {}), -1);
  });
}

/**
 * backend-webgpu on the machine's adapter. On a software adapter (SwiftShader, llvmpipe) the version says
 * so, and the report labels the column: its numbers say nothing about GPUs.
 */
export async function createDendriteWebGPUPeer(): Promise<Peer> {
  const peer = await dendritePeer('dendrite-webgpu', 'webgpu', async () => {
    const { createWebGPUBackend } = await import('@dendrite/backend-webgpu');
    registerBackend('webgpu', () => createWebGPUBackend(), -1);
  });
  const info = (await setBackend('webgpu')).info?.() ?? {};
  const adapter = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ');
  const software = info.softwareAdapter === true;
  return {
    ...peer,
    version: `workspace, ${adapter || 'unknown adapter'}${software ? `, ${SOFTWARE_ADAPTER}` : ''}`,
  };
}

/** How a software adapter's column is labelled. */
export const SOFTWARE_ADAPTER = 'software adapter (CPU): says nothing about GPUs';

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
