import { describe, expect, it } from 'vitest';
import {
  classifyFailure,
  FULL_PLAN,
  isFlat,
  isReduced,
  measure,
  median,
  QUICK_PLAN,
  type StepEvent,
  shouldTimeMore,
  shouldWarmUp,
  type TimingPlan,
} from '../src/harness.js';

describe('median', () => {
  it('takes the middle of an odd count and the mean of the middle two of an even one', () => {
    expect(median([5])).toBe(5);
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });

  it('ignores outliers and does not reorder its input', () => {
    const xs = [10, 1000, 11, 9, 12];
    expect(median(xs)).toBe(11);
    expect(xs).toEqual([10, 1000, 11, 9, 12]);
  });

  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('iteration plan', () => {
  const plan: TimingPlan = {
    warmup: 3,
    minIterations: 10,
    minTimeMs: 3000,
    budgetMs: 60_000,
    floorIterations: 3,
    stepDeadlineMs: 60_000,
  };

  it('warms up the planned number of times when fast', () => {
    expect(shouldWarmUp(0, 0, plan)).toBe(true);
    expect(shouldWarmUp(2, 10, plan)).toBe(true);
    expect(shouldWarmUp(3, 10, plan)).toBe(false);
  });

  it('cuts warm-ups short for a slow peer, but always does one', () => {
    expect(shouldWarmUp(0, 999_999, plan)).toBe(true);
    expect(shouldWarmUp(1, 15_000, plan)).toBe(false);
  });

  it('needs both the iteration count and the minimum time', () => {
    expect(shouldTimeMore(5, 5000, 5000, plan)).toBe(true); // too few iterations
    expect(shouldTimeMore(10, 1000, 1000, plan)).toBe(true); // too little time
    expect(shouldTimeMore(10, 3000, 3000, plan)).toBe(false);
    expect(shouldTimeMore(200, 2999, 2999, plan)).toBe(true);
  });

  it('stops a slow peer at the budget, but not below the floor', () => {
    expect(shouldTimeMore(1, 50_000, 70_000, plan)).toBe(true);
    expect(shouldTimeMore(3, 50_000, 70_000, plan)).toBe(false);
  });

  it('flags a measurement that did less than planned', () => {
    expect(isReduced(3, 10, 3000, plan)).toBe(false);
    expect(isReduced(1, 10, 3000, plan)).toBe(true);
    expect(isReduced(3, 4, 3000, plan)).toBe(true);
    expect(isReduced(3, 10, 2000, plan)).toBe(true);
  });

  it('quick is lighter than full in every respect', () => {
    expect(QUICK_PLAN.warmup).toBeLessThan(FULL_PLAN.warmup);
    expect(QUICK_PLAN.minIterations).toBeLessThan(FULL_PLAN.minIterations);
    expect(QUICK_PLAN.minTimeMs).toBeLessThan(FULL_PLAN.minTimeMs);
    expect(QUICK_PLAN.budgetMs).toBeLessThan(FULL_PLAN.budgetMs);
    expect(QUICK_PLAN.stepDeadlineMs).toBeLessThan(FULL_PLAN.stepDeadlineMs);
  });
});

describe('measure (with a fake clock)', () => {
  it('runs warm-ups then the planned iterations and takes the median step time', async () => {
    let t = 0;
    const durations = [50, 50, 50, 4, 2, 3, 100, 1]; // 3 warm-ups, then 5 timed
    let calls = 0;
    const step = async () => {
      t += durations[calls++];
      return calls;
    };
    const plan: TimingPlan = {
      warmup: 3,
      minIterations: 5,
      minTimeMs: 0,
      budgetMs: 1e9,
      floorIterations: 1,
      stepDeadlineMs: 1e9,
    };
    const m = await measure(step, plan, { liveTensors: () => 7, now: () => t });
    expect(m.warmups).toBe(3);
    expect(m.iterations).toBe(5);
    expect(m.samplesMs).toEqual([4, 2, 3, 100, 1]);
    expect(m.medianMs).toBe(3);
    expect(m.firstValue).toBe(1);
    expect(m.lastValue).toBe(8);
    expect(m.reduced).toBe(false);
    expect(m.liveTensors).toEqual([7, 7, 7, 7, 7]);
    expect(m.leak).toBe(false);
  });

  it('reports live tensors that grow', async () => {
    let live = 0;
    const m = await measure(
      async () => {
        live++;
        return 0;
      },
      QUICK_PLAN,
      { liveTensors: () => live },
    );
    expect(m.leak).toBe(true);
  });

  it('reports the start and end of every step, warm-ups included, so a supervisor can time them', async () => {
    let t = 0;
    const events: StepEvent[] = [];
    const plan: TimingPlan = { ...QUICK_PLAN, warmup: 2, minIterations: 2, budgetMs: 1e9 };
    await measure(
      async () => {
        t += 10;
        return t;
      },
      plan,
      { onStep: (e) => events.push(e), now: () => t },
    );
    expect(events.map((e) => `${e.kind} ${e.phase} ${e.index}`)).toEqual([
      'start warm-up 1',
      'end warm-up 1',
      'start warm-up 2',
      'end warm-up 2',
      'start timed 1',
      'end timed 1',
      'start timed 2',
      'end timed 2',
    ]);
    expect(events[1]).toEqual({ kind: 'end', phase: 'warm-up', index: 1, ms: 10, value: 10 });
  });

  it('lets a failing step throw', async () => {
    await expect(measure(() => Promise.reject(new Error('boom')), QUICK_PLAN)).rejects.toThrow('boom');
  });
});

describe('isFlat and classifyFailure', () => {
  it('flat means unchanged', () => {
    expect(isFlat([])).toBe(true);
    expect(isFlat([4, 4, 4])).toBe(true);
    expect(isFlat([4, 5, 4])).toBe(false);
  });

  it("tells a missing kernel ('unsupported') from a real error", () => {
    expect(
      classifyFailure(new Error("Kernel 'Conv2DBackpropFilter' not registered for backend 'wasm'")).status,
    ).toBe('unsupported');
    expect(classifyFailure(new Error('shapes differ\nmore'))).toEqual({
      status: 'error',
      message: 'shapes differ',
    });
    expect(classifyFailure('plain string').message).toBe('plain string');
  });
});
