/**
 * Backends by name, loaded when asked for: the CPU backend is a dependency of this package; the
 * WebAssembly and WebGPU backends are imported if they are installed next to it, and a missing one is
 * reported with what to install. `auto` takes the best that initialises (webgpu, wasm, cpu).
 */
import * as d from '@dendrite/core';

export type BackendChoice = 'cpu' | 'wasm' | 'webgpu' | 'auto';

export const BACKEND_CHOICES: readonly BackendChoice[] = ['cpu', 'wasm', 'webgpu', 'auto'];

const PACKAGES: Record<Exclude<BackendChoice, 'auto'>, string> = {
  cpu: '@dendrite/backend-cpu',
  wasm: '@dendrite/backend-wasm',
  webgpu: '@dendrite/backend-webgpu',
};

/** Imports a backend package and calls its `register…Backend()`; returns why not when it cannot. */
async function register(name: Exclude<BackendChoice, 'auto'>): Promise<string | null> {
  // Registered already (a second run in one process): registering again would replace its instance.
  if (d.registeredBackends().includes(name)) return null;
  const pkg = PACKAGES[name];
  let mod: Record<string, unknown>;
  try {
    // A variable specifier: the optional packages need not be installed for this one to build.
    const specifier: string = pkg;
    mod = (await import(specifier)) as Record<string, unknown>;
  } catch (e) {
    const code = (e as { code?: string }).code;
    return code === 'ERR_MODULE_NOT_FOUND'
      ? `${pkg} is not installed (add it next to @dendrite/cli: pnpm add ${pkg})`
      : `${pkg} failed to load: ${e instanceof Error ? e.message : String(e)}`;
  }
  const registerFn = Object.entries(mod).find(
    ([key, value]) => /^register\w*Backend$/.test(key) && typeof value === 'function',
  )?.[1] as (() => void) | undefined;
  if (!registerFn) return `${pkg} has no register…Backend() export (it is not implemented yet)`;
  registerFn();
  return null;
}

/** Selects the backend `choice`; throws a BackendError listing why each candidate was unavailable. */
export async function selectBackend(choice: BackendChoice): Promise<string> {
  if (!BACKEND_CHOICES.includes(choice)) {
    throw new d.ArgumentError('--backend', `'${choice}' is not one of ${BACKEND_CHOICES.join(', ')}`);
  }
  const candidates: Exclude<BackendChoice, 'auto'>[] =
    choice === 'auto' ? ['webgpu', 'wasm', 'cpu'] : [choice];
  const reasons: string[] = [];
  for (const name of candidates) {
    const why = await register(name);
    if (why) {
      reasons.push(`${name}: ${why}`);
      continue;
    }
    try {
      await d.setBackend(name);
      return name;
    } catch (e) {
      reasons.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  throw new d.BackendError('--backend', `no backend available for '${choice}':\n  ${reasons.join('\n  ')}`);
}
