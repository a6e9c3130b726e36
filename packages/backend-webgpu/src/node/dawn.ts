/**
 * Dawn for Node. The `GPU` object `create()` returns is kept in a module variable for the life of the
 * process: if it were garbage-collected while a device from it lives, Dawn crashes the process.
 *
 * Before the first `create()`, when `VK_ICD_FILENAMES` is unset and a SwiftShader ICD is installed
 * (Debian's chromium-common at /usr/lib/chromium, or the copy `pnpm setup:webgpu` extracts without root
 * into ~/.cache/dendrite/swiftshader), the variable is pointed at it. The Vulkan loader reads it when
 * Dawn starts Vulkan, so a machine with no GPU gets a software adapter. A set variable is left alone.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { GpuUnavailableError } from '../errors.js';

export const INSTALL_ADVICE =
  "the optional dependency 'webgpu' (Dawn for Node) is not installed: run `pnpm add webgpu` (or `npm install webgpu`) next to @dendrite/backend-webgpu";

export const NO_ADAPTER_ADVICE =
  "Dawn found no Vulkan driver. On a machine without a GPU run `pnpm setup:webgpu` (installs the SwiftShader software driver from Debian's chromium-common: `sudo apt-get install chromium-common`), or set VK_ICD_FILENAMES to a Vulkan ICD json; with a GPU, install its Vulkan driver.";

let gpu: GPU | null = null;

/** The SwiftShader ICD json this machine has, or null. */
export function swiftShaderIcd(): string | null {
  const cache = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  const candidates = [
    '/usr/lib/chromium/vk_swiftshader_icd.json',
    join(cache, 'dendrite', 'swiftshader', 'usr', 'lib', 'chromium', 'vk_swiftshader_icd.json'),
  ];
  return candidates.find((c) => existsSync(c)) ?? null;
}

export async function acquireDawn(): Promise<GPU> {
  if (gpu) return gpu;
  let mod: { create: (options: string[]) => GPU; globals: Record<string, unknown> };
  try {
    // A variable specifier: bundlers and the type checker need not resolve the optional package.
    const specifier: string = 'webgpu';
    mod = await import(specifier);
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new GpuUnavailableError(
      'createWebGPUBackend',
      code === 'ERR_MODULE_NOT_FOUND'
        ? INSTALL_ADVICE
        : `the 'webgpu' package failed to load (${(e as Error).message}); reinstall it: pnpm add webgpu`,
    );
  }
  if (!process.env.VK_ICD_FILENAMES && !hasGpuDeviceNode()) useSwiftShader();
  // Dawn's constants (GPUBufferUsage…) for code that expects browser globals; never overwrite a page's.
  for (const [k, v] of Object.entries(mod.globals)) {
    if (!(k in globalThis)) (globalThis as Record<string, unknown>)[k] = v;
  }
  dawn = mod;
  gpu = mod.create([]);
  return gpu;
}

let dawn: { create: (options: string[]) => GPU } | null = null;
/** Every `GPU` made, kept reachable (see above). */
const made: GPU[] = [];

/** Device nodes of a real GPU (DRM render nodes, NVIDIA, WSL). */
function hasGpuDeviceNode(): boolean {
  return ['/dev/dri', '/dev/nvidia0', '/dev/dxg'].some((p) => existsSync(p));
}

/** Points the Vulkan loader at SwiftShader; false when it is not installed or the user chose an ICD. */
export function useSwiftShader(): boolean {
  if (process.env.VK_ICD_FILENAMES) return false;
  const icd = swiftShaderIcd();
  if (icd) {
    process.env.VK_ICD_FILENAMES = icd;
    // Mesa's device-select layer only prints XDG_RUNTIME_DIR noise here.
    process.env.NODEVICE_SELECT ??= '1';
  }
  return icd !== null;
}

/**
 * A second `GPU` on SwiftShader, for a machine whose GPU device nodes exist but whose driver gave no
 * adapter; null when SwiftShader is missing or an ICD was chosen by hand.
 */
export function softwareDawn(): GPU | null {
  if (!dawn || !useSwiftShader()) return null;
  const g = dawn.create([]);
  made.push(g);
  return g;
}
