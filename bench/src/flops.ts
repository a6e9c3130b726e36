/**
 * Useful floating-point work per step, for the model-FLOPs utilisation column. Counted from the model,
 * as `summary` counts multiply-accumulates (convolutions and linear layers; elementwise work, norms and
 * pooling are not "useful" here), with the usual convention: a forward pass is 2 FLOPs per MAC, and a
 * training step adds a backward pass of 4 (the gradients of the inputs and of the weights), 6 in all.
 * The same count is used for every peer (native PyTorch included), so utilisation compares like with like.
 */
import { summary } from '@dendrite/architectures';
import type { Module } from '@dendrite/layers';

export const FORWARD_FLOPS_PER_MAC = 2;
export const TRAIN_FLOPS_PER_MAC = 6;

/** MACs of a dense layer `[batch, inputs] → [batch, outputs]`. */
export function denseMacs(batch: number, inputs: number, outputs: number): number {
  return batch * inputs * outputs;
}

/** MACs of a chain of dense layers of `sizes` (e.g. [784, 256, 10]). */
export function mlpMacs(batch: number, sizes: readonly number[]): number {
  let macs = 0;
  for (let i = 0; i + 1 < sizes.length; i++) macs += denseMacs(batch, sizes[i], sizes[i + 1]);
  return macs;
}

/** MACs of a square-window convolution producing `[batch, outH, outW, outC]` from `inC` channels. */
export function convMacs(
  batch: number,
  outH: number,
  outW: number,
  outC: number,
  window: number,
  inC: number,
): number {
  return batch * outH * outW * outC * window * window * inC;
}

/** MACs of an LSTM layer over `steps` (four gates, each a product with [input + hidden]). */
export function lstmMacs(batch: number, steps: number, inputs: number, hidden: number): number {
  return batch * steps * 4 * hidden * (inputs + hidden);
}

/** MACs of a whole model for one input of `inputShape` (batch axis included), from `summary`. */
export function modelMacs(model: Module, inputShape: readonly number[]): number {
  const macs = summary(model, [...inputShape]).macs;
  model.dispose();
  return macs;
}

/** GFLOP of a training step of `macs`. */
export function trainGflop(macs: number): number {
  return (TRAIN_FLOPS_PER_MAC * macs) / 1e9;
}

/** GFLOP of a forward pass of `macs`. */
export function forwardGflop(macs: number): number {
  return (FORWARD_FLOPS_PER_MAC * macs) / 1e9;
}
