// Loading without tfjs-core: the three builds and their fallbacks, threads, the glue's process handlers,
// worker lifetime, the browser entry, synchronous reads.
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { matmul, registerBackend, removeBackend, setBackend, tensor, tidy } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend as createBrowserEntryBackend } from '../src/index.js';
import { createWasmBackend } from '../src/node.js';
import { THREAD_WORK_THRESHOLD } from '../src/runtime/thread-gate.js';

const require = createRequire(import.meta.url);

function keepAlive(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort').length;
}

async function settled(predicate: () => boolean): Promise<boolean> {
  for (let i = 0; i < 100 && !predicate(); i++) await new Promise((r) => setTimeout(r, 20));
  return predicate();
}

describe('loading', () => {
  it('picks the threaded-SIMD build with the machine cores by default, really that many threads', async () => {
    const b = await createWasmBackend();
    const info = b.info();
    const cores = os.availableParallelism();
    expect(info.requestedThreads).toBe(cores);
    if (cores > 1) {
      expect(info.build).toBe('threaded-simd');
      // On a 2-core machine the module alone would give 1 (it halves the core count).
      expect(info.threads).toBe(Math.min(cores, 8));
    }
    b.dispose();
  });

  it('threads: 2 gives 2 threads whatever the machine; threads: 1 the SIMD build', async () => {
    const two = await createWasmBackend({ threads: 2 });
    expect(two.info()).toMatchObject({ build: 'threaded-simd', threads: 2, simd: true });
    two.dispose();
    const one = await createWasmBackend({ threads: 1 });
    expect(one.info()).toMatchObject({ build: 'simd', threads: 1, simd: true, fallbacks: [] });
    one.dispose();
  });

  it('simd: false falls back to the plain build and says why; so do threads', async () => {
    const b = await createWasmBackend({ simd: false, threads: 4 });
    const info = b.info();
    expect(info).toMatchObject({ build: 'plain', simd: false, threads: 1 });
    expect(info.fallbacks).toEqual([
      'SIMD disabled by the simd: false option',
      'threads unavailable: the threaded build needs SIMD',
    ]);
    b.dispose();
  });

  it('the threaded build runs small calls on the calling thread, large ones on the pool', async () => {
    const b = await createWasmBackend({ threads: 2 });
    const gate = b.runtime.instance.gate!;
    expect(gate).not.toBeNull();
    const pool = () => b.runtime.instance.exports.get_threads_count();
    expect(gate.run(THREAD_WORK_THRESHOLD - 1, pool)).toBe(-1); // no pool: XNNPACK runs inline
    expect(gate.run(THREAD_WORK_THRESHOLD, pool)).toBe(2);
    expect(pool()).toBe(2);
    registerBackend('wasm-gate', () => b, -1);
    await setBackend('wasm-gate');
    for (const n of [8, 300]) {
      const got = tidy(() => {
        const a = tensor(
          Array.from({ length: n * n }, (_, i) => (i % 7) - 3),
          [n, n],
        );
        return matmul(a, a).dataSync()[n + 1];
      });
      let want = 0;
      for (let j = 0; j < n; j++) want += (((n + j) % 7) - 3) * (((j * n + 1) % 7) - 3);
      expect(got).toBe(want);
    }
    removeBackend('wasm-gate');
  });

  it('rejects a non-positive thread count', async () => {
    await expect(createWasmBackend({ threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
  });

  it("removes the glue's process-wide exception handlers", async () => {
    const before = [process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')];
    const backends = [await createWasmBackend({ threads: 1 }), await createWasmBackend({ threads: 2 })];
    expect([process.listenerCount('uncaughtException'), process.listenerCount('unhandledRejection')]).toEqual(
      before,
    );
    for (const b of backends) b.dispose();
  });

  it('leaves no worker holding the process open, and stops its workers on dispose', async () => {
    // Workers of backends disposed by earlier tests may still be shutting down.
    expect(await settled(() => keepAlive() === 0)).toBe(true);
    const baseline = keepAlive();
    const b = await createWasmBackend({ threads: 2 });
    // Workers exist but are unref'd: nothing keeps the event loop alive.
    expect(keepAlive()).toBe(baseline);
    const pthreads = b.runtime.instance.module.PThread!;
    expect(pthreads.runningWorkers.length + pthreads.unusedWorkers.length).toBeGreaterThan(0);
    b.dispose();
    expect(pthreads.runningWorkers.length + pthreads.unusedWorkers.length).toBe(0);
    expect(await settled(() => keepAlive() === baseline)).toBe(true);
  });

  it('leaves no global Worker behind (the glue installs one; other libraries read it as a browser Worker)', async () => {
    const before = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
    const b = await createWasmBackend({ threads: 2 });
    expect(Object.getOwnPropertyDescriptor(globalThis, 'Worker')).toEqual(before);
    // The pool was spawned before the global went: the backend still has its threads and helpers.
    expect(b.info()).toMatchObject({ threads: 2, kernelHelpers: 1 });
    b.dispose();
  });

  it('never loads tfjs-core (nor the tfjs wasm backend JavaScript)', async () => {
    const b = await createWasmBackend();
    const loaded = Object.keys(require.cache);
    expect(loaded.filter((p) => p.includes('/@tensorflow/tfjs-core/'))).toEqual([]);
    const tfjsWasm = loaded.filter((p) => p.includes('/@tensorflow/tfjs-backend-wasm/'));
    expect(tfjsWasm.filter((p) => !p.includes('/wasm-out/') && !p.endsWith('/package.json'))).toEqual([]);
    // And no source file names it as a module.
    const src = fileURLToPath(new URL('../src', import.meta.url));
    const files = readdirSync(src, { recursive: true }).filter((f) => String(f).endsWith('.ts'));
    for (const f of files) {
      const text = readFileSync(`${src}/${f}`, 'utf8');
      expect(text).not.toMatch(/['"]@tensorflow\/tfjs-core/);
    }
    b.dispose();
  });

  it('reads synchronously', async () => {
    const b = await createWasmBackend({ threads: 1 });
    registerBackend('wasm-loading', () => b, -1);
    await setBackend('wasm-loading');
    const got = tidy(() => Array.from(matmul(tensor([[1, 2]]), tensor([[3], [4]])).dataSync()));
    expect(got).toEqual([11]);
    removeBackend('wasm-loading');
  });

  it('the browser entry runs from bytes it is given, and reports threads as unavailable', async () => {
    const simd = readFileSync(
      require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'),
    );
    const b = await createBrowserEntryBackend({ wasmPaths: { simd }, threads: 2 });
    expect(b.info()).toMatchObject({ build: 'simd', threads: 1 });
    expect((b.info().fallbacks as string[])[0]).toMatch(
      /^threads unavailable: threads are not supported by the browser entry/,
    );
    registerBackend('wasm-browser', () => b, -1);
    await setBackend('wasm-browser');
    expect(tidy(() => Array.from(matmul(tensor([[2]]), tensor([[3]])).dataSync()))).toEqual([6]);
    removeBackend('wasm-browser');
  });

  it('the browser entry without wasmPaths fails with the reason', async () => {
    await expect(createBrowserEntryBackend({ threads: 1 })).rejects.toThrow(/pass wasmPaths/);
  });
});
