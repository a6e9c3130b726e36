// Divergence caught: a loss that becomes ±Infinity or NaN stops train() with DivergenceError naming the
// epoch and step (before the bad update), or is skipped / continued on request; checkNumerics names the
// first op whose output was not finite; early stopping and reduce-on-plateau never count NaN or
// ±Infinity as progress, and restoreBest puts back the best finite state. Runs on backend-cpu, and in the
// deferred project on backend-cpu run as a GPU (the numerics check then settles at the step's read).
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DivergenceError,
  EarlyStopping,
  type LrSchedule,
  parameterRef,
  ReduceLrOnPlateau,
  SGD,
  train,
} from '../src/index.js';
import { expectNoLeak, useCpu, values } from './helpers.js';

beforeAll(() => useCpu());

/** (w·x)² with w = 1, x = 1: SGD with lr 1e6 multiplies w by about −2e6 a step, so w² overflows at step 5. */
function exploding(lr = 1e6) {
  const w = parameterRef(d.tensor([1]));
  const x = d.tensor([1]);
  const optimizer = new SGD([w], { lr });
  const loss = () => d.sum(d.square(d.mul(w.value, x)));
  const dispose = () => {
    d.dispose([w.value, x]);
    optimizer.dispose();
  };
  return { w, optimizer, loss, dispose };
}

const tenSteps = Array.from({ length: 10 }, (_, i) => i);

describe('a diverging run', () => {
  it('stops with DivergenceError naming the epoch and step, before the bad update', () =>
    expectNoLeak(async () => {
      const run = exploding();
      const losses: number[] = [];
      const error = await train({
        optimizer: run.optimizer,
        loss: run.loss,
        data: tenSteps,
        epochs: 3,
        onProgress: (e) => void (e.type === 'step' && losses.push(e.loss)),
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DivergenceError);
      expect(error).toBeInstanceOf(d.NonFiniteError);
      const e = error as DivergenceError;
      expect(e.message).toMatch(/^train: the loss became Infinity at epoch 0, step 5 \(step 5 of the run\)/);
      expect([e.epoch, e.step, e.loss]).toEqual([0, 5, Infinity]);
      expect(losses).toHaveLength(4);
      expect(losses.every(Number.isFinite)).toBe(true);
      // the parameters are those before step 5: finite
      const [w] = await values(run.w.value);
      expect(Number.isFinite(w)).toBe(true);
      expect(Math.abs(w)).toBeGreaterThan(1e24);
      run.dispose();
    }));

  it('with checkNumerics names the first op whose output was not finite, with its inputs', () =>
    expectNoLeak(async () => {
      const run = exploding();
      const error = await train({
        optimizer: run.optimizer,
        loss: run.loss,
        data: tenSteps,
        epochs: 1,
        checkNumerics: true,
      }).catch((e: unknown) => e);
      expect(d.isCheckingNumerics()).toBe(false); // restored after the run
      expect(error).toBeInstanceOf(DivergenceError);
      const e = error as DivergenceError;
      // w·x ≈ 1.6e25 is finite; its square is the first non-finite value
      expect(e.message).toMatch(/at epoch 0, step 5 \(step 5 of the run\), first in op 'square'/);
      expect(e.message).toMatch(/output float32\[1\] \(.*\) is not finite/);
      expect(e.message).toMatch(/inputs: #0 float32\[1\] min -?1\.\d+e\+25 max -?1\.\d+e\+25, NaN 0/);
      expect(e.cause).toBeInstanceOf(d.NonFiniteError);
      expect((e.cause as d.NonFiniteError).op).toBe('square');
      run.dispose();
    }));

  it('with checkNumerics, a run that stays finite ends normally and leaves nothing behind', () =>
    expectNoLeak(async () => {
      const run = exploding(0.1);
      const history = await train({
        optimizer: run.optimizer,
        loss: run.loss,
        data: tenSteps,
        epochs: 2,
        checkNumerics: true,
      });
      expect(history.steps).toBe(20);
      expect(history.epochs[1].loss).toBeLessThan(history.epochs[0].loss);
      run.dispose();
    }));

  it("goes on with onNonFinite 'skip' (no update) or 'continue' (the update applied)", () =>
    expectNoLeak(async () => {
      const skip = exploding();
      const skipped = await train({
        optimizer: skip.optimizer,
        loss: skip.loss,
        data: tenSteps,
        epochs: 1,
        onNonFinite: 'skip',
      });
      // every step from the 5th sees the same infinite loss and is dropped
      expect(skipped.nonFiniteSteps).toBe(6);
      expect(Number.isFinite(skipped.epochs[0].loss)).toBe(true);
      expect(Number.isFinite((await values(skip.w.value))[0])).toBe(true);
      skip.dispose();

      const cont = exploding();
      const continued = await train({
        optimizer: cont.optimizer,
        loss: cont.loss,
        data: tenSteps,
        epochs: 1,
        onNonFinite: 'continue',
      });
      expect(continued.nonFiniteSteps).toBeGreaterThan(0);
      expect(Number.isFinite(continued.epochs[0].loss)).toBe(false);
      expect(Number.isFinite((await values(cont.w.value))[0])).toBe(false);
      cont.dispose();
      await expect(
        train({
          optimizer: cont.optimizer,
          loss: cont.loss,
          data: [0],
          epochs: 1,
          onNonFinite: 'ignore' as 'skip',
        }),
      ).rejects.toThrowError("train: onNonFinite must be 'stop', 'skip', 'continue'; got 'ignore'");
    }));

  it('restoreBest puts back the best finite epoch when the run diverges later', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([1]));
      const optimizer = new SGD([w], { lr: 0.1 });
      // converges for three epochs, then explodes
      const schedule: LrSchedule = (epoch) => (epoch < 3 ? 0.1 : 1e6);
      const afterEpoch: number[] = [];
      const error = await train({
        optimizer,
        loss: () => d.sum(d.square(w.value)),
        data: [0],
        epochs: 20,
        schedule,
        earlyStopping: { monitor: 'loss', patience: 50, restoreBest: true },
        callbacks: { onEpochEnd: async () => void afterEpoch.push((await w.value.data())[0]) },
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DivergenceError);
      expect((error as DivergenceError).epoch).toBeGreaterThan(3);
      // epoch 3's loss was measured before its exploding update: the best is epoch 3
      expect(await values(w.value)).toEqual([afterEpoch[3]]);
      w.value.dispose();
      optimizer.dispose();
    }));

  it('restoreBest puts back the starting parameters when no epoch was finite', () =>
    expectNoLeak(async () => {
      const w = parameterRef(d.tensor([2]));
      const optimizer = new SGD([w], { lr: 0.1 });
      const history = await train({
        optimizer,
        loss: () => d.mul(d.sum(w.value), Number.NaN),
        data: [0],
        epochs: 3,
        onNonFinite: 'continue',
        earlyStopping: { patience: 1, restoreBest: true },
      });
      expect(history.bestEpoch).toBe(-1);
      expect(history.restoredBest).toBe(true);
      expect(history.stoppedEarly).toBe(true);
      expect(await values(w.value)).toEqual([2]);
      w.value.dispose();
      optimizer.dispose();
    }));
});

describe('NaN and ±Infinity are never progress', () => {
  it('for early stopping, used as a callback like any other', () =>
    expectNoLeak(async () => {
      const early = new EarlyStopping({ monitor: 'loss', patience: 3 });
      const w = parameterRef(d.tensor([1]));
      const optimizer = new SGD([w], { lr: 0 });
      const sequence = [3, Number.NaN, -Infinity, 2.5, Number.NaN, Number.NaN];
      let epoch = 0;
      const history = await train({
        optimizer,
        // the loss is a fixed sequence per epoch (plus 0·w so it depends on the parameter)
        loss: () => d.add(d.mul(d.sum(w.value), 0), sequence[epoch]),
        data: [0],
        epochs: sequence.length,
        onNonFinite: 'continue',
        callbacks: [early, { onEpochEnd: () => void epoch++ }],
      });
      expect(history.bestEpoch).toBe(3);
      expect(early.best).toBe(2.5);
      expect(history.epochs).toHaveLength(6); // epochs 1, 2 (and 4, 5) made no progress: patience 3 not reached
      expect(history.stoppedEarly).toBe(false); // …which were the last anyway
      w.value.dispose();
      optimizer.dispose();
    }));

  it('for reduce-on-plateau', () => {
    const plateau = new ReduceLrOnPlateau({ patience: 1, factor: 0.5 });
    let lr = 1;
    lr = plateau.step(1, lr); // best 1
    lr = plateau.step(-Infinity, lr); // not progress (bad epoch 1)
    expect(lr).toBe(1);
    lr = plateau.step(Number.NaN, lr); // bad epoch 2 > patience: reduce
    expect(lr).toBe(0.5);
    lr = plateau.step(0.99999, lr); // within threshold of the best (1), so −Infinity did not become it
    lr = plateau.step(0.5, lr); // progress against 1
    expect(lr).toBe(0.5);
  });
});
