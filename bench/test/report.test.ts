import { describe, expect, it } from 'vitest';
import type { Measurement } from '../src/harness.js';
import { metricValue } from '../src/metric.js';
import {
  type CaseResult,
  disagreement,
  formatValue,
  measuredResult,
  ratio,
  renderTable,
  stoppedResult,
} from '../src/report.js';

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

  const w5 = { workload: 'W5', title: 'ResNet-20', case: 'train', unit: 'images/s' } as const;
  const stopped = (
    peer: CaseResult['peer'],
    elapsedMs: number,
    completed: { ms: number; value: number }[] = [],
  ) =>
    stoppedResult({ ...w5, peer }, 32, {
      phase: 'warm-up',
      index: 1,
      elapsedMs,
      deadlineMs: 60_000,
      completed: completed.map((c, i) => ({ phase: 'warm-up' as const, index: i + 1, ...c })),
    });

  it('turns a step stopped at the deadline into an upper bound on a rate, never a value', () => {
    const r = stopped('tfjs-cpu', 64_000);
    expect(r.status).toBe('timeout');
    expect(r.value).toBeUndefined();
    expect(r.valueBound).toEqual({ relation: 'at most', value: 0.5 }); // 32 images in more than 64 s
    expect(r.stoppedAfterMs).toBe(64_000);
    expect(r.firstValue).toBeUndefined();
    expect(r.message).toBe(
      'stopped: warm-up step 1 had run 64.0 s without finishing (deadline 60 s per step)',
    );
  });

  it('bounds ratios against a stopped peer from the side the bound allows', () => {
    const measured = { ...ok('dendrite-cpu', 50), ...w5 };
    // Dendrite at 50 images/s against a peer at most 0.5: Dendrite is more than 100× faster.
    expect(ratio(measured, stopped('tfjs-cpu', 64_000))).toBe('> 100.0×');
    expect(ratio(stopped('dendrite-cpu', 64_000), { ...ok('tfjs-cpu', 0.25), ...w5 })).toBe('< 2.00×');
    expect(ratio(stopped('dendrite-cpu', 64_000), stopped('tfjs-cpu', 64_000))).toBe('-');
  });

  it('shows a stopped peer as a bound in the table and says why', () => {
    const text = renderTable(
      [{ ...ok('dendrite-cpu', 50), ...w5 }, stopped('tfjs-cpu', 64_000)],
      ['dendrite-cpu', 'tfjs-cpu'],
    );
    expect(text.split('\n')[2]).toMatch(/^W5 ResNet-20 train +images\/s +50\.0 +< 0\.500 +> 100\.0×$/);
    expect(text).toContain('timeout: W5 ResNet-20 train on tfjs-cpu: stopped: warm-up step 1 had run 64.0 s');
  });

  it("checks a stopped peer's first value when a step finished before the deadline", () => {
    const early = stopped('tfjs-cpu', 61_000, [{ ms: 50_000, value: 2.4 }]);
    expect(early.firstValue).toBe(2.4);
    expect(early.message).toContain('1 step(s) finished before it, in 50.0 s');
    expect(disagreement([{ ...ok('dendrite-cpu', 50, 2.3), ...w5 }, early])).toContain('tfjs-cpu 2.4');
    expect(disagreement([{ ...ok('dendrite-cpu', 50, 2.4), ...w5 }, early])).toBeNull();
  });

  const w10 = { workload: 'W10', title: 'per-op overhead', case: 'add 16', unit: 'µs/op' } as const;

  it('measures a time per op as µs per unit of work, and its ratio as a ratio of speeds', () => {
    expect(metricValue('µs/op', 1000, 20)).toBe(20); // 1000 ops in 20 ms
    expect(metricValue('images/s', 32, 500)).toBe(64);
    const m = { medianMs: 20 } as Measurement;
    const fast = measuredResult({ ...w10, peer: 'dendrite-wasm' }, 1000, m);
    const slow = { ...w10, peer: 'tfjs-cpu', status: 'ok', value: 80 } as const;
    expect(fast.value).toBe(20);
    // 20 µs against 80 µs per op: Dendrite is 4× faster.
    expect(ratio(fast, slow)).toBe('4.00×');
    const text = renderTable([fast, slow], ['dendrite-wasm', 'tfjs-cpu']);
    expect(text).toContain("for µs/op, the peer's time ÷ Dendrite's");
  });

  it('leaves out a peer that has no version of any workload shown', () => {
    const text = renderTable(
      [ok('dendrite-cpu', 500), { ...base, peer: 'jax-js', status: 'n/a', message: 'no jax-js version' }],
      ['dendrite-cpu', 'jax-js'],
    );
    expect(text.split('\n')[0]).not.toContain('jax-js');
    expect(text).toContain('left out: jax-js (no version of these workloads)');
  });
});
