import { describe, expect, it } from 'vitest';
import { convMacs, lstmMacs, mlpMacs, trainGflop } from '../src/flops.js';
import { type CaseResult, renderUtilisation, withUtilisation } from '../src/report.js';

const result = (workload: string, label: string, peer: CaseResult['peer'], medianMs: number, value = 0) =>
  ({
    workload,
    title: workload,
    case: label,
    unit: workload === 'W1' ? 'GFLOPS' : 'samples/s',
    peer,
    status: 'ok',
    medianMs,
    value,
  }) as CaseResult;

describe('model-FLOPs utilisation', () => {
  it('counts 6 FLOPs per MAC for a training step, from the layer shapes', () => {
    expect(mlpMacs(2, [3, 4, 5])).toBe(2 * 3 * 4 + 2 * 4 * 5);
    expect(convMacs(1, 2, 2, 3, 3, 4)).toBe(2 * 2 * 3 * 9 * 4);
    expect(lstmMacs(1, 2, 3, 4)).toBe(2 * 16 * 7);
    expect(trainGflop(1e9)).toBe(6);
  });

  it("divides a case's useful rate by the same peer's W1 N=512 rate", () => {
    const results = [
      result('W1', 'N=512', 'dendrite-wasm', 1, 40),
      result('W1', 'N=512', 'tfjs-wasm', 1, 20),
      result('W3', '', 'dendrite-wasm', 100),
      result('W3', '', 'tfjs-wasm', 200),
      result('W3', '', 'dendrite-cpu', 100),
    ];
    const out = withUtilisation(results, (r) => (r.workload === 'W3' ? 2 : undefined));
    const w3 = out.filter((r) => r.workload === 'W3');
    expect(w3.map((r) => r.gflops)).toEqual([20, 10, 20]);
    expect(w3[0].utilisation).toBeCloseTo(0.5);
    expect(w3[1].utilisation).toBeCloseTo(0.5);
    // No W1 for dendrite-cpu in this run: a rate but no utilisation.
    expect(w3[2].utilisation).toBeUndefined();
    expect(out[0].gflops).toBeUndefined();
    const table = renderUtilisation(out, ['dendrite-wasm', 'tfjs-wasm', 'dendrite-cpu']);
    expect(table).toContain('20.0 (50%)');
    expect(table).toContain('10.0 (50%)');
  });

  it('leaves failed cases alone', () => {
    const failed = { ...result('W3', '', 'dendrite-wasm', 0), status: 'error' } as CaseResult;
    expect(withUtilisation([failed], () => 1)[0].gflops).toBeUndefined();
  });
});
