// Every package README starts with an example that runs: its first code block is TypeScript, and it is
// type-checked and run as it stands (with tsx, against the built packages), so an API change that breaks
// the first thing a user copies fails CI. A package without one is listed below with the reason, and the
// list is verified: a README that gains an example must leave it.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { publishedPackages } from '../src/packages.js';
import { firstCodeBlock } from '../src/readme.js';

const WITHOUT_EXAMPLE: Record<string, string> = {
  '@dendrite/backend-webgpu': 'exports nothing until the backend-webgpu issue lands (its README says so)',
};

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside this package, so the examples' imports resolve to the workspace packages it depends on.
const folder = join(here, '.readme-examples');
const bin = (name: string) => join(here, 'node_modules', '.bin', name);

const examples = publishedPackages().map((pkg) => ({
  name: pkg.name,
  file: join(folder, `${basename(pkg.dir)}.ts`),
  block: firstCodeBlock(readFileSync(join(pkg.dir, 'README.md'), 'utf8')),
}));

beforeAll(() => {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const { file, block } of examples) if (block?.lang === 'ts') writeFileSync(file, block.code);
  writeFileSync(
    join(folder, 'tsconfig.json'),
    JSON.stringify({ extends: '../tsconfig.json', include: ['*.ts'], compilerOptions: { noEmit: true } }),
  );
});

describe.each(examples)('$name README', ({ name, file, block }) => {
  if (name in WITHOUT_EXAMPLE) {
    it(`has no example yet (${WITHOUT_EXAMPLE[name]})`, () => {
      expect(block?.lang, `${name}'s README now has a code block: remove it from WITHOUT_EXAMPLE`).not.toBe(
        'ts',
      );
    });
    return;
  }

  it('starts with a TypeScript example that runs', () => {
    expect(block, 'the README has no code block').not.toBeNull();
    expect(block!.lang, 'the first code block must be ```ts').toBe('ts');
    const run = spawnSync(bin('tsx'), [file], { cwd: here, encoding: 'utf8', timeout: 120_000 });
    expect(run.error).toBeUndefined();
    expect(run.status, `${file} failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
  });
});

it('the examples type-check (strict, as the packages themselves)', () => {
  try {
    execFileSync(bin('tsc'), ['-p', join(folder, 'tsconfig.json')], { cwd: here, encoding: 'utf8' });
  } catch (error: any) {
    throw new Error(`tsc found errors in the README examples:\n${error.stdout}${error.stderr}`);
  }
});
