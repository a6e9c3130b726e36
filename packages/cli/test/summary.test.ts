// `dendrite summary`: the JSON totals are exactly the published counts (torchvision, the CIFAR models of
// fixtures/torch/architectures.json, closed forms for the MLP and LeNet-5), with --classes and --input;
// the table lists every layer; bad arguments give a clear error and exit code 1.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers.js';

async function json(...argv: string[]) {
  const r = await cli('summary', ...argv, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as {
    model: string;
    params: number;
    macs: number;
    outputShape: number[];
    layers: { name: string; kind: string; outputShape: number[]; params: number; macs: number }[];
  };
}

interface ArchitectureCase {
  attrs: { model: string; numClasses: number; inputShape: number[] };
  outputs: { params: number; macs: number; outputShape: number[] };
}
const FIXTURES = JSON.parse(
  readFileSync(new URL('../../../fixtures/torch/architectures.json', import.meta.url), 'utf8'),
) as ArchitectureCase[];
/** The fixture's model names as the CLI spells them. */
const CLI_NAMES: Record<string, string> = {
  cifar_resnet20: 'resnet20',
  cifar_resnet56: 'resnet56',
  densenet40_k12: 'densenet-40-k12',
};

describe('dendrite summary --json', () => {
  it.each(FIXTURES.map((c) => [c.attrs.model, c] as const))(
    'gives exactly the counts of fixtures/torch/architectures.json: %s',
    async (model, c) => {
      const name = CLI_NAMES[model] ?? model;
      const s = await json(
        name,
        '--classes',
        String(c.attrs.numClasses),
        '--input',
        c.attrs.inputShape.slice(1).join('x'),
      );
      expect({ params: s.params, macs: s.macs, outputShape: s.outputShape }).toEqual({
        params: c.outputs.params,
        macs: c.outputs.macs,
        outputShape: c.outputs.outputShape,
      });
    },
  );

  it.each([
    ['lenet5', 61706, 416520, [1, 10]],
    ['mlp', (64 + 1) * 128 + (128 + 1) * 10, 64 * 128 + 128 * 10, [1, 10]],
  ])('%s: %i parameters, %i MACs', async (model, params, macs, outputShape) => {
    const s = await json(model as string);
    expect(s.model).toBe(model);
    expect(s.params).toBe(params);
    expect(s.macs).toBe(macs);
    expect(s.outputShape).toEqual(outputShape);
    expect(s.layers.reduce((n, l) => n + l.params, 0)).toBe(params);
    expect(s.layers.reduce((n, l) => n + l.macs, 0)).toBe(macs);
  });

  it('--classes and --input change the head and the MACs', async () => {
    const r18 = await json('resnet18', '--classes', '10');
    expect(r18.params).toBe(11689512 - 513000 + 5130);
    expect(r18.macs).toBe(1813561344 + 5120);
    const big = await json('resnet20', '--input', '64x64x3', '--classes', '100');
    expect(big.params).toBe(269722 - 650 + 6500);
    expect(big.macs).toBe(4 * 40550400 + 6400);
    const flat = await json('mlp', '--input', '28x28x1');
    expect(flat.layers[0]).toEqual({
      name: 'flatten',
      kind: 'Flatten',
      outputShape: [1, 784],
      params: 0,
      macs: 0,
    });
    expect(flat.params).toBe(785 * 128 + 129 * 10);
  });

  it('prints a table without --json', async () => {
    const r = await cli('summary', 'densenet-40-k12');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('features.denseblock3.denselayer12.conv1 (Conv2D)');
    expect(r.stdout).toContain('Total params:         1,019,722');
  });

  it('reports an unknown model and a bad shape with exit code 1', async () => {
    const unknown = await cli('summary', 'resnet7');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(
      /error: resnet7: ImageNet ResNets are resnet18, .*CIFAR ones are resnet<6n\+2>/,
    );
    const bad = await cli('summary', 'lenet5', '--input', '28xx1');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("'28xx1' is not a shape");
  });
});
