/**
 * The backends the runner knows, loaded by name (only the runner, tests, benchmarks and examples import
 * backend packages). Each entry may list expected failures, with a reason; the suite verifies them.
 */

import { WEBGPU_EXPECTED_FAILURES } from '@dendrite/backend-webgpu/expected-failures';
import type { ExpectedFailures } from '@dendrite/conformance';
import type { Backend } from '@dendrite/core';

export interface BackendEntry {
  readonly create: () => Promise<Backend>;
  readonly expectedFailures: ExpectedFailures;
  /** Arithmetic may flush subnormals to zero (the differential fuzz then also accepts that result). */
  readonly flushesSubnormals?: boolean;
}

export const BACKENDS: Record<string, BackendEntry> = {
  cpu: {
    create: async () => (await import('@dendrite/backend-cpu')).createCpuBackend('cpu'),
    expectedFailures: {},
  },
  wasm: {
    create: async () => (await import('@dendrite/backend-wasm')).createWasmBackend(),
    expectedFailures: {},
  },
  // On a machine without a GPU: the SwiftShader software adapter (`pnpm setup:webgpu`).
  webgpu: {
    create: async () => (await import('@dendrite/backend-webgpu')).createWebGPUBackend(),
    expectedFailures: WEBGPU_EXPECTED_FAILURES,
    // WGSL lets implementations flush subnormals; SwiftShader does.
    flushesSubnormals: true,
  },
};
