// @dendrite/backend-wasm installed from its tarball, as a user gets it: it brings no @tensorflow package
// (the build vendors the glue and .wasm binaries it runs into dist/tfjs/), stays small, and computes a
// matmul and a conv on each build (plain, SIMD, threaded SIMD) from those vendored files.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { pack } from '../src/pack.js';
import { publishedPackages } from '../src/packages.js';

const work = mkdtempSync(join(tmpdir(), 'dendrite-wasm-footprint-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Bytes on disk under `dir`, following nothing (pnpm's links are counted once, where they point). */
function diskBytes(dir: string): number {
  return Number(execFileSync('du', ['-sb', dir], { encoding: 'utf8' }).split('\t')[0]);
}

it('installs without tfjs, in a few MB, and runs every build from its own dist/tfjs/', () => {
  const packages = new Map(publishedPackages().map((p) => [p.name, p.dir]));
  const tarballs = ['@dendrite/core', '@dendrite/backend-wasm'].map(
    (name) => [name, pack(packages.get(name)!, join(work, 'tarballs'))] as const,
  );
  const app = join(work, 'app');
  execFileSync('mkdir', ['-p', app]);
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({
      name: 'app',
      private: true,
      type: 'module',
      dependencies: Object.fromEntries(tarballs.map(([name, file]) => [name, `file:${file}`])),
    }),
  );
  const overrides = tarballs.map(([name, file]) => `  '${name}': 'file:${file}'\n`).join('');
  writeFileSync(join(app, 'pnpm-workspace.yaml'), `overrides:\n${overrides}`);
  execFileSync('pnpm', ['install', '--offline', '--config.node-linker=hoisted'], { cwd: app, stdio: 'pipe' });

  const modules = join(app, 'node_modules');
  expect(existsSync(join(modules, '@tensorflow'))).toBe(false);
  expect(readdirSync(modules).filter((d) => !d.startsWith('.'))).toEqual(['@dendrite']);
  const wasmPackage = diskBytes(join(modules, '@dendrite', 'backend-wasm'));
  const total = diskBytes(modules);
  // Measured at 4.22.0: tfjs-backend-wasm and what it pulls (tfjs-core, tfjs-backend-cpu…) took 66 MB.
  expect(wasmPackage).toBeLessThan(4 * 1024 * 1024);
  expect(total).toBeLessThan(8 * 1024 * 1024);

  writeFileSync(
    join(app, 'run.mjs'),
    `import * as d from '@dendrite/core';
import { createWasmBackend } from '@dendrite/backend-wasm';
const out = {};
for (const [flavor, options] of [['plain', { simd: false, threads: 1 }], ['simd', { threads: 1 }], ['threaded-simd', { threads: 2 }]]) {
  d.registerBackend('wasm-' + flavor, () => createWasmBackend(options), 1);
  await d.setBackend('wasm-' + flavor);
  const a = d.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
  const b = d.tensor([1, 0, 0, 1, 1, 1], [3, 2]);
  const x = d.tensor([1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3, 1]);
  const k = d.ones([2, 2, 1, 1]);
  out[flavor] = { build: d.getBackend().info().build, matmul: Array.from(await d.matmul(a, b).data()), conv: Array.from(await d.conv2d(x, k).data()) };
}
console.log(JSON.stringify(out));
process.exit(0);
`,
  );
  const result = JSON.parse(execFileSync('node', ['run.mjs'], { cwd: app, encoding: 'utf8' }));
  for (const flavor of ['plain', 'simd', 'threaded-simd']) {
    expect(result[flavor].matmul, flavor).toEqual([4, 5, 10, 11]);
    expect(result[flavor].conv, flavor).toEqual([12, 16, 24, 28]);
    expect(result[flavor].build, flavor).toBe(flavor);
  }
}, 240_000);
