/**
 * @dendrite/backend-webgpu, browser entry (the default export condition): WGSL kernels on
 * `navigator.gpu`. Node resolves `node.ts`, which gets its `GPU` from the `webgpu` package (Dawn).
 * Importing registers nothing.
 */
import { registerBackend } from '@dendrite/core';
import { createFromGpu } from './create.js';
import { GpuUnavailableError } from './errors.js';
import type { WebGPUBackend, WebGPUBackendOptions } from './webgpu-backend.js';

export {
  GpuBufferLimitError,
  GpuDeviceLostError,
  GpuOutOfMemoryError,
  GpuUnavailableError,
} from './errors.js';
export { WebGPUBackend, type WebGPUBackendOptions } from './webgpu-backend.js';

/** A ready backend on the page's `navigator.gpu`. */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) {
    throw new GpuUnavailableError(
      'createWebGPUBackend',
      'this browser has no navigator.gpu (WebGPU): use a browser with WebGPU enabled (Chromium: --enable-unsafe-webgpu where it is not on by default), or pick the wasm or cpu backend',
    );
  }
  return createFromGpu(
    gpu,
    options,
    'The browser exposes WebGPU but offered no adapter (blocked GPU, or WebGPU disabled).',
  );
}

/** Registers the backend as 'webgpu' (priority 3: above 'wasm' and 'cpu'). */
export function registerWebGPUBackend(priority = 3, options: WebGPUBackendOptions = {}): void {
  registerBackend(options.name ?? 'webgpu', () => createWebGPUBackend(options), priority);
}
