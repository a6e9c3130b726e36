import { afterEach, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend.js';
import { BackendError } from '../src/errors.js';
import {
  missingKernels,
  OPTIONAL_KERNELS,
  overriddenKernels,
  REQUIRED_KERNELS,
} from '../src/kernel-table.js';
import {
  getBackend,
  initBackend,
  registerBackend,
  removeBackend,
  setBackend,
  useBestBackend,
} from '../src/registry.js';

/** A backend with every required method (never called here), minus `without`. */
const fake = (name: string, without: readonly string[] = []) => {
  const b: Record<string, unknown> = { name };
  for (const k of REQUIRED_KERNELS) if (!without.includes(k)) b[k] = () => ({ bytes: 0, buffers: 0 });
  return b as unknown as Backend;
};

describe('backend registry', () => {
  afterEach(() => {
    for (const n of ['r-a', 'r-b', 'r-broken', 'r-async', 'r-partial']) removeBackend(n);
  });

  it('refuses a backend that lacks required kernels, naming them (sync and async factories)', async () => {
    registerBackend('r-partial', async () => fake('r-partial', ['conv2dBackpropFilter', 'scatterAdd']));
    await expect(setBackend('r-partial')).rejects.toThrowError(
      /backend 'r-partial' does not implement the required kernels conv2dBackpropFilter, scatterAdd of the contract/,
    );
    registerBackend('r-partial', () => fake('r-partial', ['gather']), 100);
    expect(() => getBackend()).toThrowError(/does not implement the required kernel gather of the contract/);
  });

  it('holds the kernel table as data: required and optional lists, what a backend lacks or overrides', () => {
    expect(REQUIRED_KERNELS).toContain('conv2dBackpropFilter');
    expect(OPTIONAL_KERNELS).toContain('binaryScalar');
    expect(REQUIRED_KERNELS.filter((k) => (OPTIONAL_KERNELS as readonly string[]).includes(k))).toEqual([]);
    const b = fake('x', ['matmul']) as unknown as Record<string, unknown>;
    b.softmax = () => 0;
    expect(missingKernels(b as unknown as Backend)).toEqual(['matmul']);
    expect(overriddenKernels(b as unknown as Backend)).toEqual(['softmax']);
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
