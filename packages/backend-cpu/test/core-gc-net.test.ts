// The FinalizationRegistry safety net: tensors that nobody disposed are freed once garbage collected.
// A tensor is put under the net only if it outlives the synchronous code that made it (or a burst of more
// than the engine's limit): registering every short-lived tensor was over half the cost of a small op.
// The collection cases run in a child process with --expose-gc so the collection can be forced.
import { execFileSync } from 'node:child_process';
import * as d from '@dendrite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useCpu } from './helpers.js';

/** Runs `body` (module code with `d` = @dendrite/core on backend-cpu, and `collect(n)`) in a child process. */
function inChild(body: string): Record<string, number> {
  const script = `
import * as d from '@dendrite/core';
import { registerCpuBackend } from '@dendrite/backend-cpu';
registerCpuBackend();
await d.setBackend('cpu');
async function collect(n) {
  for (let i = 0; i < 20 && d.memory().collectedWithoutDispose < n; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
}
${body}
`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
    cwd: new URL('..', import.meta.url),
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

describe('garbage-collection net', () => {
  it('frees the storage of tensors that were never disposed', () => {
    const r = inChild(`
const before = d.memory();
(() => { for (let i = 0; i < 100; i++) d.tensor(new Float32Array(1000)); })(); // never disposed
const held = d.memory();
await collect(100);
const after = d.memory();
console.log(JSON.stringify({ before: before.bytes, held: held.bytes, after: after.bytes, tensors: after.tensors, collected: after.collectedWithoutDispose }));
`);
    expect(r.held - r.before).toBe(100 * 4000);
    expect(r.collected).toBe(100);
    expect(r.after).toBe(r.before);
    expect(r.tensors).toBe(0);
  });

  it('catches leaks in a long synchronous burst, among tensors disposed before any sweep', () => {
    // 5000 leaked tensors (past the engine's limit of 1024 unswept handles, so some are registered
    // mid-burst) interleaved with 5000 disposed ones, which must neither count as collected nor be freed twice.
    const r = inChild(`
const before = d.memory();
(() => {
  for (let i = 0; i < 5000; i++) {
    d.tensor(new Float32Array(10));
    d.tensor(new Float32Array(10)).dispose();
  }
})();
await collect(5000);
const after = d.memory();
console.log(JSON.stringify({ before: before.bytes, after: after.bytes, tensors: after.tensors, collected: after.collectedWithoutDispose }));
`);
    expect(r.collected).toBe(5000);
    expect(r.after).toBe(r.before);
    expect(r.tensors).toBe(0);
  });
});

describe('registration with the net', () => {
  beforeAll(() => useCpu());

  it('skips tensors disposed in the code that made them, and takes those that outlive it', async () => {
    const shortLived = d.tensor([1, 2, 3]);
    const survivor = d.tensor([4, 5, 6]);
    shortLived.dispose();
    expect(survivor.underCollectionNet).toBe(false); // not yet: the sweep runs after this synchronous code
    await Promise.resolve();
    expect(survivor.underCollectionNet).toBe(true);
    expect(shortLived.underCollectionNet).toBe(false);
    survivor.dispose();
  });

  it('registers the survivors of a burst past the limit without waiting for the sweep', () => {
    const first = d.tensor([1]);
    for (let i = 0; i < 1100; i++) d.tensor([i]).dispose();
    expect(first.underCollectionNet).toBe(true);
    first.dispose();
  });
});
