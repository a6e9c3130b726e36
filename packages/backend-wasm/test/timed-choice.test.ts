// The timed two-way choice the thread gate and the shaped kernels' helpers share: where ties go, and
// costs per unit of work (the clock is mocked: no timed assertions).
import { describe, expect, it, vi } from 'vitest';
import { TimedChoice, type TimedChoiceOptions } from '../src/runtime/timed-choice.js';

/** The ways `choice` ran over `calls` calls of one kind, the first costing `firstMs`, the second `secondMs`. */
function ways(options: TimedChoiceOptions, calls: number, firstMs: number, secondMs: number, work?: number) {
  let now = 0;
  const clock = vi.spyOn(performance, 'now').mockImplementation(() => now);
  try {
    const choice = new TimedChoice(options);
    const ran: string[] = [];
    for (let i = 0; i < calls; i++)
      ran.push(
        choice.run(
          'k',
          () => {
            now += firstMs;
            return 'first';
          },
          () => {
            now += secondMs;
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

const options: TimedChoiceOptions = { retryEvery: 8, averageWeight: 0.25, preferred: 'first', margin: 1 };

describe('TimedChoice', () => {
  it('starts untimed on the first way, then alternates four timed calls', () => {
    expect(ways(options, 5, 1, 2)).toEqual(['first', 'first', 'second', 'first', 'second']);
  });

  it('keeps the faster way and retries the other every retryEvery calls', () => {
    const ran = ways(options, 17, 3, 2).slice(5);
    expect(ran.filter((w) => w === 'first')).toHaveLength(2);
    expect(ways(options, 17, 3, 2)[8]).toBe('first');
    expect(ways(options, 17, 3, 2)[16]).toBe('first');
  });

  it('ties go to the preferred way', () => {
    expect(ways(options, 7, 2, 2).slice(5)).toEqual(['first', 'first']);
    expect(ways({ ...options, preferred: 'second' }, 7, 2, 2).slice(5)).toEqual(['second', 'second']);
  });

  it('the other way must beat margin times the preferred one', () => {
    const clearly = { ...options, preferred: 'second' as const, margin: 0.9 };
    expect(ways(clearly, 7, 1.7, 2).slice(5)).toEqual(['first', 'first']);
    expect(ways(clearly, 7, 1.9, 2).slice(5)).toEqual(['second', 'second']);
  });

  it('the same choices per unit of work as in ms', () => {
    expect(ways(options, 20, 3, 2, 1e6)).toEqual(ways(options, 20, 3, 2));
  });
});
