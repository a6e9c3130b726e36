// Every package README starts with an example that runs: its first code block is TypeScript, and it is
// type-checked and run as it stands (with tsx, against the built packages, from the repository root), so
// an API change that breaks the first thing a user copies fails CI. A package without one is listed below
// with the reason, and the list is verified: a README that gains an example must leave it. The guides in
// docs/guides/ are held to the same: every ```ts block runs, except fragments marked `ts no-run (why)`.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishedPackages, repoRoot } from '../src/packages.js';
import { codeBlocks, firstCodeBlock } from '../src/readme.js';

const WITHOUT_EXAMPLE: Record<string, string> = {};

const here = join(dirname(fileURLToPath(import.meta.url)), '..');
// Inside this package, so the examples' imports resolve to the workspace packages it depends on.
const folder = join(here, '.readme-examples');
const bin = (name: string) => join(here, 'node_modules', '.bin', name);

const examples = publishedPackages().map((pkg) => ({
  name: pkg.name,
  file: join(folder, `${basename(pkg.dir)}.ts`),
  block: firstCodeBlock(readFileSync(join(pkg.dir, 'README.md'), 'utf8')),
}));

const guidesFolder = join(repoRoot, 'docs', 'guides');
const guides = readdirSync(guidesFolder)
  .filter((f) => f.endsWith('.md'))
  .map((f) => ({ guide: f, blocks: codeBlocks(readFileSync(join(guidesFolder, f), 'utf8')) }));
const guideExamples = guides.flatMap(({ guide, blocks }) =>
  blocks
    .filter((b) => b.lang === 'ts' && !b.info.startsWith('no-run'))
    .map((b, i) => ({
      guide,
      index: i + 1,
      file: join(folder, `guide-${guide.replace(/\.md$/, '')}-${i + 1}.ts`),
      code: b.code,
    })),
);

function runExample(file: string) {
  const run = spawnSync(bin('tsx'), [file], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  expect(run.error).toBeUndefined();
  expect(run.status, `${file} failed:\n${run.stdout}\n${run.stderr}`).toBe(0);
}

// Removed afterwards, so the linter never sees generated files.
afterAll(() => rmSync(folder, { recursive: true, force: true }));

beforeAll(() => {
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  for (const { file, block } of examples) if (block?.lang === 'ts') writeFileSync(file, block.code);
  for (const { file, code } of guideExamples) writeFileSync(file, code);
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
    runExample(file);
  });
});

describe.each(guides)('docs/guides/$guide', ({ guide, blocks }) => {
  it('has a runnable TypeScript example, and every fragment says why it is one', () => {
    expect(guideExamples.filter((e) => e.guide === guide).length).toBeGreaterThan(0);
    for (const b of blocks.filter((b) => b.lang === 'ts' && b.info))
      expect(b.info).toMatch(/^no-run \(.+\)$/);
  });
  it.each(guideExamples.filter((e) => e.guide === guide))('example $index runs', ({ file }) =>
    runExample(file),
  );
});

it('the examples and the guides’ examples type-check (strict, as the packages themselves)', () => {
  try {
    execFileSync(bin('tsc'), ['-p', join(folder, 'tsconfig.json')], { cwd: here, encoding: 'utf8' });
  } catch (error: any) {
    throw new Error(`tsc found errors in the README examples:\n${error.stdout}${error.stderr}`);
  }
});
