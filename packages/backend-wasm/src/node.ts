/**
 * @dendrite/backend-wasm for Node (the package's `node` export condition): the compiled kernels of
 * `@tensorflow/tfjs-backend-wasm`, resolved from its installed files, threads on worker_threads.
 * Importing registers nothing: call `registerWasmBackend()` or `createWasmBackend()`.
 */
import { registerBackend } from '@dendrite/core';
import { createWasmBackendWith } from './create.js';
import { nodePlatform } from './node/node-platform.js';
import type { WasmBackendOptions } from './runtime/platform.js';
import type { WasmBackend } from './wasm-backend.js';

export type { WasmFlavor } from './runtime/instance.js';
export type { WasmBackendOptions } from './runtime/platform.js';
export { WasmBackend } from './wasm-backend.js';

/** A ready backend: the threaded-SIMD build when threads > 1 and they work, else SIMD, else plain. */
export function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  return createWasmBackendWith(nodePlatform, options);
}

/** Registers the backend as 'wasm' (priority 2: above 'cpu', below 'webgpu'). */
export function registerWasmBackend(priority = 2, options: WasmBackendOptions = {}): void {
  registerBackend('wasm', () => createWasmBackend(options), priority);
}
