/**
 * Every public op of core as a fuzz target: an arbitrary of cases (inputs, attributes, and the call).
 * Most cases are valid; attributes stray out of range now and then, so invalid calls are fuzzed too
 * (every backend must then raise the same typed error).
 */

import type { DType, Tensor } from '@dendrite/core';
import * as d from '@dendrite/core';
import fc from 'fast-check';
import {
  axisArb,
  floatOrInt,
  type HostInput,
  inputArb,
  partnerArb,
  shapeArb,
  type ValueMode,
} from './arbitraries.js';

export interface FuzzCase {
  /** The call with its attributes, for reports and regression tests. */
  readonly label: string;
  readonly inputs: readonly HostInput[];
  readonly run: (xs: Tensor[]) => Tensor | readonly Tensor[];
  /**
   * How large the result's rounding error may be relative to the inputs: `degree` (1 for sums, 2 for
   * products of two inputs) and `terms` (how many values each output element accumulates).
   */
  readonly degree?: number;
  readonly terms?: number;
}

export interface FuzzOp {
  readonly name: string;
  readonly cases: (mode: ValueMode) => fc.Arbitrary<FuzzCase>;
}

const UNARY = [
  'neg',
  'abs',
  'exp',
  'log',
  'sqrt',
  'rsqrt',
  'square',
  'reciprocal',
  'sin',
  'cos',
  'tanh',
  'sigmoid',
  'relu',
  'erf',
  'sign',
  'floor',
  'ceil',
  'round',
  'expm1',
  'log1p',
  'logicalNot',
] as const;
const ARITHMETIC = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum'] as const;
const COMPARE = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const;
const LOGICAL = ['logicalAnd', 'logicalOr', 'logicalXor'] as const;
const REDUCE = ['sum', 'prod', 'max', 'min', 'mean', 'logsumexp'] as const;
const ACTIVATIONS = ['linear', 'relu', 'relu6', 'sigmoid', 'tanh'] as const;

type Fn = (...args: unknown[]) => Tensor;
const op = (name: string): Fn => (d as unknown as Record<string, Fn>)[name];
const sizeOf = (s: readonly number[]) => s.reduce((p, q) => p * q, 1);
const json = (v: unknown) => d.fmtValue(v);
const anyDType = fc.constantFrom<DType>('float32', 'int32', 'bool');

/** Integer inputs that keep int32 arithmetic defined (no division by zero, small exponents). */
const intsFor = (name: string, second: boolean) =>
  name === 'div' && second
    ? { min: 1, max: 5 }
    : name === 'pow' && second
      ? { min: 0, max: 3 }
      : { min: -5, max: 5 };

const unary: FuzzOp = {
  name: 'unary',
  cases: (mode) =>
    fc
      .record({ name: fc.constantFrom(...UNARY), shape: shapeArb(), dtype: anyDType })
      .chain(({ name, shape, dtype }) =>
        inputArb(shape, dtype, mode).map((x) => ({
          label: `${name}(${dtype}${json(shape)})`,
          inputs: [x],
          run: ([t]: Tensor[]) => op(name)(t),
        })),
      ),
};

const arithmetic: FuzzOp = {
  name: 'arithmetic',
  cases: (mode) =>
    fc
      .record({
        name: fc.constantFrom(...ARITHMETIC),
        shape: shapeArb(),
        dtype: floatOrInt,
        scalar: fc.oneof(
          { arbitrary: fc.constant(null), weight: 3 },
          { arbitrary: fc.constantFrom(2, -0.5, 0, 3), weight: 1 },
        ),
      })
      .chain(({ name, shape, dtype, scalar }) =>
        fc.tuple(partnerArb(shape), fc.boolean()).chain(([other, swap]) =>
          fc
            .tuple(
              inputArb(shape, dtype, mode, intsFor(name, false)),
              inputArb(other, dtype, mode, intsFor(name, true)),
            )
            .map(
              ([a, b]): FuzzCase =>
                scalar === null || (dtype === 'int32' && (name === 'div' || name === 'pow'))
                  ? {
                      label: `${name}(${dtype}${json(a.shape)}, ${json(b.shape)})`,
                      inputs: swap ? [b, a] : [a, b],
                      run: ([x, y]) => op(name)(x, y),
                      degree: name === 'mul' || name === 'div' ? 2 : 1,
                    }
                  : {
                      label: `${name}(${dtype}${json(a.shape)}, ${scalar}) swap=${swap}`,
                      inputs: [a],
                      run: ([x]) => (swap ? op(name)(scalar, x) : op(name)(x, scalar)),
                      degree: name === 'mul' || name === 'div' ? 2 : 1,
                    },
            ),
        ),
      ),
};

const compare: FuzzOp = {
  name: 'compare',
  cases: (mode) =>
    fc
      .record({ name: fc.constantFrom(...COMPARE, ...LOGICAL), shape: shapeArb(), dtype: floatOrInt })
      .chain(({ name, shape, dtype }) => {
        const dt: DType = LOGICAL.includes(name as never) ? 'bool' : dtype;
        return partnerArb(shape).chain((other) =>
          fc.tuple(inputArb(shape, dt, mode), inputArb(other, dt, mode)).map(([a, b]) => ({
            label: `${name}(${dt}${json(shape)}, ${json(other)})`,
            inputs: [a, b],
            run: ([x, y]: Tensor[]) => op(name)(x, y),
          })),
        );
      }),
};

const where: FuzzOp = {
  name: 'where',
  cases: (mode) =>
    fc.record({ shape: shapeArb(), dtype: floatOrInt }).chain(({ shape, dtype }) =>
      fc.tuple(partnerArb(shape), partnerArb(shape)).chain(([s1, s2]) =>
        fc
          .tuple(inputArb(s1, 'bool', mode), inputArb(shape, dtype, mode), inputArb(s2, dtype, mode))
          .map((inputs) => ({
            label: `where(${json(s1)}, ${dtype}${json(shape)}, ${json(s2)})`,
            inputs,
            run: ([c, a, b]: Tensor[]) => d.where(c, a, b),
          })),
      ),
    ),
};

const cast: FuzzOp = {
  name: 'cast',
  cases: (mode) =>
    fc.record({ shape: shapeArb(), from: anyDType, to: anyDType }).chain(({ shape, from, to }) =>
      // float -> int32 of NaN, ±Inf or 1e30 is undefined (C++ and PyTorch alike): ordinary values only.
      inputArb(shape, from, from === 'float32' && to === 'int32' ? 'ordinary' : mode).map((x) => ({
        label: `castTo(${from}${json(shape)}, ${to})`,
        inputs: [x],
        run: ([t]: Tensor[]) => d.castTo(t, to),
      })),
    ),
};

const clip: FuzzOp = {
  name: 'clip',
  cases: (mode) =>
    fc
      .record({
        shape: shapeArb(),
        dtype: floatOrInt,
        lo: fc.constantFrom(null, -1, 0, 0.5),
        hi: fc.constantFrom(null, 1, 2, -2),
      })
      .chain(({ shape, dtype, lo, hi }) =>
        inputArb(shape, dtype, mode).map((x) => ({
          label: `clip(${dtype}${json(shape)}, ${lo}, ${hi})`,
          inputs: [x],
          run: ([t]: Tensor[]) => d.clip(t, lo, hi),
        })),
      ),
};

const reduce: FuzzOp = {
  name: 'reduce',
  cases: (mode) =>
    fc
      .record({
        name: fc.constantFrom(...REDUCE, 'argmax', 'argmin'),
        shape: shapeArb(),
        dtype: floatOrInt,
        keep: fc.boolean(),
      })
      .chain(({ name, shape, dtype, keep }) =>
        fc
          .tuple(
            inputArb(shape, dtype, mode),
            fc.oneof(
              { arbitrary: fc.constant(undefined), weight: 1 },
              { arbitrary: axisArb(shape.length), weight: 3 },
              { arbitrary: fc.uniqueArray(axisArb(shape.length), { maxLength: 3 }), weight: 2 },
            ),
          )
          .map(([x, axes]) => {
            const arg = name === 'argmax' || name === 'argmin';
            const axis = arg && Array.isArray(axes) ? axes[0] : axes;
            return {
              label: `${name}(${dtype}${json(shape)}, ${json(axis)}, ${keep})`,
              inputs: [x],
              run: ([t]: Tensor[]) => op(name)(t, axis, keep),
              terms: sizeOf(shape),
              degree: name === 'prod' ? Math.max(1, sizeOf(shape)) : 1,
            };
          }),
      ),
};

const softmax: FuzzOp = {
  name: 'softmax',
  cases: (mode) =>
    fc.record({ log: fc.boolean(), shape: shapeArb(1, 4) }).chain(({ log, shape }) =>
      fc.tuple(inputArb(shape, 'float32', mode), axisArb(shape.length)).map(([x, axis]) => ({
        label: `${log ? 'logSoftmax' : 'softmax'}(${json(shape)}, ${axis})`,
        inputs: [x],
        run: ([t]: Tensor[]) => (log ? d.logSoftmax(t, axis) : d.softmax(t, axis)),
        terms: shape[(axis + shape.length) % shape.length] ?? 1,
      })),
    ),
};

const matmul: FuzzOp = {
  name: 'matmul',
  cases: (mode) =>
    fc
      .record({
        batch: shapeArb(0, 2),
        m: fc.integer({ min: 0, max: 5 }),
        k: fc.integer({ min: 0, max: 6 }),
        n: fc.integer({ min: 0, max: 5 }),
        tA: fc.boolean(),
        tB: fc.boolean(),
        fused: fc.constantFrom(null, ...ACTIVATIONS),
        bias: fc.boolean(),
        wrongK: fc.oneof({ arbitrary: fc.constant(0), weight: 15 }, { arbitrary: fc.constant(1), weight: 1 }),
      })
      .chain(({ batch, m, k, n, tA, tB, fused, bias, wrongK }) => {
        const a = [...batch, ...(tA ? [k, m] : [m, k])];
        const b = [...batch.slice(1), ...(tB ? [n, k + wrongK] : [k + wrongK, n])];
        const shapes = fused !== null && bias ? [a, b, [n]] : [a, b];
        return fc.tuple(...shapes.map((s) => inputArb(s, 'float32', mode))).map((inputs) => ({
          label: `${fused === null ? 'matmul' : `fusedMatmul[${fused}${bias ? '+bias' : ''}]`}(${json(a)}${tA ? 'ᵀ' : ''}, ${json(b)}${tB ? 'ᵀ' : ''})`,
          inputs,
          run: ([x, y, z]: Tensor[]) =>
            fused === null
              ? d.matmul(x, y, { transposeA: tA, transposeB: tB })
              : d.fusedMatmul(x, y, { transposeA: tA, transposeB: tB, activation: fused, bias: z ?? null }),
          degree: 2,
          terms: k + 1,
        }));
      }),
};

const layout: FuzzOp = {
  name: 'layout',
  cases: (mode) =>
    fc
      .record({ shape: shapeArb(), dtype: anyDType, which: fc.integer({ min: 0, max: 7 }) })
      .chain(({ shape, dtype, which }) =>
        inputArb(shape, dtype, mode).chain((x): fc.Arbitrary<FuzzCase> => {
          const r = shape.length;
          const one = (label: string, run: (t: Tensor) => Tensor | readonly Tensor[]): FuzzCase => ({
            label: `${label} of ${dtype}${json(shape)}`,
            inputs: [x],
            run: ([t]) => run(t),
          });
          switch (which) {
            case 0:
              return fc
                .shuffledSubarray(
                  shape.map((_, i) => i),
                  { minLength: r, maxLength: r },
                )
                .map((perm) => one(`transpose ${json(perm)}`, (t) => d.transpose(t, perm)));
            case 1:
              return fc.constant(one('reshape [-1]', (t) => d.reshape(t, [-1])));
            case 2:
              return fc
                .array(fc.integer({ min: 0, max: 2 }), { minLength: r, maxLength: r })
                .chain((before) =>
                  fc.array(fc.integer({ min: 0, max: 2 }), { minLength: r, maxLength: r }).map((after) => {
                    const pads = before.map((b, i) => [b, after[i]] as [number, number]);
                    return one(`pad ${json(pads)}`, (t) => d.pad(t, pads, 0.5));
                  }),
                );
            case 3:
              return fc
                .array(fc.integer({ min: 0, max: 2 }), { minLength: r, maxLength: r + 1 })
                .map((reps) => one(`tile ${json(reps)}`, (t) => d.tile(t, reps)));
            case 4:
              return fc
                .tuple(
                  fc.array(fc.nat(), { minLength: r, maxLength: r }),
                  fc.array(fc.nat(), { minLength: r, maxLength: r }),
                )
                .map(([bs, ss]) => {
                  const begin = shape.map((s, i) => (s === 0 ? 0 : bs[i] % (s + 1)));
                  const size = shape.map((s, i) => ss[i] % (s - begin[i] + 1));
                  return one(`slice ${json(begin)} ${json(size)}`, (t) => d.slice(t, begin, size));
                });
            case 5:
              return fc
                .tuple(fc.integer({ min: 1, max: 3 }), axisArb(r + 1))
                .map(([n, axis]) =>
                  one(`stack x${n} axis ${axis}`, (t) => d.stack(new Array(n).fill(t), axis)),
                );
            case 6:
              return fc
                .tuple(fc.integer({ min: 1, max: 3 }), axisArb(r))
                .map(([n, axis]) =>
                  one(`concat x${n} axis ${axis}`, (t) => d.concat(new Array(n).fill(t), axis)),
                );
            default:
              return fc
                .array(fc.integer({ min: 1, max: 3 }), { maxLength: 2 })
                .map((lead) =>
                  one(`broadcastTo ${json([...lead, ...shape])}`, (t) =>
                    d.broadcastTo(t, [...lead, ...shape]),
                  ),
                );
          }
        }),
      ),
};

const gather: FuzzOp = {
  name: 'gather',
  cases: (mode) =>
    fc
      .record({ shape: shapeArb(1, 4), idx: shapeArb(0, 2), scatter: fc.boolean() })
      .chain(({ shape, idx, scatter }) =>
        axisArb(shape.length).chain((axis) => {
          const a = axis < 0 ? axis + shape.length : axis;
          const n = shape[a] ?? 1;
          const indices = inputArb(idx, 'int32', 'ordinary', { min: 0, max: Math.max(0, n - 1) });
          const valid = n > 0 || sizeOf(idx) === 0;
          if (!scatter || !valid) {
            return fc.tuple(inputArb(shape, 'float32', mode), indices).map(([x, i]) => ({
              label: `gather(${json(shape)}, int32${json(idx)}, ${axis})${valid ? '' : ' (empty axis)'}`,
              inputs: [x, valid ? i : { ...i, data: i.data.map(() => 0) }],
              run: ([t, k]: Tensor[]) => d.gather(t, k, axis),
            }));
          }
          const upd = [...shape.slice(0, a), ...idx, ...shape.slice(a + 1)];
          return fc.tuple(inputArb(upd, 'float32', mode), indices).map(([u, i]) => ({
            label: `scatterAdd(${json(upd)}, int32${json(idx)}, ${axis}, ${json(shape)})`,
            inputs: [u, i],
            run: ([t, k]: Tensor[]) => d.scatterAdd(t, k, axis, shape),
            terms: sizeOf(idx),
          }));
        }),
      ),
};

const pair = fc.tuple(fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }));
const padding = fc.oneof(
  fc.constantFrom<'valid' | 'same'>('valid', 'same'),
  fc.tuple(fc.nat(2), fc.nat(2), fc.nat(2), fc.nat(2)).map(
    ([a, b, c, e]) =>
      [
        [a, b],
        [c, e],
      ] as unknown as d.Padding,
  ),
);

/** The output shape of a conv2d over `x` with a `k` window, or null when it does not fit. */
function convOutput(
  x: number[],
  k: readonly [number, number],
  a: { strides: d.Pair; dilations: d.Pair; padding: d.Padding },
): number[] | null {
  try {
    const pads = d.resolvePads('fuzz', a.padding, [x[1], x[2]], k, a.strides, a.dilations);
    const [oh, ow] = d.windowOutput('fuzz', x, k, a.strides, a.dilations, pads);
    return [x[0], oh, ow, 0];
  } catch {
    return null;
  }
}

const conv: FuzzOp = {
  name: 'conv',
  cases: (mode) =>
    fc
      .record({
        n: fc.integer({ min: 1, max: 2 }),
        h: fc.integer({ min: 1, max: 6 }),
        w: fc.integer({ min: 1, max: 6 }),
        groups: fc.constantFrom(1, 1, 2),
        cinPer: fc.integer({ min: 1, max: 3 }),
        coutPer: fc.integer({ min: 1, max: 3 }),
        k: pair,
        strides: pair,
        dilations: fc.oneof(
          { arbitrary: fc.constant([1, 1] as [number, number]), weight: 3 },
          { arbitrary: pair, weight: 1 },
        ),
        padding,
        kind: fc.constantFrom('conv2d', 'fusedConv2d', 'depthwiseConv2d', 'conv2dTranspose'),
        activation: fc.constantFrom(...ACTIVATIONS),
      })
      .chain((c) => {
        const cin = c.cinPer * c.groups;
        const cout = c.coutPer * c.groups;
        const x = [c.n, c.h, c.w, cin];
        const attrs = { strides: c.strides, dilations: c.dilations, padding: c.padding };
        const label = `${c.kind}(${json(x)}, k${json(c.k)}, groups ${c.groups}, ${json(attrs)}${c.kind === 'fusedConv2d' ? `, ${c.activation}` : ''})`;
        if (c.kind === 'conv2dTranspose') {
          // The input is what a conv2d over `x` would output (or, when the window does not fit, any
          // shape: then every backend must refuse the call alike).
          const y = (convOutput(x, c.k, attrs) ?? [c.n, 1, 1, 0]).map((v, i) => (i === 3 ? c.coutPer : v));
          const f = [c.k[0], c.k[1], cin, c.coutPer];
          return fc.tuple(inputArb(y, 'float32', mode), inputArb(f, 'float32', mode)).map((inputs) => ({
            label,
            inputs,
            // filter [kh, kw, outC = cin, inC = coutPer] (TensorFlow's layout).
            run: ([t, flt]: Tensor[]) => d.conv2dTranspose(t, flt, x, attrs),
            degree: 2,
            terms: c.k[0] * c.k[1] * c.coutPer,
          }));
        }
        const depthwise = c.kind === 'depthwiseConv2d';
        const f = depthwise ? [c.k[0], c.k[1], cin, c.coutPer] : [c.k[0], c.k[1], c.cinPer, cout];
        const withBias = c.kind === 'fusedConv2d';
        const shapes = withBias ? [x, f, [cout]] : [x, f];
        return fc.tuple(...shapes.map((s) => inputArb(s, 'float32', mode))).map((inputs) => ({
          label,
          inputs,
          run: ([t, flt, b]: Tensor[]) =>
            c.kind === 'conv2d'
              ? d.conv2d(t, flt, { ...attrs, groups: c.groups })
              : depthwise
                ? d.depthwiseConv2d(t, flt, attrs)
                : d.fusedConv2d(t, flt, { ...attrs, groups: c.groups, bias: b, activation: c.activation }),
          degree: 2,
          terms: c.k[0] * c.k[1] * c.cinPer,
        }));
      }),
};

const pool: FuzzOp = {
  name: 'pool',
  cases: (mode) =>
    fc
      .record({
        x: fc.tuple(
          fc.integer({ min: 1, max: 2 }),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 6 }),
          fc.integer({ min: 1, max: 3 }),
        ),
        win: pair,
        strides: pair,
        padding: fc.constantFrom<'valid' | 'same'>('valid', 'same'),
        kind: fc.constantFrom('maxPool2d', 'avgPool2d', 'globalAvgPool2d', 'globalMaxPool2d'),
      })
      .chain((c) =>
        inputArb([...c.x], 'float32', mode).map((x) => ({
          label: `${c.kind}(${json(c.x)}, window ${json(c.win)}, strides ${json(c.strides)}, ${c.padding})`,
          inputs: [x],
          run: ([t]: Tensor[]) =>
            c.kind === 'maxPool2d'
              ? d.maxPool2d(t, c.win, { strides: c.strides, padding: c.padding })
              : c.kind === 'avgPool2d'
                ? d.avgPool2d(t, c.win, { strides: c.strides, padding: c.padding })
                : c.kind === 'globalAvgPool2d'
                  ? d.globalAvgPool2d(t)
                  : d.globalMaxPool2d(t),
          terms: c.kind.startsWith('global') ? c.x[1] * c.x[2] : c.win[0] * c.win[1],
        })),
      ),
};

const fusedLayers: FuzzOp = {
  name: 'fused layers',
  cases: (mode) =>
    fc
      .record({
        rows: fc.integer({ min: 0, max: 4 }),
        c: fc.integer({ min: 1, max: 4 }),
        kind: fc.constantFrom('batchNorm', 'lstmCell', 'softmaxCrossEntropy', 'moments'),
        eps: fc.constantFrom(1e-5, 0.1, 0),
      })
      .chain(({ rows, c, kind, eps }): fc.Arbitrary<FuzzCase> => {
        if (kind === 'batchNorm') {
          return fc
            .tuple(
              inputArb([rows, c], 'float32', mode),
              inputArb([c], 'float32', mode),
              inputArb([c], 'float32', 'ordinary').map((v) => ({ ...v, data: v.data.map(Math.abs) })),
              inputArb([c], 'float32', mode),
              inputArb([c], 'float32', mode),
            )
            .map((inputs) => ({
              label: `batchNorm([${rows}, ${c}], eps ${eps})`,
              inputs,
              run: ([x, m, v, g, b]) => d.batchNorm(x, { mean: m, variance: v }, g, b, eps || 1e-3),
              degree: 3,
            }));
        }
        if (kind === 'lstmCell') {
          return fc
            .tuple(inputArb([rows, 4 * c], 'float32', mode), inputArb([rows, c], 'float32', mode))
            .map((inputs) => ({
              label: `lstmCell([${rows}, ${4 * c}], [${rows}, ${c}])`,
              inputs,
              run: ([g, cc]) => {
                const r = d.lstmCell(g, cc);
                return [r.h, r.c];
              },
              degree: 2,
            }));
        }
        if (kind === 'moments') {
          return inputArb([rows, c], 'float32', mode).map((x) => ({
            label: `moments([${rows}, ${c}])`,
            inputs: [x],
            run: ([t]) => {
              const r = d.moments(t);
              return [r.mean, r.variance];
            },
            degree: 2,
            terms: rows,
          }));
        }
        return fc
          .tuple(inputArb([rows, c], 'float32', mode), inputArb([rows, c], 'float32', 'ordinary'))
          .map((inputs) => ({
            label: `softmaxCrossEntropy([${rows}, ${c}])`,
            inputs: [inputs[0], { ...inputs[1], data: inputs[1].data.map(Math.abs) }],
            run: ([l, t]) => d.softmaxCrossEntropy(l, t),
            degree: 2,
            terms: c,
          }));
      }),
};

const optimizer: FuzzOp = {
  name: 'optimizerUpdate',
  cases: (mode) =>
    fc
      .record({
        shape: shapeArb(0, 3),
        kind: fc.constantFrom<'sgd' | 'adam'>('sgd', 'adam'),
        lr: fc.constantFrom(0.1, 0.01, 0),
        momentum: fc.constantFrom(0, 0.9),
        nesterov: fc.boolean(),
        weightDecay: fc.constantFrom(0, 0.01),
        amsgrad: fc.boolean(),
        decoupled: fc.boolean(),
        firstStep: fc.boolean(),
        step: fc.integer({ min: 1, max: 5 }),
      })
      .chain((h) => {
        const nState = h.kind === 'sgd' ? (h.momentum > 0 ? 1 : 0) : h.amsgrad ? 3 : 2;
        const state = fc
          .array(inputArb(h.shape, 'float32', 'ordinary'), { minLength: nState, maxLength: nState })
          .map((s) =>
            h.kind === 'adam' ? s.map((v, i) => (i === 0 ? v : { ...v, data: v.data.map(Math.abs) })) : s,
          );
        return fc
          .tuple(inputArb(h.shape, 'float32', mode), inputArb(h.shape, 'float32', mode), state)
          .map(([p, g, s]) => ({
            label: `optimizerUpdate(${h.kind}, ${json(h.shape)}, ${json(h)})`,
            inputs: [p, g, ...s],
            run: ([pt, gt, ...st]) => {
              const hyper =
                h.kind === 'sgd'
                  ? {
                      lr: h.lr,
                      momentum: h.momentum,
                      nesterov: h.nesterov && h.momentum > 0,
                      weightDecay: h.weightDecay,
                      firstStep: h.firstStep,
                    }
                  : {
                      lr: h.lr,
                      weightDecay: h.weightDecay,
                      amsgrad: h.amsgrad,
                      decoupledWeightDecay: h.decoupled,
                      step: h.step,
                    };
              const r = d.optimizerUpdate(h.kind, pt, gt, st, hyper);
              return [r.param, ...r.state];
            },
            degree: 2,
          }));
      }),
};

/** Every fuzz target; their union calls every public op of core that computes values. */
export const FUZZ_OPS: readonly FuzzOp[] = [
  unary,
  arithmetic,
  compare,
  where,
  cast,
  clip,
  reduce,
  softmax,
  matmul,
  layout,
  gather,
  conv,
  pool,
  fusedLayers,
  optimizer,
];
