/** Runs the README's serving-path example exactly as written there, in a child Node process. */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

it("the README's example trains, exports and runs in ONNX Runtime to Dendrite's outputs", () => {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  // The first TypeScript block, which is also valid JavaScript (package-checks type-checks it too).
  const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  expect(code, 'a ```ts block in the README').toBeTruthy();
  expect(code!.trim().split('\n').length).toBeLessThanOrEqual(24);
  const dist = new URL('../dist/index.js', import.meta.url);
  expect(existsSync(dist), 'the example imports @dendrite/onnx itself: build it first (pnpm build)').toBe(
    true,
  );
  // Beside package.json, so the imports resolve to this package's dependencies (built dist).
  const file = fileURLToPath(new URL('../.readme-example.mjs', import.meta.url));
  writeFileSync(file, code!);
  try {
    const r = spawnSync(process.execPath, [file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const m = /ONNX Runtime Float32Array\(3\) \[([^\]]*)\] Dendrite Float32Array\(3\) \[([^\]]*)\]/.exec(
      r.stdout,
    );
    expect(m, r.stdout).toBeTruthy();
    const [a, b] = [m![1], m![2]].map((s) => s.split(',').map(Number));
    for (const [i, v] of a.entries())
      expect(Math.abs(v - b[i])).toBeLessThanOrEqual(1e-4 + 1e-3 * Math.abs(b[i]));
    // trained: the largest of the first three features (index 2) wins
    expect(b.indexOf(Math.max(...b))).toBe(2);
  } finally {
    rmSync(file, { force: true });
  }
});
