/**
 * Test helpers every package above the backends repeated: backend-cpu (the reference backend) as the
 * current backend of a test file, and the leak check that every kernel and training-step test runs.
 * Used from each package's `test/helpers.ts`; never built or published (tests import the source).
 */
import { createCpuBackend } from '@dendrite/backend-cpu';
import { memory, registerBackend, setBackend } from '@dendrite/core';
import { expect } from 'vitest';

/** Registers a backend-cpu under `name` and makes it current. */
export async function useCpu(name = 'cpu'): Promise<void> {
  registerBackend(name, () => createCpuBackend(name), 1);
  await setBackend(name);
}

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
