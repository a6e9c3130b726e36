// The FinalizationRegistry safety net: tensors that nobody disposed are freed once garbage collected.
// Runs in a child process with --expose-gc so the collection can be forced.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const script = `
import * as d from '@dendrite/core';
import { registerCpuBackend } from '@dendrite/backend-cpu';
registerCpuBackend();
await d.setBackend('cpu');
const before = d.memory();
(() => { for (let i = 0; i < 100; i++) d.tensor(new Float32Array(1000)); })(); // never disposed
const held = d.memory();
for (let i = 0; i < 10 && d.memory().collectedWithoutDispose < 100; i++) {
  globalThis.gc();
  await new Promise((r) => setTimeout(r, 20));
}
const after = d.memory();
console.log(JSON.stringify({ before: before.bytes, held: held.bytes, after: after.bytes, tensors: after.tensors, collected: after.collectedWithoutDispose }));
`;

describe('garbage-collection net', () => {
  it('frees the storage of tensors that were never disposed', () => {
    const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], {
      cwd: new URL('..', import.meta.url),
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').pop()!);
    expect(r.held - r.before).toBe(100 * 4000);
    expect(r.collected).toBe(100);
    expect(r.after).toBe(r.before);
    expect(r.tensors).toBe(0);
  });
});
