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

export interface BackendPick {
  /** The backend now in use. */
  readonly name: string;
  /** Each better candidate that was passed over, with why (`auto` only). */
  readonly skipped: readonly string[];
}

/**
 * Selects the backend `choice` and says why the better ones were passed over (`auto` tries webgpu, then
 * wasm, then cpu, passing over a software WebGPU adapter); throws a BackendError listing why each candidate was unavailable.
 */
export async function pickBackend(choice: BackendChoice): Promise<BackendPick> {
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
      const backend = await d.setBackend(name);
      // A software adapter (SwiftShader) is correct but slower than wasm: `auto` wants speed.
      const info = backend.info?.();
      if (choice === 'auto' && name === 'webgpu' && info?.softwareAdapter === true) {
        reasons.push(
          `webgpu: only a software adapter (${String(info.architecture || info.vendor || 'unknown')}); --backend webgpu uses it`,
        );
        continue;
      }
      return { name, skipped: reasons };
    } catch (e) {
      reasons.push(`${name}: ${firstLine(e instanceof Error ? e.message : String(e))}`);
    }
  }
  throw new d.BackendError('--backend', `no backend available for '${choice}':\n  ${reasons.join('\n  ')}`);
}

/** A backend's failure can be a page long (an adapter dump): the first line says enough here. */
function firstLine(text: string): string {
  return text.split('\n', 1)[0];
}

/** Selects the backend `choice` (see `pickBackend`); returns its name. */
export async function selectBackend(choice: BackendChoice): Promise<string> {
  return (await pickBackend(choice)).name;
}

/** `backend wasm (webgpu: … not installed)`: which backend runs, and why not a better one. */
export function describeBackend(pick: BackendPick): string {
  return pick.skipped.length === 0
    ? `backend ${pick.name}`
    : `backend ${pick.name} (passed over: ${pick.skipped.join('; ')})`;
}
