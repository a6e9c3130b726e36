import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Embedding, valueAndGradOfModule } from '../../src/index.js';
import { expectNoLeak, useCpu, values } from '../helpers.js';

beforeAll(() => useCpu());

describe('Embedding', () => {
  it('looks rows up for indices of any shape', async () => {
    await expectNoLeak(async () => {
      const emb = new Embedding(5, 3, { rng: new d.Rng(1) });
      const table = (await emb.embeddings.value.array()) as number[][];
      using ids = d.tensor(new Int32Array([4, 0, 4, 2]), [2, 2]);
      using y = emb.forward(ids);
      expect(y.shape).toEqual([2, 2, 3]);
      expect(await values(y)).toEqual([4, 0, 4, 2].flatMap((i) => table[i]).map(Math.fround));
      emb.dispose();
    });
  });

  it('gets its gradient by scatter-add: a row used twice receives twice', async () => {
    await expectNoLeak(async () => {
      const emb = new Embedding(4, 2);
      using ids = d.tensor(new Int32Array([1, 3, 1]), [3]);
      const { value, grads } = valueAndGradOfModule(emb, () => d.sum(emb.forward(ids)));
      expect(await values(grads[0])).toEqual([0, 0, 2, 2, 0, 0, 1, 1]);
      d.dispose([value, grads]);
      emb.dispose();
    });
  });

  it('refuses float indices with a typed error, and reports its parameters', () => {
    const emb = new Embedding(10, 4, { name: 'tokens' });
    using x = d.zeros([2]);
    expect(() => emb.forward(x)).toThrowError("Embedding 'tokens': indices are float32[2]; expected int32");
    expect(emb.describe([8, 16])).toMatchObject({ outputShape: [8, 16, 4], params: 40, macs: 0 });
    emb.dispose();
  });
});
