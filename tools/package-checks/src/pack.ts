import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `pnpm pack` into a fresh folder under `destination`; returns the tarball's path. The tests run after
 * `turbo run build`, so they pack the built dist without the prepack build: a prepack's turbo run, even a
 * cache hit, rewrites dist/ while other test files import from it. That prepack builds is checked once,
 * serially, by `.ci/run` (`pnpm -r pack`) and its presence by scripts/standalone-packages.mjs --check.
 */
export function pack(dir: string, destination: string): string {
  mkdirSync(destination, { recursive: true });
  const out = mkdtempSync(join(destination, 'pack-'));
  execFileSync('pnpm', ['pack', '--ignore-scripts', '--pack-destination', out], { cwd: dir, stdio: 'pipe' });
  const tarballs = readdirSync(out).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== 1)
    throw new Error(`pnpm pack in ${dir} left ${tarballs.length} tarballs in ${out}`);
  return join(out, tarballs[0]);
}
