// This package's fixture adapters cover every op of models.json and architectures.json. The cases
// themselves run in every backend's conformance suite (`@dendrite/conformance`).
import { describe, expect, it } from 'vitest';
import { torchAdapters } from '../src/conformance/index.js';
import { readFixture } from './helpers.js';

describe('torchAdapters', () => {
  it('cover every op of models.json and architectures.json', () => {
    const cases = [
      ...readFixture<{ op: string }[]>('models.json'),
      ...readFixture<{ op: string }[]>('architectures.json'),
    ];
    const ops = new Set(cases.map((c) => c.op));
    expect(Object.keys(torchAdapters).sort()).toEqual([...ops].sort());
  });
});
