// The suite must catch real bugs: wrap backend-cpu so that one kernel is subtly wrong and check that the
// affected cases fail with a readable reason while the rest still pass.
import { fileURLToPath } from 'node:url';
import { createCpuBackend } from '@dendrite/backend-cpu';
import { folderSource, loadFixtures } from '@dendrite/conformance/node';
import type { Backend, DataId, KernelTensor, OutSpec } from '@dendrite/core';
import { registerBackend, removeBackend, setBackend } from '@dendrite/core';
import {
  GRADIENT_SPECS,
  OP_SPECS,
  runGradientCase,
  runSpecCase,
  runTorchCase,
  type TorchCase,
} from '@dendrite/core/conformance';
import { afterEach, describe, expect, it } from 'vitest';

const torchDir = fileURLToPath(new URL('../../fixtures/torch', import.meta.url));
const torchFiles = await loadFixtures(folderSource(torchDir));
const casesOf = (file: string): TorchCase[] => torchFiles.find((f) => f.source === `torch:${file}`)!.torch;

/** backend-cpu with some methods replaced. */
function patched(name: string, patch: (inner: Backend) => Partial<Backend>): Backend {
  const inner = createCpuBackend(name);
  const overrides = patch(inner);
  return new Proxy(inner, {
    get(target, prop) {
      if (prop in overrides) return (overrides as Record<string | symbol, unknown>)[prop];
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

async function runOn(backend: Backend, cases: TorchCase[], source: string) {
  registerBackend(backend.name, () => backend, -1);
  await setBackend(backend.name);
  const results = [];
  for (const c of cases) results.push(await runTorchCase(c, source));
  return results;
}

describe('a deliberately broken backend fails the suite', () => {
  afterEach(() => {
    removeBackend('shifted-conv');
    removeBackend('no-broadcast');
    removeBackend('never-frees');
  });

  it('catches one conv2d output element shifted by 1e-3', async () => {
    const backend = patched('shifted-conv', (inner) => ({
      conv2d(x: KernelTensor, f: KernelTensor, attrs, out: OutSpec): DataId {
        const id = inner.conv2d(x, f, attrs, out);
        const all = inner.readSync!(
          id,
          'float32',
          out.shape.reduce((p, q) => p * q, 1),
        );
        all[0] += 1e-3;
        inner.disposeData(id);
        return inner.upload(all, 'float32');
      },
    }));
    const results = await runOn(backend, casesOf('conv.json'), 'torch:conv.json');
    const convFails = results.filter((r) => r.op === 'conv2d' && r.status === 'fail');
    expect(convFails.length).toBe(results.filter((r) => r.op === 'conv2d').length);
    expect(convFails[0].reason).toMatch(
      /output 'y': max abs err 1\.00e-3 \(element 0: got .*, expected .*\)/,
    );
    expect(convFails[0].maxAbsErr).toBeGreaterThan(9e-4);
    // pooling never touches conv2d: it still passes on the broken backend
    const pool = await runOn(backend, casesOf('pool.json'), 'torch:pool.json');
    expect(pool.filter((r) => r.status !== 'pass').map((r) => r.reason)).toEqual([]);
  });

  it('catches a binary kernel that ignores broadcasting of its right operand', async () => {
    const backend = patched('no-broadcast', (inner) => ({
      binary(op, a: KernelTensor, b: KernelTensor, out: OutSpec): DataId {
        // Bug: treats b as if it had a's shape whenever the sizes differ (reads past/wraps).
        if (a.shape.length === b.shape.length || b.shape.length === 0) return inner.binary(op, a, b, out);
        const bv = inner.readSync!(b.id, b.dtype, 1);
        const wrong = inner.upload(
          new Float32Array(out.shape.reduce((p, q) => p * q, 1)).fill(bv[0]),
          'float32',
        );
        try {
          return inner.binary(op, a, { id: wrong, shape: out.shape, dtype: b.dtype }, out);
        } finally {
          inner.disposeData(wrong);
        }
      },
    }));
    const results = await runOn(backend, casesOf('elementwise.json'), 'torch:elementwise.json');
    const bcast = results.filter((r) => r.name.endsWith('bcast_4'));
    expect(bcast.length).toBeGreaterThan(0);
    expect(bcast.every((r) => r.status === 'fail')).toBe(true);
    expect(bcast[0].reason).toMatch(/^output 'y': max abs err/);
    expect(results.find((r) => r.name === 'add/same')!.status).toBe('pass');
  });

  it('fails every kind of case on a backend that never frees storage, naming the bytes still held', async () => {
    const backend = patched('never-frees', () => ({ disposeData() {} }));
    const results = [
      ...(await runOn(backend, casesOf('pool.json').slice(0, 1), 'torch:pool.json')),
      await runSpecCase(OP_SPECS[0]),
      await runGradientCase(GRADIENT_SPECS[0]),
    ];
    for (const r of results) {
      expect(r.status).toBe('fail');
      expect(r.reason).toMatch(/^leak: 0 tensors, [1-9]\d* bytes still held after the case$/);
    }
  });
});
