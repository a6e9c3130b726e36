/** Stacked LSTM layers (`lstm1` … `lstmN`) for the sequence models of this package. */
import { LSTM, type Module } from '@dendrite/layers';
import type { BuildOptions } from '../build-options.js';
import { expectPositiveInteger } from '../build-options.js';

/**
 * `layers` LSTMs of `hiddenSize` units, the first reading `inputSize` features; every layer but the last
 * returns its whole sequence, the last one returns it when `lastReturnsSequences`.
 */
export function lstmStack(
  op: string,
  inputSize: number,
  hiddenSize: number,
  layers: number,
  lastReturnsSequences: boolean,
  options: BuildOptions,
): Record<string, Module> {
  expectPositiveInteger(op, 'inputSize', inputSize);
  expectPositiveInteger(op, 'hiddenSize', hiddenSize);
  expectPositiveInteger(op, 'layers', layers);
  const init = options.kernelInitializer
    ? { kernelInitializer: options.kernelInitializer, recurrentInitializer: options.kernelInitializer }
    : {};
  const out: Record<string, Module> = {};
  for (let i = 0; i < layers; i++) {
    out[`lstm${i + 1}`] = new LSTM(i === 0 ? inputSize : hiddenSize, hiddenSize, {
      returnSequences: i + 1 < layers || lastReturnsSequences,
      rng: options.rng,
      ...init,
    });
  }
  return out;
}
