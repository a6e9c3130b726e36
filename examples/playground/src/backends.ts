/**
 * The three backends, registered with their browser entries. WebAssembly needs the `.wasm` binaries
 * that @dendrite/backend-wasm vendors (`@dendrite/backend-wasm/tfjs/*`) served: Vite's `?url` imports
 * copy them into the build and give their URLs. Availability is probed once: WebGPU by `navigator.gpu` and then the backend's own error (no
 * adapter, a blocked GPU), so a disabled option can say why.
 */
import { registerCpuBackend } from '@dendrite/backend-cpu';
import { registerWasmBackend } from '@dendrite/backend-wasm';
import plainWasm from '@dendrite/backend-wasm/tfjs/tfjs-backend-wasm.wasm?url';
import simdWasm from '@dendrite/backend-wasm/tfjs/tfjs-backend-wasm-simd.wasm?url';
import { registerWebGPUBackend } from '@dendrite/backend-webgpu';
import * as d from '@dendrite/core';

export const BACKENDS = ['webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKENDS)[number];

export const BACKEND_LABELS: Record<BackendName, string> = {
  webgpu: 'WebGPU',
  wasm: 'WebAssembly',
  cpu: 'CPU (TypeScript)',
};

export interface Availability {
  readonly name: BackendName;
  readonly ok: boolean;
  /** What the backend reported when it could not start, or how it runs when it could. */
  readonly detail: string;
}

export function registerBackends(): void {
  registerWebGPUBackend();
  registerWasmBackend(2, { wasmPaths: { simd: simdWasm, plain: plainWasm } });
  registerCpuBackend();
}

const firstLine = (e: unknown) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** Starts each backend once (without making it current) and records whether it came up, and why not. */
export async function probeBackends(): Promise<Availability[]> {
  const out: Availability[] = [];
  for (const name of BACKENDS) {
    if (name === 'webgpu' && !('gpu' in navigator)) {
      out.push({
        name,
        ok: false,
        detail: 'this browser has no navigator.gpu (WebGPU is off or unsupported)',
      });
      continue;
    }
    try {
      const backend = await d.initBackend(name);
      out.push({ name, ok: true, detail: describe(backend) });
    } catch (e) {
      out.push({
        name,
        ok: false,
        detail: firstLine(e).replace(/^\w+: backend '\w+' failed to initialise: /, ''),
      });
    }
  }
  return out;
}

/** A short line on how a backend runs (its `info()`, where it has one). */
function describe(backend: d.Backend): string {
  const info = (backend as { info?: () => Record<string, unknown> }).info?.();
  if (!info) return 'ready';
  if (typeof info.build === 'string') return `${info.build} build, ${String(info.threads ?? 1)} thread(s)`;
  const parts = [info.vendor, info.architecture, info.fallbackAdapter ? '(software adapter)' : ''];
  return parts.filter(Boolean).join(' ') || 'ready';
}
