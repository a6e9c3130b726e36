import { add, dispose, keep, memory, mul, reshape, tensor, tidy } from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

describe('memory', () => {
  it('concurrent async tidy bodies each own their tensors (scopes follow the async context in Node)', async () => {
    await expectNoLeak(async () => {
      const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));
      // A starts, B starts while A is suspended, A makes its result after B began and B ends first.
      const a = tidy(async () => {
        const x = tensor([1, 2]);
        await pause(5);
        const y = add(x, 1); // made after B began: must belong to A, not to B
        await pause(20);
        return y;
      }, 'A');
      const b = tidy(async () => {
        await pause(1);
        const z = mul(tensor([3]), 2);
        await pause(1);
        return z;
      }, 'B');
      const [ya, yb] = await Promise.all([a, b]);
      expect(ya.isDisposed).toBe(false);
      expect(yb.isDisposed).toBe(false);
      expect(await values(ya)).toEqual([2, 3]);
      expect(await values(yb)).toEqual([6]);
      dispose([ya, yb]);
    });
  });

  it('tidy disposes everything but what it returns', async () => {
    await expectNoLeak(async () => {
      const before = memory().tensors;
      const y = tidy(() => {
        const a = tensor([1, 2]);
        return add(mul(a, 2), 1);
      });
      expect(memory().tensors).toBe(before + 1);
      expect(await values(y)).toEqual([3, 5]);
      y.dispose();
    });
  });

  it('tidy keeps tensors returned inside arrays and objects', async () => {
    await expectNoLeak(() => {
      const r = tidy(() => ({ a: tensor([1]), list: [tensor([2]), tensor([3])] }));
      expect(r.a.isDisposed || r.list.some((t) => t.isDisposed)).toBe(false);
      dispose(r);
    });
  });

  it('tidy works with async bodies', async () => {
    await expectNoLeak(async () => {
      const y = await tidy(async () => {
        const a = tensor([1, 2, 3]);
        await a.data();
        return mul(a, a);
      });
      expect(await values(y)).toEqual([1, 4, 9]);
      y.dispose();
    });
  });

  it('keep exempts a tensor from tidy', async () => {
    await expectNoLeak(() => {
      let kept: ReturnType<typeof tensor> | undefined;
      tidy(() => {
        kept = keep(tensor([1]));
      });
      expect(kept!.isDisposed).toBe(false);
      kept!.dispose();
    });
  });

  it('nested tidy hands its result to the outer scope', async () => {
    await expectNoLeak(() => {
      const outer = tidy(() => {
        const inner = tidy(() => tensor([1, 2]));
        return add(inner, 1);
      });
      outer.dispose();
    });
  });

  it('using declarations dispose at the end of the block', async () => {
    await expectNoLeak(() => {
      {
        using a = tensor([1, 2]);
        using b = mul(a, 2);
        expect(b.shape).toEqual([2]);
      }
    });
  });

  it('reshape shares storage: the bytes are freed when the last handle goes', async () => {
    const base = memory().bytes;
    const a = tensor([1, 2, 3, 4]);
    const b = reshape(a, [2, 2]);
    a.dispose();
    expect(memory().bytes).toBe(base + 16);
    expect(await values(b)).toEqual([1, 2, 3, 4]);
    b.dispose();
    expect(memory().bytes).toBe(base);
  });

  it('dispose is idempotent and use after dispose is a clear error', () => {
    const a = tensor([1]);
    a.dispose();
    a.dispose();
    expect(() => add(a, 1)).toThrowError(/add: tensor #\d+ float32\[1\] was already disposed/);
  });
});
