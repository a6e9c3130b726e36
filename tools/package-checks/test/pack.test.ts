// What `pnpm pack` ships for each published package: every file its manifest points to, dist, the README
// and the project's LICENSE, with workspace ranges replaced; and a prepack that builds it first (so a
// fresh clone packs dist; run for real, serially, by .ci/run).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pack } from '../src/pack.js';
import { publishedPackages, repoRoot } from '../src/packages.js';

const destination = mkdtempSync(join(tmpdir(), 'dendrite-pack-'));
afterAll(() => rmSync(destination, { recursive: true, force: true }));

/** Every file path a manifest's main/types/bin/exports name (file patterns excluded). */
function referencedFiles(manifest: Record<string, any>): string[] {
  const found = new Set<string>();
  const visit = (value: unknown) => {
    if (typeof value === 'string') {
      if (!value.includes('*')) found.add(value.replace(/^\.\//, ''));
    } else if (value && typeof value === 'object') Object.values(value).forEach(visit);
  };
  visit(manifest.main);
  visit(manifest.types);
  visit(manifest.bin);
  visit(manifest.exports);
  return [...found];
}

describe.each(publishedPackages())('pnpm pack $name', ({ name, dir, manifest }) => {
  it('has a prepack that builds it and what it depends on', () => {
    expect(manifest.scripts?.prepack).toBe(`turbo run build --filter=${name}... --output-logs=errors-only`);
  });

  it('ships dist, README, LICENSE and every file its manifest names, with workspace ranges replaced', () => {
    const archive = pack(dir, destination);
    const files = execFileSync('tar', ['tzf', archive], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map((f) => f.replace(/^package\//, ''));

    expect(files).toContain('README.md');
    expect(files).toContain('LICENSE');
    expect(files.some((f) => f.startsWith('dist/') && f.endsWith('.js'))).toBe(true);
    expect(files.some((f) => f.startsWith('dist/') && f.endsWith('.d.ts'))).toBe(true);
    const packed = JSON.parse(
      execFileSync('tar', ['xzOf', archive, 'package/package.json'], { encoding: 'utf8' }),
    );
    const missing = referencedFiles(packed).filter((f) => !files.includes(f));
    expect(missing, `${name}'s manifest names files the tarball lacks`).toEqual([]);

    const license = execFileSync('tar', ['xzOf', archive, 'package/LICENSE'], { encoding: 'utf8' });
    expect(license).toBe(readFileSync(join(repoRoot, 'LICENSE'), 'utf8'));
    expect(packed.license).toBe('MIT');
    const ranges = { ...packed.dependencies, ...packed.peerDependencies, ...packed.optionalDependencies };
    expect(Object.entries(ranges).filter(([, range]) => String(range).startsWith('workspace:'))).toEqual([]);
  });
});
