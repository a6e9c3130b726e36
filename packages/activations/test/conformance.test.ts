// This package's fixture adapters cover every op of its PyTorch group and name real ONNX node tests. The
// cases themselves run in every backend's conformance suite (`@dendrite/conformance`).
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { onnxAdapters, torchAdapters } from '../src/conformance/index.js';

const fixtures = (dir: string) => fileURLToPath(new URL(`../../../fixtures/${dir}/`, import.meta.url));

describe('fixture adapters', () => {
  it('cover every op of activations.json', () => {
    const cases = JSON.parse(readFileSync(`${fixtures('torch')}activations.json`, 'utf8')) as {
      op: string;
    }[];
    const missing = [...new Set(cases.map((c) => c.op))].filter((op) => !(op in torchAdapters));
    expect(missing).toEqual([]);
  });

  it('map ONNX ops that have node tests', () => {
    const files = new Set(readdirSync(fixtures('onnx')));
    expect(Object.keys(onnxAdapters).filter((op) => !files.has(`${op}.json`))).toEqual([]);
  });
});
