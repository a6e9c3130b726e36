// templates/layer-package copied out of the repository, as a contributor would: it must install, typecheck,
// build and pass its own tests with nothing from the monorepo but the published form of the packages it
// uses. The @dendrite packages are not on the registry yet, so `pnpm pack` tarballs stand in for them
// (overrides map the transitive ones too); everything else (tsup, vitest, typescript) comes from the npm
// registry through pnpm's store.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { pack } from '../src/pack.js';
import { publishedPackages, repoRoot } from '../src/packages.js';

const work = mkdtempSync(join(tmpdir(), 'dendrite-layer-template-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const template = join(repoRoot, 'templates', 'layer-package');
/** Runs pnpm in `cwd`; a failure shows the command's own output (tsc's, vitest's), not only its exit code. */
function run(cwd: string, ...args: string[]): string {
  try {
    return execFileSync('pnpm', args, {
      cwd,
      encoding: 'utf8',
      stdio: 'pipe',
      env: { ...process.env, CI: '1', NO_COLOR: '1', FORCE_COLOR: '0' },
    });
  } catch (error: any) {
    throw new Error(`pnpm ${args.join(' ')} failed in ${cwd}:\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  }
}

it('builds, typechecks and passes its tests in a folder outside the repository', () => {
  const manifest = JSON.parse(readFileSync(join(template, 'package.json'), 'utf8'));
  const dendrite = (deps: Record<string, string> = {}) =>
    Object.keys(deps).filter((d) => d.startsWith('@dendrite/'));
  const packages = new Map(publishedPackages().map((p) => [p.name, p]));
  // What the template names, plus what those depend on in turn.
  const needed = new Set([...dendrite(manifest.devDependencies), ...dendrite(manifest.peerDependencies)]);
  for (const name of needed)
    for (const dep of dendrite(packages.get(name)?.manifest.dependencies)) needed.add(dep);
  const tarballs = new Map(
    [...needed].map((name) => [name, pack(packages.get(name)!.dir, join(work, 'tarballs'))]),
  );

  const copy = join(work, 'squeeze-excitation');
  cpSync(template, copy, {
    recursive: true,
    filter: (source) => !/[/\\](node_modules|dist)$/.test(source),
  });
  expect(existsSync(join(copy, 'node_modules'))).toBe(false);
  // What its README's "Publishing it" says to do: released ranges instead of workspace:^.
  const released = (deps: Record<string, string> = {}) =>
    Object.fromEntries(
      Object.entries(deps).map(([name, range]) => [
        name,
        range.startsWith('workspace:') ? `file:${tarballs.get(name)}` : range,
      ]),
    );
  const copied = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8'));
  copied.devDependencies = released(copied.devDependencies);
  copied.peerDependencies = Object.fromEntries(
    Object.keys(copied.peerDependencies).map((n) => [n, '^0.0.0']),
  );
  writeFileSync(join(copy, 'package.json'), JSON.stringify(copied, null, 2));
  const overrides = [...tarballs].map(([name, file]) => `  '${name}': 'file:${file}'\n`).join('');
  writeFileSync(join(copy, 'pnpm-workspace.yaml'), `overrides:\n${overrides}allowBuilds:\n  esbuild: true\n`);

  run(copy, 'install', '--prefer-offline');
  run(copy, 'run', 'typecheck');
  run(copy, 'run', 'build');
  expect(existsSync(join(copy, 'dist', 'index.js'))).toBe(true);
  expect(existsSync(join(copy, 'dist', 'index.d.ts'))).toBe(true);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips colour codes
  const tests = run(copy, 'run', 'test').replace(/\x1b\[[0-9;]*m/g, '');
  expect(tests).toMatch(/Tests\s+\d+ passed/);
  expect(tests).not.toMatch(/failed|skipped/);
});
