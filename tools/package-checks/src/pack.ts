import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

/** `pnpm pack` (prepack builds first) into a fresh folder under `destination`; returns the tarball's path. */
export function pack(dir: string, destination: string): string {
  mkdirSync(destination, { recursive: true });
  const out = mkdtempSync(join(destination, 'pack-'));
  execFileSync('pnpm', ['pack', '--pack-destination', out], { cwd: dir, stdio: 'pipe' });
  const tarballs = readdirSync(out).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== 1)
    throw new Error(`pnpm pack in ${dir} left ${tarballs.length} tarballs in ${out}`);
  return join(out, tarballs[0]);
}
