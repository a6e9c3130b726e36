/**
 * ONNX's network ops on Dendrite's kernels: convolutions and pooling on NHWC tensors (a rank-4 input is
 * moved to NHWC once and stays there), Gemm, batch and layer normalisation, and the LSTM.
 */
import {
  add,
  avgPool2d,
  batchNorm,
  conv2d,
  conv2dTranspose,
  expandDims,
  globalAvgPool2d,
  globalMaxPool2d,
  lstmSequence,
  matmul,
  maxPool2d,
  moments,
  mul,
  pad,
  reshape,
  rsqrt,
  sub,
  type Tensor,
  transpose,
  zeros,
} from '@dendrite/core';
import type { Attrs, OpDefinition } from './op-types.js';
import {
  channelsLast,
  isConst,
  type NodeInfo,
  onnxShape,
  plain,
  type RuntimeValue,
  unsupported,
  type Value,
} from './values.js';
import { WEIGHT_ROLES } from './weight-roles.js';

const rt = (t: Tensor, nhwc = false): RuntimeValue => ({ t, nhwc: nhwc && t.rank === 4 });
const ints = (a: Attrs, k: string) => a[k] as number[] | undefined;
const int = (a: Attrs, k: string, d: number) => (a[k] as number | undefined) ?? d;

/** A weight in the layout of `role`: mapped at load time already, or mapped now. */
function weight(v: Value, role: string): Tensor {
  if (!isConst(v) && v.role === role) return v.t;
  return WEIGHT_ROLES[role](plain(v));
}

function expectImage(node: NodeInfo, v: Value, what = 'input'): number[] {
  const s = onnxShape(v);
  if (s.length !== 4)
    unsupported(node, `${what} of rank ${s.length} ([${s}]); only 2-D images (N, C, H, W) are implemented`);
  return s;
}

type Pads = [[number, number], [number, number]];

/** Explicit pads from `pads` / `auto_pad` for a window on `[H, W]`. */
function windowPads(
  node: NodeInfo,
  a: Attrs,
  hw: number[],
  kernel: number[],
  strides: number[],
  dilations: number[],
): Pads {
  const mode = (a.auto_pad as string | undefined) ?? 'NOTSET';
  if (mode === 'NOTSET') {
    const p = ints(a, 'pads') ?? [0, 0, 0, 0];
    if (p.length !== 4) unsupported(node, `pads [${p}] (2-D windows take 4)`);
    return [
      [p[0], p[2]],
      [p[1], p[3]],
    ];
  }
  if (mode === 'VALID') {
    return [
      [0, 0],
      [0, 0],
    ];
  }
  if (mode !== 'SAME_UPPER' && mode !== 'SAME_LOWER') unsupported(node, `auto_pad '${mode}'`);
  const pair = (i: number): [number, number] => {
    const out = Math.ceil(hw[i] / strides[i]);
    const total = Math.max((out - 1) * strides[i] + (kernel[i] - 1) * dilations[i] + 1 - hw[i], 0);
    const small = Math.floor(total / 2);
    return mode === 'SAME_UPPER' ? [small, total - small] : [total - small, small];
  };
  return [pair(0), pair(1)];
}

const pair = (node: NodeInfo, a: Attrs, k: string): [number, number] => {
  const v = ints(a, k) ?? [1, 1];
  if (v.length !== 2) unsupported(node, `${k} [${v}] (2-D windows take 2)`);
  return [v[0], v[1]];
};

const conv: OpDefinition = {
  attributes: ['auto_pad', 'dilations', 'group', 'kernel_shape', 'pads', 'strides'],
  weightRoles: () => ({ 1: 'conv-filter' }),
  run: (node, [x, w, b], a) => {
    const s = expectImage(node, x!);
    const filter = weight(w!, 'conv-filter');
    const [kh, kw] = filter.shape;
    const kernel = ints(a, 'kernel_shape');
    if (kernel && (kernel[0] !== kh || kernel[1] !== kw))
      unsupported(node, `kernel_shape [${kernel}] differs from W`);
    const strides = pair(node, a, 'strides');
    const dilations = pair(node, a, 'dilations');
    const padding = windowPads(node, a, [s[2], s[3]], [kh, kw], strides, dilations);
    const groups = int(a, 'group', 1);
    const bias = b ? plain(b) : null;
    return [rt(conv2d(channelsLast(x!), filter, { strides, dilations, padding, groups, bias }), true)];
  },
};

const convTranspose: OpDefinition = {
  attributes: [
    'auto_pad',
    'dilations',
    'group',
    'kernel_shape',
    'output_padding',
    'output_shape',
    'pads',
    'strides',
  ],
  weightRoles: () => ({ 1: 'conv-transpose-filter' }),
  run: (node, [x, w, b], a) => {
    const s = expectImage(node, x!);
    if (int(a, 'group', 1) !== 1) unsupported(node, `group ${a.group} (grouped transposed convolution)`);
    const filter = weight(w!, 'conv-transpose-filter');
    const [kh, kw, cout] = filter.shape;
    const strides = pair(node, a, 'strides');
    const dilations = pair(node, a, 'dilations');
    const outPad = ints(a, 'output_padding') ?? [0, 0];
    const span = [(kh - 1) * dilations[0] + 1, (kw - 1) * dilations[1] + 1];
    const mode = (a.auto_pad as string | undefined) ?? 'NOTSET';
    const given = ints(a, 'output_shape');
    let pads: Pads;
    let out: number[];
    if (given || mode === 'SAME_UPPER' || mode === 'SAME_LOWER') {
      // The output size is given (or in·stride); pads make up the difference, as ONNX's reference does.
      out = given ? given.slice(-2) : [s[2] * strides[0], s[3] * strides[1]];
      const p = [0, 1].map((i) => {
        // A larger output than the natural size (negative total) gets the extra rows at the end.
        const total = Math.max(strides[i] * (s[2 + i] - 1) + outPad[i] + span[i] - out[i], 0);
        const half = Math.floor(total / 2);
        return (
          mode === 'SAME_UPPER' || (given && mode !== 'SAME_LOWER')
            ? [half, total - half]
            : [total - half, half]
        ) as [number, number];
      });
      pads = [p[0], p[1]];
    } else {
      pads =
        mode === 'VALID'
          ? [
              [0, 0],
              [0, 0],
            ]
          : windowPads(node, a, [s[2], s[3]], [kh, kw], strides, dilations);
      out = [0, 1].map((i) => strides[i] * (s[2 + i] - 1) + outPad[i] + span[i] - pads[i][0] - pads[i][1]);
    }
    if (pads.flat().some((p) => p < 0)) unsupported(node, 'an output_shape that needs negative pads');
    const bias = b ? plain(b) : null;
    const y = conv2dTranspose(channelsLast(x!), filter, [s[0], out[0], out[1], cout], {
      strides,
      dilations,
      padding: pads,
      bias,
    });
    return [rt(y, true)];
  },
};

const gemm: OpDefinition = {
  attributes: ['alpha', 'beta', 'transA', 'transB'],
  run: (_n, [A, B, C], a) => {
    let y = matmul(plain(A!), plain(B!), {
      transposeA: int(a, 'transA', 0) === 1,
      transposeB: int(a, 'transB', 0) === 1,
    });
    const alpha = (a.alpha as number | undefined) ?? 1;
    if (alpha !== 1) y = mul(y, alpha);
    if (C) {
      const beta = (a.beta as number | undefined) ?? 1;
      y = add(y, beta === 1 ? plain(C) : mul(plain(C), beta));
    }
    return [rt(y)];
  },
};

const batchNormalization: OpDefinition = {
  attributes: ['epsilon', 'momentum', 'training_mode', 'spatial'],
  run: (node, [x, scale, bias, mean, variance], a, outputs) => {
    if (int(a, 'training_mode', 0) || outputs > 1) unsupported(node, 'training mode (inference only)');
    const s = onnxShape(x!);
    const eps = (a.epsilon as number | undefined) ?? 1e-5;
    const stats = { mean: plain(mean!), variance: plain(variance!) };
    if (s.length === 4)
      return [rt(batchNorm(channelsLast(x!), stats, plain(scale!), plain(bias!), eps), true)];
    if (s.length === 2) return [rt(batchNorm(plain(x!), stats, plain(scale!), plain(bias!), eps))];
    // [N, C, D…]: channels last, normalise, back.
    const t = plain(x!);
    const perm = [0, ...s.slice(2).map((_, i) => i + 2), 1];
    const y = batchNorm(transpose(t, perm), stats, plain(scale!), plain(bias!), eps);
    return [rt(transpose(y, [0, s.length - 1, ...s.slice(2).map((_, i) => i + 1)]))];
  },
};

function poolOp(kind: 'max' | 'avg'): OpDefinition {
  return {
    attributes: [
      'auto_pad',
      'ceil_mode',
      'count_include_pad',
      'dilations',
      'kernel_shape',
      'pads',
      'storage_order',
      'strides',
    ],
    run: (node, [x], a, outputs) => {
      if (outputs > 1) unsupported(node, 'the Indices output');
      if (int(a, 'storage_order', 0) !== 0) unsupported(node, 'storage_order 1');
      const s = expectImage(node, x!);
      const kernel = pair(node, a, 'kernel_shape');
      const strides = pair(node, a, 'strides');
      const dilations = pair(node, a, 'dilations');
      if (dilations[0] !== 1 || dilations[1] !== 1) unsupported(node, `dilations [${dilations}]`);
      let pads = windowPads(node, a, [s[2], s[3]], kernel, strides, [1, 1]);
      let t = channelsLast(x!);
      const includePad = kind === 'avg' && int(a, 'count_include_pad', 0) === 1;
      if (includePad) {
        t = pad(t, [[0, 0], pads[0], pads[1], [0, 0]]);
        pads = [
          [0, 0],
          [0, 0],
        ];
      }
      if (int(a, 'ceil_mode', 0)) {
        // Extra end padding so the last partial window counts (a window must start inside the input or
        // its left padding, as PyTorch and ONNX Runtime require).
        const h = includePad ? t.shape[1] : s[2];
        const w = includePad ? t.shape[2] : s[3];
        pads = [0, 1].map((i) => {
          const n = (i === 0 ? h : w) + pads[i][0] + pads[i][1];
          let out = Math.ceil((n - kernel[i]) / strides[i]) + 1;
          if ((out - 1) * strides[i] >= (i === 0 ? h : w) + pads[i][0]) out--;
          const need = (out - 1) * strides[i] + kernel[i] - n;
          return [pads[i][0], pads[i][1] + Math.max(need, 0)] as [number, number];
        }) as Pads;
        if (includePad && kind === 'avg' && pads.some((p) => p[1] > 0)) {
          unsupported(node, 'ceil_mode with count_include_pad');
        }
      }
      const f = kind === 'max' ? maxPool2d : avgPool2d;
      return [rt(f(t, kernel, { strides, padding: pads }), true)];
    },
  };
}

const globalPool = (f: (x: Tensor, keep: boolean) => Tensor): OpDefinition => ({
  attributes: [],
  run: (node, [x]) => {
    expectImage(node, x!);
    return [rt(f(channelsLast(x!), true), true)];
  },
});

const layerNormalization: OpDefinition = {
  attributes: ['axis', 'epsilon', 'stash_type'],
  run: (node, [x, scale, bias], a, outputs) => {
    if (outputs > 1) unsupported(node, 'the Mean and InvStdDev outputs');
    const t = plain(x!);
    const axis = int(a, 'axis', -1);
    const first = axis < 0 ? axis + t.rank : axis;
    const axes = Array.from({ length: t.rank - first }, (_, i) => first + i);
    const { mean, variance } = moments(t, axes, true);
    let y = mul(sub(t, mean), rsqrt(add(variance, (a.epsilon as number | undefined) ?? 1e-5)));
    y = mul(y, plain(scale!));
    if (bias) y = add(y, plain(bias));
    return [rt(y)];
  },
};

const lstm: OpDefinition = {
  attributes: [
    'activation_alpha',
    'activation_beta',
    'activations',
    'clip',
    'direction',
    'hidden_size',
    'input_forget',
    'layout',
  ],
  weightRoles: () => ({ 1: 'lstm-kernel', 2: 'lstm-kernel', 3: 'lstm-bias' }),
  validate: (node, a) => {
    const direction = (a.direction as string | undefined) ?? 'forward';
    if (direction !== 'forward') unsupported(node, `direction '${direction}' (only forward is implemented)`);
    const acts = a.activations as string[] | undefined;
    if (acts && acts.join() !== 'Sigmoid,Tanh,Tanh') unsupported(node, `activations [${acts}]`);
    if (a.clip !== undefined) unsupported(node, 'clip');
    if (int(a, 'input_forget', 0)) unsupported(node, 'input_forget = 1');
  },
  run: (node, [x, w, r, b, seqLens, h0, c0, p], a, outputs) => {
    if (p) unsupported(node, 'peephole weights P');
    const batchFirst = int(a, 'layout', 0) === 1;
    let seq = plain(x!);
    if (!batchFirst) seq = transpose(seq, [1, 0, 2]); // [T, B, F] -> [B, T, F]
    const [batch, steps] = seq.shape;
    if (seqLens) {
      if (!isConst(seqLens) || Array.from(seqLens.c.data).some((l) => l !== steps)) {
        unsupported(node, 'sequence_lens other than the full length of every sequence');
      }
    }
    const kernel = weight(w!, 'lstm-kernel');
    const recurrent = weight(r!, 'lstm-kernel');
    const hidden = recurrent.shape[0];
    if (a.hidden_size !== undefined && a.hidden_size !== hidden)
      unsupported(node, `hidden_size ${a.hidden_size} differs from R`);
    const bias = b ? weight(b, 'lstm-bias') : zeros([4 * hidden]);
    const state = (v: Value | null) => {
      if (!v) return null;
      const t = plain(v); // [1, B, H] (or [B, 1, H] batch-first)
      return reshape(t, [batch, hidden]);
    };
    const out = lstmSequence(seq, kernel, recurrent, bias, state(h0), state(c0), outputs > 0);
    const results: (Value | null)[] = [];
    if (outputs > 0) {
      const y = out.y!; // [B, T, H]
      results.push(rt(batchFirst ? expandDims(y, 2) : expandDims(transpose(y, [1, 0, 2]), 1)));
    }
    const final = (t: Tensor) => rt(batchFirst ? expandDims(t, 1) : expandDims(t, 0));
    if (outputs > 1) results.push(final(out.h));
    if (outputs > 2) results.push(final(out.c));
    return results;
  },
};

export const NN_OPS: Readonly<Record<string, OpDefinition>> = {
  Conv: conv,
  ConvTranspose: convTranspose,
  Gemm: gemm,
  BatchNormalization: batchNormalization,
  MaxPool: poolOp('max'),
  AveragePool: poolOp('avg'),
  GlobalAveragePool: globalPool(globalAvgPool2d),
  GlobalMaxPool: globalPool(globalMaxPool2d),
  LayerNormalization: layerNormalization,
  LSTM: lstm,
};
