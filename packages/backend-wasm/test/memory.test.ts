// Memory done right: byte accounting, block reuse with fresh ids, heap growth under live views,
// dispose(), and an aborted instance replaced without losing tensors.
import {
  add,
  BackendError,
  matmul,
  maxPool2d,
  memory,
  registerBackend,
  removeBackend,
  reshape,
  setBackend,
  tensor,
  tidy,
  zeros,
} from '@dendrite/core';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createWasmBackend } from '../src/node.js';
import { WasmData } from '../src/runtime/wasm-data.js';
import type { WasmBackend } from '../src/wasm-backend.js';
import { expectNoLeak, useWasm } from './helpers.js';

const W = 'wasm-memory';
let backend: WasmBackend;
beforeAll(async () => {
  backend = await useWasm(W);
});

describe('memory', () => {
  it('memory() reports the bytes of live tensors, back to baseline when they go', async () => {
    await expectNoLeak(() => {
      const before = backend.memory();
      const t = tensor(new Float32Array(1000));
      const b = tensor([true, false, true]);
      expect(backend.memory()).toEqual({ bytes: before.bytes + 4003, buffers: before.buffers + 2 });
      t.dispose();
      b.dispose();
      expect(backend.memory()).toEqual(before);
    });
  });

  it('reuses freed blocks under fresh tensor ids (no id is reused while C may cache it)', () => {
    const seen = new Map<number, number>();
    const ids = new Set<number>();
    for (let i = 0; i < 50; i++) {
      const d = backend.upload(new Float32Array(256), 'float32') as WasmData;
      seen.set(d.ptr, (seen.get(d.ptr) ?? 0) + 1);
      expect(ids.has(d.cid)).toBe(false);
      ids.add(d.cid);
      backend.disposeData(d);
    }
    // One block served every allocation.
    expect([...seen.values()]).toEqual([50]);
  });

  it('registers a block with the C side only when a C kernel first needs its id, and forgets it once freed', async () => {
    const inst = backend.runtime.instance;
    const register = vi.spyOn(inst, 'register');
    const unregister = vi.spyOn(inst, 'unregister');
    try {
      await expectNoLeak(async () => {
        const x = tensor(
          Float32Array.from({ length: 64 }, (_, i) => i - 20),
          [1, 8, 8, 1],
        );
        const y = add(x, x); // an emitted pass: pointers only
        expect(register).not.toHaveBeenCalled();
        const p = maxPool2d(y, 2); // XNNPACK's MaxPool takes ids: y and the result are registered now
        expect(register).toHaveBeenCalledTimes(2);
        expect(Array.from(await p.data()).slice(0, 4)).toEqual([-22, -18, -14, -10]);
        const z = add(p, p);
        expect(register).toHaveBeenCalledTimes(2);
        for (const t of [x, y, p, z]) t.dispose();
        // Only the two registered blocks are forgotten on the C side.
        expect(unregister).toHaveBeenCalledTimes(2);
        expect(unregister.mock.calls.map((c) => c[0]).sort()).toEqual(
          register.mock.results.map((r) => r.value as number).sort(),
        );
      });
    } finally {
      register.mockRestore();
      unregister.mockRestore();
    }
  });

  for (const threads of [1, 2]) {
    it(`keeps results right when the heap grows under live tensors, ${threads} thread(s)`, async () => {
      const b = threads === 1 ? backend : await useWasm('wasm-memory-threaded', { threads });
      await setBackend(threads === 1 ? W : 'wasm-memory-threaded');
      await expectNoLeak(() => {
        const heap = b.info().heapBytes as number;
        const a = tensor([1, 2, 3]);
        const w = tensor([
          [1, 0],
          [0, 1],
          [1, 1],
        ]);
        // 96 MiB more than the heap had: the wasm memory grows (a non-shared buffer detaches its views).
        const big = zeros([Math.ceil(heap / 4) + 24 * 2 ** 20]);
        expect(b.info().heapBytes as number).toBeGreaterThan(heap);
        const got = tidy(() => Array.from(matmul(add(reshape(a, [1, 3]), 1), w).dataSync()));
        expect(got).toEqual([6, 7]);
        expect(Array.from(a.dataSync())).toEqual([1, 2, 3]);
        big.dispose();
        a.dispose();
        w.dispose();
      });
      await setBackend(W);
      if (threads > 1) removeBackend('wasm-memory-threaded');
    });
  }

  it('dispose() frees everything and later calls fail with a BackendError', async () => {
    const b = await createWasmBackend({ threads: 1 });
    b.upload(new Float32Array(10), 'float32');
    b.upload(new Int32Array(5), 'int32');
    expect(b.memory()).toEqual({ bytes: 60, buffers: 2 });
    b.dispose();
    expect(b.memory()).toEqual({ bytes: 0, buffers: 0 });
    expect(() => b.fill(1, { shape: [2], dtype: 'float32' })).toThrow(BackendError);
  });

  it('storage of another backend is refused with a typed error', async () => {
    const other = await createWasmBackend({ threads: 1 });
    const foreign = other.upload(new Float32Array(4), 'float32');
    expect(() =>
      backend.unary('neg', { id: foreign, shape: [4], dtype: 'float32' }, { shape: [4], dtype: 'float32' }),
    ).toThrow(BackendError);
    expect(() => backend.readSync(foreign, 'float32', 4)).toThrow(BackendError);
    other.dispose();
  });

  it('an aborted instance becomes a BackendError; a fresh instance keeps every live tensor', async () => {
    const b = await createWasmBackend({ threads: 2 });
    registerBackend('wasm-abort', () => b, -1);
    await setBackend('wasm-abort');
    const kept = tensor([1, 2, 3, 4], [2, 2]);
    const before = b.memory();
    // Reach past every check on purpose: call a C kernel with an id the C side never saw.
    expect(() => b.runtime.run('test', (k) => k.call('Sum', 999_999, 1, 0, 999_998))).toThrow(BackendError);
    const info = b.info();
    expect(info.incidents).toHaveLength(1);
    expect(info.build).toBe('simd'); // the replacement is instantiated synchronously
    expect(b.memory()).toEqual(before);
    expect(Array.from(kept.dataSync())).toEqual([1, 2, 3, 4]);
    const y = matmul(kept, kept);
    expect(Array.from(y.dataSync())).toEqual([7, 10, 15, 22]);
    y.dispose();
    kept.dispose();
    expect(b.memory()).toEqual({ bytes: 0, buffers: 0 });
    await setBackend(W);
    b.dispose();
    expect(memory().tensors).toBeGreaterThanOrEqual(0);
  });
});

describe('storage checks', () => {
  it('a kernel tensor whose shape does not match its storage is refused', () => {
    const d = backend.upload(new Float32Array(6), 'float32');
    expect(() =>
      backend.matmul(
        { id: d, shape: [3, 3], dtype: 'float32' },
        { id: d, shape: [3, 2], dtype: 'float32' },
        false,
        false,
        { shape: [3, 2], dtype: 'float32' },
      ),
    ).toThrow(/has 9 elements but its storage holds 6/);
    expect(d).toBeInstanceOf(WasmData);
    backend.disposeData(d);
  });
});
