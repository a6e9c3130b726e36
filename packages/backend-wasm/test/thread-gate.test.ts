// The thread gate's choice for large calls: the pool or the calling thread, whichever has been faster
// for calls of the same kind (on a machine whose cores are taken by other processes the pool can lose).
import { describe, expect, it } from 'vitest';
import { THREAD_WORK_THRESHOLD, ThreadGate } from '../src/runtime/thread-gate.js';

/** A gate over a fake heap: the pool pointer at word 4, get_threads_count -1 while it is NULL. */
function fakeGate() {
  const heap = new Int32Array(8);
  heap[4] = 1234;
  const gate = ThreadGate.verify(
    () => heap,
    16,
    () => (heap[4] === 0 ? -1 : 2),
    2,
  )!;
  expect(gate).not.toBeNull();
  return { gate, pooled: () => heap[4] !== 0 };
}

function busy(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until);
}

describe('thread gate', () => {
  for (const [slower, pooledMs, singleMs] of [
    ['the pool', 6, 1],
    ['the calling thread', 1, 6],
  ] as const) {
    it(`keeps to the faster choice when ${slower} is slower, retrying the other now and then`, () => {
      const { gate, pooled } = fakeGate();
      let onPool = 0;
      const calls = 40;
      for (let i = 0; i < calls; i++) {
        gate.run(
          THREAD_WORK_THRESHOLD,
          () => {
            const p = pooled();
            if (p) onPool++;
            busy(p ? pooledMs : singleMs);
          },
          undefined,
          'Conv2D',
        );
      }
      // 1 untimed + 2 timed on each side, then the faster one except every 16th call (36 and 4 of 40
      // when every time is as planned; a busy machine can stretch a few).
      const onFaster = pooledMs < singleMs ? onPool : calls - onPool;
      expect(onFaster).toBeGreaterThanOrEqual(30);
      expect(calls - onFaster).toBeGreaterThanOrEqual(2);
    });
  }

  it('without a kind, large calls always use the pool and small ones never', () => {
    const { gate, pooled } = fakeGate();
    expect(gate.run(THREAD_WORK_THRESHOLD, pooled)).toBe(true);
    expect(gate.run(THREAD_WORK_THRESHOLD - 1, pooled, undefined, 'Conv2D')).toBe(false);
    expect(pooled()).toBe(true);
  });
});
