/**
 * Optimizer update steps as optional fused kernels. They run outside autograd and return new tensors
 * (the caller swaps them in and disposes the old ones). The rules are PyTorch's, so trajectories match
 * `torch.optim` step for step.
 */

import { noGrad } from '../../autograd/grad-mode.js';
import type { Backend, OptimizerHyper, OptimizerKind } from '../../backend.js';
import { inspectOutputs, isCheckingNumerics } from '../../checks/numerics.js';
import { ArgumentError, fmtShape, fmtValue, ShapeError } from '../../errors.js';
import { tidy } from '../../memory.js';
import { shapesEqual } from '../../shape.js';
import type { Tensor } from '../../tensor.js';
import { checkBoolean, checkFloatTensor, checkNumber, type NumberRule } from '../../validate.js';
import { add, div, maximum, mul, sub } from '../arithmetic.js';
import { identity } from '../reshape.js';
import { backendOf, wrap } from '../run-kernel.js';
import { sqrt, square } from '../unary.js';

export interface UpdateResult {
  readonly param: Tensor;
  /** SGD: [momentumBuffer] when momentum > 0. Adam: [m, v] (+ [vMax] with amsgrad). */
  readonly state: Tensor[];
}

/** Hyper-parameters are finite and in the range PyTorch's optimizers accept. */
function checkHyper(op: string, kind: unknown, h: OptimizerHyper): void {
  if (kind !== 'sgd' && kind !== 'adam') {
    throw new ArgumentError(op, `unknown optimizer kind ${fmtValue(kind)}; expected 'sgd' or 'adam'`);
  }
  if (h === null || typeof h !== 'object')
    throw new ArgumentError(op, `hyper is ${fmtValue(h)}; expected an object`);
  checkNumber(op, 'lr', h.lr, { min: 0 });
  const optional = (name: keyof OptimizerHyper, rule: NumberRule) => {
    if (h[name] !== undefined) checkNumber(op, name, h[name], rule);
  };
  optional('momentum', { min: 0 });
  optional('dampening', { min: 0, max: 1 });
  optional('weightDecay', { min: 0 });
  optional('beta1', { min: 0, max: 1, maxExclusive: true });
  optional('beta2', { min: 0, max: 1, maxExclusive: true });
  optional('eps', { min: 0 });
  optional('step', { integer: true, min: 1 });
  for (const flag of ['nesterov', 'decoupledWeightDecay', 'amsgrad', 'firstStep'] as const) {
    if (h[flag] !== undefined) checkBoolean(op, flag, h[flag]);
  }
}

function expectedState(kind: OptimizerKind, h: OptimizerHyper): number {
  if (kind === 'sgd') return (h.momentum ?? 0) > 0 ? 1 : 0;
  return h.amsgrad ? 3 : 2;
}

/** The checks of one update (`what` prefixes the tensors' names in messages: '' or 'item i '). */
function checkUpdate(
  op: string,
  kind: OptimizerKind,
  param: Tensor,
  grad: Tensor,
  state: readonly Tensor[],
  hyper: OptimizerHyper,
  what = '',
): void {
  checkHyper(op, kind, hyper);
  checkFloatTensor(op, `${what}param`, param);
  checkFloatTensor(op, `${what}grad`, grad);
  if (!Array.isArray(state))
    throw new ArgumentError(op, `${what}state is ${fmtValue(state)}; expected an array of tensors`);
  state.forEach((s, i) => {
    checkFloatTensor(op, `${what}state ${i}`, s);
  });
  if (!shapesEqual(param.shape, grad.shape)) {
    throw new ShapeError(op, `${what}param ${fmtShape(param.shape)} and grad ${fmtShape(grad.shape)} differ`);
  }
  const n = expectedState(kind, hyper);
  if (state.length !== n)
    throw new ArgumentError(op, `${what}expected ${n} state tensors, got ${state.length}`);
  for (const s of state) {
    if (!shapesEqual(s.shape, param.shape))
      throw new ShapeError(op, `${what}state ${fmtShape(s.shape)} must match param ${fmtShape(param.shape)}`);
  }
}

/**
 * One update of `param` from `grad`. `state` holds the optimizer's buffers (zeros before the first step;
 * SGD's momentum buffer may be omitted or anything on the first step, where PyTorch sets it to the
 * gradient).
 */
export function optimizerUpdate(
  kind: OptimizerKind,
  param: Tensor,
  grad: Tensor,
  state: readonly Tensor[],
  hyper: OptimizerHyper,
): UpdateResult {
  const op = `optimizerUpdate(${kind})`;
  checkUpdate(op, kind, param, grad, state, hyper);
  const backend = backendOf(op, [param, grad, ...state]);
  if (backend.optimizerUpdate) {
    const r = backend.optimizerUpdate(
      kind,
      param.kernelView(op),
      grad.kernelView(op),
      state.map((s) => s.kernelView(op)),
      hyper,
    );
    const result = {
      param: wrap(backend, r.param, { shape: param.shape, dtype: 'float32' }),
      state: r.state.map((id) => wrap(backend, id, { shape: param.shape, dtype: 'float32' })),
    };
    if (isCheckingNumerics()) {
      const outputs = [result.param, ...result.state];
      try {
        inspectOutputs(op, [param, grad, ...state], outputs);
      } catch (e) {
        for (const t of outputs) t.dispose();
        throw e;
      }
    }
    return result;
  }
  return tidy(() =>
    noGrad(() =>
      kind === 'sgd' ? sgdDefault(param, grad, state, hyper) : adamDefault(param, grad, state, hyper),
    ),
  );
}

function sgdDefault(p: Tensor, g: Tensor, state: readonly Tensor[], h: OptimizerHyper): UpdateResult {
  const wd = h.weightDecay ?? 0;
  const momentum = h.momentum ?? 0;
  let d = wd !== 0 ? add(g, mul(p, wd)) : g;
  const newState: Tensor[] = [];
  if (momentum > 0) {
    const buf = h.firstStep ? identity(d) : add(mul(state[0], momentum), mul(d, 1 - (h.dampening ?? 0)));
    newState.push(buf);
    d = h.nesterov ? add(d, mul(buf, momentum)) : buf;
  }
  return { param: sub(p, mul(d, h.lr)), state: newState };
}

function adamDefault(p: Tensor, g: Tensor, state: readonly Tensor[], h: OptimizerHyper): UpdateResult {
  const b1 = h.beta1 ?? 0.9;
  const b2 = h.beta2 ?? 0.999;
  const eps = h.eps ?? 1e-8;
  const wd = h.weightDecay ?? 0;
  const t = h.step ?? 1;
  let param = p;
  let grad = g;
  if (wd !== 0) {
    if (h.decoupledWeightDecay) param = mul(p, 1 - h.lr * wd);
    else grad = add(g, mul(p, wd));
  }
  const m = add(mul(state[0], b1), mul(grad, 1 - b1));
  const v = add(mul(state[1], b2), mul(square(grad), 1 - b2));
  const bc1 = 1 - b1 ** t;
  const bc2 = 1 - b2 ** t;
  const vMax = h.amsgrad ? maximum(state[2], v) : null;
  // PyTorch adds eps after bias-correcting the root: sqrt(v) / sqrt(bc2) + eps.
  const denom = add(div(sqrt(vMax ?? v), Math.sqrt(bc2)), eps);
  const next = sub(param, mul(div(m, denom), h.lr / bc1));
  return { param: next, state: vMax ? [m, v, vMax] : [m, v] };
}

/** One parameter's part of `optimizerUpdateMany`. */
export interface UpdateItem {
  readonly param: Tensor;
  readonly grad: Tensor;
  readonly state: readonly Tensor[];
  readonly hyper: OptimizerHyper;
}

/**
 * `optimizerUpdate` for many parameters in one call (an optimizer's whole step): one kernel call where
 * the backend overrides `optimizerUpdateMany`, else one `optimizerUpdate` per item. Each item has its
 * own hyper-parameters (SGD's first step, Adam's step count, parameter groups). Every item is checked
 * before any is updated; results are in item order.
 */
export function optimizerUpdateMany(kind: OptimizerKind, items: readonly UpdateItem[]): UpdateResult[] {
  const op = `optimizerUpdateMany(${kind})`;
  if (!Array.isArray(items)) throw new ArgumentError(op, `items is ${fmtValue(items)}; expected an array`);
  items.forEach((it, i) => {
    if (it === null || typeof it !== 'object')
      throw new ArgumentError(op, `item ${i} is ${fmtValue(it)}; expected { param, grad, state, hyper }`);
    checkUpdate(op, kind, it.param, it.grad, it.state, it.hyper, `item ${i} `);
  });
  if (items.length === 0) return [];
  // Parameters may live on different backends (each item's tensors on one): one call per item then.
  const backend: Backend = items[0].param.storage.backend;
  const oneBackend = items.every((it) => it.param.storage.backend === backend);
  if (!oneBackend || !backend.optimizerUpdateMany)
    return items.map((it) => optimizerUpdate(kind, it.param, it.grad, it.state, it.hyper));
  backendOf(
    op,
    items.flatMap((it) => [it.param, it.grad, ...it.state]),
  );
  const r = backend.optimizerUpdateMany(
    kind,
    items.map((it) => ({
      param: it.param.kernelView(op),
      grad: it.grad.kernelView(op),
      state: it.state.map((s: Tensor) => s.kernelView(op)),
      hyper: it.hyper,
    })),
  );
  const results = r.map((ids, i) => {
    const shape = items[i].param.shape;
    return {
      param: wrap(backend, ids.param, { shape, dtype: 'float32' }),
      state: ids.state.map((id) => wrap(backend, id, { shape, dtype: 'float32' })),
    };
  });
  if (isCheckingNumerics()) {
    const outputs = results.flatMap((x) => [x.param, ...x.state]);
    try {
      items.forEach((it, i) => {
        inspectOutputs(op, [it.param, it.grad, ...it.state], [results[i].param, ...results[i].state]);
      });
    } catch (e) {
      for (const t of outputs) t.dispose();
      throw e;
    }
  }
  return results;
}
