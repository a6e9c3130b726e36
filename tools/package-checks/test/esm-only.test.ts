// The packages are ES modules only. require() of any entry point either gets the very module `import` gets
// (Node >= 20.19 / 22.12 can require() ES modules) or, where Node cannot, an error saying the package is
// ESM only and how to import it: never ERR_PACKAGE_PATH_NOT_EXPORTED.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { entryPoints, publishedPackages, repoRoot } from '../src/packages.js';

const cases = publishedPackages().flatMap((pkg) => entryPoints(pkg).map((specifier) => ({ specifier, pkg })));

function nodeCjs(dir: string, code: string, flags: string[] = []) {
  return spawnSync(process.execPath, [...flags, '--input-type=commonjs', '-e', code], {
    cwd: dir,
    encoding: 'utf8',
  });
}

it('the generated manifest fields and esm-only/ files are up to date', () => {
  const run = spawnSync(process.execPath, ['scripts/standalone-packages.mjs', '--check'], {
    cwd: repoRoot,
    encoding: 'utf8',
  });
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
});

describe.each(cases)('require($specifier)', ({ specifier, pkg }) => {
  it('returns the same module as import() where Node can require() ES modules', () => {
    const s = JSON.stringify(specifier);
    const run = nodeCjs(
      pkg.dir,
      `const viaRequire = require(${s});
       import(${s}).then((viaImport) => process.exit(viaRequire === viaImport ? 0 : 3));`,
    );
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('says the package is ESM only and how to import it where Node cannot', () => {
    const run = nodeCjs(pkg.dir, `require(${JSON.stringify(specifier)})`, [
      '--no-experimental-require-module',
    ]);
    expect(run.status).not.toBe(0);
    expect(run.stderr).toContain('ERR_DENDRITE_ESM_ONLY');
    expect(run.stderr).toContain(`${specifier} is an ES module only package (ESM only)`);
    expect(run.stderr).toContain(`import { ... } from '${specifier}'`);
    expect(run.stderr).toContain(`await import('${specifier}')`);
  });
});
