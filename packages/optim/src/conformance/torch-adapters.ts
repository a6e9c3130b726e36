/**
 * The 'optimizer' op of `fixtures/torch/optim.json`: builds the optimizer the case describes (attrs),
 * applies each recorded step's gradients in turn and returns the parameters after every step
 * (`steps.<i>.<name>`) and at the end (`p0`, `p1`).
 */
import * as d from '@dendrite/core';
import type { TorchOpAdapter } from '@dendrite/core/conformance';
import { Adagrad } from '../adagrad.js';
import { Adam, AdamW } from '../adam.js';
import type { Optimizer } from '../optimizer.js';
import { type ParameterRef, parameterRef } from '../parameter-ref.js';
import { RMSprop } from '../rmsprop.js';
import { SGD } from '../sgd.js';

type Attrs = Record<string, unknown>;
const num = (a: Attrs, key: string): number | undefined => a[key] as number | undefined;

/** The optimizer a case's attrs describe (`attrs.optimizer`: sgd…, adam…, adamw, rmsprop…, adagrad). */
export function optimizerFromAttrs(params: Record<string, ParameterRef>, a: Attrs): Optimizer {
  const kind = String(a.optimizer);
  const lr = num(a, 'lr')!;
  if (kind === 'adamw' || kind.startsWith('adam')) {
    const options = {
      lr,
      beta1: num(a, 'beta1'),
      beta2: num(a, 'beta2'),
      eps: num(a, 'eps'),
      weightDecay: num(a, 'weightDecay'),
      amsgrad: Boolean(a.amsgrad),
    };
    return kind === 'adamw' ? new AdamW(params, options) : new Adam(params, options);
  }
  if (kind.startsWith('sgd')) {
    return new SGD(params, {
      lr,
      momentum: num(a, 'momentum'),
      dampening: num(a, 'dampening'),
      nesterov: Boolean(a.nesterov),
      weightDecay: num(a, 'weightDecay'),
    });
  }
  if (kind.startsWith('rmsprop')) {
    return new RMSprop(params, {
      lr,
      alpha: num(a, 'alpha'),
      eps: num(a, 'eps'),
      momentum: num(a, 'momentum'),
      centered: Boolean(a.centered),
      weightDecay: num(a, 'weightDecay'),
    });
  }
  if (kind.startsWith('adagrad')) {
    return new Adagrad(params, {
      lr,
      lrDecay: num(a, 'lrDecay'),
      eps: num(a, 'eps'),
      initialAccumulatorValue: num(a, 'initialAccumulatorValue'),
      weightDecay: num(a, 'weightDecay'),
    });
  }
  throw new Error(`optimizer fixture: unknown optimizer '${kind}'`);
}

const runTrajectory: TorchOpAdapter = (args, attrs, c) => {
  const names = Object.keys(c.params ?? {});
  // Own handles on the initial values: the optimizer disposes each replaced tensor, not the runner's.
  const refs = Object.fromEntries(names.map((n) => [n, parameterRef(d.detach(args[n]))]));
  const optimizer = optimizerFromAttrs(refs, attrs);
  const outputs: Record<string, d.Tensor> = {};
  try {
    (c.steps ?? []).forEach((s, i) => {
      optimizer.step(Object.fromEntries(names.map((n) => [n, d.tensor(s.grads[n].data, s.grads[n].shape)])));
      // Handles that share storage with the values, which the next step replaces and disposes.
      for (const n of names) outputs[`steps.${i}.${n}`] = d.detach(refs[n].value);
    });
    for (const n of names) outputs[n] = d.detach(refs[n].value);
  } finally {
    optimizer.dispose();
    for (const n of names) refs[n].value.dispose();
  }
  return outputs;
};

export const torchAdapters: Record<string, TorchOpAdapter> = { optimizer: runTrajectory };
