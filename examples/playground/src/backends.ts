/**
 * The backends the page offers, each registered if it can run here, or listed with the reason it cannot.
 * The wasm backend's binaries are served by Vite from the package's own dist/tfjs/ (no tfjs installed).
 */
import { registerCpuBackend } from '@dendrite/backend-cpu';
import { registerWasmBackend } from '@dendrite/backend-wasm';
import plain from '@dendrite/backend-wasm/tfjs/tfjs-backend-wasm.wasm?url';
import simd from '@dendrite/backend-wasm/tfjs/tfjs-backend-wasm-simd.wasm?url';
import * as d from '@dendrite/core';

export interface BackendChoice {
  readonly name: 'webgpu' | 'wasm' | 'cpu';
  readonly available: boolean;
  readonly reason?: string;
}

export async function setUpBackends(): Promise<BackendChoice[]> {
  registerCpuBackend();
  registerWasmBackend(2, { wasmPaths: { plain, simd } });
  const choices: BackendChoice[] = [];
  // @dendrite/backend-webgpu exports nothing until its issue lands; say why rather than hide the option.
  const gpu = typeof navigator !== 'undefined' && 'gpu' in navigator;
  choices.push({
    name: 'webgpu',
    available: false,
    reason: `@dendrite/backend-webgpu is not implemented yet${gpu ? '' : ' (and this browser has no navigator.gpu)'}`,
  });
  for (const name of ['wasm', 'cpu'] as const) {
    try {
      await d.initBackend(name);
      choices.push({ name, available: true });
    } catch (e) {
      choices.push({ name, available: false, reason: e instanceof Error ? e.message : String(e) });
    }
  }
  return choices;
}
