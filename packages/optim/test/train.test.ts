// The training loop: XOR learned by a 2-2-1 sigmoid network (seeded, deterministic), memory flat over
// 200 steps on an async-only backend, early stopping, schedules, validation, callbacks and progress
// events, data as arrays, generators and async generators, and its errors.

import * as d from '@dendrite/core';
import { deferredBackend } from '@dendrite/core/conformance';
import { createCpuBackend } from '@dendrite/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  Adam,
  binaryAccuracy,
  cosineAnnealing,
  type History,
  type ParameterRef,
  type ProgressEvent,
  parameterRef,
  ReduceLrOnPlateau,
  SGD,
  stepDecay,
  train,
} from '../src/index.js';
import { expectClose, expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

interface Batch {
  readonly x: d.Tensor;
  readonly y: d.Tensor;
}

/** A 2-2-1 sigmoid network with seeded weights in ±1. */
function xorNet(seed: number) {
  const rng = new d.Rng(seed);
  const p = {
    W1: parameterRef(rng.uniform([2, 2], -1, 1)),
    b1: parameterRef(d.zeros([2])),
    W2: parameterRef(rng.uniform([2, 1], -1, 1)),
    b2: parameterRef(d.zeros([1])),
  };
  const forward = (x: d.Tensor) =>
    d.sigmoid(d.add(d.matmul(d.sigmoid(d.add(d.matmul(x, p.W1.value), p.b1.value)), p.W2.value), p.b2.value));
  const loss = (b: Batch) => {
    const output = forward(b.x);
    return { loss: d.mean(d.square(d.sub(output, b.y))), output };
  };
  return { p, forward, loss, dispose: () => d.dispose(Object.values(p).map((r) => r.value)) };
}

const xorData = () => ({
  x: d.tensor([
    [0, 0],
    [0, 1],
    [1, 0],
    [1, 1],
  ]),
  y: d.tensor([[0], [1], [1], [0]]),
});

describe('train', () => {
  it('learns XOR with a 2-2-1 sigmoid network, identically in two seeded runs', () =>
    expectNoLeak(async () => {
      const batch = xorData();
      const run = async () => {
        const net = xorNet(3);
        const optimizer = new SGD(net.p, { lr: 2, momentum: 0.9 });
        const losses: number[] = [];
        const history = await train({
          optimizer,
          loss: net.loss,
          data: [batch],
          epochs: 300,
          metrics: { accuracy: binaryAccuracy((b: Batch) => b.y) },
          onProgress: (e) => {
            if (e.type === 'step') losses.push(e.loss);
          },
        });
        const out = d.tidy(() => net.forward(batch.x));
        const predictions = await values(out);
        d.dispose(out);
        net.dispose();
        optimizer.dispose();
        return { history, losses, predictions };
      };
      const first = await run();
      const second = await run();
      expect(first.losses).toHaveLength(300);
      expect(first.losses[299]).toBeLessThan(0.01);
      expect(first.losses[299]).toBeLessThan(first.losses[0] / 10);
      expect(first.predictions.map(Math.round)).toEqual([0, 1, 1, 0]);
      expect(first.history.epochs[299].accuracy).toBe(1);
      expect(second.losses).toEqual(first.losses); // bit-identical
      expect(second.predictions).toEqual(first.predictions);
      d.dispose(batch);
    }));

  describe('on a backend that can only read asynchronously', () => {
    /** backend-cpu run as a GPU runs (no readSync: any dataSync() in the loop would throw). */
    beforeAll(async () => {
      d.registerBackend('async-cpu', () => deferredBackend(createCpuBackend('async-cpu')), -1);
      await d.setBackend('async-cpu');
    });
    afterAll(async () => {
      d.removeBackend('async-cpu');
      await d.setBackend('cpu');
    });

    it('keeps memory flat over 200 steps (Adam, clipping, per-batch tensors, validation)', () =>
      expectNoLeak(async () => {
        const net = xorNet(5);
        const optimizer = new Adam(net.p, { lr: 0.05 });
        const samples: { tensors: number; bytes: number }[] = [];
        await train({
          optimizer,
          loss: net.loss,
          // a fresh generator per epoch whose batches are new tensors: freed with their step
          data: function* () {
            for (let i = 0; i < 20; i++) yield xorData();
          },
          validation: { data: () => [xorData()] },
          metrics: { accuracy: binaryAccuracy((b: Batch) => b.y) },
          epochs: 10,
          clipNorm: 1,
          clipValue: 5,
          callbacks: {
            onStep: () => {
              const m = d.memory();
              samples.push({ tensors: m.tensors, bytes: m.bytes });
            },
          },
        });
        expect(samples).toHaveLength(200);
        // from the second step on (the first creates the optimizer's state) nothing accumulates
        expect(new Set(samples.slice(1).map((s) => `${s.tensors}/${s.bytes}`)).size).toBe(1);
        net.dispose();
        optimizer.dispose();
      }));
  });

  it('stops early when the monitored loss stops improving', () =>
    expectNoLeak(async () => {
      const net = xorNet(1);
      const optimizer = new SGD(net.p, { lr: 0 }); // nothing changes: no improvement after epoch 0
      const batch = xorData();
      const history = await train({
        optimizer,
        loss: net.loss,
        data: [batch],
        epochs: 50,
        earlyStopping: { patience: 2 },
      });
      expect(history.stoppedEarly).toBe(true);
      expect(history.epochs.map((e) => e.epoch)).toEqual([0, 1, 2]);
      expect(history.bestEpoch).toBe(0);
      d.dispose(batch);
      net.dispose();
      optimizer.dispose();
    }));

  it('restores the best parameters when asked', () =>
    expectNoLeak(async () => {
      // (w − 3)² with lr 1.05 overshoots further each step: the loss grows, epoch 0 stays best.
      const w = parameterRef(d.tensor([2]));
      const optimizer = new SGD([w], { lr: 1.05 });
      const afterEpoch: number[] = [];
      const history = await train({
        optimizer,
        loss: () => d.sum(d.square(d.sub(w.value, 3))),
        data: [0],
        epochs: 10,
        earlyStopping: { monitor: 'loss', patience: 3, restoreBest: true },
        callbacks: { onEpochEnd: async () => void afterEpoch.push((await w.value.data())[0]) },
      });
      expect(history.epochs).toHaveLength(4);
      expect(history.bestEpoch).toBe(0);
      expect(history.restoredBest).toBe(true);
      expect(await values(w.value)).toEqual([afterEpoch[0]]);
      expect(w.value.requiresGrad).toBe(true);
      w.value.dispose();
      optimizer.dispose();
    }));

  it('reports progress, runs callbacks in order, validates, and schedules the learning rate', () =>
    expectNoLeak(async () => {
      const net = xorNet(2);
      const optimizer = new SGD(net.p, { lr: 0.4 });
      const batch = xorData();
      const events: ProgressEvent[] = [];
      const calls: string[] = [];
      let ended: History | undefined;
      const history = await train({
        optimizer,
        loss: net.loss,
        data: [batch, batch, batch],
        validation: { data: [batch] },
        metrics: { accuracy: binaryAccuracy((b: Batch) => b.y) },
        epochs: 4,
        schedule: stepDecay({ stepSize: 2, gamma: 0.5 }),
        onProgress: (e) => events.push(e),
        callbacks: [
          {
            onTrainBegin: () => void calls.push('begin'),
            onEpochBegin: (e) => void calls.push(`epoch ${e}`),
            onStep: (e) => void calls.push(`step ${e.step}`),
            onEpochEnd: (e, logs) => void calls.push(`end ${e} ${Object.keys(logs).sort().join(',')}`),
            onTrainEnd: (h) => {
              ended = h;
              calls.push('done');
            },
          },
        ],
      });
      expect(calls.slice(0, 6)).toEqual([
        'begin',
        'epoch 0',
        'step 1',
        'step 2',
        'step 3',
        'end 0 accuracy,loss,lr,val_accuracy,val_loss',
      ]);
      expect(calls.at(-1)).toBe('done');
      expect(ended).toBe(history);
      const steps = events.filter((e) => e.type === 'step');
      expect(steps).toHaveLength(12);
      expect(steps.every((e) => e.stepsPerEpoch === 3 && e.epochs === 4)).toBe(true);
      expect(steps.map((e) => e.lr)).toEqual([0.4, 0.4, 0.4, 0.4, 0.4, 0.4, 0.2, 0.2, 0.2, 0.2, 0.2, 0.2]);
      const ends = events.filter((e) => e.type === 'epochEnd');
      expect(ends.map((e) => e.epoch)).toEqual([0, 1, 2, 3]);
      // the epoch loss is the mean of its steps (equal batch sizes)
      const epoch0 = steps.slice(0, 3).reduce((s, e) => s + e.loss, 0) / 3;
      expect(ends[0].loss).toBeCloseTo(epoch0, 6);
      expect(history.epochs[3].lr).toBe(0.2);
      expect(Object.keys(history.epochs[0]).sort()).toEqual(
        ['accuracy', 'epoch', 'loss', 'lr', 'val_accuracy', 'val_loss'].sort(),
      );
      d.dispose(batch);
      net.dispose();
      optimizer.dispose();
    }));

  it('schedules per step, reduces on plateau, and stops from a callback', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([1]));
      const optimizer = new SGD([w], { lr: 0.1 });
      const lrs: number[] = [];
      await train({
        optimizer,
        loss: () => d.sum(d.square(w.value)),
        data: [0, 1],
        epochs: 3,
        schedule: cosineAnnealing({ tMax: 6 }),
        scheduleUnit: 'step',
        onProgress: (e) => {
          if (e.type === 'step') lrs.push(e.lr);
        },
      });
      expectClose(
        lrs,
        [0, 1, 2, 3, 4, 5].map((t) => cosineAnnealing({ tMax: 6 })(t, 0.1)),
        1e-12,
        1e-15,
      );

      optimizer.lr = 0.1;
      const frozen = new SGD([w], { lr: 0 });
      const plateau = new ReduceLrOnPlateau({ patience: 0, factor: 0.5 });
      const epochLrs: number[] = [];
      const h = await train({
        optimizer: frozen,
        loss: () => d.sum(d.square(w.value)),
        data: [0],
        epochs: 10,
        schedule: plateau,
        callbacks: {
          onEpochEnd: (epoch, logs, ctx) => {
            epochLrs.push(logs.lr);
            if (epoch === 3) ctx.stop();
          },
        },
      });
      expect(h.epochs).toHaveLength(4);
      expect(epochLrs).toEqual([0, 0, 0, 0]); // lr 0 stays 0 under any factor
      const p2 = new ReduceLrOnPlateau({ patience: 0, factor: 0.5 });
      const slow = new SGD([w], { lr: 1e-9 });
      const lr2: number[] = [];
      await train({
        optimizer: slow,
        loss: () => d.sum(d.square(w.value)),
        data: [0],
        epochs: 3,
        schedule: p2,
        callbacks: { onEpochEnd: (_e, logs) => void lr2.push(logs.lr) },
      });
      // epoch 0 sets the best; epoch 1 is not 1e-4 better (patience 0): halved for epoch 2
      expectClose(lr2, [1e-9, 1e-9, 5e-10], 1e-12, 0);
      w.value.dispose();
      for (const o of [optimizer, frozen, slow]) o.dispose();
    }));

  it('takes async generators, learns stepsPerEpoch, and caps endless streams', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([1]));
      const optimizer = new SGD([w], { lr: 0.1 });
      const perEpoch: (number | undefined)[] = [];
      await train({
        optimizer,
        loss: (b: d.Tensor) => d.sum(d.square(d.sub(w.value, b))),
        data: async function* () {
          for (let i = 0; i < 3; i++) {
            await Promise.resolve();
            yield d.tensor([i]);
          }
        },
        epochs: 2,
        onProgress: (e) => {
          if (e.type === 'step') perEpoch.push(e.stepsPerEpoch);
        },
      });
      expect(perEpoch).toEqual([undefined, undefined, undefined, 3, 3, 3]);
      let drawn = 0;
      const h = await train({
        optimizer,
        loss: () => d.sum(d.square(w.value)),
        data: function* () {
          for (;;) yield drawn++;
        },
        stepsPerEpoch: 5,
        epochs: 2,
      });
      expect(h.steps).toBe(10);
      expect(drawn).toBe(10);
      w.value.dispose();
      optimizer.dispose();
    }));

  it('gives seeded data functions the same Rng streams in every run', async () => {
    const draws = async () => {
      const w = parameterRef(d.tensor([1]));
      const optimizer = new SGD([w], { lr: 0.1 });
      const seen: number[][] = [];
      await train({
        optimizer,
        loss: () => d.sum(d.square(w.value)),
        data: ({ rng }) => {
          const order = Array.from(rng.permutation(4));
          seen.push(order);
          return order;
        },
        epochs: 3,
        seed: 42,
      });
      w.value.dispose();
      return seen;
    };
    const a = await draws();
    expect(await draws()).toEqual(a);
    expect(a[0]).not.toEqual(a[1]);
  });

  it('refuses bad input with typed errors and leaks nothing when a step fails', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([1, 2]));
      const other = parameterRef(d.tensor([3]));
      const optimizer = new SGD([w], { lr: 0.1 });
      const loss = () => d.sum(d.square(w.value));
      const used = (function* () {
        yield 1;
      })();
      await expect(train({ optimizer, loss, data: used, epochs: 2 })).rejects.toThrowError(
        /data produced no batches in epoch 1; a generator is used up after one epoch/,
      );
      await expect(train({ optimizer, loss, data: [1], epochs: 0 })).rejects.toThrowError(
        /train: epochs must be a positive integer/,
      );
      await expect(
        train({ optimizer, loss: () => d.square(w.value), data: [1], epochs: 1 }),
      ).rejects.toThrowError(/the loss must be a one-element float32 tensor, got float32\[2\]/);
      await expect(
        train({ optimizer, loss, data: [1], epochs: 1, metrics: { acc: binaryAccuracy(() => w.value) } }),
      ).rejects.toThrowError(/return \{ loss, output \} from the loss function/);
      await expect(train({ optimizer, loss, data: [1], epochs: 1, params: [other] })).rejects.toThrowError(
        /must be one of the optimizer's parameters/,
      );
      await expect(
        train({ optimizer, loss: () => d.sum(other.value), data: [1], epochs: 1 }),
      ).rejects.toThrowError(/the loss does not depend on any trainable parameter/);
      await expect(
        train({ optimizer, loss, data: [1], epochs: 2, earlyStopping: { monitor: 'val_loss' } }),
      ).rejects.toThrowError(/monitor 'val_loss' is not in the epoch logs; available: loss, lr/);
      await expect(
        train({ optimizer, loss, data: 5 as unknown as number[], epochs: 1 }),
      ).rejects.toThrowError(d.ArgumentError);
      d.dispose([w.value, other.value]);
      optimizer.dispose();
    }));
});

describe('parameters held by objects (as modules hold them)', () => {
  it('updates whatever object exposes `value`', () =>
    expectNoLeak(async () => {
      class Parameter implements ParameterRef {
        constructor(
          public value: d.Tensor,
          readonly name: string,
        ) {}
      }
      const p = new Parameter(d.tensor([4]), 'scale');
      const optimizer = new SGD({ scale: p }, { lr: 0.25 });
      await train({ optimizer, loss: () => d.sum(d.square(p.value)), data: [0], epochs: 1 });
      expect(await values(p.value)).toEqual([2]); // 4 − 0.25·8
      p.value.dispose();
    }));
});
