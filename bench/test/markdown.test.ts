import { describe, expect, it } from 'vitest';
import { markdownResults, markdownUtilisation } from '../src/markdown.js';
import type { CaseResult } from '../src/report.js';
import { PEER_IDS } from '../src/types.js';

const base = { workload: 'W9', title: 'GAN step (MLP)', case: '', unit: 'steps/s' } as const;
const ok = (peer: CaseResult['peer'], value: number, extra: Partial<CaseResult> = {}): CaseResult => ({
  ...base,
  peer,
  status: 'ok',
  value,
  ...extra,
});

describe('markdown tables', () => {
  const results: CaseResult[] = [
    ok('dendrite-wasm-1t', 60, { gflops: 20, utilisation: 0.7 }),
    ok('dendrite-wasm', 90, { gflops: 30, utilisation: 0.55 }),
    ok('tfjs-wasm', 9),
    { ...base, peer: 'jax-js', status: 'n/a' },
  ];

  it('has a column per peer that ran and the ratios whose two peers both ran', () => {
    const md = markdownResults(results, PEER_IDS).split('\n');
    expect(md[0]).toBe(
      '| workload | unit | dendrite-wasm-1t | dendrite-wasm | tfjs-wasm | wasm ÷ tfjs-wasm | wasm 2 threads ÷ 1 |',
    );
    expect(md[1]).toBe('| --- | --- | ---: | ---: | ---: | ---: | ---: |');
    expect(md[2]).toBe('| W9 GAN step (MLP) | steps/s | 60.0 | 90.0 | 9.00 | 10.0× | 1.50× |');
  });

  it('writes a dash where a peer that ran elsewhere has no version of the row', () => {
    const w3 = { workload: 'W3', title: 'MLP train step', case: '', unit: 'samples/s' } as const;
    const md = markdownResults([...results, { ...w3, peer: 'jax-js', status: 'ok', value: 500 }], PEER_IDS);
    expect(md.split('\n')[2]).toBe(
      '| W9 GAN step (MLP) | steps/s | 60.0 | 90.0 | 9.00 | – | 10.0× | 1.50× |',
    );
  });

  it('gives utilisation only for peers with a FLOP rate, as a percentage of their own GEMM', () => {
    const md = markdownUtilisation(results, PEER_IDS).split('\n');
    expect(md[0]).toBe('| workload | dendrite-wasm-1t | dendrite-wasm |');
    expect(md[2]).toBe('| W9 GAN step (MLP) | 20.0 (70 %) | 30.0 (55 %) |');
  });
});
