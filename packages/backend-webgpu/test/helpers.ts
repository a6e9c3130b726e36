/** The backends these tests compare: webgpu on the machine's adapter and backend-cpu as the reference. */
import { registerBackend, setBackend } from '@dendrite/core';
import { createCpuBackend } from '@dendrite/test-utils';
import { createWebGPUBackend } from '../src/node.js';
import type { WebGPUBackend } from '../src/webgpu-backend.js';

export const CPU = 'cpu-reference';

/** Registers a fresh webgpu backend under `name` and backend-cpu as `CPU`; makes webgpu current. */
export async function useWebGPU(name: string): Promise<WebGPUBackend> {
  const backend = await createWebGPUBackend({ name });
  registerBackend(name, () => backend, -1);
  registerBackend(CPU, () => createCpuBackend(CPU), -2);
  await setBackend(name);
  return backend;
}

/** |got − want| ≤ rtol · max(|want|, 1e-2) element by element. */
export function relErrors(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number): string[] {
  const bad: string[] = [];
  if (got.length !== want.length) return [`length ${got.length} vs ${want.length}`];
  for (let i = 0; i < want.length; i++) {
    const tol = rtol * Math.max(Math.abs(want[i]), 1e-2);
    if (!(Math.abs(got[i] - want[i]) <= tol) && !(Number.isNaN(got[i]) && Number.isNaN(want[i]))) {
      bad.push(`[${i}] ${got[i]} vs ${want[i]}`);
      if (bad.length > 5) break;
    }
  }
  return bad;
}

/**
 * |got − want| ≤ rtol · (|want| + max |want|): relative to the output's scale, for sums of hundreds of
 * terms of both signs (gradients), where an element near zero carries the rounding of the large terms.
 */
export function scaledErrors(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number): string[] {
  let scale = 0;
  for (let i = 0; i < want.length; i++)
    if (Number.isFinite(want[i])) scale = Math.max(scale, Math.abs(want[i]));
  const bad: string[] = [];
  if (got.length !== want.length) return [`length ${got.length} vs ${want.length}`];
  for (let i = 0; i < want.length; i++) {
    const tol = rtol * (Math.abs(want[i]) + scale);
    if (!(Math.abs(got[i] - want[i]) <= tol) && got[i] !== want[i]) {
      bad.push(`[${i}] ${got[i]} vs ${want[i]} (scale ${scale})`);
      if (bad.length > 5) break;
    }
  }
  return bad;
}
