// `pnpm conformance` end to end: a fixture folder the project has never seen, in either schema, runs
// through --fixtures and is reported case by case; failures make the command exit non-zero.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const fixtures = fileURLToPath(new URL('../../fixtures', import.meta.url));

function heldOutFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'dendrite-heldout-'));
  const torch = JSON.parse(readFileSync(join(fixtures, 'torch/matmul.json'), 'utf8')).slice(0, 3);
  torch[0].name = 'heldout/matmul_renamed';
  writeFileSync(join(dir, 'my-torch-cases.json'), JSON.stringify(torch));
  const onnx = JSON.parse(readFileSync(join(fixtures, 'onnx/Conv.json'), 'utf8')).slice(0, 2);
  writeFileSync(join(dir, 'my-onnx-cases.json'), JSON.stringify(onnx));
  return dir;
}

describe('pnpm conformance', () => {
  it('runs an unseen folder of both schemas case by case and writes the JSON report', () => {
    const dir = heldOutFolder();
    const json = join(dir, 'report.json');
    const out = execFileSync(
      'node',
      [cli, '--backend', 'cpu', '--only-fixtures', '--fixtures', dir, '--json', json],
      {
        encoding: 'utf8',
      },
    );
    expect(out).toMatch(/torch:matmul\s+│ 3 pass/);
    expect(out).toMatch(/onnx:Conv\s+│ 2 pass/);
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.backend).toBe('cpu');
    expect(report.totals).toEqual({ pass: 5, fail: 0, xfail: 0, xpass: 0, unsupported: 0 });
    expect(report.cases.map((c: { name: string }) => c.name)).toContain('heldout/matmul_renamed');
    for (const c of report.cases) {
      expect(Object.keys(c).sort()).toEqual(['maxAbsErr', 'maxRelErr', 'name', 'op', 'source', 'status']);
    }
  });

  it('exits non-zero and names the case when a case fails', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-bad-'));
    const cases = JSON.parse(readFileSync(join(fixtures, 'torch/elementwise.json'), 'utf8')).slice(0, 1);
    cases[0].outputs.y.data[0] += 1; // a wrong golden value
    writeFileSync(join(dir, 'bad.json'), JSON.stringify(cases));
    const r = spawnSync('node', [cli, '--only-fixtures', '--fixtures', dir], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/\[cpu\] FAIL\s+torch:bad\.json add\/same: output 'y': max abs err 1\.00e\+0/);
  });

  it('reports dtypes Dendrite lacks as unsupported, counted, not dropped', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dendrite-dtype-'));
    writeFileSync(join(dir, 'Add.json'), readFileSync(join(fixtures, 'onnx/Add.json')));
    const json = join(dir, 'r.json');
    execFileSync('node', [cli, '--only-fixtures', '--fixtures', dir, '--json', json], { encoding: 'utf8' });
    const report = JSON.parse(readFileSync(json, 'utf8'));
    expect(report.totals.unsupported).toBe(4);
    expect(
      report.cases
        .filter((c: { status: string }) => c.status === 'unsupported')
        .map((c: { reason: string }) => c.reason)
        .sort(),
    ).toEqual(['dtype int16', 'dtype int8', 'dtype uint64', 'dtype uint8']);
  });
});
