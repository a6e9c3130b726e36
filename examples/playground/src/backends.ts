/**
 * The backends the page offers (WebGPU on navigator.gpu, WebAssembly, CPU), each usable if it initialises
 * here, or listed with the reason it cannot.
 * The wasm backend's binaries are served by Vite from the package's own dist/tfjs/ (no tfjs installed).
 */
import { registerCpuBackend } from '@dendrite/backend-cpu';
import { registerWasmBackend } from '@dendrite/backend-wasm';
import plain from '@dendrite/backend-wasm/tfjs/tfjs-backend-wasm.wasm?url';
import simd from '@dendrite/backend-wasm/tfjs/tfjs-backend-wasm-simd.wasm?url';
import { registerWebGPUBackend } from '@dendrite/backend-webgpu';
import * as d from '@dendrite/core';

export interface BackendChoice {
  readonly name: 'webgpu' | 'wasm' | 'cpu';
  readonly available: boolean;
  readonly reason?: string;
}

export async function setUpBackends(): Promise<BackendChoice[]> {
  registerCpuBackend();
  registerWasmBackend(2, { wasmPaths: { plain, simd } });
  registerWebGPUBackend();
  const choices: BackendChoice[] = [];
  for (const name of ['webgpu', 'wasm', 'cpu'] as const) {
    try {
      await d.initBackend(name);
      choices.push({ name, available: true });
    } catch (e) {
      choices.push({ name, available: false, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return choices;
}
