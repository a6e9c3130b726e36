/**
 * The `architecture` cases of fixtures/torch/architectures.json record counts, not tensors: parameters and
 * multiply-accumulates (by layer type), layer counts, BN running-statistic values and the output shape of
 * a reference model for a batch-1 input. This adapter builds the model by name (structure only: zero
 * kernels), summarises it, and returns the same record; the runner compares it exactly.
 */
import type { StructureValue, TorchOpAdapter } from '@dendrite/core/conformance';
import { summary } from '../summary.js';
import { createArchitecture } from '../zoo.js';

/** The fixture's model names as `createArchitecture` (and the CLI) spell them. */
const NAMES: Record<string, string> = {
  resnet18: 'resnet18',
  resnet34: 'resnet34',
  resnet50: 'resnet50',
  resnet101: 'resnet101',
  resnet152: 'resnet152',
  densenet121: 'densenet121',
  densenet169: 'densenet169',
  densenet201: 'densenet201',
  cifar_resnet20: 'resnet20',
  cifar_resnet32: 'resnet32',
  cifar_resnet44: 'resnet44',
  cifar_resnet56: 'resnet56',
  cifar_resnet110: 'resnet110',
  densenet40_k12: 'densenet-40-k12',
};

export const architectureCounts: TorchOpAdapter = (_args, attrs) => {
  const fixtureName = String(attrs.model);
  const name = NAMES[fixtureName] ?? fixtureName;
  const inputShape = attrs.inputShape as number[];
  const built = createArchitecture(name, {
    classes: attrs.numClasses as number,
    input: inputShape.slice(1),
    kernelInitializer: 'zeros',
  });
  try {
    const s = summary(built.model, inputShape);
    const of = (kinds: string[]) => s.layers.filter((l) => kinds.includes(l.kind));
    const params = (rows: readonly { params: number }[]) => rows.reduce((n, r) => n + r.params, 0);
    const macs = (rows: readonly { macs: number }[]) => rows.reduce((n, r) => n + r.macs, 0);
    const [conv, linear, norm] = [of(['Conv2D']), of(['Dense']), of(['BatchNorm'])];
    const out: Record<string, StructureValue> = {
      params: s.params,
      paramsByLayerType: { conv: params(conv), batchnorm: params(norm), linear: params(linear) },
      // Each BatchNorm also keeps an int32 batch counter among its buffers: not a running statistic.
      bnRunningStatValues: s.bufferElements - norm.length,
      macs: s.macs,
      convMacs: macs(conv),
      linearMacs: macs(linear),
      layerCounts: { conv: conv.length, linear: linear.length, batchnorm: norm.length },
      outputShape: [...s.outputShape],
    };
    return out;
  } finally {
    built.model.dispose();
  }
};
