/**
 * Many-to-one sequence classification: (an embedding of int32 tokens,) stacked LSTMs, and a linear
 * classifier on the last layer's final hidden state. `[N, T, F]` (or int32 `[N, T]`) -> `[N, classes]`.
 */
import { Dense, Embedding, type Module, Sequential } from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from '../build-options.js';
import { lstmStack } from './lstm-stack.js';

export interface LstmClassifierOptions extends BuildOptions {
  /** Features per time step (the embedding size when `vocabularySize` is given). */
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly classes: number;
  /** Stacked LSTM layers (default 1). */
  readonly layers?: number;
  /** Inputs are int32 token ids below this size, embedded in `inputSize` dimensions first. */
  readonly vocabularySize?: number;
}

/** `Sequential` of (`embedding`,) `lstm1` … `lstmN` and `head` (Dense, logits). */
export function lstmClassifier(options: LstmClassifierOptions): Sequential {
  const op = 'lstmClassifier';
  const classes = expectPositiveInteger(op, 'classes', options.classes);
  const layers: Record<string, Module> = {};
  if (options.vocabularySize !== undefined) {
    expectPositiveInteger(op, 'vocabularySize', options.vocabularySize);
    layers.embedding = new Embedding(options.vocabularySize, options.inputSize, { rng: options.rng });
  }
  Object.assign(
    layers,
    lstmStack(op, options.inputSize, options.hiddenSize, options.layers ?? 1, false, options),
  );
  layers.head = new Dense(options.hiddenSize, classes, {
    rng: options.rng,
    ...(options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {}),
  });
  return new Sequential(layers, { name: options.name ?? 'lstm-classifier' });
}
