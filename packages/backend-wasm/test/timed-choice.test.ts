// The timed two-way choice the thread gate and the shaped kernels' helpers share: where ties go, and
// costs per unit of work (the clock is mocked: no timed assertions).
import { describe, expect, it, vi } from 'vitest';
import { TimedChoice, type TimedChoiceOptions } from '../src/runtime/timed-choice.js';

/**
 * A choice under a mocked clock: `call(firstMs, secondMs)` runs one call of kind 'k' whose first way
 * costs `firstMs` and second `secondMs`, and `ran` lists the ways taken. `restore` the clock after.
 */
function mockedChoice(options: TimedChoiceOptions, work?: number) {
  let now = 0;
  const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
  const choice = new TimedChoice(options);
  const ran: string[] = [];
  const way = (name: string, ms: number) => () => {
    now += ms;
    return name;
  };
  return {
    ran,
    call: (firstMs: number, secondMs: number) =>
      ran.push(choice.run('k', way('first', firstMs), way('second', secondMs), work)),
    restore: () => clock.mockRestore(),
  };
}

/** The ways `choice` ran over `calls` calls of one kind, the first costing `firstMs`, the second `secondMs`. */
function ways(options: TimedChoiceOptions, calls: number, firstMs: number, secondMs: number, work?: number) {
  const m = mockedChoice(options, work);
  try {
    for (let i = 0; i < calls; i++) m.call(firstMs, secondMs);
    return m.ran;
  } finally {
    m.restore();
  }
}

const options: TimedChoiceOptions = { retryEvery: 8, warmUp: 2, window: 3, preferred: 'first', margin: 1 };
/** 1 untimed call, then 2 · (warmUp + window) alternating. */
const OPENING = 11;

describe('TimedChoice', () => {
  it('starts untimed on the first way, then alternates through the opening', () => {
    expect(new TimedChoice(options).openingCalls).toBe(OPENING);
    expect(ways(options, OPENING, 1, 2)).toEqual([
      'first',
      ...Array.from({ length: OPENING - 1 }, (_, i) => (i % 2 === 0 ? 'first' : 'second')),
    ]);
  });

  it('keeps the faster way and retries the other every retryEvery calls', () => {
    const all = ways(options, 25, 3, 2);
    const ran = all.slice(OPENING);
    expect(ran.filter((w) => w === 'first')).toHaveLength(2);
    expect(all[16]).toBe('first');
    expect(all[24]).toBe('first');
  });

  it('ties go to the preferred way', () => {
    expect(ways(options, OPENING + 2, 2, 2).slice(OPENING)).toEqual(['first', 'first']);
    expect(ways({ ...options, preferred: 'second' }, OPENING + 2, 2, 2).slice(OPENING)).toEqual([
      'second',
      'second',
    ]);
  });

  it('the other way must beat margin times the preferred one', () => {
    const clearly = { ...options, preferred: 'second' as const, margin: 0.9 };
    expect(ways(clearly, OPENING + 2, 1.7, 2).slice(OPENING)).toEqual(['first', 'first']);
    expect(ways(clearly, OPENING + 2, 1.9, 2).slice(OPENING)).toEqual(['second', 'second']);
  });

  it("a way's slow first calls (warm-up) and one outlier do not decide", () => {
    const m = mockedChoice({ ...options, preferred: 'second', margin: 0.9 });
    try {
      // The first way: 8 and 6 ms while it warms up, one 5 ms outlier later, 1 ms otherwise; the second 2 ms.
      const firstCosts = [0, 8, 6, 1, 5, 1];
      for (let i = 0; i < OPENING + 4; i++)
        m.call(firstCosts[m.ran.filter((w) => w === 'first').length] ?? 1, 2);
      expect(m.ran.slice(OPENING)).toEqual(['first', 'first', 'first', 'first']);
    } finally {
      m.restore();
    }
  });

  it('costs are the median of the last window timings: a way that became slow is left', () => {
    const m = mockedChoice(options);
    try {
      for (let i = 0; i < OPENING + 2; i++) m.call(1, 2);
      expect(m.ran.slice(OPENING)).toEqual(['first', 'first']);
      // The first way now costs 3 ms: after two of its calls the median of its last three is 3.
      for (let i = 0; i < 3; i++) m.call(3, 2);
      expect(m.ran.slice(-1)).toEqual(['second']);
    } finally {
      m.restore();
    }
  });

  it('the same choices per unit of work as in ms', () => {
    expect(ways(options, 20, 3, 2, 1e6)).toEqual(ways(options, 20, 3, 2));
  });
});
