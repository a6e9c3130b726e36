/** Shared test helpers: the CPU backend, a leak check, and temporary folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';

export { expectNoLeak, useCpu } from '@dendrite/test-utils';

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
