import {
  add,
  DisposedError,
  DTypeError,
  getBackend,
  grad,
  matmul,
  memory,
  mul,
  noGrad,
  ShapeError,
  sigmoid,
  sum,
  tensor,
  tidy,
  valueAndGrad,
} from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

describe('autograd', () => {
  it('accumulates into .grad of leaves across backward calls (like PyTorch)', async () => {
    await expectNoLeak(async () => {
      const x = tensor([1, 2, 3]).requireGrad();
      for (let i = 0; i < 2; i++) tidy(() => sum(mul(x, x)).backward());
      expect(await values(x.grad!)).toEqual([4, 8, 12]);
      x.dispose();
    });
  });

  it('sums gradients where a value is used twice (diamond graph)', async () => {
    await expectNoLeak(async () => {
      const x = tensor([2]).requireGrad();
      tidy(() => {
        const y = mul(x, 3);
        sum(add(mul(y, y), y)).backward(); // d/dx (9x² + 3x) = 18x + 3
      });
      expect(await values(x.grad!)).toEqual([39]);
      x.dispose();
    });
  });

  it('records nothing under noGrad', async () => {
    await expectNoLeak(() => {
      const x = tensor([1, 2]).requireGrad();
      const y = noGrad(() => mul(x, 2));
      expect(y.requiresGrad).toBe(false);
      expect(() => y.backward()).toThrowError(DTypeError);
      y.dispose();
      x.dispose();
    });
  });

  it('frees the graph after backward and refuses a second backward', async () => {
    await expectNoLeak(() => {
      const x = tensor([1, 2]).requireGrad();
      const loss = tidy(() => sum(sigmoid(x)));
      loss.backward();
      expect(() => loss.backward()).toThrowError(DisposedError);
      loss.dispose();
      x.dispose();
    });
  });

  it('releases saved values when outputs are disposed without backward', async () => {
    await expectNoLeak(() => {
      const w = tensor([
        [1, 2],
        [3, 4],
      ]).requireGrad();
      const before = memory().tensors;
      tidy(() => {
        sum(sigmoid(matmul(w, w)));
      });
      expect(memory().tensors).toBe(before);
      w.dispose();
    });
  });

  it('valueAndGrad gives value and gradients without touching .grad', async () => {
    await expectNoLeak(async () => {
      const a = tensor([1, 2, 3]);
      const b = tensor([4, 5, 6]);
      const { value, grads } = valueAndGrad((p, q) => sum(mul(p, q)))(a, b);
      expect(await values(value)).toEqual([32]);
      expect(await values(grads[0])).toEqual([4, 5, 6]);
      expect(await values(grads[1])).toEqual([1, 2, 3]);
      expect(a.grad).toBeNull();
      for (const t of [value, ...grads, a, b]) t.dispose();
    });
  });

  it('valueAndGrad skips the gradients no argument needs (a fixed weight that requires grad)', async () => {
    await expectNoLeak(async () => {
      const x = tensor([1, 2, 3, 4, 5, 6], [2, 3]);
      const w = tensor([1, 0, 2, -1, 0.5, 3], [3, 2]).requireGrad(); // a parameter, not an argument
      const v = tensor([2, -3], [2, 1]).requireGrad();
      const backend = getBackend();
      const matmulKernel = backend.matmul;
      let products = 0;
      backend.matmul = (...args) => {
        products++;
        return matmulKernel.apply(backend, args);
      };
      try {
        // loss = sum(x·w·v): two products forward, dh = dy·vᵀ and dx = dh·wᵀ backward; the gradients of w
        // and v (hᵀ·dy, xᵀ·dh) lead to no argument and are not computed.
        const [gx] = grad((p) => sum(matmul(matmul(p, w), v)))(x);
        expect(products).toBe(4);
        expect(await values(gx)).toEqual([2, 7, -8, 2, 7, -8]); // rows of (w·v)ᵀ = [2, 7, -8]
        // A root no argument leads to: no gradient kernel at all, zeros.
        products = 0;
        const [gz] = grad(() => sum(matmul(w, v)))(x);
        expect(products).toBe(1);
        expect(await values(gz)).toEqual([0, 0, 0, 0, 0, 0]);
        expect(w.grad).toBeNull();
        expect(v.grad).toBeNull();
        for (const t of [gx, gz]) t.dispose();
      } finally {
        backend.matmul = matmulKernel;
      }
      for (const t of [x, w, v]) t.dispose();
    });
  });

  it('grad returns zeros for an argument the function ignores', async () => {
    await expectNoLeak(async () => {
      const a = tensor([1, 2]);
      const b = tensor([3, 4]);
      const [ga, gb] = grad((p) => sum(mul(p, p)))(a, b);
      expect(await values(ga)).toEqual([2, 4]);
      expect(await values(gb)).toEqual([0, 0]);
      for (const t of [ga, gb, a, b]) t.dispose();
    });
  });

  it('needs dy of the right shape for a non-scalar root', () => {
    const x = tensor([1, 2]).requireGrad();
    const y = mul(x, 2);
    expect(() => y.backward()).toThrowError(ShapeError);
    expect(() => y.backward(tensor([1, 2, 3]))).toThrowError(
      /dy has shape \[3\]; expected the root's shape \[2\]/,
    );
    y.dispose();
    x.dispose();
  });

  it('only float32 tensors can require grad', () => {
    expect(() => tensor([1, 2], [2], 'int32').requireGrad()).toThrowError(DTypeError);
  });
});
