// A backend that cannot allocate (a JavaScript RangeError from a typed array or wasm memory) gives a
// BackendError naming the op the user called, not a RangeError naming nothing.
import { createCpuBackend } from '@dendrite/backend-cpu';
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  const inner = createCpuBackend('oom-cpu');
  const fail = () => {
    throw new RangeError('Array buffer allocation failed');
  };
  const patched = new Proxy(inner, {
    get(target, prop) {
      if (prop === 'fill' || prop === 'unary' || prop === 'upload') return fail;
      const v = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  d.registerBackend('oom-cpu', () => patched, -10);
  await d.setBackend('oom-cpu');
});

describe('allocation failures', () => {
  for (const [op, call] of [
    ['zeros', () => d.zeros([3])],
    ['tensor', () => d.tensor([1, 2])],
    ['ones', () => d.ones([2, 2])],
  ] as const) {
    it(op, () => {
      expect(call).toThrow(d.BackendError);
      expect(call).toThrow(new RegExp(`^${op}: out of memory allocating`));
    });
  }
});
