// Resuming a training run: a run interrupted at any step (mid-epoch or at an epoch's end), saved and
// resumed into fresh parameters, optimizer, callbacks and random streams, ends bit-identical to the run
// that was never interrupted — weights, every step's loss and the history — with a per-step schedule,
// reduce-on-plateau, early stopping that restores the best weights, validation, a shuffling data
// function and randomness drawn from a user stream and from core's default stream. A state that does not
// fit the run is refused with TrainingStateError.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  Adagrad,
  Adam,
  AdamW,
  cosineAnnealing,
  encodeNumbers,
  type History,
  type Optimizer,
  type ParameterSet,
  parameterRef,
  ReduceLrOnPlateau,
  RMSprop,
  type SavedTraining,
  SGD,
  TrainingStateError,
  type TrainingStateStore,
  train,
} from '../src/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

/** A store that serialises everything (tensor values copied out, the body through JSON text). */
function memoryStore() {
  let saved: { tensors: [string, d.DType, number[], d.DataArray][]; body: string } | null = null;
  const store: TrainingStateStore & { saves: number } = {
    saves: 0,
    async save({ tensors, body }) {
      const entries = await Promise.all(
        Object.entries(tensors).map(
          async ([k, t]) =>
            [k, t.dtype, [...t.shape], (await t.data()).slice()] as [string, d.DType, number[], d.DataArray],
        ),
      );
      saved = { tensors: entries, body: JSON.stringify(body) };
      store.saves++;
    },
    async load(): Promise<SavedTraining | null> {
      if (!saved) return null;
      return {
        tensors: Object.fromEntries(
          saved.tensors.map(([k, dtype, shape, v]) => [k, d.tensor(v.slice(), shape, dtype)]),
        ),
        body: JSON.parse(saved.body),
      };
    },
  };
  return store;
}

const X = new d.Rng(1).normalValues(24 * 4);
const Y = Array.from({ length: 24 }, (_, i) => Math.sin(X[4 * i]) + 0.5 * X[4 * i + 1] * X[4 * i + 2]);

interface Batch {
  readonly x: d.Tensor;
  readonly y: d.Tensor;
}

/** Six shuffled batches of four per epoch, from the loop's stream. */
const data = ({ rng }: { rng: d.Rng }): Batch[] => {
  const order = rng.permutation(24);
  return Array.from({ length: 6 }, (_, b) => {
    const idx = Array.from(order.subarray(4 * b, 4 * b + 4));
    return {
      x: d.tensor(new Float32Array(idx.flatMap((i) => Array.from(X.subarray(4 * i, 4 * i + 4)))), [4, 4]),
      y: d.tensor(new Float32Array(idx.map((i) => Y[i])), [4, 1]),
    };
  });
};

/** A 4-8-1 network with dropout from its own stream and noise from core's default stream. */
function model(initSeed: number) {
  const init = new d.Rng(initSeed);
  const p = {
    W1: parameterRef(init.normal([4, 8], 0, 0.5)),
    b1: parameterRef(d.zeros([8])),
    W2: parameterRef(init.normal([8, 1], 0, 0.5)),
    b2: parameterRef(d.zeros([1])),
  };
  const dropout = new d.Rng(initSeed + 1);
  const loss = (b: Batch) => {
    let h = d.relu(d.add(d.matmul(b.x, p.W1.value), p.b1.value));
    if (d.isGradEnabled()) {
      h = d.div(d.mul(h, dropout.bernoulli(h.shape, 0.75)), 0.75);
      h = d.add(h, d.randomNormal(h.shape, 0, 0.01));
    }
    const output = d.add(d.matmul(h, p.W2.value), p.b2.value);
    return { loss: d.mean(d.square(d.sub(output, b.y))), output };
  };
  return { p, dropout, loss, dispose: () => d.dispose(Object.values(p).map((r) => r.value)) };
}

const bits = async (t: d.Tensor) => Array.from(new Uint32Array((await t.data()).slice().buffer));

interface Outcome {
  weights: number[][];
  losses: number[];
  history: History;
}

/**
 * A run of 4 epochs x 6 steps. With `crashAfter`, the loss function throws in the step after that many
 * steps (a process killed mid-step); with `resume`, a fresh model continues the stored run.
 */
async function run(store: TrainingStateStore, options: { crashAfter?: number; resume?: boolean }) {
  // Fresh objects, and a different default stream, so only the saved state can make results agree.
  d.setSeed(options.resume ? 777 : 5);
  const m = model(options.resume ? 300 : 3);
  const optimizer = new Adam(m.p, { lr: 0.02 });
  const losses: number[] = [];
  let trainingSteps = 0;
  const loss = (b: Batch) => {
    if (d.isGradEnabled() && ++trainingSteps === (options.crashAfter ?? -1) + 1) throw new Error('killed');
    return m.loss(b);
  };
  let outcome: Outcome | null = null;
  const validation = data({ rng: new d.Rng(2) });
  try {
    const history = await train({
      loss,
      optimizer,
      data,
      epochs: 4,
      seed: 11,
      validation: { data: validation.slice(0, 2) },
      schedule: cosineAnnealing({ tMax: 24, minLr: 0.001 }),
      scheduleUnit: 'step',
      earlyStopping: { patience: 2, restoreBest: true, monitor: 'val_loss' },
      callbacks: [new ReduceLrOnPlateau({ patience: 0, factor: 0.5, monitor: 'loss' })],
      checkpoint: { store, every: 1, rngs: { dropout: m.dropout } },
      resume: options.resume,
      onProgress: (e) => {
        if (e.type === 'step') losses.push(e.loss);
      },
    });
    outcome = { weights: await Promise.all(Object.values(m.p).map((r) => bits(r.value))), losses, history };
  } catch (e) {
    if (!(e instanceof Error && e.message === 'killed')) throw e;
  } finally {
    d.dispose(validation);
    optimizer.dispose();
    m.dispose();
  }
  return { outcome, losses };
}

const exact = (h: History) => JSON.stringify(encodeNumbers(h));

describe('train({ checkpoint, resume })', () => {
  it('an uninterrupted run and runs interrupted at steps 3, 6 (an epoch end) and 17 end bit-identical', async () => {
    await expectNoLeak(async () => {
      const reference = (await run(memoryStore(), {})).outcome!;
      expect(reference.losses.length).toBe(24);
      for (const k of [3, 6, 17]) {
        const store = memoryStore();
        const crashed = await run(store, { crashAfter: k });
        expect(crashed.outcome, `crash after ${k}`).toBeNull();
        expect(crashed.losses).toEqual(reference.losses.slice(0, k));
        const resumed = (await run(store, { resume: true })).outcome!;
        expect(resumed.losses, `losses after resuming at ${k}`).toEqual(reference.losses.slice(k));
        expect(resumed.weights, `weights after resuming at ${k}`).toEqual(reference.weights);
        expect(exact(resumed.history), `history after resuming at ${k}`).toBe(exact(reference.history));
      }
    });
  });

  it('resuming a finished run changes nothing; resume: true with nothing saved is refused', async () => {
    const store = memoryStore();
    const first = (await run(store, {})).outcome!;
    const again = (await run(store, { resume: true })).outcome!;
    expect(again.losses).toEqual([]);
    expect(again.weights).toEqual(first.weights);
    expect(exact(again.history)).toBe(exact(first.history));
    await expect(run(memoryStore(), { resume: true })).rejects.toThrow(/no saved training state/);
  });

  it('refuses a state that does not fit the run (another optimizer, other parameters, another format) with TrainingStateError', async () => {
    const store = memoryStore();
    await run(store, { crashAfter: 2 });
    const m = model(1);
    const attempt = (optimizer: Adam | SGD, extra: object = {}) =>
      train({ loss: m.loss, optimizer, data, epochs: 1, checkpoint: { store }, resume: true, ...extra });
    const sgd = new SGD(m.p, { lr: 0.1 });
    await expect(attempt(sgd)).rejects.toThrow(TrainingStateError);
    await expect(attempt(sgd)).rejects.toThrow(/saved with Adam, this run uses SGD/);
    const fewer = new Adam({ W1: m.p.W1 }, { lr: 0.1 });
    await expect(attempt(fewer)).rejects.toThrow(
      /parameters \[W1, b1, W2, b2\] are not this optimizer's \[W1\]/,
    );
    const adam = new Adam(m.p, { lr: 0.1 });
    const saved = (await store.load())!;
    const foreign: SavedTraining = {
      tensors: saved.tensors,
      body: { ...(saved.body as object), format: 'x' },
    };
    await expect(attempt(adam, { resume: foreign })).rejects.toThrow(
      /not a Dendrite training state: format is "x"/,
    );
    await expect(attempt(adam, { checkpoint: undefined })).rejects.toThrow(
      /resume: true needs checkpoint.store/,
    );
    d.dispose(saved.tensors);
    for (const o of [sgd, fewer, adam]) o.dispose();
    m.dispose();
  });

  const rules: [string, (p: ParameterSet) => Optimizer][] = [
    [
      'SGD with Nesterov momentum and weight decay',
      (p) => new SGD(p, { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 }),
    ],
    ['RMSprop centered with momentum', (p) => new RMSprop(p, { lr: 0.01, momentum: 0.5, centered: true })],
    [
      'Adagrad with lr decay',
      (p) => new Adagrad(p, { lr: 0.05, lrDecay: 0.01, initialAccumulatorValue: 0.1 }),
    ],
    ['AdamW with AMSGrad', (p) => new AdamW(p, { lr: 0.01, amsgrad: true })],
  ];
  for (const [label, make] of rules) {
    it(`${label}: its state round-trips through a resume bit for bit`, async () => {
      await expectNoLeak(async () => {
        const once = async (store: TrainingStateStore, crashAfter?: number, resume?: boolean) => {
          const m = model(resume ? 50 : 5);
          const optimizer = make(m.p);
          let steps = 0;
          const losses: number[] = [];
          try {
            await train({
              loss: (b: Batch) => {
                if (d.isGradEnabled() && ++steps === (crashAfter ?? -1) + 1) throw new Error('killed');
                return m.loss(b);
              },
              optimizer,
              data,
              epochs: 2,
              checkpoint: { store, every: 1, rngs: { dropout: m.dropout } },
              resume,
              onProgress: (e) => {
                if (e.type === 'step') losses.push(e.loss);
              },
            });
            return { losses, weights: await Promise.all(Object.values(m.p).map((r) => bits(r.value))) };
          } catch (e) {
            if (e instanceof Error && e.message === 'killed') return { losses, weights: null };
            throw e;
          } finally {
            optimizer.dispose();
            m.dispose();
          }
        };
        d.setSeed(1);
        const reference = await once(memoryStore());
        const store = memoryStore();
        d.setSeed(1);
        await once(store, 8);
        d.setSeed(99);
        const resumed = await once(store, undefined, true);
        expect(resumed.losses).toEqual(reference.losses.slice(8));
        expect(resumed.weights).toEqual(reference.weights);
      });
    });
  }
});
