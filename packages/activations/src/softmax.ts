/** Softmax and log-softmax along one axis (core's ops, which a backend may fuse). */
import * as d from '@dendrite/core';
import { expectFloat } from './activation.js';

/** e^x / Σ e^x along `axis` (default: the last). */
export function softmax(x: d.Tensor, axis = -1): d.Tensor {
  expectFloat('softmax', x);
  return d.softmax(x, axis);
}

/** x − log Σ e^x along `axis` (default: the last); stabler than log(softmax(x)). */
export function logSoftmax(x: d.Tensor, axis = -1): d.Tensor {
  expectFloat('logSoftmax', x);
  return d.logSoftmax(x, axis);
}
