/**
 * Temporary files of atomic writes. A writer puts its bytes in `<target>.<pid>.<random>.tmp` beside the
 * target and renames it over the target when complete; a writer killed in between (kill -9, power loss)
 * leaves that file behind, as large as a checkpoint. The next save or load in the folder removes the
 * temporaries whose writer process is gone. A live writer's file (another process, or this one mid-save)
 * is never touched: its pid answers `kill(pid, 0)`.
 */
import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { join } from 'node:path';

const TEMPORARY = /^(.+)\.(\d{1,10})\.([0-9a-f]{12})\.tmp$/;

/** A fresh temporary name for writing `path` (same folder, so the final rename is atomic). */
export function temporaryPathFor(path: string): string {
  return `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** The pid of the process that wrote a temporary file named like `temporaryPathFor`'s, or null. */
export function temporaryWriter(fileName: string): number | null {
  const m = TEMPORARY.exec(fileName);
  return m ? Number(m[2]) : null;
}

/** Whether a process with this pid exists (EPERM: it exists but belongs to someone else). */
export function processAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporary files in `folder` whose writer has died; returns their paths. Best effort: a
 * folder that cannot be listed, or a file another cleaner removed first, is not an error.
 */
export async function removeStaleTemporaries(folder: string): Promise<string[]> {
  let names: string[];
  try {
    names = await readdir(folder);
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const pid = temporaryWriter(name);
    if (pid === null || processAlive(pid)) continue;
    const path = join(folder, name);
    try {
      await unlink(path);
      removed.push(path);
    } catch {
      // gone already, or not ours to remove
    }
  }
  return removed;
}
