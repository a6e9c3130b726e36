import { describe, expect, it } from 'vitest';
import { type CaseResult, disagreement, formatValue, ratio, renderTable } from '../src/report.js';

const base = { workload: 'W4', title: 'LeNet-5 train step', case: '', unit: 'samples/s' } as const;
const ok = (peer: CaseResult['peer'], value: number, firstValue = 2.3): CaseResult => ({
  ...base,
  peer,
  status: 'ok',
  value,
  firstValue,
});

describe('report', () => {
  it('formats values to 3 significant digits, thousands grouped', () => {
    expect(formatValue(0.5234)).toBe('0.523');
    expect(formatValue(23.46)).toBe('23.5');
    expect(formatValue(44220.4)).toBe('44,220');
  });

  it('gives a ratio only when both peers ran', () => {
    expect(ratio(ok('dendrite-cpu', 30), ok('tfjs-cpu', 10))).toBe('3.00×');
    expect(ratio(ok('dendrite-cpu', 300), ok('tfjs-cpu', 10))).toBe('30.0×');
    const unsupported: CaseResult = {
      ...base,
      peer: 'tfjs-wasm',
      status: 'unsupported',
      message: 'no kernel',
    };
    expect(ratio(ok('dendrite-cpu', 30), unsupported)).toBe('-');
    expect(ratio(ok('dendrite-cpu', 30), undefined)).toBe('-');
  });

  it('flags peers whose first step computed different values', () => {
    expect(disagreement([ok('dendrite-cpu', 1, 2.3), ok('tfjs-cpu', 1, 2.3000001)])).toBeNull();
    expect(disagreement([ok('dendrite-cpu', 1, 2.3), ok('tfjs-cpu', 1, 2.4)])).toContain('tfjs-cpu 2.4');
  });

  it('renders unsupported cells and ratio columns', () => {
    const text = renderTable(
      [
        ok('dendrite-cpu', 500),
        ok('tfjs-cpu', 5),
        { ...base, peer: 'tfjs-wasm', status: 'unsupported', message: 'x' },
      ],
      ['dendrite-cpu', 'tfjs-cpu', 'tfjs-wasm'],
    );
    const row = text.split('\n')[2];
    expect(row).toMatch(/^W4 LeNet-5 train step +samples\/s +500 +5\.00 +unsupported +100\.0× +-$/);
    expect(text).toContain('unsupported: W4 LeNet-5 train step on tfjs-wasm: x');
  });
});
