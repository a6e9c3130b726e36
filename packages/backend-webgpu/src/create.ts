/** From a `GPU` object (navigator.gpu, or Dawn's in Node) to a ready backend: adapter, device, limits. */
import { GpuUnavailableError } from './errors.js';
import { WebGPUBackend, type WebGPUBackendOptions } from './webgpu-backend.js';

/** Limits the kernels benefit from, raised to what the adapter offers. */
const WANTED_LIMITS = [
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxStorageBuffersPerShaderStage',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupsPerDimension',
] as const;

export async function createFromGpu(
  gpu: GPU,
  options: WebGPUBackendOptions,
  advice: string,
  keepAlive?: unknown,
): Promise<WebGPUBackend> {
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) {
    throw new GpuUnavailableError('createWebGPUBackend', `no WebGPU adapter was found. ${advice}`);
  }
  const requiredLimits: Record<string, number> = {};
  for (const k of WANTED_LIMITS) {
    const v = (adapter.limits as unknown as Record<string, number>)[k];
    if (typeof v === 'number') requiredLimits[k] = v;
  }
  const device = await adapter.requestDevice({ requiredLimits });
  const info = adapter.info;
  const adapterInfo = {
    vendor: info?.vendor,
    architecture: info?.architecture,
    device: info?.device,
    description: info?.description,
    // A software adapter (SwiftShader, llvmpipe): correct but not a GPU; its speed says nothing.
    fallbackAdapter:
      (adapter as unknown as { isFallbackAdapter?: boolean }).isFallbackAdapter ??
      info?.isFallbackAdapter ??
      false,
  };
  const names = `${info?.vendor} ${info?.architecture} ${info?.device} ${info?.description}`;
  const softwareAdapter =
    adapterInfo.fallbackAdapter === true || /swiftshader|llvmpipe|lavapipe|warp/i.test(names);
  return new WebGPUBackend(device, { ...adapterInfo, softwareAdapter }, options, keepAlive);
}
