/**
 * Fused optimizer updates (PyTorch's rules, as core's ops/fused/optimizer-update.ts composes them), one
 * loop each, writing new parameter and state arrays (inputs are never mutated).
 * Rounding: every intermediate and every derived scalar is rounded to float32 exactly where core's unfused
 * default rounds (each op of the default is a float32 tensor op), so a backend's fused update, its SIMD
 * chain of passes and the default agree bit for bit.
 */
import type { OptimizerHyper } from '../../backend.js';

const f = Math.fround;

/** SGD with momentum, dampening, Nesterov and weight decay; `momentumBuf` / `outBuf` null without momentum. */
export function sgdUpdate(
  param: Float32Array,
  grad: Float32Array,
  momentumBuf: Float32Array | null,
  h: OptimizerHyper,
  outParam: Float32Array,
  outBuf: Float32Array | null,
): void {
  const lr = f(h.lr);
  const wd = f(h.weightDecay ?? 0);
  const momentum = f(h.momentum ?? 0);
  const keep = f(1 - (h.dampening ?? 0));
  const nesterov = h.nesterov ?? false;
  const first = h.firstStep ?? false;
  for (let i = 0; i < param.length; i++) {
    const p = param[i];
    let d = wd !== 0 ? f(grad[i] + f(p * wd)) : grad[i];
    if (momentum > 0 && outBuf) {
      const buf = first ? d : f(f(momentumBuf![i] * momentum) + f(d * keep));
      outBuf[i] = buf;
      d = nesterov ? f(d + f(buf * momentum)) : buf;
    }
    outParam[i] = p - f(d * lr);
  }
}

/** Adam, AdamW (decoupled decay) and AMSGrad; `state` is [m, v] or [m, v, vMax], `outState` alike. */
export function adamUpdate(
  param: Float32Array,
  grad: Float32Array,
  state: readonly Float32Array[],
  h: OptimizerHyper,
  outParam: Float32Array,
  outState: readonly Float32Array[],
): void {
  const b1d = h.beta1 ?? 0.9;
  const b2d = h.beta2 ?? 0.999;
  const t = h.step ?? 1;
  const wdd = h.weightDecay ?? 0;
  const [b1, b2, c1, c2] = [f(b1d), f(b2d), f(1 - b1d), f(1 - b2d)];
  const eps = f(h.eps ?? 1e-8);
  const wd = f(wdd);
  const decay = f(1 - h.lr * wdd);
  const sqrtBc2 = f(Math.sqrt(1 - b2d ** t));
  const stepSize = f(h.lr / (1 - b1d ** t));
  const [m0, v0, vmax0] = state;
  const [m1, v1, vmax1] = outState;
  const amsgrad = h.amsgrad === true;
  const decoupled = wd !== 0 && h.decoupledWeightDecay === true;
  const coupled = wd !== 0 && !decoupled;
  const n = param.length;
  for (let i = 0; i < n; i++) {
    let p = param[i];
    let g = grad[i];
    if (decoupled) p = f(p * decay);
    else if (coupled) g = f(g + f(p * wd));
    const m = f(f(m0[i] * b1) + f(g * c1));
    const v = f(f(v0[i] * b2) + f(f(g * g) * c2));
    m1[i] = m;
    v1[i] = v;
    let vUse = v;
    if (amsgrad) {
      const prev = vmax0[i];
      vUse = prev >= v || Number.isNaN(prev) ? prev : v;
      vmax1[i] = vUse;
    }
    const denom = f(f(f(Math.sqrt(vUse)) / sqrtBc2) + eps);
    outParam[i] = p - f(f(m / denom) * stepSize);
  }
}

/** How many state arrays `kind` keeps for `hyper`. */
export function optimizerStateCount(kind: 'sgd' | 'adam', h: OptimizerHyper): number {
  return kind === 'sgd' ? ((h.momentum ?? 0) > 0 ? 1 : 0) : h.amsgrad ? 3 : 2;
}
