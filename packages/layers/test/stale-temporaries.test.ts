// A save killed with kill -9 leaves its temporary file; the next save or load in that folder removes
// it, while temporaries of live writers (another process, or this one) are left alone.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as d from '@dendrite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  loadCheckpoint,
  processAlive,
  removeStaleTemporaries,
  saveCheckpoint,
  temporaryHost,
  temporaryPathFor,
  temporaryWriter,
} from '../src/node/index.js';
import { useCpu } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'dendrite-stale-'));
beforeAll(() => useCpu());
afterAll(() => rmSync(root, { recursive: true, force: true }));

const temporaries = (dir: string) => readdirSync(dir).filter((f) => f.endsWith('.tmp'));

/** The pid of a process that has exited (so it is dead, and not reused this soon). */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  const pid = Number(child.stdout.toString());
  expect(processAlive(pid)).toBe(false);
  return pid;
}

describe('stale temporary files', () => {
  it('names temporaries with the writer host and pid and tells live writers from dead ones', () => {
    const name = temporaryPathFor('/x/model.safetensors');
    expect(temporaryWriter(name.slice(3))).toEqual({ host: temporaryHost(), pid: process.pid });
    expect(temporaryWriter('model.safetensors')).toBeNull();
    expect(temporaryWriter('model.safetensors.tmp')).toBeNull();
    expect(processAlive(process.pid)).toBe(true);
    expect(processAlive(deadPid())).toBe(false);
  });

  it('removes the temporaries of dead writers only', async () => {
    const dir = mkdtempSync(join(root, 'mixed-'));
    const host = temporaryHost();
    const gone = deadPid();
    const dead = `model.safetensors.${host}.${gone}.0123456789ab.tmp`;
    const mine = `model.safetensors.${host}.${process.pid}.0123456789ab.tmp`;
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    const live = `model.safetensors.${host}.${sleeper.pid}.0123456789ab.tmp`;
    // Another machine's writer on a shared volume: its pid means nothing here.
    const other = host === 'other-host' ? 'another-host' : 'other-host';
    const elsewhere = `model.safetensors.${other}.${gone}.0123456789ab.tmp`;
    const unrelated = 'notes.tmp';
    for (const f of [dead, mine, live, elsewhere, unrelated]) writeFileSync(join(dir, f), 'x');
    try {
      expect(await removeStaleTemporaries(dir)).toEqual([join(dir, dead)]);
      expect(temporaryWriter(dead)).toEqual({ host, pid: gone });
      expect(temporaries(dir).sort()).toEqual([live, mine, elsewhere, unrelated].sort());
    } finally {
      sleeper.kill('SIGKILL');
    }
    expect(await removeStaleTemporaries(join(root, 'no-such-folder'))).toEqual([]);
  });

  it('a save killed with kill -9 leaves the old checkpoint intact; the next load removes its temporary', async () => {
    const dir = mkdtempSync(join(root, 'killed-'));
    const path = join(dir, 'model.safetensors');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(here, 'fixtures', 'save-forever.ts'), path],
      {
        cwd: join(here, '..'),
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    let saved = 0;
    child.stdout.on('data', (b: Buffer) => {
      saved += b.toString().split('\n').filter(Boolean).length;
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // After one complete save, wait for the next save's temporary to appear and kill the writer then.
    const deadline = Date.now() + 60_000;
    let caught: string[] = [];
    while (Date.now() < deadline && child.exitCode === null) {
      caught = saved > 0 ? temporaries(dir) : [];
      if (caught.length) {
        child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 2));
    }
    await exited;
    expect(caught.length, 'the writer was killed mid-save').toBe(1);
    expect(temporaryWriter(caught[0])).toEqual({ host: temporaryHost(), pid: child.pid });
    expect(existsSync(join(dir, caught[0]))).toBe(true);
    // The previous checkpoint is whole, and loading it cleans up after the dead writer.
    const { tensors } = await loadCheckpoint(path);
    expect(tensors.w.shape).toEqual([8 * 1024 * 1024]);
    d.dispose(tensors);
    expect(temporaries(dir)).toEqual([]);
  }, 90_000);

  it('a save removes them too', async () => {
    const dir = mkdtempSync(join(root, 'save-'));
    const stale = `a.safetensors.${temporaryHost()}.${deadPid()}.ffffffffffff.tmp`;
    writeFileSync(join(dir, stale), 'x'.repeat(1000));
    using t = d.scalar(1);
    await saveCheckpoint({ t }, join(dir, 'b.safetensors'));
    expect(readdirSync(dir)).toEqual(['b.safetensors']);
  });
});
