// The built `dendrite` executable as a user meets it, spawned as a process: stdout carries only the
// command's output (JSON that parses, also through `pnpm dendrite`'s script); bad paths fail before any
// training with one line on stderr; no progress bar is drawn into a pipe; `train --out` writes a typed
// history.json and a report whose PNGs are real pictures; `visualize` draws any PNG through a checkpoint.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const repoRoot = join(pkgDir, '..', '..');
const cliJs = join(pkgDir, 'dist', 'cli.js');
const dir = mkdtempSync(join(tmpdir(), 'dendrite-cli-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], timeout = 120_000) {
  const r = spawnSync(process.execPath, [cliJs, ...args], { encoding: 'utf8', timeout });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Mean absolute deviation of a PNG's grey levels from their mean: 0 for a blank picture. */
function spread(file: string): { width: number; height: number; spread: number } {
  const png = PNG.sync.read(readFileSync(file));
  let sum = 0;
  const n = png.width * png.height;
  for (let p = 0; p < n; p++) sum += png.data[4 * p];
  const mean = sum / n;
  let dev = 0;
  for (let p = 0; p < n; p++) dev += Math.abs(png.data[4 * p] - mean);
  return { width: png.width, height: png.height, spread: dev / n };
}

describe('the dendrite executable', () => {
  it('is built (run `pnpm build` first)', () => {
    expect(existsSync(cliJs)).toBe(true);
  });

  it('prints only JSON on stdout for summary --json, also through scripts/run-cli.mjs and a pipe', () => {
    const direct = run(['summary', 'resnet18', '--json']);
    expect(direct.code).toBe(0);
    expect(JSON.parse(direct.stdout)).toMatchObject({ model: 'resnet18', params: 11689512 });
    // What `pnpm dendrite summary resnet18 --json | python3 -m json.tool` runs: the build's log stays off stdout.
    const piped = execFileSync(
      'bash',
      ['-o', 'pipefail', '-c', 'node scripts/run-cli.mjs summary resnet18 --json | python3 -m json.tool'],
      { cwd: repoRoot, encoding: 'utf8', timeout: 300_000, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    expect(JSON.parse(piped).macs).toBe(1814073344);
  });

  it('--version prints the package version', () => {
    const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
    const r = run(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`${version}\n`);
  });

  it('refuses an --out it cannot write before training, in one line', () => {
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    for (const [out, why] of [
      ['/etc/passwd', /--out: cannot write to \/etc\/passwd: it is a file, not a folder/],
      [file, /it is a file, not a folder/],
      [join(file, 'sub'), /cannot create the folder .*a-file\/sub: a part of the path is a file/],
    ] as const) {
      const r = run(['train', '--model', 'lenet5', '--data', 'digits', '--out', out]);
      expect(r.code).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(why);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
  });

  it('refuses a folder it may not write to, and one it may not create', () => {
    // sysfs takes no files from anyone, root included (a chmod 555 folder would not stop root).
    const existing = run(['train', '--model', 'mlp', '--data', 'xor', '--out', '/sys']);
    expect(existing.stderr).toBe('error: --out: cannot write to the folder /sys: permission denied\n');
    expect(existing.code).toBe(1);
    const created = run(['train', '--model', 'mlp', '--data', 'xor', '--out', '/sys/dendrite-out']);
    expect(created.stderr).toBe(
      'error: --out: cannot create the folder /sys/dendrite-out: permission denied\n',
    );
    expect(created.code).toBe(1);
  });

  it('refuses a missing checkpoint and a missing image for visualize', () => {
    const ckpt = run([
      'visualize',
      '--checkpoint',
      join(dir, 'none.safetensors'),
      '--input',
      'x.png',
      '--out',
      dir,
    ]);
    expect(ckpt.code).toBe(1);
    expect(ckpt.stderr).toMatch(/^error: --checkpoint: no such checkpoint file: .*none\.safetensors\n$/);
    const folder = run(['visualize', '--checkpoint', dir, '--input', 'x.png', '--out', dir]);
    expect(folder.stderr).toMatch(/--checkpoint: .* is a folder, not a checkpoint file/);
  });

  it('trains lenet5 on the 8x8 digits (resized to 32x32, and says so), writes a typed history and a report', () => {
    const out = join(dir, 'lenet');
    const r = run([
      'train',
      '--model',
      'lenet5',
      '--data',
      'digits',
      '--epochs',
      '2',
      '--limit',
      '200',
      '--lr',
      '0.003',
      '--out',
      out,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('images resized from 8×8×1 to 32×32×1 (bilinear)');
    // Not a terminal: plain lines, no bar and no carriage returns.
    expect(r.stdout).not.toContain('\r');
    expect(r.stdout).not.toContain('█');
    expect(r.stdout).not.toContain('\u001b[');
    expect(r.stdout).toMatch(
      /^epoch 2\/2: loss [\d.]+, accuracy [\d.]+, val_loss [\d.]+, val_accuracy [\d.]+ \(\d+:\d\d\)$/m,
    );
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
    expect(history).toMatchObject({
      model: 'lenet5',
      input: [32, 32, 1],
      dataShape: [8, 8, 1],
      classes: 10,
      epochs: 2,
      limit: 200,
      report: 'report/index.html',
    });
    expect(history.history.epochs.map((e: { epoch: number }) => e.epoch)).toEqual([1, 2]);
    expect(r.stdout).toContain(`report: ${join(out, 'report', 'index.html')}`);
    const html = readFileSync(join(out, 'report', 'index.html'), 'utf8');
    for (const name of [
      'loss',
      'accuracy',
      'confusion-matrix',
      'filters',
      'activations-1',
      'activations-2',
      'activations-3',
    ]) {
      expect(html).toContain(`src="${name}.png"`);
      expect(readFileSync(join(out, 'report', `${name}.svg`), 'utf8')).toMatch(/^<svg /);
      const png = spread(join(out, 'report', `${name}.png`));
      expect(png.width).toBeGreaterThan(200);
      expect(png.spread).toBeGreaterThan(1);
    }
    // Every convolution has a row of maps in the activation figure (conv1 28x28, conv2 10x10).
    const activations = readFileSync(join(out, 'report', 'activations-1.svg'), 'utf8');
    expect(activations).toContain('conv1 (28×28×6)');
    expect(activations).toContain('conv2 (10×10×16)');

    // visualize: an RGB image four times the model's size is resized and turned grey.
    const image = new PNG({ width: 128, height: 128 });
    for (let y = 0; y < 128; y++) {
      for (let x = 0; x < 128; x++) {
        const p = (y * 128 + x) * 4;
        const on = Math.abs(x - 64) < 12 || Math.abs(y - 64) < 8 ? 255 : 0;
        image.data.set([on, on * 0.8, on * 0.2, 255], p);
      }
    }
    const png = join(dir, 'cross.png');
    writeFileSync(png, PNG.sync.write(image));
    const vis = run([
      'visualize',
      '--checkpoint',
      join(out, 'model.safetensors'),
      '--input',
      png,
      '--out',
      join(dir, 'vis'),
    ]);
    expect(vis.stderr).toBe('');
    expect(vis.code).toBe(0);
    expect(vis.stdout).toContain('128×128×3, resized from 128×128 to 32×32 (bilinear), colour to grey');
    expect(vis.stdout).toMatch(/prediction: \d [\d.]+%/);
    expect(vis.stdout).toContain('2 convolution layers drawn');
    expect(spread(join(dir, 'vis', 'activations.png')).spread).toBeGreaterThan(1);
  });

  it("runs the main job (the root package.json's `train` script): a CNN on the digits reaches 0.97", () => {
    const script: string = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')).scripts.train;
    const args = script.replace(/^node scripts\/run-cli\.mjs /, '').split(' ');
    expect(args.slice(0, 5)).toEqual(['train', '--model', 'lenet5', '--data', 'digits']);
    const out = join(dir, 'main-job');
    const r = run([...args, '--out', out], 300_000);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    // Which backend and why: auto passes over webgpu (with its reason) when it cannot start.
    expect(r.stdout).toMatch(/; backend (webgpu|wasm|cpu)( \(passed over: webgpu: .+\))?\n/);
    const accuracy = Number(/^test: loss [\d.]+, accuracy ([\d.]+)/m.exec(r.stdout)?.[1]);
    expect(accuracy).toBeGreaterThanOrEqual(0.97);
    expect(r.stdout).toContain(`report: ${join(out, 'report', 'index.html')}`);
  }, 300_000);
});
