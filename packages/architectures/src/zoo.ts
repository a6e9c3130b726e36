/**
 * Every architecture of this package by name, with the input it expects, so a command line (or a page)
 * can build any of them from a string: `createArchitecture('resnet50', { classes: 10 })`.
 */
import { ArgumentError, type DType, type Shape } from '@dendrite/core';
import type { Module } from '@dendrite/layers';
import { StackedAutoencoder } from './autoencoder/stacked-autoencoder.js';
import type { BuildOptions } from './build-options.js';
import { cifarDenseNet, DENSENET_DEPTHS, type DenseNetDepth, densenet } from './densenet/densenet.js';
import { dcgan } from './gan/dcgan.js';
import { mlpGan } from './gan/mlp-gan.js';
import { lenet5 } from './lenet5.js';
import { mlp } from './mlp.js';
import { CharLanguageModel } from './recurrent/char-language-model.js';
import { lstmClassifier } from './recurrent/lstm-classifier.js';
import { lstmRegressor } from './recurrent/lstm-regressor.js';
import { cifarResNet } from './resnet/cifar-resnet.js';
import { RESNET_DEPTHS, type ResNetDepth, resnet } from './resnet/resnet.js';

/** What a model is for, which decides its loss and metrics when trained generically. */
export type ArchitectureTask = 'classification' | 'regression' | 'reconstruction' | 'generation' | 'language';

export interface ArchitectureRequest extends BuildOptions {
  /** Classes (or outputs, or the vocabulary of `char-lm`); each architecture has a default. */
  readonly classes?: number;
  /** One example's shape, without the batch axis (`[28, 28, 1]`, `[64]`, `[T, F]`). */
  readonly input?: Shape;
}

export interface Architecture {
  readonly name: string;
  readonly model: Module;
  /** One example's shape as `forward` takes it (batch axis excluded). */
  readonly inputShape: Shape;
  readonly inputDType: DType;
  readonly task: ArchitectureTask;
}

/** The names `createArchitecture` accepts (patterns in angle brackets). */
export const ARCHITECTURE_NAMES: readonly string[] = [
  'mlp',
  'lenet5',
  ...RESNET_DEPTHS.map((d) => `resnet${d}`),
  'resnet<6n+2> (CIFAR: resnet20, resnet32, resnet44, resnet56, resnet110)',
  ...DENSENET_DEPTHS.map((d) => `densenet${d}`),
  'densenet-<depth>-k<growth> (CIFAR, e.g. densenet-40-k12)',
  'densenet-bc-<depth>-k<growth> (CIFAR, bottleneck and compression 0.5, e.g. densenet-bc-100-k12)',
  'lstm-classifier',
  'lstm-regressor',
  'char-lm',
  'autoencoder',
  'mlp-gan',
  'dcgan',
];

function expectRank(name: string, input: Shape, ranks: readonly number[], what: string): void {
  if (!ranks.includes(input.length) || input.some((d) => !Number.isInteger(d) || d < 1)) {
    throw new ArgumentError(name, `input must be ${what}, got [${input.join(', ')}]`);
  }
}

const size = (s: Shape) => s.reduce((n, d) => n * d, 1);

function noClasses(name: string, request: ArchitectureRequest): void {
  if (request.classes !== undefined) {
    throw new ArgumentError(name, `has no classes to set (got classes ${request.classes})`);
  }
}

/** Builds the architecture called `name` (see `ARCHITECTURE_NAMES`). */
export function createArchitecture(name: string, request: ArchitectureRequest = {}): Architecture {
  const { classes, input, ...build } = request;
  const image = (fallback: Shape): Shape => {
    const s = input ?? fallback;
    expectRank(name, s, [3], 'an image [H, W, C]');
    return s;
  };
  const classifier = (model: Module, inputShape: Shape): Architecture => ({
    name,
    model,
    inputShape,
    inputDType: 'float32',
    task: 'classification',
  });

  if (name === 'mlp') {
    const s = input ?? [64];
    expectRank(name, s, [1, 2, 3], '[features] or an image [H, W, C]');
    return classifier(mlp({ ...build, input: s, hidden: [128], outputs: classes ?? 10 }), s);
  }
  if (name === 'lenet5') {
    const s = image([32, 32, 1]);
    return classifier(lenet5({ ...build, classes, inputShape: s }), s);
  }
  const resnetMatch = /^resnet(\d+)$/.exec(name);
  if (resnetMatch) {
    const depth = Number(resnetMatch[1]);
    if (RESNET_DEPTHS.includes(depth as ResNetDepth)) {
      const s = image([224, 224, 3]);
      return classifier(resnet(depth as ResNetDepth, { ...build, classes, inputChannels: s[2] }), s);
    }
    if ((depth - 2) % 6 !== 0 || depth < 8) {
      throw new ArgumentError(
        name,
        `ImageNet ResNets are ${RESNET_DEPTHS.map((d) => `resnet${d}`).join(', ')}; CIFAR ones are resnet<6n+2> (resnet20, resnet32, resnet44, resnet56, resnet110, …)`,
      );
    }
    const s = image([32, 32, 3]);
    return classifier(cifarResNet(depth, { ...build, classes, inputChannels: s[2] }), s);
  }
  const densenetMatch = /^densenet(\d+)$/.exec(name);
  if (densenetMatch) {
    const depth = Number(densenetMatch[1]) as DenseNetDepth;
    if (!DENSENET_DEPTHS.includes(depth)) {
      throw new ArgumentError(
        name,
        `ImageNet DenseNets are ${DENSENET_DEPTHS.map((d) => `densenet${d}`).join(', ')}; CIFAR ones are densenet-<depth>-k<growth>`,
      );
    }
    const s = image([224, 224, 3]);
    return classifier(densenet(depth, { ...build, classes, inputChannels: s[2] }), s);
  }
  const cifarDense = /^densenet-(bc-)?(\d+)-k(\d+)$/.exec(name);
  if (cifarDense) {
    const bc = Boolean(cifarDense[1]);
    const s = image([32, 32, 3]);
    const model = cifarDenseNet({
      ...build,
      depth: Number(cifarDense[2]),
      growthRate: Number(cifarDense[3]),
      bottleneck: bc,
      compression: bc ? 0.5 : 1,
      classes,
      inputChannels: s[2],
    });
    return classifier(model, s);
  }
  if (name === 'lstm-classifier') {
    const s = input ?? [28, 28];
    expectRank(name, s, [2], 'a sequence [T, F]');
    const model = lstmClassifier({ ...build, inputSize: s[1], hiddenSize: 128, classes: classes ?? 10 });
    return classifier(model, s);
  }
  if (name === 'lstm-regressor') {
    const s = input ?? [50, 2];
    expectRank(name, s, [2], 'a sequence [T, F]');
    const model = lstmRegressor({ ...build, inputSize: s[1], hiddenSize: 64, outputs: classes ?? 1 });
    return { name, model, inputShape: s, inputDType: 'float32', task: 'regression' };
  }
  if (name === 'char-lm') {
    const s = input ?? [64];
    expectRank(name, s, [1], 'a sequence length [T]');
    const model = new CharLanguageModel({ ...build, vocabularySize: classes ?? 96, hiddenSize: 128 });
    return { name, model, inputShape: s, inputDType: 'int32', task: 'language' };
  }
  if (name === 'autoencoder') {
    noClasses(name, request);
    const s = input ?? [784];
    expectRank(name, s, [1, 2, 3], '[features] or an image [H, W, C] (flattened)');
    const features = size(s);
    const sizes = [features, 256, 64, 32].filter((n, i) => i === 0 || n < features);
    const model = new StackedAutoencoder({ ...build, sizes: sizes.length > 1 ? sizes : [features, 1] });
    return { name, model, inputShape: [features], inputDType: 'float32', task: 'reconstruction' };
  }
  if (name === 'mlp-gan') {
    noClasses(name, request);
    const s = input ?? [2];
    expectRank(name, s, [1], '[features]');
    const gan = mlpGan({ ...build, latentSize: 16, dataSize: s[0] });
    return { name, model: gan, inputShape: gan.latentShape, inputDType: 'float32', task: 'generation' };
  }
  if (name === 'dcgan') {
    noClasses(name, request);
    const s = image([64, 64, 3]);
    if (s[0] !== s[1]) throw new ArgumentError(name, `images must be square, got [${s.join(', ')}]`);
    const gan = dcgan({ ...build, imageSize: s[0], channels: s[2] });
    return { name, model: gan, inputShape: gan.latentShape, inputDType: 'float32', task: 'generation' };
  }
  throw new ArgumentError(
    'createArchitecture',
    `unknown architecture '${name}'; known: ${ARCHITECTURE_NAMES.join(', ')}`,
  );
}
