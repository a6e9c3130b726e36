/**
 * The helper threads' hand-out: the caller never waits for a helper that has not joined (on a busy
 * machine a woken helper may not run for milliseconds), and every column tile is run exactly once.
 */
import { describe, expect, it } from 'vitest';
import { GEMM_COLS } from '../src/codegen/gemm.js';
import { KernelWorkers, type SpawnHelper } from '../src/runtime/kernel-workers.js';

const TILE_BYTES = GEMM_COLS * 4;

describe('kernel workers', () => {
  it('finishes a job on the calling thread when no helper ever wakes', () => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    let sent = 0;
    // A helper that never runs (its thread is never scheduled): the job must not wait for it.
    const asleep: SpawnHelper = () => ({ send: () => sent++, terminate: () => {} });
    const workers = new KernelWorkers(1, memory, asleep);
    const fn = { module: new WebAssembly.Module(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0])), index: 0 };
    for (const tiles of [2, 37, 1000]) {
      const seen = new Array<number>(tiles).fill(0);
      const started = performance.now();
      const result = workers.parallel(fn, [0, 0, 0, 0], tiles, (jb0, jb1) => {
        for (let t = jb0 / TILE_BYTES; t < jb1 / TILE_BYTES; t++) seen[t]++;
      });
      expect(result).toBe('ok');
      expect(seen.every((n) => n === 1)).toBe(true);
      // Well below the 10 s stall limit the old hand-shake waited for an acknowledgement.
      expect(performance.now() - started).toBeLessThan(1000);
    }
    expect(sent).toBe(1);
    workers.terminate();
  });
});
