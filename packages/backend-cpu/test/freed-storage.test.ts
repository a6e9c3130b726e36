// Storage used after `disposeData` is refused with core's BackendError, not a TypeError from a null array.
import { BackendError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import { createCpuBackend } from '../src/index.js';

describe('freed storage', () => {
  it('a kernel or a read of a freed id throws BackendError "storage used after it was freed"', () => {
    const b = createCpuBackend({ name: 'cpu-freed', threads: 1 });
    const id = b.upload(new Float32Array([1, 2, 3]), 'float32');
    b.disposeData(id);
    expect(b.memory()).toEqual({ bytes: 0, buffers: 0 });
    const t = { id, shape: [3], dtype: 'float32' as const };
    expect(() => b.unary('neg', t, { shape: [3], dtype: 'float32' })).toThrow(BackendError);
    expect(() => b.readSync(id, 'float32', 3)).toThrow(/storage used after it was freed/);
    b.disposeData(id); // a second free is harmless
    expect(b.memory()).toEqual({ bytes: 0, buffers: 0 });
    b.dispose();
  });
});
