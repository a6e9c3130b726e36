/**
 * Feed-forward networks: a stack of Dense layers with one activation between them, from the textbook's
 * 3-4-2 sigmoid network to a ReLU classifier over flattened images.
 */
import { ArgumentError, type Shape } from '@dendrite/core';
import {
  type ActivationSpec,
  Dense,
  Dropout,
  Flatten,
  type InitializerSpec,
  type Module,
  Sequential,
  smallRandom,
} from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from './build-options.js';

export interface MlpOptions extends BuildOptions {
  /** Features per example, or an example's shape (`[28, 28, 1]`: a Flatten comes first). */
  readonly input: number | Shape;
  /** Units of each hidden layer, in order (may be empty: a linear or logistic model). */
  readonly hidden: readonly number[];
  /** Units of the output layer (classes, or regression targets). */
  readonly outputs: number;
  /** Between layers (default 'relu'). */
  readonly activation?: ActivationSpec;
  /** On the output layer (default none: logits for a softmax cross-entropy). */
  readonly outputActivation?: ActivationSpec;
  /** Dropout rate after each hidden layer (default 0: none). */
  readonly dropout?: number;
  readonly biasInitializer?: InitializerSpec;
}

/**
 * `Sequential` of `dense1 … denseN` (and `flatten`, `dropout<i>` where asked): `x [N, ...input] ->
 * [N, outputs]`. Parameters are named `dense<i>.kernel` / `dense<i>.bias`.
 */
export function mlp(options: MlpOptions): Sequential {
  const op = 'mlp';
  const inputShape = typeof options.input === 'number' ? [options.input] : [...options.input];
  if (inputShape.length === 0) throw new ArgumentError(op, 'input must have at least one dimension');
  inputShape.forEach((d, i) => {
    expectPositiveInteger(op, `input[${i}]`, d);
  });
  options.hidden.forEach((u, i) => {
    expectPositiveInteger(op, `hidden[${i}]`, u);
  });
  expectPositiveInteger(op, 'outputs', options.outputs);
  const rate = options.dropout ?? 0;
  if (!(rate >= 0 && rate < 1)) throw new ArgumentError(op, `dropout ${rate} must be in [0, 1)`);

  const layers: Record<string, Module> = {};
  if (inputShape.length > 1) layers.flatten = new Flatten();
  const sizes = [inputShape.reduce((n, d) => n * d, 1), ...options.hidden, options.outputs];
  const common = {
    rng: options.rng,
    ...(options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {}),
    ...(options.biasInitializer ? { biasInitializer: options.biasInitializer } : {}),
  };
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    layers[`dense${i + 1}`] = new Dense(sizes[i], sizes[i + 1], {
      ...common,
      activation: last ? options.outputActivation : (options.activation ?? 'relu'),
    });
    if (!last && rate > 0) layers[`dropout${i + 1}`] = new Dropout(rate, { rng: options.rng });
  }
  return new Sequential(layers, { name: options.name ?? 'mlp' });
}

/**
 * The textbook network of the backpropagation example this project grew from: 3 inputs, 4 sigmoid
 * hidden units, 2 sigmoid outputs, weights "small random numbers" (uniform in ±0.05 unless given).
 * Train it with `sumSquaredError` (½Σ(t − o)²) and plain SGD to reproduce the delta rule.
 */
export function textbookMlp(options: BuildOptions = {}): Sequential {
  return mlp({
    input: 3,
    hidden: [4],
    outputs: 2,
    activation: 'sigmoid',
    outputActivation: 'sigmoid',
    kernelInitializer: options.kernelInitializer ?? smallRandom(0.05),
    biasInitializer: smallRandom(0.05),
    rng: options.rng,
    name: options.name ?? 'mlp-3-4-2',
  });
}
