/**
 * Temporary files of atomic writes. A writer puts its bytes in `<target>.<host>.<pid>.<random>.tmp`
 * beside the target and renames it over the target when complete; a writer killed in between (kill -9,
 * power loss) leaves that file behind, as large as a checkpoint. The next save or load in the folder
 * removes the temporaries whose writer process is gone. A live writer's file (another process, or this
 * one mid-save) is never touched: its pid answers `kill(pid, 0)`; nor is one written from another host
 * (a shared volume), whose pids mean nothing here.
 */
import { randomBytes } from 'node:crypto';
import { readdir, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';

const TEMPORARY = /^(.+)\.([A-Za-z0-9-]{1,32})\.(\d{1,10})\.([0-9a-f]{12})\.tmp$/;

/** This machine's name as it appears in temporary names. */
const HOST =
  hostname()
    .replace(/[^A-Za-z0-9-]/g, '-')
    .slice(0, 32) || 'host';

/** A fresh temporary name for writing `path` (same folder, so the final rename is atomic). */
export function temporaryPathFor(path: string): string {
  return `${path}.${HOST}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
}

/** The host and pid of the writer of a temporary file named like `temporaryPathFor`'s, or null. */
export function temporaryWriter(fileName: string): { host: string; pid: number } | null {
  const m = TEMPORARY.exec(fileName);
  return m ? { host: m[2], pid: Number(m[3]) } : null;
}

/** The host name temporaries written by this process carry. */
export const temporaryHost = (): string => HOST;

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
    const writer = temporaryWriter(name);
    if (writer === null || writer.host !== HOST || processAlive(writer.pid)) continue;
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
