/**
 * Test helpers every package above the backends repeated: backend-cpu (the reference backend) as the
 * current backend of a test file, and the leak check that every kernel and training-step test runs.
 * Used from each package's `test/helpers.ts`; never built or published (tests import the source).
 *
 * backend-cpu is imported from its source by path, not as a package dependency: backend-cpu's own tests
 * run the conformance suite (`@dendrite/conformance`), which depends on activations, layers, optim and
 * architectures, whose tests use this package — a dependency edge here would close a cycle.
 */
import { memory, registerBackend, setBackend } from '@dendrite/core';
import { deferredBackend } from '@dendrite/core/conformance';
import { expect } from 'vitest';
import { createCpuBackend } from '../../../packages/backend-cpu/src/index.js';

/**
 * Registers a backend-cpu under `name` and makes it current. With `DENDRITE_TEST_BACKEND=deferred` (the
 * root vitest config runs the training tests of layers and optim so) it is wrapped in `deferredBackend`:
 * every kernel queued and run later, no synchronous reads, as on a GPU.
 */
export async function useCpu(name = 'cpu'): Promise<void> {
  const deferred = process.env.DENDRITE_TEST_BACKEND === 'deferred';
  registerBackend(
    name,
    () => (deferred ? deferredBackend(createCpuBackend(name)) : createCpuBackend(name)),
    1,
  );
  await setBackend(name);
}

/** A fresh backend-cpu (single thread), e.g. to wrap it. */
export { createCpuBackend };

/** Runs `body` and asserts that live tensors and backend bytes are back to where they were. */
export async function expectNoLeak(body: () => unknown | Promise<unknown>): Promise<void> {
  const before = memory();
  await body();
  const after = memory();
  expect({ tensors: after.tensors, bytes: after.bytes }).toEqual({
    tensors: before.tensors,
    bytes: before.bytes,
  });
}

export { expectClose, values } from './values.js';
