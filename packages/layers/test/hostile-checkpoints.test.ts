// The hostile checkpoint corpus: every file is refused case by case with the typed error and problem it
// deserves, both from memory (decodeSafetensors) and from disk (loadCheckpoint), quickly and leaking
// nothing; a million empty tensors (59 MB) is refused without building them, in bounded memory.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as d from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CheckpointError, decodeSafetensors } from '../src/index.js';
import { loadCheckpoint } from '../src/node/index.js';
import { hostileCheckpoints, writeMillionEmptyTensors } from './fixtures/hostile-checkpoints.js';
import { expectNoLeak, useCpu } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'dendrite-hostile-'));
beforeAll(() => useCpu());
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function expectRefusal(e: unknown, problem: string, message: RegExp, name: string): void {
  if (problem === 'dtype') {
    expect(e, name).toBeInstanceOf(d.DTypeError);
  } else {
    expect(e, name).toBeInstanceOf(CheckpointError);
    expect((e as CheckpointError).problem, name).toBe(problem);
  }
  expect((e as Error).message, name).toMatch(message);
}

/** Milliseconds a refusal took (the slowest is reported, not asserted tightly: CI machines vary). */
async function timedRefusal(run: () => unknown): Promise<{ error: unknown; ms: number }> {
  const started = performance.now();
  try {
    await run();
  } catch (error) {
    return { error, ms: performance.now() - started };
  }
  throw new Error('accepted a hostile checkpoint');
}

const cases = hostileCheckpoints();

describe('hostile checkpoints', () => {
  it('the corpus has at least 40 distinct files', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('each is refused from memory with its typed error, leaking nothing', async () => {
    await expectNoLeak(async () => {
      let slowest = 0;
      for (const c of cases) {
        const { error, ms } = await timedRefusal(() => decodeSafetensors(c.bytes, c.limits));
        expectRefusal(error, c.problem, c.message, c.name);
        slowest = Math.max(slowest, ms);
      }
      expect(slowest).toBeLessThan(1000);
    });
  });

  it('each is refused from disk by loadCheckpoint with the same error', async () => {
    await expectNoLeak(async () => {
      for (const [i, c] of cases.entries()) {
        const path = join(dir, `case-${i}.safetensors`);
        writeFileSync(path, c.bytes);
        const { error, ms } = await timedRefusal(() => loadCheckpoint(path, { limits: c.limits }));
        expectRefusal(error, c.problem, c.message, c.name);
        expect(ms, c.name).toBeLessThan(1000);
      }
    });
  });

  it('a million empty tensors (59 MB) is refused at the tensor limit, in bounded time and memory', async () => {
    const path = join(dir, 'million.safetensors');
    const size = await writeMillionEmptyTensors(path);
    expect(size).toBeGreaterThan(59_000_000);
    const before = process.memoryUsage();
    const peakBefore = process.resourceUsage().maxRSS * 1024;
    const { error, ms } = await timedRefusal(() => loadCheckpoint(path));
    expectRefusal(error, 'too-many-tensors', /above the limit of 65536 tensors/, 'million');
    // Loosely: the file's bytes (59 MB) and its text are held while parsing; 2.4 GB was the old cost.
    const peakGrowth = process.resourceUsage().maxRSS * 1024 - peakBefore;
    const heapGrowth = process.memoryUsage().heapUsed - before.heapUsed;
    console.log(
      `million empty tensors: refused in ${ms.toFixed(0)} ms, peak RSS +${(peakGrowth / 1e6).toFixed(0)} MB, heap +${(heapGrowth / 1e6).toFixed(0)} MB`,
    );
    expect(peakGrowth).toBeLessThan(300_000_000);
    expect(heapGrowth).toBeLessThan(100_000_000);
    expect(ms).toBeLessThan(5000);
  }, 60_000);

  it('a file at the tensor limit still loads (the cap refuses only what is above it)', async () => {
    const path = join(dir, 'at-limit.safetensors');
    await writeMillionEmptyTensors(path, 2000);
    await expectNoLeak(async () => {
      const { tensors } = await loadCheckpoint(path, { limits: { maxTensors: 2000 } });
      expect(Object.keys(tensors).length).toBe(2000);
      d.dispose(tensors);
      await expect(loadCheckpoint(path, { limits: { maxTensors: 1999 } })).rejects.toThrow(
        /above the limit of 1999/,
      );
    });
  });
});
