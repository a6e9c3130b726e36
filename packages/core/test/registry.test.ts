import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend.js';
import { BackendError } from '../src/errors.js';
import { initBackend, registerBackend, removeBackend, setBackend, useBestBackend } from '../src/registry.js';

// Only the name matters to the registry; kernels are never called here.
const fake = (name: string) => ({ name, memory: () => ({ bytes: 0, buffers: 0 }) }) as unknown as Backend;

describe('backend registry', () => {
  afterEach(() => {
    for (const n of ['r-a', 'r-b', 'r-broken', 'r-async']) removeBackend(n);
  });

  it('initialises asynchronous factories and makes the backend current', async () => {
    registerBackend('r-async', async () => fake('r-async'), 5);
    const b = await setBackend('r-async');
    expect(b.name).toBe('r-async');
    expect(await initBackend('r-async')).toBe(b); // initialised once
  });

  it('lists what is available when a name is unknown', async () => {
    registerBackend('r-a', () => fake('r-a'));
    await expect(setBackend('nope')).rejects.toThrowError(BackendError);
    await expect(setBackend('nope')).rejects.toThrowError(/no backend named 'nope'.*r-a/);
  });

  it('falls back to the next backend and says why the first failed', async () => {
    registerBackend('r-broken', () => {
      throw new Error('no adapter');
    });
    registerBackend('r-b', () => fake('r-b'));
    expect((await useBestBackend(['r-broken', 'r-b'])).name).toBe('r-b');
    await expect(useBestBackend(['r-broken', 'missing'])).rejects.toThrowError(
      /r-broken: .*no adapter.*missing: not registered/,
    );
  });
});
