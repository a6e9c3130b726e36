// The timed two-way choice the thread gate and the shaped kernels' helpers share: where ties go, costs
// per unit of work, and medians that one preempted call cannot sway (the clock is mocked: no timed
// assertions).
import { describe, expect, it, vi } from 'vitest';
import { median, PROBES_PER_WAY, TimedChoice, type TimedChoiceOptions } from '../src/runtime/timed-choice.js';

/**
 * The ways `choice` ran over `calls` calls of one kind; call i of the first way costs `firstMs(i)` (or
 * that constant), of the second `secondMs(i)`.
 */
function ways(
  options: TimedChoiceOptions,
  calls: number,
  firstMs: number | ((i: number) => number),
  secondMs: number | ((i: number) => number),
  work?: number,
) {
  const cost = (ms: number | ((i: number) => number), i: number) => (typeof ms === 'number' ? ms : ms(i));
  let now = 0;
  const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
  try {
    const choice = new TimedChoice(options);
    const ran: string[] = [];
    let firsts = 0;
    let seconds = 0;
    for (let i = 0; i < calls; i++)
      ran.push(
        choice.run(
          'k',
          () => {
            now += cost(firstMs, firsts++);
            return 'first';
          },
          () => {
            now += cost(secondMs, seconds++);
            return 'second';
          },
          work,
        ),
      );
    return ran;
  } finally {
    clock.mockRestore();
  }
}

const options: TimedChoiceOptions = { retryEvery: 10, window: 5, preferred: 'first', margin: 1 };
const probes = 1 + 2 * PROBES_PER_WAY;

describe('median', () => {
  it('is the middle value, or the mean of the middle two', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });
});

describe('TimedChoice', () => {
  it('starts untimed on the first way, then alternates three timed calls of each', () => {
    expect(ways(options, probes, 1, 2)).toEqual([
      'first',
      'first',
      'second',
      'first',
      'second',
      'first',
      'second',
    ]);
  });

  it('keeps the faster way and retries the other every retryEvery calls', () => {
    const ran = ways(options, 21, 3, 2);
    expect(ran.slice(probes).filter((w) => w === 'first')).toHaveLength(2);
    expect(ran[10]).toBe('first');
    expect(ran[20]).toBe('first');
  });

  it('ties go to the preferred way', () => {
    expect(ways(options, probes + 2, 2, 2).slice(probes)).toEqual(['first', 'first']);
    expect(ways({ ...options, preferred: 'second' }, probes + 2, 2, 2).slice(probes)).toEqual([
      'second',
      'second',
    ]);
  });

  it('the other way must beat margin times the preferred one', () => {
    const clearly = { ...options, preferred: 'second' as const, margin: 0.9 };
    expect(ways(clearly, probes + 2, 1.7, 2).slice(probes)).toEqual(['first', 'first']);
    expect(ways(clearly, probes + 2, 1.9, 2).slice(probes)).toEqual(['second', 'second']);
  });

  it('one preempted call does not decide: the first way stays kept after a 20 ms probe', () => {
    // The first way's first timed call (its call 1; call 0 is the untimed one) is preempted.
    const ran = ways(options, 30, (i) => (i === 1 ? 20 : 1), 2);
    expect(ran.slice(probes).filter((w) => w === 'second')).toHaveLength(2);
  });

  it('nor does one fast retry of the slower way', () => {
    // The second way runs at 2 ms, except its first retry (its call 3) at 0.1 ms.
    const ran = ways(options, 21, 1, (i) => (i === 3 ? 0.1 : 2));
    expect(ran.slice(probes).filter((w) => w === 'second')).toHaveLength(2);
  });

  it('follows a lasting change of the load within a window of retries', () => {
    // From its call 10 on, the first way costs 5 ms against the second's 2.
    const ran = ways(options, 40, (i) => (i < 10 ? 1 : 5), 2);
    expect(ran.slice(-8).every((w) => w === 'second')).toBe(true);
  });

  it('the same choices per unit of work as in ms', () => {
    expect(ways(options, 20, 3, 2, 1e6)).toEqual(ways(options, 20, 3, 2));
  });
});
