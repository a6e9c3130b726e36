// `dendrite train --resume DIR`: a run stopped at an epoch's end, or killed with SIGKILL in the middle of
// an epoch, continues from its saved training state and writes the same checkpoint, byte for byte, as
// the run that was never interrupted; options that contradict the saved run are refused.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../src/index.js';
import { cli } from './helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'dendrite-cli-resume-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = (data: string, epochs: number, out: string, ...extra: string[]) =>
  cli(
    'train',
    '--model',
    'mlp',
    '--data',
    data,
    '--epochs',
    String(epochs),
    '--lr',
    '0.01',
    '--no-report',
    '--out',
    out,
    ...extra,
  );

const historyOf = (out: string) => JSON.parse(readFileSync(join(out, 'history.json'), 'utf8')).history;
const modelBytes = (out: string) => readFileSync(join(out, 'model.safetensors'));

/** Starts `dendrite train` on the digits in a child process and SIGKILLs it once a mid-epoch state is saved. */
async function killMidEpoch(out: string, extra: string[]): Promise<{ epoch: number; step: number } | null> {
  const child = spawn(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, '..', 'src', 'cli.ts'),
      'train',
      '--model',
      'mlp',
      '--data',
      'digits',
      '--epochs',
      '2',
      '--lr',
      '0.01',
      '--no-report',
      '--out',
      out,
      '--checkpoint-every',
      '4',
      ...extra,
    ],
    { cwd: join(here, '..'), stdio: 'ignore' },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const manifest = join(out, 'state', 'state.json');
  const deadline = Date.now() + 60_000;
  let position: { epoch: number; step: number } | null = null;
  while (Date.now() < deadline && child.exitCode === null) {
    try {
      const p = JSON.parse(readFileSync(manifest, 'utf8')).body.position;
      if (p.step > 0 && p.globalStep >= 8) {
        child.kill('SIGKILL');
        position = p;
        break;
      }
    } catch {
      // not written yet, or being replaced
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  await exited;
  if (position) expect(existsSync(join(out, 'model.safetensors'))).toBe(false);
  return position;
}

describe('dendrite train --resume', () => {
  it('a run stopped after epoch 1 of 2 resumes to the same checkpoint, byte for byte', async () => {
    await selectBackend('cpu');
    const whole = join(dir, 'whole');
    expect((await run('xor', 2, whole)).code).toBe(0);
    const part = join(dir, 'part');
    const first = await run('xor', 1, part, '--checkpoint-every', '3');
    expect(first.code).toBe(0);
    expect(existsSync(join(part, 'state', 'state.json'))).toBe(true);
    const resumed = await cli('train', '--resume', part, '--epochs', '2');
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(modelBytes(part).equals(modelBytes(whole))).toBe(true);
    expect(historyOf(part)).toEqual(historyOf(whole));
  }, 60_000);

  it('a run killed with SIGKILL mid-epoch resumes to the same checkpoint, byte for byte', async () => {
    await selectBackend('cpu');
    const whole = join(dir, 'digits-whole');
    expect((await run('digits', 2, whole)).code).toBe(0);
    const killed = join(dir, 'digits-killed');
    const position = await killMidEpoch(killed, []);
    expect(position, 'the run was killed mid-epoch').not.toBeNull();
    expect(existsSync(join(killed, 'model.safetensors'))).toBe(false);
    const resumed = await cli('train', '--resume', killed);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(modelBytes(killed).equals(modelBytes(whole))).toBe(true);
    expect(historyOf(killed)).toEqual(historyOf(whole));
  }, 120_000);

  it('on wasm too: killed mid-epoch (SIGKILL) and resumed, the same checkpoint byte for byte', async () => {
    const whole = join(dir, 'wasm-whole');
    expect((await run('digits', 2, whole, '--backend', 'wasm')).code).toBe(0);
    const killed = join(dir, 'wasm-killed');
    const position = await killMidEpoch(killed, ['--backend', 'wasm']);
    expect(position, 'the run was killed mid-epoch').not.toBeNull();
    const resumed = await cli('train', '--resume', killed);
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    expect(resumed.stdout).toMatch(/wasm/);
    expect(modelBytes(killed).equals(modelBytes(whole))).toBe(true);
    expect(historyOf(killed)).toEqual(historyOf(whole));
  }, 120_000);

  it('refuses options that contradict the saved run, and a folder without a state', async () => {
    const part = join(dir, 'part');
    const r = await cli('train', '--resume', part, '--lr', '0.5');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--lr 0.5 contradicts the saved run's 0.01/);
    const none = await cli('train', '--resume', join(dir, 'nothing-here'));
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/holds no training state/);
    const missing = await cli('train', '--data', 'xor');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/needs --model and --data/);
  });
});
