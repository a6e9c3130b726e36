// The Module base: registration and traversal, modes, state dicts with typed errors, hooks, dispose.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  BatchNorm,
  Dense,
  Dropout,
  Module,
  Parameter,
  Residual,
  Sequential,
  type StateBuffer,
} from '../src/index.js';
import { expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

const mlp = (seed = 1) =>
  new Sequential({
    fc1: new Dense(3, 4, { activation: 'sigmoid', rng: new d.Rng(seed) }),
    bn: new BatchNorm(4),
    drop: new Dropout(0.5, { rng: new d.Rng(seed) }),
    fc2: new Dense(4, 2, { rng: new d.Rng(seed + 1) }),
  });

/** A user-defined layer written against the public API only: y = x * scale + shift. */
class ScaleShift extends Module {
  readonly scale: Parameter;
  readonly count: StateBuffer;
  constructor(features: number) {
    super('ScaleShift');
    this.scale = this.addParameter('scale', d.ones([features]));
    this.count = this.addBuffer('count', d.scalar(0, 'int32'));
  }
  outputShape(inputShape: d.Shape): d.Shape {
    return inputShape;
  }
  protected compute(x: d.Tensor): d.Tensor {
    return d.mul(x, this.scale.value);
  }
}

describe('Module traversal', () => {
  it('names parameters, buffers and children by dotted path, in order', () => {
    const m = mlp();
    expect(m.namedParameters().map(([n, p]) => [n, p.shape])).toEqual([
      ['fc1.kernel', [3, 4]],
      ['fc1.bias', [4]],
      ['bn.gamma', [4]],
      ['bn.beta', [4]],
      ['fc2.kernel', [4, 2]],
      ['fc2.bias', [2]],
    ]);
    expect(m.namedBuffers().map(([n]) => n)).toEqual([
      'bn.runningMean',
      'bn.runningVar',
      'bn.numBatchesTracked',
    ]);
    expect(m.children().map(([n, c]) => [n, c.kind])).toEqual([
      ['fc1', 'Dense'],
      ['bn', 'BatchNorm'],
      ['drop', 'Dropout'],
      ['fc2', 'Dense'],
    ]);
    expect(m.namedModules().map(([n]) => n)).toEqual(['', 'fc1', 'bn', 'drop', 'fc2']);
    expect(m.parameters()).toHaveLength(6);
    expect(m.countParameters()).toBe(12 + 4 + 4 + 4 + 8 + 2);
    m.dispose();
  });

  it('lists a parameter shared by two paths once', () => {
    const shared = new Dense(2, 2);
    const m = new Sequential([shared, new Residual(shared)]);
    expect(m.namedParameters().map(([n]) => n)).toEqual(['0.kernel', '0.bias']);
    m.dispose();
  });

  it('refuses duplicate and dotted names', () => {
    const s = new Sequential();
    s.add(new Dense(1, 1), 'a');
    expect(() => s.add(new Dense(1, 1), 'a')).toThrow(d.ArgumentError);
    expect(() => s.add(new Dense(1, 1), 'a.b')).toThrow(/must be non-empty and contain no '.'/);
    s.dispose();
  });

  it('frozen parameters have no requiresGrad and are left out of trainableParameters', () => {
    const m = mlp();
    const [, kernel] = m.namedParameters()[0];
    expect(kernel.value.requiresGrad).toBe(true);
    kernel.trainable = false;
    expect(kernel.value.requiresGrad).toBe(false);
    expect(m.trainableParameters()).toHaveLength(5);
    expect(m.describe([2, 3]).trainableParams).toBe(m.countParameters() - 12);
    m.dispose();
  });
});

describe('train / eval', () => {
  it('switches the whole tree', () => {
    const m = mlp();
    expect(m.training).toBe(true);
    m.eval();
    expect(m.namedModules().every(([, c]) => !c.training)).toBe(true);
    m.train();
    expect(m.namedModules().every(([, c]) => c.training)).toBe(true);
    m.dispose();
  });
});

describe('Parameter', () => {
  it('owns its value: assigning keeps the new tensor and disposes the old one', async () => {
    await expectNoLeak(async () => {
      const p = new Parameter(d.zeros([2]), 'test.p');
      const old = p.value;
      d.tidy(() => {
        p.value = d.ones([2]); // made inside a tidy: must survive it
      });
      expect(old.isDisposed).toBe(true);
      expect(await values(p.value)).toEqual([1, 1]);
      expect(p.value.requiresGrad).toBe(true);
      p.dispose();
    });
  });

  it('cuts a recorded result off its graph when assigned', async () => {
    await expectNoLeak(() => {
      const p = new Parameter(d.zeros([2]), 'test.p');
      const x = d.ones([2]).requireGrad();
      p.value = d.mul(x, 2);
      expect(p.value.node).toBeNull();
      x.dispose();
      p.dispose();
    });
  });

  it('refuses a value of another shape or dtype', () => {
    const p = new Parameter(d.zeros([2]), 'Dense.kernel');
    expect(() => {
      p.value = d.zeros([3]);
    }).toThrowError(/Dense.kernel: new value has shape \[3\]; expected \[2\]/);
    expect(() => new Parameter(d.zeros([2], 'int32'), 'X.w')).toThrow(d.DTypeError);
    p.dispose();
  });
});

describe('stateDict / loadStateDict', () => {
  it('round-trips into a fresh model: same outputs', async () => {
    await expectNoLeak(async () => {
      const a = mlp(1).eval();
      const b = mlp(2).eval();
      const x = d.tensor([
        [0.1, -0.2, 0.3],
        [1, 2, -1],
      ]);
      const state = a.stateDict();
      expect(Object.keys(state)).toEqual([
        'fc1.kernel',
        'fc1.bias',
        'bn.gamma',
        'bn.beta',
        'fc2.kernel',
        'fc2.bias',
        'bn.runningMean',
        'bn.runningVar',
        'bn.numBatchesTracked',
      ]);
      b.loadStateDict(state);
      const [ya, yb] = [a.forward(x), b.forward(x)];
      expect(await values(yb)).toEqual(await values(ya));
      d.dispose([x, ya, yb]);
      a.dispose(); // b shares the storage and keeps it alive
      expect(await values(b.stateDict()['fc1.bias'])).toHaveLength(4);
      b.dispose();
    });
  });

  it('clone gives handles the caller owns', async () => {
    await expectNoLeak(() => {
      const m = mlp();
      const snapshot = m.stateDict({ clone: true });
      d.dispose(snapshot);
      expect(m.stateDict()['fc1.kernel'].isDisposed).toBe(false);
      m.dispose();
    });
  });

  it('refuses wrong shapes, dtypes and keys with typed errors, changing nothing', async () => {
    await expectNoLeak(async () => {
      const m = mlp();
      const before = await values(m.stateDict()['fc1.bias']);
      const good = m.stateDict({ clone: true });
      const wrongShape = { ...good, 'fc1.bias': d.zeros([5]) };
      expect(() => m.loadStateDict(wrongShape)).toThrowError(
        /Sequential.loadStateDict: 'fc1.bias' has shape \[5\]; expected \[4\]/,
      );
      expect(() => m.loadStateDict(wrongShape)).toThrow(d.ShapeError);
      const wrongDType = { ...good, 'bn.numBatchesTracked': d.scalar(1) };
      expect(() => m.loadStateDict(wrongDType)).toThrow(d.DTypeError);
      const { 'fc2.bias': _dropped, ...missing } = good;
      expect(() => m.loadStateDict(missing)).toThrowError(/missing \[fc2.bias\], unexpected \[\]/);
      const extra = { ...good, 'fc3.kernel': d.zeros([1]) };
      expect(() => m.loadStateDict(extra)).toThrowError(/unexpected \[fc3.kernel\]/);
      expect(() => m.loadStateDict(extra)).toThrow(d.ArgumentError);
      const ones = d.ones([4]);
      m.loadStateDict({ 'fc1.bias': ones }, { strict: false });
      ones.dispose(); // the module shares the storage; the caller's handle is its own
      expect(before).not.toEqual(await values(m.stateDict()['fc1.bias']));
      d.dispose([good, wrongShape['fc1.bias'], wrongDType['bn.numBatchesTracked'], extra['fc3.kernel']]);
      m.dispose();
    });
  });
});

describe('forward hooks', () => {
  it('see every layer’s input and output, and can keep activation maps', async () => {
    await expectNoLeak(async () => {
      const m = mlp().eval();
      const seen: string[] = [];
      const kept: d.Tensor[] = [];
      const handles = m.namedModules().map(([name, layer]) =>
        layer.registerForwardHook((mod, input, output) => {
          seen.push(`${name || 'root'}:${mod.kind}:${input.shape}->${output.shape}`);
          if (name === 'fc1') kept.push(d.keep(d.alias(output)));
        }),
      );
      const x = d.ones([5, 3]);
      const y = m.forward(x);
      expect(seen).toEqual([
        'fc1:Dense:5,3->5,4',
        'bn:BatchNorm:5,4->5,4',
        'drop:Dropout:5,4->5,4',
        'fc2:Dense:5,4->5,2',
        'root:Sequential:5,3->5,2',
      ]);
      // The kept activation map survives the pass: sigmoid outputs lie in (0, 1).
      expect((await values(kept[0])).every((v) => v > 0 && v < 1)).toBe(true);
      for (const h of handles) h.remove();
      d.dispose([y, m.forward(x), x, kept]);
      expect(seen).toHaveLength(5);
      m.dispose();
    });
  });
});

describe('a user-defined module', () => {
  it('gets registration, state and errors from the base class', async () => {
    await expectNoLeak(async () => {
      const m = new ScaleShift(3);
      expect(Object.keys(m.stateDict())).toEqual(['scale', 'count']);
      using x = d.ones([2, 3]);
      using bad = d.zeros([2], 'int32');
      using y = m.forward(x);
      expect(await values(y)).toEqual([1, 1, 1, 1, 1, 1]);
      expect(() => m.forward(bad)).toThrowError(/ScaleShift: input is int32\[2\]; expected float32/);
      m.dispose();
    });
  });
});

describe('dispose', () => {
  it('frees every parameter and buffer and refuses later use', async () => {
    await expectNoLeak(() => {
      const m = mlp();
      const all = [...m.parameters(), ...m.buffers()].map((s) => s.value);
      m.dispose();
      expect(all.every((t) => t.isDisposed)).toBe(true);
      using x = d.ones([1, 3]);
      expect(() => m.forward(x)).toThrow(d.DisposedError);
      m.dispose(); // twice is fine
    });
  });
});
