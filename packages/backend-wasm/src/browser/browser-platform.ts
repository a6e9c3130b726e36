/**
 * Browsers: the glue is imported as a module (bundlers turn its CommonJS into a default export) and the
 * binaries come from `wasmPaths`: URLs to fetch, or bytes. Threads are not offered here yet: the
 * threaded build also needs its worker script served and a cross-origin-isolated page.
 */
import type { EmscriptenFactory } from '../runtime/emscripten.js';
import type { WasmFlavor } from '../runtime/instance.js';
import type { WasmPlatform } from '../runtime/platform.js';

/** Where each build's `.wasm` is: a URL (fetched) or its bytes. A string prefix gets the file names. */
export type WasmPaths = string | Partial<Record<WasmFlavor, string | URL | ArrayBuffer | Uint8Array>>;

const FILE: Record<WasmFlavor, string> = {
  plain: 'tfjs-backend-wasm.wasm',
  simd: 'tfjs-backend-wasm-simd.wasm',
  'threaded-simd': 'tfjs-backend-wasm-threaded-simd.wasm',
};

export function browserPlatform(wasmPaths: WasmPaths | undefined): WasmPlatform {
  return {
    cores: () => (typeof navigator !== 'undefined' && navigator.hardwareConcurrency) || 1,
    factory: async () => {
      const mod = (await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm.js')) as {
        default?: EmscriptenFactory;
      };
      const factory = mod.default ?? (mod as unknown as EmscriptenFactory);
      if (typeof factory !== 'function') throw new Error('could not load the tfjs-backend-wasm glue module');
      return factory;
    },
    binary: async (flavor) => {
      const where = typeof wasmPaths === 'string' ? `${wasmPaths}${FILE[flavor]}` : wasmPaths?.[flavor];
      if (where === undefined) {
        throw new Error(
          `no location for ${FILE[flavor]}: pass wasmPaths (a URL prefix where the .wasm files of @dendrite/backend-wasm/dist/tfjs/ are served, or their bytes)`,
        );
      }
      if (where instanceof ArrayBuffer || where instanceof Uint8Array) return where;
      const response = await fetch(where);
      if (!response.ok) throw new Error(`fetching ${String(where)} failed: ${response.status}`);
      return response.arrayBuffer();
    },
    threadsUnavailable: () =>
      'threads are not supported by the browser entry yet (use the Node entry for threads)',
    threaded: async () => {
      throw new Error('threads are not supported by the browser entry yet');
    },
  };
}
