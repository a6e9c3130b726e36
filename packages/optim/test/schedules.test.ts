// Learning-rate schedules against their closed forms, warm-up composition, and ReduceLrOnPlateau's
// bookkeeping (patience, threshold, cooldown, floor) step by step.
import { ArgumentError } from '@dendrite/core';
import { describe, expect, it } from 'vitest';
import {
  constantLr,
  cosineAnnealing,
  exponentialDecay,
  linearWarmup,
  ReduceLrOnPlateau,
  stepDecay,
} from '../src/index.js';

const T = Array.from({ length: 12 }, (_, t) => t);
function expectSeries(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  for (let i = 0; i < expected.length; i++) expect(actual[i]).toBeCloseTo(expected[i], 12);
}

describe('learning-rate schedules', () => {
  it('constant', () =>
    expectSeries(
      T.map((t) => constantLr()(t, 0.3)),
      T.map(() => 0.3),
    ));

  it('step decay: base·gamma^⌊t/stepSize⌋', () => {
    const s = stepDecay({ stepSize: 3, gamma: 0.5 });
    expectSeries(
      T.map((t) => s(t, 0.1)),
      [0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.0125, 0.0125, 0.0125],
    );
    expect(stepDecay({ stepSize: 1 })(2, 1)).toBeCloseTo(0.01, 12); // default gamma 0.1
  });

  it('exponential decay: base·gamma^t', () => {
    const s = exponentialDecay({ gamma: 0.9 });
    expectSeries(
      T.map((t) => s(t, 0.2)),
      T.map((t) => 0.2 * 0.9 ** t),
    );
  });

  it('cosine annealing from base to minLr over tMax', () => {
    const s = cosineAnnealing({ tMax: 10, minLr: 0.001 });
    expect(s(0, 0.1)).toBeCloseTo(0.1, 12);
    expect(s(5, 0.1)).toBeCloseTo(0.0505, 12);
    expect(s(10, 0.1)).toBeCloseTo(0.001, 12);
    expectSeries(
      T.map((t) => s(t, 0.1)),
      T.map((t) => 0.001 + 0.5 * (0.1 - 0.001) * (1 + Math.cos((Math.PI * t) / 10))),
    );
  });

  it('linear warm-up, alone and in front of cosine annealing', () => {
    const warm = linearWarmup({ warmupSteps: 4 });
    expectSeries(
      T.slice(0, 6).map((t) => warm(t, 0.8)),
      [0, 0.2, 0.4, 0.6, 0.8, 0.8],
    );
    const fromHalf = linearWarmup({ warmupSteps: 2, startFactor: 0.5 });
    expectSeries(
      [0, 1, 2].map((t) => fromHalf(t, 1)),
      [0.5, 0.75, 1],
    );
    const cosine = cosineAnnealing({ tMax: 4 });
    const both = linearWarmup({ warmupSteps: 2, after: cosine });
    expectSeries(
      [0, 1, 2, 3, 4, 5, 6].map((t) => both(t, 1)),
      [0, 0.5, 1, cosine(1, 1), cosine(2, 1), cosine(3, 1), 0],
    );
  });

  it('refuses bad settings', () => {
    expect(() => stepDecay({ stepSize: 0 })).toThrowError(/stepDecay: stepSize must be a positive integer/);
    expect(() => exponentialDecay({ gamma: -1 })).toThrowError(ArgumentError);
    expect(() => cosineAnnealing({ tMax: 2.5 })).toThrowError(ArgumentError);
    expect(() => linearWarmup({ warmupSteps: -1 })).toThrowError(ArgumentError);
  });
});

describe('ReduceLrOnPlateau', () => {
  it('reduces after patience epochs without improvement, then cools down', () => {
    const p = new ReduceLrOnPlateau({ factor: 0.5, patience: 1, cooldown: 1, threshold: 0.1, minLr: 0.02 });
    let lr = 0.1;
    const seen: number[] = [];
    // 1.0 best; 0.95 is within the 10% relative threshold (no improvement); 0.95 again: 2 bad > patience 1
    for (const metric of [1.0, 0.95, 0.95, 0.95, 0.95, 0.95, 0.5, 0.5, 0.5]) {
      lr = p.step(metric, lr);
      seen.push(lr);
    }
    expectSeries(seen, [0.1, 0.1, 0.05, 0.05, 0.05, 0.025, 0.025, 0.025, 0.02]);
  });

  it('max mode and absolute thresholds', () => {
    const p = new ReduceLrOnPlateau({ mode: 'max', patience: 0, thresholdMode: 'abs', threshold: 0.05 });
    expect(p.step(0.5, 1)).toBe(1);
    expect(p.step(0.56, 1)).toBe(1); // +0.06 > 0.05: better
    expect(p.step(0.6, 1)).toBeCloseTo(0.1, 12); // +0.04: not better, patience 0
  });

  it('refuses bad settings', () => {
    expect(() => new ReduceLrOnPlateau({ factor: 1 })).toThrowError(/factor must be below 1/);
    expect(() => new ReduceLrOnPlateau({ mode: 'up' as 'min' })).toThrowError(ArgumentError);
  });
});
