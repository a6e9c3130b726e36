// `summary` against published structure: exactly the parameter and MAC counts of every model in
// fixtures/torch/architectures.json (torchvision and the fixture script's CIFAR models), broken down by
// layer type, and the same for other class counts, input sizes and models checked in closed form.
import { beforeAll, describe, expect, it } from 'vitest';
import {
  type Architecture,
  createArchitecture,
  dcgan,
  formatSummary,
  lenet5,
  type ModelSummary,
  mlp,
  summary,
} from '../src/index.js';
import { checkLeaksAroundEachTest, expectNoLeak, readFixture, useCpu } from './helpers.js';

beforeAll(() => useCpu());
checkLeaksAroundEachTest();

interface ArchitectureCase {
  name: string;
  attrs: { model: string; numClasses: number; inputShape: number[] };
  outputs: {
    params: number;
    macs: number;
    convMacs: number;
    linearMacs: number;
    paramsByLayerType: { conv: number; batchnorm: number; linear: number };
    bnRunningStatValues: number;
    layerCounts: { conv: number; linear: number; batchnorm: number };
    outputShape: number[];
  };
}

const CASES = readFixture<ArchitectureCase[]>('architectures.json');

/** The fixture's model names as the names `createArchitecture` (and the CLI) take. */
const NAMES: Record<string, string> = {
  resnet18: 'resnet18',
  resnet34: 'resnet34',
  resnet50: 'resnet50',
  densenet121: 'densenet121',
  cifar_resnet20: 'resnet20',
  cifar_resnet56: 'resnet56',
  densenet40_k12: 'densenet-40-k12',
};

/** Builds cheaply (zero kernels: only the structure matters here), summarises, frees. */
async function summarise(name: string, classes?: number, input?: number[]): Promise<ModelSummary> {
  let built: Architecture | undefined;
  let s: ModelSummary | undefined;
  await expectNoLeak(() => {
    built = createArchitecture(name, { classes, input, kernelInitializer: 'zeros' });
    s = summary(built.model, [1, ...built.inputShape]);
    built.model.dispose();
  });
  return s!;
}

const byKind = (s: ModelSummary, kinds: readonly string[]) => s.layers.filter((l) => kinds.includes(l.kind));
const total = (rows: readonly { params: number }[]) => rows.reduce((n, r) => n + r.params, 0);
const totalMacs = (rows: readonly { macs: number }[]) => rows.reduce((n, r) => n + r.macs, 0);

describe('summary matches fixtures/torch/architectures.json exactly', () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const name = NAMES[c.attrs.model];
      expect(name, `no mapping for ${c.attrs.model}`).toBeDefined();
      const s = await summarise(name, c.attrs.numClasses, c.attrs.inputShape.slice(1));
      const o = c.outputs;
      expect(s.inputShape).toEqual(c.attrs.inputShape);
      expect(s.outputShape).toEqual(o.outputShape);
      expect(s.params).toBe(o.params);
      expect(s.trainableParams).toBe(o.params);
      expect(s.macs).toBe(o.macs);
      const convs = byKind(s, ['Conv2D']);
      const linears = byKind(s, ['Dense']);
      const norms = byKind(s, ['BatchNorm']);
      expect({ conv: convs.length, linear: linears.length, batchnorm: norms.length }).toEqual(o.layerCounts);
      expect({ conv: total(convs), batchnorm: total(norms), linear: total(linears) }).toEqual(
        o.paramsByLayerType,
      );
      expect(totalMacs(convs)).toBe(o.convMacs);
      expect(totalMacs(linears)).toBe(o.linearMacs);
      // BN running statistics are buffers (plus one int32 batch counter per BN), never parameters.
      expect(s.bufferElements).toBe(o.bnRunningStatValues + o.layerCounts.batchnorm);
      // Every row adds up to the totals.
      expect(total(s.layers)).toBe(s.params);
      expect(totalMacs(s.layers)).toBe(s.macs);
    });
  }
});

describe('other class counts and input sizes', () => {
  const fixture = (model: string) => CASES.find((c) => c.attrs.model === model)!.outputs;

  it('a new classifier head changes only the linear layer (ResNet-18, 10 classes)', async () => {
    const o = fixture('resnet18');
    const s = await summarise('resnet18', 10);
    expect(s.params).toBe(o.params - (512 * 1000 + 1000) + (512 * 10 + 10));
    expect(s.macs).toBe(o.convMacs + 512 * 10);
    expect(s.outputShape).toEqual([1, 10]);
  });

  it('twice the input side gives four times the convolution MACs (ResNet-50, DenseNet-121, 448x448)', async () => {
    for (const [name, model] of [
      ['resnet50', 'resnet50'],
      ['densenet121', 'densenet121'],
    ]) {
      const o = fixture(model);
      const s = await summarise(name, 1000, [448, 448, 3]);
      expect(s.params).toBe(o.params);
      expect(s.macs).toBe(4 * o.convMacs + o.linearMacs);
    }
  });

  it('CIFAR models at 64x64 with 100 classes', async () => {
    for (const [name, model, width] of [
      ['resnet20', 'cifar_resnet20', 64],
      ['densenet-40-k12', 'densenet40_k12', 448],
    ] as const) {
      const o = fixture(model);
      const s = await summarise(name, 100, [64, 64, 3]);
      expect(s.params).toBe(o.params - (width * 10 + 10) + (width * 100 + 100));
      expect(s.macs).toBe(4 * o.convMacs + width * 100);
    }
  });

  it('ResNet-101/152 and DenseNet-169/201: torchvision’s documented parameter counts and GMACs', async () => {
    // torchvision's weight metadata: num_params, and _ops (GMACs at 224x224, three decimals).
    const documented: [string, number, number][] = [
      ['resnet101', 44549160, 7.801],
      ['resnet152', 60192808, 11.514],
      ['densenet169', 14149480, 3.36],
      ['densenet201', 20013928, 4.291],
    ];
    for (const [name, params, gmacs] of documented) {
      const s = await summarise(name);
      expect(s.params, name).toBe(params);
      expect(Math.abs(s.macs / 1e9 - gmacs), `${name}: ${s.macs}`).toBeLessThan(0.0051);
    }
  });

  it('an MLP in closed form: Σ (in + 1)·out parameters, Σ in·out MACs', async () => {
    for (const [input, hidden, outputs] of [
      [3, [4], 2],
      [64, [128], 10],
      [784, [256, 64, 32], 7],
    ] as const) {
      const sizes = [input, ...hidden, outputs];
      let params = 0;
      let macs = 0;
      for (let i = 0; i + 1 < sizes.length; i++) {
        params += (sizes[i] + 1) * sizes[i + 1];
        macs += sizes[i] * sizes[i + 1];
      }
      const model = mlp({ input, hidden, outputs, kernelInitializer: 'zeros' });
      const s = summary(model, [5, input]);
      model.dispose();
      expect(s.params).toBe(params);
      expect(s.macs).toBe(5 * macs); // MACs scale with the batch
      expect(s.outputShape).toEqual([5, outputs]);
    }
  });

  it('LeNet-5 in closed form: 61,706 parameters and 416,520 MACs for 32x32, the same for padded 28x28', () => {
    for (const inputShape of [
      [32, 32, 1],
      [28, 28, 1],
    ]) {
      const model = lenet5({ inputShape, kernelInitializer: 'zeros' });
      const s = summary(model, [1, ...inputShape]);
      model.dispose();
      // conv1 5·5·1·6 + 6, conv2 5·5·6·16 + 16, fc 400·120 + 120, 120·84 + 84, 84·10 + 10
      expect(s.params).toBe(156 + 2416 + 48120 + 10164 + 850);
      // conv1 28·28·6·25, conv2 10·10·16·150, fc 400·120 + 120·84 + 84·10
      expect(s.macs).toBe(117600 + 240000 + 48000 + 10080 + 840);
    }
  });

  it("DCGAN 64x64: PyTorch tutorial's 3,576,704 generator and 2,765,568 discriminator parameters", () => {
    const gan = dcgan({ kernelInitializer: 'zeros' });
    const g = summary(gan.generator, [1, 100]);
    const d = summary(gan.discriminator, [1, 64, 64, 3]);
    const both = summary(gan, [1, 100]);
    gan.dispose();
    expect(g.params).toBe(3576704);
    expect(d.params).toBe(2765568);
    expect(g.outputShape).toEqual([1, 64, 64, 3]);
    expect(both.outputShape).toEqual([1, 1]);
    expect(both.params).toBe(g.params + d.params);
    // Transposed convolutions: every input pixel meets cout·k·k weights; convolutions as usual.
    const gMacs = 100 * 512 * 16 + 4 * 4 * 512 * 256 * 16 + 8 * 8 * 256 * 128 * 16 + 16 * 16 * 128 * 64 * 16;
    expect(g.macs).toBe(gMacs + 32 * 32 * 64 * 3 * 16);
    const dMacs =
      32 * 32 * 64 * 48 + 16 * 16 * 128 * 64 * 16 + 8 * 8 * 256 * 128 * 16 + 4 * 4 * 512 * 256 * 16;
    expect(d.macs).toBe(dMacs + 512 * 16);
    expect(both.macs).toBe(g.macs + d.macs);
  });

  it('DenseNet-BC-100 (k = 12) in closed form', async () => {
    // Independent count: 3x3 stem to 2k = 24 channels; 3 blocks of 16 bottleneck layers
    // (BN c, conv1x1 c -> 48, BN 48, conv3x3 48 -> 12); transitions BN c, conv1x1 c -> c/2.
    let c = 24;
    let params = 3 * 3 * 3 * 24;
    for (let b = 0; b < 3; b++) {
      for (let l = 0; l < 16; l++) {
        params += 2 * c + c * 48 + 2 * 48 + 9 * 48 * 12;
        c += 12;
      }
      if (b < 2) {
        params += 2 * c + c * Math.floor(c / 2);
        c = Math.floor(c / 2);
      }
    }
    params += 2 * c + c * 10 + 10;
    const s = await summarise('densenet-bc-100-k12');
    expect(s.params).toBe(params);
    expect(s.params).toBe(769162); // the paper's "0.8M"
  });

  it('formatSummary prints every layer and the totals', async () => {
    const s = await summarise('resnet20');
    const text = formatSummary(s);
    expect(text).toContain('layer3.2.conv2 (Conv2D)');
    expect(text).toContain('[1, 8, 8, 64]');
    expect(text).toContain('Total params:         269,722');
    expect(text).toContain('Multiply-accumulates: 40,551,040');
    expect(text.split('\n').length).toBe(s.layers.length + 10);
  });
});
