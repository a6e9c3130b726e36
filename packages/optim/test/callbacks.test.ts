// The callback API as users write it: the context (params, live history, stop, record), the order of
// hooks, onTrainError when a run fails, and evaluate() on its own.
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  EarlyStopping,
  evaluate,
  parameterRef,
  ReduceLrOnPlateau,
  SGD,
  type TrainCallbacks,
  train,
} from '../src/index.js';
import { expectNoLeak, useCpu } from './helpers.js';

beforeAll(() => useCpu());

describe('callbacks', () => {
  it('see the parameters and the live history, and stop() marks the run as stopped early', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([1]));
      const optimizer = new SGD([w], { lr: 0.1 });
      const seen: string[] = [];
      const watcher: TrainCallbacks = {
        onTrainBegin: (ctx) => void seen.push(`begin ${ctx.params.length} ${ctx.params[0] === w}`),
        onEpochEnd: (epoch, _logs, ctx) => {
          seen.push(`end ${epoch} ${ctx.history.epochs.length} ${ctx.history.steps}`);
          if (epoch === 1) ctx.stop();
        },
        onTrainEnd: (h, ctx) => {
          ctx.record({ bestEpoch: 7 });
          seen.push(`done ${h.stoppedEarly}`);
        },
      };
      const history = await train({
        optimizer,
        loss: () => d.sum(d.square(w.value)),
        data: [0, 1],
        epochs: 5,
        callbacks: watcher,
      });
      expect(seen).toEqual(['begin 1 true', 'end 0 1 2', 'end 1 2 4', 'done true']);
      expect(history.stoppedEarly).toBe(true);
      expect(history.bestEpoch).toBe(7);
      w.value.dispose();
      optimizer.dispose();
    }));

  it('onTrainError runs (instead of onTrainEnd) when a run fails, and the error is rethrown', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([1]));
      const optimizer = new SGD([w], { lr: 0.1 });
      const seen: string[] = [];
      const failure = new Error('a batch went wrong');
      await expect(
        train({
          optimizer,
          loss: (b: number) => {
            if (b === 1) throw failure;
            return d.sum(d.square(w.value));
          },
          data: [0, 1],
          epochs: 2,
          callbacks: {
            onTrainEnd: () => void seen.push('end'),
            onTrainError: (e, ctx) => void seen.push(`error ${e === failure} after ${ctx.history.steps}`),
          },
        }),
      ).rejects.toBe(failure);
      expect(seen).toEqual(['error true after 1']);
      w.value.dispose();
      optimizer.dispose();
    }));

  it('EarlyStopping and ReduceLrOnPlateau work from `callbacks` like the shorthand options', () =>
    expectNoLeak(async () => {
      const run = async (asCallbacks: boolean) => {
        const w = parameterRef(d.tensor([1]));
        const optimizer = new SGD([w], { lr: 0 });
        const lrs: number[] = [];
        const early = { monitor: 'loss', patience: 3 };
        const history = await train({
          optimizer,
          loss: () => d.sum(d.square(w.value)),
          data: [0],
          epochs: 10,
          ...(asCallbacks
            ? { callbacks: [new ReduceLrOnPlateau({ patience: 0 }), new EarlyStopping(early)] }
            : { schedule: new ReduceLrOnPlateau({ patience: 0 }), earlyStopping: early }),
          onProgress: (e) => void (e.type === 'epochEnd' && lrs.push(e.lr)),
        });
        w.value.dispose();
        optimizer.dispose();
        return { epochs: history.epochs.length, best: history.bestEpoch, lrs };
      };
      const viaOptions = await run(false);
      expect(viaOptions).toEqual({ epochs: 4, best: 0, lrs: [0, 0, 0, 0] });
      expect(await run(true)).toEqual(viaOptions);
    }));

  it('evaluate() gives weighted means without touching the parameters', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([2]));
      const batches = [d.tensor([1, 2]), d.tensor([3])];
      const logs = await evaluate({
        loss: (x: d.Tensor) => {
          const output = d.mul(x, w.value);
          return { loss: d.mean(output), output };
        },
        data: batches,
        metrics: { biggest: (output) => d.max(output) },
        prefix: 'val_',
      });
      // batch means 3 (size 2) and 6 (size 1): (3·2 + 6)/3 = 4; max 4 and 6: (4·2 + 6)/3
      expect(logs).toEqual({ val_loss: 4, val_biggest: 14 / 3 });
      expect(Array.from(await w.value.data())).toEqual([2]);
      d.dispose([w.value, ...batches]);
    }));
});
