/**
 * LeNet-5 (LeCun et al. 1998) in its common modern form: two 5x5 convolutions (6 and 16 filters), each
 * followed by 2x2 pooling, then fully connected layers of 120 and 84 units and the classifier. C3 is
 * fully connected to S2 (the paper's partial connection table is left out, as in most re-implementations),
 * so a 32x32x1 input and 10 classes give 61,706 parameters.
 */
import { ArgumentError, type Shape } from '@dendrite/core';
import {
  type ActivationSpec,
  AvgPool2D,
  Conv2D,
  Dense,
  Flatten,
  MaxPool2D,
  type Module,
  Sequential,
} from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from './build-options.js';

export interface LeNet5Options extends BuildOptions {
  /** Default 10. */
  readonly classes?: number;
  /** One example `[H, W, C]`; default `[32, 32, 1]` (the paper's). */
  readonly inputShape?: Shape;
  /**
   * Padding of the first convolution: default 'same' for inputs smaller than 32x32 (28x28 MNIST images
   * padded by 2, as the paper's 32x32 frame) and 'valid' otherwise.
   */
  readonly conv1Padding?: 'same' | 'valid';
  /** Default 'relu' (the paper: a scaled tanh). */
  readonly activation?: ActivationSpec;
  /** Default 'max' (the paper: trainable average pooling). */
  readonly pooling?: 'max' | 'avg';
}

/** `Sequential` of `conv1, pool1, conv2, pool2, flatten, fc1, fc2, fc3`: `[N, H, W, C] -> [N, classes]`. */
export function lenet5(options: LeNet5Options = {}): Sequential {
  const op = 'lenet5';
  const classes = expectPositiveInteger(op, 'classes', options.classes ?? 10);
  const [h, w, c] = options.inputShape ?? [32, 32, 1];
  if ((options.inputShape && options.inputShape.length !== 3) || ![h, w, c].every((d) => d >= 1)) {
    throw new ArgumentError(
      op,
      `inputShape must be [H, W, C], got [${(options.inputShape ?? []).join(', ')}]`,
    );
  }
  const activation = options.activation ?? 'relu';
  const pool = (): Module => (options.pooling === 'avg' ? new AvgPool2D(2) : new MaxPool2D(2));
  const init = options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {};
  const rng = options.rng;
  const padding = options.conv1Padding ?? (h < 32 || w < 32 ? 'same' : 'valid');
  // Named here (not only by the Sequential) so a shape error below names the layer.
  const features = {
    conv1: new Conv2D(c, 6, 5, { padding, activation, rng, ...init, name: 'conv1' }),
    pool1: pool(),
    conv2: new Conv2D(6, 16, 5, { activation, rng, ...init, name: 'conv2' }),
    pool2: pool(),
    flatten: new Flatten(),
  };
  // The first dense layer takes whatever the convolutions leave (400 features for a 32x32 frame).
  let flat: number;
  try {
    flat = Object.values(features).reduce<Shape>((s, m) => m.outputShape(s), [1, h, w, c])[1];
  } catch (e) {
    for (const m of Object.values(features)) m.dispose();
    throw e;
  }
  return new Sequential(
    {
      ...features,
      fc1: new Dense(flat, 120, { activation, rng, ...init }),
      fc2: new Dense(120, 84, { activation, rng, ...init }),
      fc3: new Dense(84, classes, { rng, ...init }),
    },
    { name: options.name ?? 'lenet5' },
  );
}
