/**
 * Checks of the optional kernels a backend overrides against core's defaults (built from the backend's
 * own primitives): each check computes the same outputs twice on one backend — once with the override,
 * once with it hidden — over ordinary values, special values (NaN, ±Infinity, −0, subnormals, 1e30),
 * every attribute combination and edge shapes. The fixtures judge the defaults against PyTorch.
 */

import { grad } from '../autograd/functional.js';
import type { FusedActivation, OptimizerHyper } from '../backend.js';
import type { DType } from '../dtype.js';
import type { OptionalKernel } from '../kernel-table.js';
import { add, mul } from '../ops/arithmetic.js';
import {
  equal,
  greater,
  greaterEqual,
  less,
  lessEqual,
  logicalAnd,
  logicalOr,
  logicalXor,
  notEqual,
} from '../ops/compare.js';
import { tensor } from '../ops/creation.js';
import { fusedActivationGrad } from '../ops/fused/activation-gradient.js';
import { batchNorm, batchNormTraining } from '../ops/fused/batch-norm.js';
import { fusedConv2d } from '../ops/fused/fused-conv2d.js';
import { fusedMatmul } from '../ops/fused/fused-matmul.js';
import { lstmCell } from '../ops/fused/lstm-cell.js';
import { lstmSequence } from '../ops/fused/lstm-sequence.js';
import { optimizerUpdate, optimizerUpdateMany } from '../ops/fused/optimizer-update.js';
import { softmaxCrossEntropy } from '../ops/fused/softmax-cross-entropy.js';
import type { TensorLike } from '../ops/operands.js';
import { sum } from '../ops/reduce.js';
import { logSoftmax, softmax } from '../ops/softmax.js';
import { Rng } from '../random.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { ARITHMETIC_OPS } from './arithmetic-ops.js';

export interface FusedCheck {
  readonly name: string;
  /** The optional kernel under test: the check runs only on backends that override it. */
  readonly kernel: OptionalKernel;
  /** Computes the outputs to compare (called twice: with the override, then with it hidden). */
  readonly run: () => Tensor[];
}

/** Values no backend may lose: NaN, ±Infinity, −0, a subnormal, 1e30 and its negative, ordinary ones. */
export const SPECIAL_VALUES: readonly number[] = [
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  -0,
  0,
  1e-40,
  -1e-40,
  1e30,
  -1e30,
  1,
  -1,
  0.5,
  -2.5,
  3,
];

/** Seeded values in [-2, 2) for `shape`, with the special values spread over the first elements. */
function values(shape: Shape, seed: number, special = true): Float32Array {
  let n = 1;
  for (const d of shape) n *= d;
  const u = new Rng(seed).uniformValues(n);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = u[i] * 4 - 2;
  if (special)
    for (let i = 0; i < Math.min(n, SPECIAL_VALUES.length); i++) out[(i * 7) % n] = SPECIAL_VALUES[i];
  return out;
}

const f32 = (shape: Shape, seed: number, special = true) => tensor(values(shape, seed, special), shape);

const COMPARE: Record<string, (a: TensorLike, b: TensorLike) => Tensor> = {
  equal,
  notEqual,
  less,
  lessEqual,
  greater,
  greaterEqual,
};
const LOGICAL: Record<string, (a: TensorLike, b: TensorLike) => Tensor> = {
  logicalAnd,
  logicalOr,
  logicalXor,
};

/** Every scalar operand on both sides of `op` over an input of `dtype`. */
function scalarCheck(
  op: string,
  fn: (a: TensorLike, b: TensorLike) => Tensor,
  dtype: DType,
  scalars: readonly number[],
): FusedCheck {
  return {
    name: `binaryScalar ${op} ${dtype}`,
    kernel: 'binaryScalar',
    run: () => {
      const shape = [3, 5];
      const x =
        dtype === 'float32'
          ? f32(shape, 11)
          : dtype === 'int32'
            ? tensor(
                Int32Array.from(values(shape, 12, false), (v) => Math.round(v * 3)),
                shape,
              )
            : tensor(
                Uint8Array.from(values(shape, 13, false), (v) => (v > 0 ? 1 : 0)),
                shape,
                'bool',
              );
      const outs = scalars.flatMap((v) => [fn(x, v), fn(v, x)]);
      // Edge shapes: a scalar and an empty tensor.
      const s = dtype === 'bool' ? tensor(true) : tensor(dtype === 'int32' ? new Int32Array([7]) : 1.5, []);
      const e = tensor(
        dtype === 'bool' ? new Uint8Array(0) : dtype === 'int32' ? new Int32Array(0) : new Float32Array(0),
        [0, 3],
        dtype,
      );
      outs.push(fn(s, scalars[0]), fn(scalars[0], s), fn(e, scalars[0]));
      return outs;
    },
  };
}

const BINARY_SCALAR_CHECKS: FusedCheck[] = [
  ...Object.entries(ARITHMETIC_OPS).flatMap(([op, fn]) => [
    scalarCheck(op, fn, 'float32', SPECIAL_VALUES),
    // pow with a negative integer exponent has no int32 result (PyTorch refuses it too).
    scalarCheck(op, fn, 'int32', op === 'pow' ? [0, 1, 2, 3] : op === 'div' ? [3, -2, 7] : [0, 3, -2, 7]),
  ]),
  ...Object.entries(COMPARE).flatMap(([op, fn]) => [
    scalarCheck(op, fn, 'float32', SPECIAL_VALUES),
    scalarCheck(op, fn, 'int32', [0, 3, -2]),
  ]),
  ...Object.entries(LOGICAL).map(([op, fn]) => scalarCheck(op, fn, 'bool', [0, 1])),
];

const ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'];

const FUSED_MATMUL_CHECKS: FusedCheck[] = ACTIVATIONS.map((activation) => ({
  name: `fusedMatmul ${activation}`,
  kernel: 'fusedMatmul' as const,
  run: () => {
    const outs: Tensor[] = [];
    for (const [tA, tB] of [
      [false, false],
      [true, false],
      [false, true],
      [true, true],
    ] as const) {
      const a = f32(tA ? [4, 3] : [3, 4], 21);
      const b = f32(tB ? [5, 4] : [4, 5], 22, false);
      for (const bias of [null, f32([5], 23), f32([3, 5], 24, false), f32([1, 5], 25, false)]) {
        outs.push(fusedMatmul(a, b, { bias, activation, transposeA: tA, transposeB: tB }));
      }
    }
    // Batched, broadcast batch axes, an empty inner dimension.
    outs.push(fusedMatmul(f32([2, 3, 4], 26), f32([4, 6], 27, false), { activation, bias: f32([6], 28) }));
    // At least 8 columns (with a tail), where a backend may take a GEMM of its own with an epilogue.
    outs.push(fusedMatmul(f32([5, 7], 32), f32([7, 19], 33, false), { activation, bias: f32([19], 34) }));
    outs.push(
      fusedMatmul(f32([7, 5], 35, false), f32([19, 7], 36), {
        activation,
        bias: f32([19], 37, false),
        transposeA: true,
        transposeB: true,
      }),
    );
    outs.push(fusedMatmul(f32([3, 0], 29), f32([0, 2], 30), { activation, bias: f32([2], 31, false) }));
    return outs;
  },
}));

// Special values in both dy and y (y beyond an activation's range too); 37 elements for SIMD tails.
const ACTIVATION_GRAD_CHECKS: FusedCheck[] = ACTIVATIONS.filter((a) => a !== 'linear').map((activation) => ({
  name: `fusedActivationGrad ${activation}`,
  kernel: 'fusedActivationGrad' as const,
  run: () => [
    fusedActivationGrad(f32([7, 9], 41), f32([7, 9], 42), activation),
    fusedActivationGrad(f32([37], 43, false), f32([37], 44), activation),
    fusedActivationGrad(f32([2, 3, 5], 45), f32([2, 3, 5], 46, false), activation),
    fusedActivationGrad(f32([0, 3], 47), f32([0, 3], 48), activation),
  ],
}));

const FUSED_CONV_CHECKS: FusedCheck[] = ACTIVATIONS.map((activation) => ({
  name: `fusedConv2d ${activation}`,
  kernel: 'fusedConv2d' as const,
  run: () => [
    // 3x3 'same' with bias; strided, dilated, without bias; grouped; depthwise; 1x1; an empty batch.
    fusedConv2d(f32([2, 5, 6, 3], 131), f32([3, 3, 3, 4], 132, false), {
      padding: 'same',
      bias: f32([4], 133),
      activation,
    }),
    fusedConv2d(f32([1, 7, 7, 2], 134), f32([3, 3, 2, 3], 135, false), {
      strides: 2,
      dilations: 2,
      activation,
    }),
    fusedConv2d(f32([1, 4, 4, 4], 136), f32([2, 2, 2, 6], 137, false), {
      groups: 2,
      bias: f32([6], 138, false),
      activation,
    }),
    fusedConv2d(f32([1, 4, 4, 3], 139), f32([3, 3, 1, 3], 140, false), {
      groups: 3,
      padding: 'same',
      activation,
    }),
    fusedConv2d(f32([2, 3, 3, 5], 141), f32([1, 1, 5, 2], 142, false), {
      bias: f32([2], 143, false),
      activation,
    }),
    fusedConv2d(f32([0, 3, 3, 2], 144), f32([2, 2, 2, 2], 145, false), {
      bias: f32([2], 146, false),
      activation,
    }),
  ],
}));

const SOFTMAX_CHECKS: FusedCheck[] = (['softmax', 'logSoftmax'] as const).map((kernel) => ({
  name: kernel,
  kernel,
  run: () => {
    const fn = kernel === 'softmax' ? softmax : logSoftmax;
    // Rows with +Inf, -Inf, NaN, all -Inf, 1e30: PyTorch's results are the reference for the defaults.
    const rows = tensor(
      Float32Array.from([
        1,
        2,
        3,
        Number.POSITIVE_INFINITY,
        0,
        1,
        Number.NEGATIVE_INFINITY,
        2,
        Number.NaN,
        1,
        2,
        3,
        Number.NEGATIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        Number.NEGATIVE_INFINITY,
        1e30,
        -1e30,
        0,
      ]),
      [6, 3],
    );
    return [
      fn(f32([4, 7], 41, false), -1),
      fn(f32([4, 7], 42, false), 0),
      fn(f32([2, 3, 4], 43, false), 1),
      fn(rows, -1),
      fn(f32([2, 0], 44), 0),
    ];
  },
}));

const OTHER_CHECKS: FusedCheck[] = [
  {
    name: 'batchNormApply',
    kernel: 'batchNormApply',
    run: () => {
      const c = 4;
      const variance = tensor(Float32Array.from(values([c], 52, false), Math.abs));
      return [
        batchNorm(
          f32([2, 3, c], 51),
          { mean: f32([c], 53, false), variance },
          f32([c], 54, false),
          f32([c], 55, false),
          1e-5,
        ),
        batchNorm(
          f32([5, c], 56, false),
          { mean: f32([c], 57, false), variance },
          f32([c], 58, false),
          f32([c], 59, false),
          0.1,
        ),
      ];
    },
  },
  {
    name: 'softmaxCrossEntropy',
    kernel: 'softmaxCrossEntropy',
    run: () => {
      const onehot = tensor(
        Float32Array.from({ length: 24 }, (_, i) => (i % 6 === i % 5 ? 1 : 0)),
        [4, 6],
      );
      const soft = tensor(
        Float32Array.from(values([4, 6], 62, false), (v) => Math.abs(v) / 12),
        [4, 6],
      );
      return [
        softmaxCrossEntropy(f32([4, 6], 61, false), onehot),
        softmaxCrossEntropy(f32([4, 6], 63, false), soft),
      ];
    },
  },
  {
    name: 'lstmCell',
    kernel: 'lstmCell',
    run: () => {
      const { h, c } = lstmCell(f32([3, 8], 71), f32([3, 2], 72, false));
      const one = lstmCell(f32([1, 4], 73, false), f32([1, 1], 74, false));
      return [h, c, one.h, one.c];
    },
  },
  ...lstmSequenceChecks(),
  ...optimizerChecks(),
  ...ACTIVATION_GRAD_CHECKS,
];

/** A whole LSTM: forward (special values in x) and back-propagation through time. */
function lstmSequenceChecks(): FusedCheck[] {
  // [B, T, F, H] of the LSTM checks: one of everything, GEMM tails (H, 4H not multiples of 8), tiles.
  const LSTM_SHAPES: readonly (readonly [number, number, number, number])[] = [
    [1, 1, 1, 1],
    [3, 4, 5, 2],
    [2, 3, 4, 8],
    [5, 6, 9, 12],
  ];

  const inputs = ([b, t, f, h]: readonly number[], seed: number, special: boolean) => [
    f32([b, t, f], seed, special),
    mul(f32([f, 4 * h], seed + 1, false), 0.5),
    mul(f32([h, 4 * h], seed + 2, false), 0.5),
    f32([4 * h], seed + 3, false),
    f32([b, h], seed + 4, false),
    f32([b, h], seed + 5, false),
  ];
  return [
    ...LSTM_SHAPES.map((shape, i) => ({
      name: `lstmSequence [B, T, F, H] = [${shape}]`,
      kernel: 'lstmSequence' as const,
      run: () => {
        const [x, w, u, b, h0, c0] = inputs(shape, 200 + 10 * i, true);
        const all = lstmSequence(x, w, u, b, h0, c0);
        const last = lstmSequence(x, w, u, b, null, null, false);
        return [all.y!, all.h, all.c, last.h, last.c];
      },
    })),
    ...LSTM_SHAPES.map((shape, i) => ({
      name: `lstmSequenceGrad [B, T, F, H] = [${shape}]`,
      kernel: 'lstmSequenceGrad' as const,
      run: () => {
        const [batch, steps, , hidden] = shape;
        // Upstream weights with special values: they reach the trajectory's gradient unchanged.
        const wy = f32([batch, steps, hidden], 300 + i, true);
        const wh = f32([batch, hidden], 310 + i, false);
        const loss = (...xs: Tensor[]) => {
          const r = lstmSequence(xs[0], xs[1], xs[2], xs[3], xs[4], xs[5]);
          return add(add(sum(mul(r.y!, wy)), sum(mul(r.h, wh))), sum(mul(r.c, 0.7)));
        };
        const lastOnly = (...xs: Tensor[]) =>
          sum(mul(lstmSequence(xs[0], xs[1], xs[2], xs[3], null, null, false).h, wh));
        const xs = inputs(shape, 400 + 10 * i, false);
        return [...grad(loss)(...xs), ...grad(lastOnly)(...xs.slice(0, 4))];
      },
    })),
  ];
}

function optimizerChecks(): FusedCheck[] {
  const sgd: OptimizerHyper[] = [
    { lr: 0.1 },
    { lr: 0.1, weightDecay: 0.01 },
    { lr: 0.05, momentum: 0.9, firstStep: true },
    { lr: 0.05, momentum: 0.9, dampening: 0.1 },
    { lr: 0.05, momentum: 0.9, nesterov: true, weightDecay: 1e-3 },
  ];
  const adam: OptimizerHyper[] = [
    { lr: 1e-3, step: 1 },
    { lr: 1e-3, step: 7, beta1: 0.8, beta2: 0.99, eps: 1e-6 },
    { lr: 1e-2, step: 3, weightDecay: 0.1 },
    { lr: 1e-2, step: 3, weightDecay: 0.1, decoupledWeightDecay: true },
    { lr: 1e-3, step: 2, amsgrad: true },
  ];
  const run = (kind: 'sgd' | 'adam', h: OptimizerHyper, shape: Shape, seed: number): Tensor[] => {
    const n = kind === 'sgd' ? ((h.momentum ?? 0) > 0 ? 1 : 0) : h.amsgrad ? 3 : 2;
    // Adam's second moment is non-negative.
    const state = Array.from({ length: n }, (_, i) =>
      kind === 'adam' && i > 0
        ? tensor(Float32Array.from(values(shape, seed + 10 + i, false), Math.abs), shape)
        : f32(shape, seed + 10 + i, false),
    );
    const r = optimizerUpdate(kind, f32(shape, seed, false), f32(shape, seed + 1, false), state, h);
    return [r.param, ...r.state];
  };
  // One call for a whole step: every variant at once, a small and a large parameter each, per-item hypers.
  const many = (kind: 'sgd' | 'adam', hypers: OptimizerHyper[], seed: number): Tensor[] => {
    const items = hypers.flatMap((h, i) =>
      ([[7], [67, 65]] as Shape[]).map((shape, j) => {
        const s = seed + 20 * i + 10 * j;
        const n = kind === 'sgd' ? ((h.momentum ?? 0) > 0 ? 1 : 0) : h.amsgrad ? 3 : 2;
        const state = Array.from({ length: n }, (_, q) =>
          kind === 'adam' && q > 0
            ? tensor(Float32Array.from(values(shape, s + 3 + q, false), Math.abs), shape)
            : f32(shape, s + 3 + q, false),
        );
        return { param: f32(shape, s, false), grad: f32(shape, s + 1, false), state, hyper: h };
      }),
    );
    return optimizerUpdateMany(kind, items).flatMap((r) => [r.param, ...r.state]);
  };
  return [
    {
      name: 'optimizerUpdateMany sgd, every variant in one call',
      kernel: 'optimizerUpdateMany' as const,
      run: () => many('sgd', sgd, 300),
    },
    {
      name: 'optimizerUpdateMany adam, every variant in one call',
      kernel: 'optimizerUpdateMany' as const,
      run: () => many('adam', adam, 400),
    },
    ...sgd.map((h, i) => ({
      name: `optimizerUpdate sgd ${JSON.stringify(h)}`,
      kernel: 'optimizerUpdate' as const,
      run: () => [...run('sgd', h, [7], 80 + i), ...run('sgd', h, [64, 65], 90 + i)],
    })),
    ...adam.map((h, i) => ({
      name: `optimizerUpdate adam ${JSON.stringify(h)}`,
      kernel: 'optimizerUpdate' as const,
      run: () => [...run('adam', h, [7], 100 + i), ...run('adam', h, [64, 65], 110 + i)],
    })),
  ];
}

/**
 * The batch-norm training gradient through `grad`, over shapes of rank 1 (one element per channel) to 4,
 * an empty batch, and special values in x and in the upstream weights (dy).
 */
function batchNormTrainingGradChecks(): FusedCheck[] {
  const SHAPES: readonly Shape[] = [[5], [7, 3], [2, 3, 4], [4, 2, 3, 8], [3, 5, 16], [0, 6]];
  return SHAPES.flatMap((shape, i) =>
    [false, true].map((special) => ({
      name: `batchNormTrainingGrad ${special ? 'special values ' : ''}[${shape}]`,
      kernel: 'batchNormTrainingGrad' as const,
      run: () => {
        const c = shape[shape.length - 1];
        const w = f32(shape, 500 + 10 * i, special);
        const loss = (x: Tensor, g: Tensor, b: Tensor) => sum(mul(batchNormTraining(x, g, b, 1e-3).y, w));
        const x = f32(shape, 501 + 10 * i, special && i % 2 === 0);
        return grad(loss)(x, f32([c], 502 + 10 * i, false), f32([c], 503 + 10 * i, false));
      },
    })),
  );
}

/** Every check, grouped by the optional kernel it judges. */
export const FUSED_CHECKS: readonly FusedCheck[] = [
  ...BINARY_SCALAR_CHECKS,
  ...FUSED_MATMUL_CHECKS,
  ...FUSED_CONV_CHECKS,
  ...SOFTMAX_CHECKS,
  ...OTHER_CHECKS,
  ...batchNormTrainingGradChecks(),
];
