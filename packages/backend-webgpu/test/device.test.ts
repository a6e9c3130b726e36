// The engineering around the kernels: memory() and the pool, no readSync (core's dataSync error), typed
// errors for tensors over the binding limit and for a lost device, what a missing adapter says, and
// useBestBackend falling through to the next backend.
import * as d from '@dendrite/core';
import { expectNoLeak } from '@dendrite/test-utils';
import { beforeAll, describe, expect, it } from 'vitest';
import { createFromGpu } from '../src/create.js';
import { GpuBufferLimitError, GpuDeviceLostError, GpuUnavailableError } from '../src/errors.js';
import { NO_ADAPTER_ADVICE } from '../src/node/dawn.js';
import { createWebGPUBackend } from '../src/node.js';
import type { WebGPUBackend } from '../src/webgpu-backend.js';
import { CPU, useWebGPU } from './helpers.js';

const GPU = 'webgpu-device';
let backend: WebGPUBackend;
beforeAll(async () => {
  backend = await useWebGPU(GPU);
});

describe('storage', () => {
  it('memory() counts live buffers by size class and returns to baseline; freed buffers are reused', async () => {
    await d.setBackend(GPU);
    await expectNoLeak(async () => {
      const before = backend.memory();
      const t = d.tensor(new Float32Array(1000));
      const b = d.tensor([true, false, true]);
      expect(backend.memory()).toEqual({ bytes: before.bytes + 4096 + 256, buffers: before.buffers + 2 });
      expect(Array.from(await b.data())).toEqual([1, 0, 1]);
      t.dispose();
      b.dispose();
      expect(backend.memory()).toEqual(before);
      const one = d.tensor([1]);
      await one.data(); // a submit lets the pool reuse what was released
      one.dispose();
      const created = backend.info().buffersCreated as number;
      for (let i = 0; i < 20; i++) {
        const x = d.tensor(new Float32Array(1000).fill(i));
        const y = d.mul(x, x);
        expect((await y.data())[0]).toBe(i * i);
        d.dispose([x, y]);
      }
      expect(backend.info().buffersCreated).toBeLessThanOrEqual(created + 2);
    });
  });

  it('has no readSync: dataSync() gives core’s error naming await data()', async () => {
    await d.setBackend(GPU);
    expect((backend as d.Backend).readSync).toBeUndefined();
    const t = d.tensor([1, 2]);
    expect(() => t.dataSync()).toThrow(d.BackendError);
    expect(Array.from(await t.data())).toEqual([1, 2]);
    t.dispose();
  });

  it('batches dispatches: one submit for a chain of ops and its read', async () => {
    await d.setBackend(GPU);
    const x = d.tensor([1, 2, 3]);
    await x.data();
    const { submits, dispatches } = backend.info() as { submits: number; dispatches: number };
    const y = d.tidy(() => d.add(d.mul(d.exp(x), 2), d.neg(x)));
    await y.data();
    const after = backend.info() as { submits: number; dispatches: number };
    expect(after.dispatches - dispatches).toBe(4);
    expect(after.submits - submits).toBe(1);
    d.dispose([x, y]);
  });
});

describe('typed errors', () => {
  it('a tensor over maxStorageBufferBindingSize is refused, naming its shape, size and the limit', async () => {
    await d.setBackend(GPU);
    const limit = backend.info().maxStorageBufferBindingSize as number;
    const n = limit / 4 + 1;
    expect(() => d.zeros([n])).toThrow(GpuBufferLimitError);
    expect(() => d.zeros([n])).toThrow(
      new RegExp(`shape \\[${n}\\] needs ${n * 4} bytes.*maxStorageBufferBindingSize of ${limit}`),
    );
  });

  it('a lost device surfaces as GpuDeviceLostError from the next kernel or read', async () => {
    const lost = await createWebGPUBackend({ name: 'webgpu-lost' });
    d.registerBackend('webgpu-lost', () => lost, -1);
    await d.setBackend('webgpu-lost');
    const t = d.tensor([1, 2, 3]);
    lost.device.destroy();
    await lost.device.lost;
    expect(() => d.exp(t)).toThrow(GpuDeviceLostError);
    await expect(t.data()).rejects.toThrow(/device was lost/);
    d.removeBackend('webgpu-lost');
  });

  it('no adapter: the error says what to run, and useBestBackend takes the next backend', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createFromGpu(noAdapter, {}, NO_ADAPTER_ADVICE)).rejects.toThrow(GpuUnavailableError);
    await expect(createFromGpu(noAdapter, {}, NO_ADAPTER_ADVICE)).rejects.toThrow(/pnpm setup:webgpu/);
    d.registerBackend('webgpu-missing', () => createFromGpu(noAdapter, {}, NO_ADAPTER_ADVICE), 5);
    const chosen = await d.useBestBackend(['webgpu-missing', CPU]);
    expect(chosen.name).toBe(CPU);
    await expect(d.setBackend('webgpu-missing')).rejects.toThrow(
      /no WebGPU adapter was found.*pnpm setup:webgpu/,
    );
    d.removeBackend('webgpu-missing');
  });
});
