/**
 * @dendrite/backend-cpu — the pure-TypeScript backend. Importing it registers nothing (the package is
 * side-effect free): call `registerCpuBackend()`, or import `@dendrite/backend-cpu/register`.
 */
import { registerBackend } from '@dendrite/core';
import { createCpuBackend } from './cpu-backend.js';

export { CpuBackend, createCpuBackend } from './cpu-backend.js';

/** Registers the CPU backend as 'cpu' (priority 1: the fallback below wasm and webgpu). */
export function registerCpuBackend(priority = 1): void {
  registerBackend('cpu', () => createCpuBackend('cpu'), priority);
}
