/** Fused optimizer updates (PyTorch's rules, see core's ops/fused/optimizer-update.ts): one pass each. */
import type { OptimizerHyper } from '@dendrite/core';

export interface Updated {
  param: Float32Array;
  state: Float32Array[];
}

export function sgdUpdate(
  p: Float32Array,
  g: Float32Array,
  state: readonly Float32Array[],
  h: OptimizerHyper,
): Updated {
  const n = p.length;
  const lr = h.lr;
  const wd = h.weightDecay ?? 0;
  const mom = h.momentum ?? 0;
  const damp = 1 - (h.dampening ?? 0);
  const out = new Float32Array(n);
  if (mom === 0) {
    for (let i = 0; i < n; i++) out[i] = p[i] - lr * (wd !== 0 ? g[i] + wd * p[i] : g[i]);
    return { param: out, state: [] };
  }
  const buf = new Float32Array(n);
  const prev = state[0];
  for (let i = 0; i < n; i++) {
    // PyTorch adds the decay only when it is non-zero: 0 * a non-finite weight must not reach the buffer.
    const d = wd !== 0 ? g[i] + wd * p[i] : g[i];
    const b = h.firstStep ? d : mom * prev[i] + damp * d;
    buf[i] = b;
    out[i] = p[i] - lr * (h.nesterov ? d + mom * b : b);
  }
  return { param: out, state: [buf] };
}

export function adamUpdate(
  p: Float32Array,
  g: Float32Array,
  state: readonly Float32Array[],
  h: OptimizerHyper,
): Updated {
  const n = p.length;
  const b1 = h.beta1 ?? 0.9;
  const b2 = h.beta2 ?? 0.999;
  const eps = h.eps ?? 1e-8;
  const wd = h.weightDecay ?? 0;
  const t = h.step ?? 1;
  const decoupled = h.decoupledWeightDecay ?? false;
  const stepSize = h.lr / (1 - b1 ** t);
  const rootBc2 = Math.sqrt(1 - b2 ** t);
  const out = new Float32Array(n);
  const m = new Float32Array(n);
  const v = new Float32Array(n);
  const vMax = h.amsgrad ? new Float32Array(n) : null;
  for (let i = 0; i < n; i++) {
    let pi = p[i];
    let gi = g[i];
    if (wd !== 0) {
      if (decoupled) pi *= 1 - h.lr * wd;
      else gi += wd * pi;
    }
    const mi = b1 * state[0][i] + (1 - b1) * gi;
    const vi = b2 * state[1][i] + (1 - b2) * gi * gi;
    m[i] = mi;
    v[i] = vi;
    let vUse = v[i];
    if (vMax) {
      vMax[i] = Math.max(state[2][i], v[i]);
      vUse = vMax[i];
    }
    out[i] = pi - (stepSize * m[i]) / (Math.sqrt(vUse) / rootBc2 + eps);
  }
  return { param: out, state: vMax ? [m, v, vMax] : [m, v] };
}
