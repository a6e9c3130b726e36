/** Builds a backend from a platform: loads the best build, wraps it in a runtime and the contract. */
import { loadModule, type WasmBackendOptions, type WasmPlatform } from './runtime/platform.js';
import { WasmRuntime } from './runtime/runtime.js';
import { WasmBackend } from './wasm-backend.js';

export async function createWasmBackendWith(
  platform: WasmPlatform,
  options: WasmBackendOptions = {},
  name = 'wasm',
): Promise<WasmBackend> {
  // Lines the C side prints before the runtime exists are kept for it.
  const early: string[] = [];
  let runtime: WasmRuntime | null = null;
  const log = (line: string) => (runtime ? runtime.log(line) : early.push(line));
  const loaded = await loadModule(platform, options, log);
  runtime = new WasmRuntime(loaded.instance, loaded.factory);
  for (const line of early) runtime.log(line);
  return new WasmBackend(name, runtime, loaded);
}
