/**
 * @dendrite/backend-wasm, browser-safe entry (the package's default export condition; Node resolves
 * `node.ts`, which needs no `wasmPaths`). Importing registers nothing.
 */
import { registerBackend } from '@dendrite/core';
import { browserPlatform, type WasmPaths } from './browser/browser-platform.js';
import { createWasmBackendWith } from './create.js';
import type { WasmBackendOptions } from './runtime/platform.js';
import type { WasmBackend } from './wasm-backend.js';

export type { WasmPaths } from './browser/browser-platform.js';
export type { WasmFlavor } from './runtime/instance.js';
export type { WasmBackendOptions } from './runtime/platform.js';
export { WasmBackend } from './wasm-backend.js';

export interface BrowserWasmBackendOptions extends WasmBackendOptions {
  /** Where the `.wasm` files of `dist/tfjs/` (`@dendrite/backend-wasm/tfjs/*`) are served, or their bytes. */
  readonly wasmPaths?: WasmPaths;
}

/** A ready backend on the SIMD build (plain where SIMD is missing); threads are Node-only for now. */
export function createWasmBackend(options: BrowserWasmBackendOptions = {}): Promise<WasmBackend> {
  return createWasmBackendWith(browserPlatform(options.wasmPaths), options);
}

/** Registers the backend as 'wasm' (priority 2: above 'cpu', below 'webgpu'). */
export function registerWasmBackend(priority = 2, options: BrowserWasmBackendOptions = {}): void {
  registerBackend('wasm', () => createWasmBackend(options), priority);
}
