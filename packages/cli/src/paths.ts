/**
 * Paths given on the command line, checked before any work starts: a run that trains for minutes and then
 * cannot write its results loses them, so `--out` is created and written to first, and files to read
 * (`--checkpoint`, `--input`) must exist and be readable. Each failure is one line naming the option.
 */
import { accessSync, constants, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { ArgumentError } from '@dendrite/core';

function reason(e: unknown): string {
  const code = (e as { code?: string }).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EROFS') return 'the file system is read-only';
  if (code === 'ENOTDIR') return 'a part of the path is a file, not a folder';
  if (code === 'ENOSPC') return 'no space left on the device';
  return e instanceof Error ? e.message : String(e);
}

/**
 * Makes sure `dir` is a folder this process can write to (creating it and its parents), by writing and
 * removing a small file in it — the only test that also holds for root and read-only mounts. Returns
 * the absolute path.
 */
export function ensureWritableDir(option: string, dir: string): string {
  const abs = resolve(dir);
  let stat: ReturnType<typeof statSync> | undefined;
  try {
    stat = statSync(abs);
  } catch (e) {
    const code = (e as { code?: string }).code;
    // Missing is fine (it is created below); anything else (a folder above it closed to us) is not.
    if (code !== 'ENOENT' && code !== 'ENOTDIR') {
      throw new ArgumentError(option, `cannot reach ${abs}: ${reason(e)}`);
    }
    stat = undefined;
  }
  if (stat && !stat.isDirectory()) {
    throw new ArgumentError(option, `cannot write to ${abs}: it is a file, not a folder`);
  }
  try {
    mkdirSync(abs, { recursive: true });
  } catch (e) {
    throw new ArgumentError(option, `cannot create the folder ${abs}: ${reason(e)}`);
  }
  const probe = join(abs, `.dendrite-write-test-${process.pid}`);
  try {
    writeFileSync(probe, '');
    rmSync(probe, { force: true });
  } catch (e) {
    throw new ArgumentError(option, `cannot write to the folder ${abs}: ${reason(e)}`);
  }
  return abs;
}

/** Makes sure `file` exists, is a file and can be read; returns the absolute path. */
export function checkReadableFile(option: string, file: string, what = 'file'): string {
  const abs = resolve(file);
  let isFile: boolean;
  try {
    isFile = statSync(abs).isFile();
  } catch (e) {
    const code = (e as { code?: string }).code;
    const parent = dirname(abs);
    throw new ArgumentError(
      option,
      code === 'ENOENT' ? `no such ${what}: ${abs}` : `cannot read ${abs} (in ${parent}): ${reason(e)}`,
    );
  }
  if (!isFile) throw new ArgumentError(option, `${abs} is a folder, not a ${what}`);
  try {
    accessSync(abs, constants.R_OK);
  } catch (e) {
    throw new ArgumentError(option, `cannot read ${abs}: ${reason(e)}`);
  }
  return abs;
}
