/** Shared test helpers: a fresh CPU backend per file, and a leak check around a body. */
import { memory, registerBackend, setBackend } from '@dendrite/core';
import { expect } from 'vitest';
import { createCpuBackend } from '../src/index.js';

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

export async function values(t: { data(): Promise<ArrayLike<number>> }): Promise<number[]> {
  return Array.from(await t.data());
}

/** The PyTorch fixture groups whose ops core implements (the others come with layers and optim). */
export const CORE_GROUPS = ['elementwise.json', 'reductions.json', 'matmul.json', 'conv.json', 'pool.json'];
