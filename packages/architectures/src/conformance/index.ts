/**
 * @dendrite/architectures/conformance — adapters that run the whole-model cases of
 * `fixtures/torch/models.json` through this package's builders, for core's conformance runner:
 * `registerTorchOps(torchAdapters)`. Each builds the model the case describes, plugs the fixture's
 * weights in as its parameters (`withParameters`) and BN running statistics as its buffers, and returns
 * the outputs the case names; the runner checks them, every gradient, and the parameters after one SGD
 * step. The `architecture` cases of architectures.json hold counts, not tensors: `architectureCounts`
 * summarises the named model and the runner compares the counts exactly.
 */
import { alias, detach, fusedMatmul, grad, neg, noGrad, Rng, sigmoid, type Tensor } from '@dendrite/core';
import type { TorchOpAdapter } from '@dendrite/core/conformance';
import {
  Conv2D,
  crossEntropy,
  Dense,
  Flatten,
  MaxPool2D,
  type Module,
  meanSquaredError,
  Sequential,
  sumSquaredError,
  withParameters,
} from '@dendrite/layers';
import { StackedAutoencoder } from '../autoencoder/stacked-autoencoder.js';
import { denseBlock, transition } from '../densenet/densenet.js';
import { discriminatorLoss, generatorLoss } from '../gan/gan-losses.js';
import { mlpGan } from '../gan/mlp-gan.js';
import { textbookMlp } from '../mlp.js';
import { lstmClassifier } from '../recurrent/lstm-classifier.js';
import { BasicBlock } from '../resnet/basic-block.js';
import { architectureCounts } from './architecture-counts.js';

type Args = Record<string, Tensor>;

/**
 * Builds `model`, points its parameters (and loads its buffers) at the case's tensors renamed by
 * `rename` (fixture name -> module path), runs `fn`, then frees the model's own tensors.
 */
function withModel<M extends Module, T>(
  model: M,
  args: Args,
  rename: (fixtureName: string) => string,
  fn: (model: M) => T,
): T {
  try {
    const params = new Set(model.namedParameters().map(([n]) => n));
    const buffers = new Set(model.namedBuffers().map(([n]) => n));
    const values: Record<string, Tensor> = {};
    const state: Record<string, Tensor> = {};
    for (const [name, t] of Object.entries(args)) {
      const path = rename(name);
      if (params.has(path)) values[path] = t;
      else if (buffers.has(path)) state[path] = t;
    }
    model.loadStateDict(state, { strict: false });
    return withParameters(model, values, () => fn(model));
  } finally {
    model.dispose();
  }
}

/** The module's buffers under the fixture's names (new handles: the model is disposed afterwards). */
function buffersAs(model: Module, names: readonly string[], rename: (n: string) => string): Args {
  const buffers = new Map(model.namedBuffers());
  return Object.fromEntries(names.map((n) => [n, alias(buffers.get(rename(n))!.value)]));
}

const seeded = () => ({ rng: new Rng(0) });
const runningStatNames = (args: Args) =>
  Object.keys(args).filter((k) => k.endsWith('.runningMean') || k.endsWith('.runningVar'));

export const torchAdapters: Record<string, TorchOpAdapter> = {
  /** Counts of a reference architecture (architectures.json). */
  architecture: architectureCounts,
  /** The textbook 3-4-2 sigmoid network, with the deltas of the delta rule from autograd. */
  model_mlp: (x) => {
    const names: Args = { W1: x.W1, b1: x.b1, W2: x.W2, b2: x.b2 };
    const rename = (n: string) => `dense${n[1]}.${n[0] === 'W' ? 'kernel' : 'bias'}`;
    return withModel(textbookMlp(seeded()), names, rename, (m) => {
      const [layer1, layer2] = m.layers;
      const hidden = layer1.forward(x.x);
      const o = layer2.forward(hidden);
      const loss = sumSquaredError(o, x.target);
      // δ = −∂E/∂net of each layer's net input, computed by autograd from the net input onwards.
      const net2 = noGrad(() => fusedMatmul(hidden, x.W2, { bias: x.b2 }));
      const net1 = noGrad(() => fusedMatmul(x.x, x.W1, { bias: x.b1 }));
      const [dNet2] = grad((n) => sumSquaredError(sigmoid(n), x.target))(net2);
      const [dNet1] = grad((n) => sumSquaredError(layer2.forward(sigmoid(n)), x.target))(net1);
      return { hidden, o, loss, deltaOutput: neg(dNet2), deltaHidden: neg(dNet1) };
    });
  },

  /** conv(same) + ReLU -> 2x2 max pool -> flatten (NHWC order) -> dense -> softmax cross-entropy. */
  model_cnn: (x, a) => {
    const filter = x['conv.filter'];
    const [kh, kw, cin, cout] = filter.shape;
    const layers = (a.layers ?? []) as { type: string; padding?: string }[];
    const model = new Sequential({
      conv: new Conv2D(cin, cout, [kh, kw], {
        padding: (layers[0]?.padding as 'same' | 'valid' | undefined) ?? 'same',
        activation: 'relu',
        ...seeded(),
      }),
      pool: new MaxPool2D(2),
      flatten: new Flatten(),
      dense: new Dense(x['dense.W'].shape[0], x['dense.W'].shape[1], seeded()),
    });
    const map: Record<string, string> = {
      'conv.filter': 'conv.kernel',
      'conv.bias': 'conv.bias',
      'dense.W': 'dense.kernel',
      'dense.b': 'dense.bias',
    };
    return withModel(
      model,
      x,
      (n) => map[n] ?? n,
      (m) => {
        const logits = m.forward(x.x);
        return { logits, loss: crossEntropy(logits, x.labels) };
      },
    );
  },

  /** ResNet's basic block, identity or projection shortcut, BN in training mode. */
  model_resnet_block: (x, a) => {
    const [, , cin, cout] = x['conv1.filter'].shape;
    const strides = a.strides as [number, number];
    const block = new BasicBlock(cin, cout, {
      stride: strides[0],
      padding: a.conv1Padding as 'same',
      shortcut: 'projection',
      ...seeded(),
    });
    const rename = (n: string) =>
      n
        .replace(/^shortcut\.filter$/, 'downsample.0.kernel')
        .replace(/^shortcut\.bn\./, 'downsample.1.')
        .replace('.filter', '.kernel');
    return withModel(block, x, rename, (m) => {
      const y = m.forward(x.x);
      return {
        y,
        loss: meanSquaredError(y, x.target),
        ...buffersAs(m, runningStatNames(x), rename),
      };
    });
  },

  /** A dense block (BN-ReLU-conv3x3 layers, concatenated) and a compressing transition. */
  model_densenet_block: (x, a) => {
    const cin = x.x.shape[3];
    const layers = Number(a.numLayers);
    const growth = Number(a.growthRate);
    const model = new Sequential({
      block: denseBlock(cin, layers, growth, seeded()),
      transition: transition(cin + layers * growth, Number(a.transitionChannels), seeded()),
    });
    const rename = (n: string) =>
      n
        .replace(/^layer(\d+)\.bn\./, 'block.denselayer$1.norm1.')
        .replace(/^layer(\d+)\.conv\.filter$/, 'block.denselayer$1.conv1.kernel')
        .replace(/^transition\.bn\./, 'transition.norm.')
        .replace(/^transition\.conv\.filter$/, 'transition.conv.kernel');
    return withModel(model, x, rename, (m) => {
      const [block, trans] = m.layers;
      const blockOutput = block.forward(x.x);
      const y = trans.forward(blockOutput);
      return {
        blockOutput,
        y,
        loss: meanSquaredError(y, x.target),
        ...buffersAs(m, runningStatNames(x), rename),
      };
    });
  },

  /** An LSTM over the sequence, a dense layer on its final hidden state, softmax cross-entropy. */
  model_lstm_classifier: (x) => {
    const [inputSize, h4] = x['lstm.W'].shape;
    const model = lstmClassifier({
      inputSize,
      hiddenSize: h4 / 4,
      classes: x['dense.W'].shape[1],
      ...seeded(),
    });
    const map: Record<string, string> = {
      'lstm.W': 'lstm1.kernel',
      'lstm.U': 'lstm1.recurrentKernel',
      'lstm.b': 'lstm1.bias',
      'dense.W': 'head.kernel',
      'dense.b': 'head.bias',
    };
    return withModel(
      model,
      x,
      (n) => map[n] ?? n,
      (m) => {
        const [lstm, head] = m.layers;
        const lastHidden = lstm.forward(x.x);
        const logits = head.forward(lastHidden);
        return { lastHidden, logits, loss: crossEntropy(logits, x.labels) };
      },
    );
  },

  /** The 8-4-2-4-8 sigmoid autoencoder with a mean squared reconstruction error. */
  model_autoencoder: (x) => {
    const sizes = [x.W1.shape[0], x.W1.shape[1], x.W2.shape[1]];
    const model = new StackedAutoencoder({ sizes, activation: 'sigmoid', ...seeded() });
    const half = (sizes.length - 1) as number;
    const rename = (n: string) => {
      const i = Number(n.slice(1));
      const part = i <= half ? `encoder.dense${i}` : `decoder.dense${i - half}`;
      return `${part}.${n[0] === 'W' ? 'kernel' : 'bias'}`;
    };
    return withModel(model, x, rename, (m) => {
      const code = m.encode(x.x);
      const reconstruction = m.decode(code);
      return { code, reconstruction, loss: meanSquaredError(reconstruction, x.target) };
    });
  },

  /** The discriminator's step: real vs generated samples (held constant), BCE from logits. */
  model_gan_discriminator: (x) =>
    withGan(x, (gan) => {
      const fake = detach(noGrad(() => gan.generator.forward(x.z)));
      const realLogits = gan.discriminator.forward(x.real);
      const fakeLogits = gan.discriminator.forward(fake);
      return { fake, realLogits, fakeLogits, loss: discriminatorLoss(realLogits, fakeLogits) };
    }),

  /** The generator's step through the fixed discriminator, with the non-saturating loss. */
  model_gan_generator: (x) =>
    withGan(x, (gan) => {
      const fake = gan.generator.forward(x.z);
      const fakeLogits = gan.discriminator.forward(fake);
      return { fake, fakeLogits, loss: generatorLoss(fakeLogits) };
    }),
};

/** The case's MLP GAN: G z -> ReLU hidden -> tanh, D x -> LeakyReLU(0.2) hidden -> logit. */
function withGan(x: Args, fn: (gan: ReturnType<typeof mlpGan>) => Args): Args {
  const gan = mlpGan({
    latentSize: x['G.W1'].shape[0],
    dataSize: x['G.W2'].shape[1],
    generatorHidden: [x['G.W1'].shape[1]],
    discriminatorHidden: [x['D.W1'].shape[1]],
    outputActivation: 'tanh',
    ...seeded(),
  });
  const rename = (n: string) =>
    `${n[0] === 'G' ? 'generator' : 'discriminator'}.dense${n.slice(-1)}.${n[2] === 'W' ? 'kernel' : 'bias'}`;
  return withModel(gan, x, rename, fn);
}
