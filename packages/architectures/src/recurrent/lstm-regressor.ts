/**
 * Sequence regression with stacked LSTMs and a linear read-out: many-to-many by default (`[N, T, F] ->
 * [N, T, outputs]`, the read-out applied at every step, e.g. forecasting or tagging), or many-to-one
 * (`[N, T, F] -> [N, outputs]` from the last step, e.g. the adding problem).
 */
import { Dense, Sequential } from '@dendrite/layers';
import { type BuildOptions, expectPositiveInteger } from '../build-options.js';
import { lstmStack } from './lstm-stack.js';

export interface LstmRegressorOptions extends BuildOptions {
  readonly inputSize: number;
  readonly hiddenSize: number;
  /** Values predicted per step (default 1). */
  readonly outputs?: number;
  /** Default 1. */
  readonly layers?: number;
  /** An output at every step (default true) or only after the last one. */
  readonly sequenceOutput?: boolean;
}

/** `Sequential` of `lstm1` … `lstmN` and `head` (Dense, linear). */
export function lstmRegressor(options: LstmRegressorOptions): Sequential {
  const op = 'lstmRegressor';
  const outputs = expectPositiveInteger(op, 'outputs', options.outputs ?? 1);
  const many = options.sequenceOutput ?? true;
  return new Sequential(
    {
      ...lstmStack(op, options.inputSize, options.hiddenSize, options.layers ?? 1, many, options),
      head: new Dense(options.hiddenSize, outputs, {
        rng: options.rng,
        ...(options.kernelInitializer ? { kernelInitializer: options.kernelInitializer } : {}),
      }),
    },
    { name: options.name ?? (many ? 'lstm-regressor' : 'lstm-regressor-last') },
  );
}
