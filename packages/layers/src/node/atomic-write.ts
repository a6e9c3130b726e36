/**
 * Writes a file atomically: the bytes go to a temporary file in the same folder, are flushed to disk,
 * and the file is renamed over the target, so a crash leaves either the old file or the new one, never
 * half of one. Stale temporaries of dead writers in the folder are removed first.
 */
import { open, rename, unlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { removeStaleTemporaries, temporaryPathFor } from './temporary-files.js';

export async function writeFileAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await removeStaleTemporaries(dirname(path));
  const temp = temporaryPathFor(path);
  const file = await open(temp, 'wx');
  try {
    await file.writeFile(bytes);
    await file.sync();
  } catch (e) {
    await file.close();
    await unlink(temp).catch(() => {});
    throw e;
  }
  await file.close();
  try {
    await rename(temp, path);
  } catch (e) {
    await unlink(temp).catch(() => {});
    throw e;
  }
}
