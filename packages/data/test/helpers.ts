/** Shared test helpers: the CPU backend, a leak check, and temporary folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCpuBackend } from '@dendrite/backend-cpu';
import { memory, registerBackend, setBackend } from '@dendrite/core';
import { afterAll, expect } from 'vitest';

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

/** A fresh temporary folder, removed when the file's tests finish. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `dendrite-data-${prefix}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Every sample of a data set, awaited, in index order. */
export async function samplesOf<T>(ds: { length: number; get(i: number): T | Promise<T> }): Promise<T[]> {
  const out: T[] = [];
  for (let i = 0; i < ds.length; i++) out.push(await ds.get(i));
  return out;
}
