// The whole conformance suite on the software adapter (SwiftShader from `pnpm setup:webgpu`), as the
// kernels are run on a GPU: every kernel queued, asynchronous reads only.
import { runConformance } from '@dendrite/conformance/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WEBGPU_EXPECTED_FAILURES } from '../src/expected-failures.js';
import { createWebGPUBackend } from '../src/node.js';

await runConformance(
  () => createWebGPUBackend({ name: 'webgpu' }),
  { describe, it, expect, beforeAll, afterAll },
  {
    expectedFailures: WEBGPU_EXPECTED_FAILURES,
    timeout: 60_000,
  },
);
