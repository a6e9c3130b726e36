/**
 * @dendrite/backend-webgpu for Node: the `webgpu` package (Dawn) supplies the `GPU` object. On machines
 * without a GPU driver, the SwiftShader Vulkan driver that `pnpm setup:webgpu` installs (Debian's
 * chromium-common) is found without any environment variable set by hand.
 */
import { registerBackend } from '@dendrite/core';
import { createFromGpu } from './create.js';
import { GpuUnavailableError } from './errors.js';
import { acquireDawn, NO_ADAPTER_ADVICE, softwareDawn } from './node/dawn.js';
import type { WebGPUBackend, WebGPUBackendOptions } from './webgpu-backend.js';

export {
  GpuBufferLimitError,
  GpuDeviceLostError,
  GpuOutOfMemoryError,
  GpuUnavailableError,
} from './errors.js';
export { swiftShaderIcd } from './node/dawn.js';
export { WebGPUBackend, type WebGPUBackendOptions } from './webgpu-backend.js';

/** A ready backend on Dawn (the `webgpu` package). */
export async function createWebGPUBackend(options: WebGPUBackendOptions = {}): Promise<WebGPUBackend> {
  const gpu = await acquireDawn();
  try {
    return await createFromGpu(gpu, options, NO_ADAPTER_ADVICE, gpu);
  } catch (e) {
    // A GPU whose driver Dawn cannot use: fall back to the software adapter where it is installed.
    const software = e instanceof GpuUnavailableError ? softwareDawn() : null;
    if (!software) throw e;
    return createFromGpu(software, options, NO_ADAPTER_ADVICE, software);
  }
}

/** Registers the backend as 'webgpu' (priority 3: above 'wasm' and 'cpu'). */
export function registerWebGPUBackend(priority = 3, options: WebGPUBackendOptions = {}): void {
  registerBackend(options.name ?? 'webgpu', () => createWebGPUBackend(options), priority);
}
