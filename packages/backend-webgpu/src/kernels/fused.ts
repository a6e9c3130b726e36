/**
 * Fused kernels: softmax / log-softmax / softmax cross-entropy (one thread per row, three passes over
 * it in registers-and-cache, no temporaries), batch-norm apply, the LSTM cell and the optimizer updates
 * (one dispatch per parameter writing the parameter and all its state).
 */
import type { OptimizerHyper, OptimizerKind, Shape } from '@dendrite/core';
import { splitAt } from '@dendrite/core/kit';
import { grid, type Program, type UniformField } from '../runtime/program.js';
import { header, MAIN_1D, WORKGROUP } from '../runtime/wgsl.js';
import { EXACT_FNS } from './exact.js';
import { MATH_FNS } from './math.js';

const ROW_UNIFORMS: UniformField[] = ['rows', 'len', 'inner'].map((name) => ({ name, kind: 'u32' }));

function rowValues(x: Shape, axis: number) {
  const [outer, len, inner] = splitAt(x, axis);
  return { rows: outer * inner, len, inner };
}

/** Max and sum of exp(x - max) of the row at `base` with stride `inner`. */
const ROW_STATS = /* wgsl */ `
fn rowStats(base: u32) -> vec2<f32> {
  var m = neg_inf();
  for (var k = 0u; k < u.len; k++) {
    let v = X[base + k * u.inner];
    if (v > m || is_nan(v)) { m = v; }
    if (is_nan(m)) { break; }
  }
  var s = 0.0;
  for (var k = 0u; k < u.len; k++) { s += exp_f(X[base + k * u.inner] - m); }
  return vec2<f32>(m, s);
}`;

export function softmaxProgram(x: Shape, axis: number, log: boolean): Program {
  const values = rowValues(x, axis);
  return {
    key: `softmax:${log}`,
    uniforms: ROW_UNIFORMS,
    values,
    workgroups: grid(values.rows, WORKGROUP),
    source: () => `${header(
      [
        { name: 'X', type: 'f32' },
        { name: 'Y', type: 'f32', write: true },
      ],
      ROW_UNIFORMS,
    )}
${ROW_STATS}
${MAIN_1D}
  if (i >= u.rows) { return; }
  let base = (i / u.inner) * u.len * u.inner + i % u.inner;
  let st = rowStats(base);
  let ls = log(st.y);
  for (var k = 0u; k < u.len; k++) {
    let at = base + k * u.inner;
    let dx = X[at] - st.x;
    // NaN spelled out: software adapters may drop it through arithmetic.
    let v = ${log ? 'dx - ls' : 'exp_f(dx) / st.y'};
    Y[at] = select(v, nan_f32(), is_nan(dx) || is_nan(st.y) || is_nan(ls));
  }
}`,
  };
}

export function softmaxCrossEntropyProgram(logits: Shape): Program {
  const values = rowValues(logits, 1);
  return {
    key: 'softmaxCrossEntropy',
    uniforms: ROW_UNIFORMS,
    values,
    workgroups: grid(values.rows, WORKGROUP),
    source: () => `${header(
      [
        { name: 'X', type: 'f32' },
        { name: 'T', type: 'f32' },
        { name: 'Y', type: 'f32', write: true },
      ],
      ROW_UNIFORMS,
    )}
${ROW_STATS}
${MAIN_1D}
  if (i >= u.rows) { return; }
  let base = i * u.len;
  let st = rowStats(base);
  let lse = st.x + log(st.y);
  var acc = 0.0;
  for (var k = 0u; k < u.len; k++) { acc -= T[base + k] * (X[base + k] - lse); }
  Y[i] = acc;
}`,
  };
}

/**
 * Batch norm apply as backend-cpu computes it: per channel, scale = gamma / sqrt(variance + eps) and
 * shift = beta - mean * scale (both rounded to float32 once), then x * scale + shift rounded once. In
 * float32 alone, with a small eps, x * scale and shift are large and cancel, and their rounding (with the
 * adapter's approximate sqrt and division) left results 1e-3 off; so every step is carried in two floats.
 * Non-finite values (and an infinite variance) take the plain float32 formula, whose NaN and
 * infinities match backend-cpu's.
 */
export function batchNormProgram(size: number, channels: number, eps: number): Program {
  const uniforms: UniformField[] = [
    { name: 'size', kind: 'u32' },
    { name: 'C', kind: 'u32' },
    { name: 'eps', kind: 'f32' },
    { name: 'eps_lo', kind: 'f32' },
  ];
  return {
    key: 'batchNormApply',
    uniforms,
    values: { size, C: channels, eps, eps_lo: eps - Math.fround(eps) },
    workgroups: grid(size, WORKGROUP),
    source: () => `${header(
      [
        ...['X', 'Mean', 'Var', 'Gamma', 'Beta'].map((name) => ({ name, type: 'f32' as const })),
        { name: 'Y', type: 'f32', write: true },
      ],
      uniforms,
    )}
${EXACT_FNS}
${MAIN_1D}
  if (i >= u.size) { return; }
  let c = i % u.C;
  let x = X[i];
  let mean = Mean[c];
  let beta = Beta[c];
  let s = Gamma[c] / sqrt(Var[c] + u.eps);
  let plain = x * s + (beta - mean * s);
  // An infinite variance makes the scale 0 and the plain result finite (beta), as in PyTorch.
  if (!is_finite_f(plain) || !is_finite_f(Var[c]) || abs(x * s) > 1e37 || abs(mean * s) > 1e37) {
    Y[i] = plain;
    return;
  }
  let w = two_sum(Var[c], u.eps);
  let scale = div_df(Gamma[c], sqrt_df(fast_two_sum(w.x, w.y + u.eps_lo)));
  let ms = two_prod(mean, scale.x);
  let sh = two_sum(beta, -ms.x);
  let shift = sh.x + (sh.y - (ms.y + mean * scale.y));
  let xs = two_prod(x, scale.x);
  let y = two_sum(xs.x, shift);
  Y[i] = y.x + (y.y + xs.y);
}`,
  };
}

export function lstmCellProgram(batch: number, hidden: number): Program {
  const uniforms: UniformField[] = [
    { name: 'size', kind: 'u32' },
    { name: 'H', kind: 'u32' },
  ];
  return {
    key: 'lstmCell',
    uniforms,
    values: { size: batch * hidden, H: hidden },
    workgroups: grid(batch * hidden, WORKGROUP),
    source: () => `${header(
      [
        { name: 'G', type: 'f32' },
        { name: 'C', type: 'f32' },
        { name: 'Y', type: 'f32', write: true },
      ],
      uniforms,
    )}
${MATH_FNS}
${MAIN_1D}
  if (i >= u.size) { return; }
  let b = i / u.H; let j = i % u.H;
  let g = b * 4u * u.H + j;
  let ig = sigmoid_f(G[g]);
  let fg = sigmoid_f(G[g + u.H]);
  let gg = tanh_f(G[g + 2u * u.H]);
  let og = sigmoid_f(G[g + 3u * u.H]);
  let c = fg * C[i] + ig * gg;
  Y[b * 2u * u.H + j] = og * tanh_f(c);
  Y[b * 2u * u.H + u.H + j] = c;
}`,
  };
}

/** Inputs: param, grad, state…; outputs: param, state… (see backend-cpu's optimizer.ts for the rules). */
export function optimizerProgram(
  kind: OptimizerKind,
  hyper: OptimizerHyper,
  size: number,
  stateIn: number,
): { program: Program; stateOut: number; inputs: number } {
  const uniforms: UniformField[] = [
    'size',
    'lr',
    'wd',
    'mom',
    'damp',
    'b1',
    'b2',
    'eps',
    'stepSize',
    'rootBc2',
  ].map((name) => ({ name, kind: name === 'size' ? 'u32' : 'f32' }));
  const b1 = hyper.beta1 ?? 0.9;
  const b2 = hyper.beta2 ?? 0.999;
  const t = hyper.step ?? 1;
  const values = {
    size,
    lr: hyper.lr,
    wd: hyper.weightDecay ?? 0,
    mom: hyper.momentum ?? 0,
    damp: 1 - (hyper.dampening ?? 0),
    b1,
    b2,
    eps: hyper.eps ?? 1e-8,
    stepSize: hyper.lr / (1 - b1 ** t),
    rootBc2: Math.sqrt(1 - b2 ** t),
  };
  let body: string;
  let names: string[];
  let outs: string[];
  // No decay term at all when there is none (0 · a NaN parameter must not reach the gradient).
  const decayed = (hyper.weightDecay ?? 0) === 0 ? 'G[i]' : '(G[i] + u.wd * P[i])';
  if (kind === 'sgd') {
    if ((hyper.momentum ?? 0) === 0) {
      names = ['P', 'G'];
      outs = ['PO'];
      body = `PO[i] = P[i] - u.lr * ${decayed};`;
    } else {
      names = stateIn > 0 ? ['P', 'G', 'S0'] : ['P', 'G'];
      outs = ['PO', 'SO0'];
      body = `let d = ${decayed};
  let b = ${hyper.firstStep || stateIn === 0 ? 'd' : 'u.mom * S0[i] + u.damp * d'};
  SO0[i] = b;
  PO[i] = P[i] - u.lr * ${hyper.nesterov ? '(d + u.mom * b)' : 'b'};`;
    }
  } else {
    const ams = hyper.amsgrad ?? false;
    names = ams ? ['P', 'G', 'S0', 'S1', 'S2'] : ['P', 'G', 'S0', 'S1'];
    outs = ams ? ['PO', 'SO0', 'SO1', 'SO2'] : ['PO', 'SO0', 'SO1'];
    const decay =
      (hyper.weightDecay ?? 0) === 0
        ? ''
        : hyper.decoupledWeightDecay
          ? 'p = p * (1.0 - u.lr * u.wd);'
          : 'g = g + u.wd * p;';
    body = `var p = P[i]; var g = G[i];
  ${decay}
  let m = u.b1 * S0[i] + (1.0 - u.b1) * g;
  let v = u.b2 * S1[i] + (1.0 - u.b2) * g * g;
  SO0[i] = m; SO1[i] = v;
  ${ams ? 'let vu = select(max(S2[i], v), nan_f32(), is_nan(S2[i]) || is_nan(v)); SO2[i] = vu;' : 'let vu = v;'}
  PO[i] = p - (u.stepSize * m) / (sqrt(vu) / u.rootBc2 + u.eps);`;
  }
  const key = `optimizer:${kind}:${names.length}:${outs.length}:${body.length}:${hashCode(body)}`;
  return {
    stateOut: outs.length - 1,
    inputs: names.length,
    program: {
      key,
      uniforms,
      values,
      workgroups: grid(size, WORKGROUP),
      source: () => `${header(
        [
          ...names.map((name) => ({ name, type: 'f32' as const })),
          ...outs.map((name) => ({ name, type: 'f32' as const, write: true })),
        ],
        uniforms,
      )}
${MAIN_1D}
  if (i >= u.size) { return; }
  ${body}
}`,
    },
  };
}

function hashCode(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}
