/**
 * DCGAN (Radford et al. 2016) as in PyTorch's reference implementation: the generator maps `z` (as a
 * 1x1 image) through a 4x4 transposed convolution to a 4x4 map, then stride-2 transposed convolutions
 * (kernel 4, padding 1) that double the size and halve the channels, BN + ReLU between and tanh at the
 * end; the discriminator mirrors it with stride-2 convolutions, LeakyReLU(0.2), BN from the second
 * layer on, and a final 4x4 convolution to one logit. No biases. 64x64x3 with 100 latent dimensions and
 * 64 base features gives PyTorch's 3,576,704 + 2,765,568 parameters.
 */
import { ArgumentError, type Padding } from '@dendrite/core';
import {
  ActivationLayer,
  BatchNorm,
  Conv2D,
  Conv2DTranspose,
  Flatten,
  type Module,
  normal,
  Reshape,
  Sequential,
} from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from '../build-options.js';
import { Gan } from './gan.js';

export interface DcganOptions extends BuildOptions {
  /** Side of the square images, a power of two >= 8 (default 64). */
  readonly imageSize?: number;
  /** Default 3. */
  readonly channels?: number;
  /** Default 100. */
  readonly latentSize?: number;
  /** ngf: channels of the generator's last hidden layer (default 64). */
  readonly generatorFeatures?: number;
  /** ndf: channels of the discriminator's first layer (default 64). */
  readonly discriminatorFeatures?: number;
}

const PAD1: Padding = [
  [1, 1],
  [1, 1],
];

export function dcgan(options: DcganOptions = {}): Gan {
  const op = 'dcgan';
  const size = options.imageSize ?? 64;
  const doublings = Math.log2(size / 4);
  if (!Number.isInteger(doublings) || doublings < 1) {
    throw new ArgumentError(op, `imageSize ${size} must be a power of two, at least 8`);
  }
  const channels = expectPositiveInteger(op, 'channels', options.channels ?? 3);
  const latent = expectPositiveInteger(op, 'latentSize', options.latentSize ?? 100);
  const ngf = expectPositiveInteger(op, 'generatorFeatures', options.generatorFeatures ?? 64);
  const ndf = expectPositiveInteger(op, 'discriminatorFeatures', options.discriminatorFeatures ?? 64);
  const rng = options.rng;
  // DCGAN's initialisation: weights from N(0, 0.02), BN scales from N(1, 0.02).
  const kernelInitializer = options.kernelInitializer ?? normal(0, 0.02);
  const bn = (c: number) => new BatchNorm(c, { rng, gammaInitializer: normal(1, 0.02) });

  const g: Module[] = [new Reshape([1, 1, latent])];
  let c = ngf * 2 ** (doublings - 1);
  g.push(new Conv2DTranspose(latent, c, 4, { useBias: false, rng, kernelInitializer }));
  g.push(bn(c), new ActivationLayer('relu'));
  for (let i = 1; i < doublings; i++) {
    g.push(
      new Conv2DTranspose(c, c / 2, 4, { strides: 2, padding: PAD1, useBias: false, rng, kernelInitializer }),
    );
    c /= 2;
    g.push(bn(c), new ActivationLayer('relu'));
  }
  g.push(
    new Conv2DTranspose(c, channels, 4, {
      strides: 2,
      padding: PAD1,
      useBias: false,
      activation: 'tanh',
      rng,
      kernelInitializer,
    }),
  );

  const d: Module[] = [];
  let cin = channels;
  for (let i = 0; i < doublings; i++) {
    const cout = ndf * 2 ** i;
    d.push(new Conv2D(cin, cout, 4, { strides: 2, padding: PAD1, useBias: false, rng, kernelInitializer }));
    if (i > 0) d.push(bn(cout));
    d.push(new ActivationLayer({ name: 'leakyRelu', params: { alpha: 0.2 } }));
    cin = cout;
  }
  d.push(new Conv2D(cin, 1, 4, { useBias: false, rng, kernelInitializer }), new Flatten());

  return new Gan(
    new Sequential(g, { name: 'generator' }),
    new Sequential(d, { name: 'discriminator' }),
    [latent],
    { name: options.name ?? 'dcgan' },
  );
}
