/**
 * Elementwise float32 passes emitted as WebAssembly SIMD: a op b over two blocks, a op s with one value
 * (and s - a, s / a), a op row (a per-channel row repeated), sqrt, square and relu. The optimizer updates
 * are chains of these; XNNPACK's binary kernels create, run and
 * delete an operator per call, which costs more than the pass itself on the parameter sizes of a layer.
 * IEEE float32 arithmetic lane by lane, so results are bit-identical to XNNPACK's and to scalar code.
 */
import { advance, countedLoop, roundDown, simdThenScalarLoop } from './simd-loop.js';
import { tanhFunction } from './tanh.js';
import { type Bytes, F32, type FunctionSpec, I32, op, V128 } from './wasm-encoder.js';

export type ElementwiseBinary = 'add' | 'sub' | 'mul' | 'div';
export type ElementwiseUnary = 'sqrt' | 'square' | 'relu';
export type ElementwiseCompare = 'greater' | 'greaterEqual' | 'less' | 'lessEqual' | 'equal' | 'notEqual';

const COMPARE_VECTOR: Record<ElementwiseCompare, Bytes> = {
  greater: op.f32x4Gt,
  greaterEqual: op.f32x4Ge,
  less: op.f32x4Lt,
  lessEqual: op.f32x4Le,
  equal: op.f32x4Eq,
  notEqual: op.f32x4Ne,
};
const COMPARE_SCALAR: Record<ElementwiseCompare, Bytes> = {
  greater: op.f32Gt,
  greaterEqual: op.f32Ge,
  less: op.f32Lt,
  lessEqual: op.f32Le,
  equal: op.f32Eq,
  notEqual: op.f32Ne,
};

const VECTOR: Record<ElementwiseBinary, Bytes> = {
  add: op.f32x4Add,
  sub: op.f32x4Sub,
  mul: op.f32x4Mul,
  div: op.f32x4Div,
};
const SCALAR: Record<ElementwiseBinary, Bytes> = {
  add: op.f32Add,
  sub: op.f32Sub,
  mul: op.f32Mul,
  div: op.f32Div,
};

// f(pa, pb, pout, n): pb is the second block, or the address of the one value (`_s` variants); unused by
// unary ones. Locals: i (byte offset), end of the vector part, end.
const P = { pa: 0, pb: 1, pout: 2, n: 3 };
const L = { i: 4, vend: 5, end: 6, s: 7 };

/** `vector(i)` leaves the four-lane result for byte offset i; `scalar(i)` the one-lane result. */
function pass(name: string, vector: () => Bytes, scalar: () => Bytes, preamble: Bytes = []): FunctionSpec {
  const b: Bytes = [...preamble];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  // end = n * 4; vend = end & ~15
  e(op.localGet(P.n), op.i32Const(2), op.i32Shl, op.localSet(L.end));
  e(roundDown(L.end, 16, L.vend), op.i32Const(0), op.localSet(L.i));
  const out = [...op.localGet(P.pout), ...op.localGet(L.i), ...op.i32Add];
  e(
    simdThenScalarLoop({
      counter: L.i,
      vectorEnd: L.vend,
      end: L.end,
      vectorBody: [...out, ...vector(), ...op.v128Store(0)],
      scalarBody: [...out, ...scalar(), ...op.f32Store(0)],
    }),
  );
  return {
    name,
    params: [I32, I32, I32, I32],
    locals: [
      [3, I32],
      [1, V128],
      [1, F32],
    ],
    body: b,
  };
}

const at = (ptr: number, load: (offset: number) => Bytes) => [
  ...op.localGet(ptr),
  ...op.localGet(L.i),
  ...op.i32Add,
  ...load(0),
];

/**
 * A float32 comparison writing bool bytes (0/1), branch-free: 16 elements per step, four f32x4
 * comparisons narrowed to one i8x16 of -1/0 and masked to 1/0. A data-dependent branch per element (a
 * JavaScript loop) mispredicts on ReLU's `y > 0` of real activations: 3× slower there.
 * f(pa, pb, pout, n), pb the second block or the one value (`_s`).
 */
function comparePass(name: string, cmp: ElementwiseCompare, scalar: boolean): FunctionSpec {
  const i = 4;
  const vend = 5;
  const end = 6;
  const sv = 7; // v128: the value in four lanes
  const s1 = 8; // f32: the value
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  // i counts elements; vend = n & ~15
  if (scalar)
    e(
      op.localGet(P.pb),
      op.v128Load32Splat(0),
      op.localSet(sv),
      op.localGet(P.pb),
      op.f32Load(0),
      op.localSet(s1),
    );
  e(roundDown(P.n, 16, vend), op.localGet(P.n), op.localSet(end));
  e(op.i32Const(0), op.localSet(i));
  /** Element i of the block at ptr, loaded by `load`. */
  const element = (ptr: number, load: Bytes) =>
    [op.localGet(ptr), op.localGet(i), op.i32Const(2), op.i32Shl, op.i32Add, load].flat();
  /** The mask of elements i + 4q … i + 4q + 3. */
  const quad = (q: number) => [
    ...element(P.pa, op.v128Load(q * 16)),
    ...(scalar ? op.localGet(sv) : element(P.pb, op.v128Load(q * 16))),
    ...COMPARE_VECTOR[cmp],
  ];
  const out = [...op.localGet(P.pout), ...op.localGet(i), ...op.i32Add];
  const vectorBody = [
    [
      ...out,
      ...quad(0),
      ...quad(1),
      ...op.i16x8NarrowI32x4S,
      ...quad(2),
      ...quad(3),
      ...op.i16x8NarrowI32x4S,
    ],
    [...op.i8x16NarrowI16x8S, ...op.i32Const(1), ...op.i8x16Splat, ...op.v128And, ...op.v128Store(0)],
  ].flat();
  const scalarBody = [
    out,
    element(P.pa, op.f32Load(0)),
    scalar ? op.localGet(s1) : element(P.pb, op.f32Load(0)),
    COMPARE_SCALAR[cmp],
    op.i32Store8(0),
  ].flat();
  // Sixteen elements a step (one i8x16 of bools), then one.
  e(simdThenScalarLoop({ counter: i, vectorEnd: vend, end, scalarStep: 1, vectorBody, scalarBody }));
  return {
    name,
    params: [I32, I32, I32, I32],
    locals: [
      [3, I32],
      [1, V128],
      [1, F32],
    ],
    body: b,
  };
}

/**
 * `a op b` with b one row of c floats repeated over a's n (a multiple of c): `add_row(pa, pb, pout, n, c)`,
 * the broadcast of a per-channel [C] operand over [N, H, W, C] (batch-norm and its gradient). XNNPACK's
 * broadcasting binary kernels create and delete an operator per call.
 */
function rowPass(name: string, o: ElementwiseBinary): FunctionSpec {
  const pc = 4;
  const i = 5; // byte offset in a and out
  const end = 6;
  const j = 7; // byte offset in the row of b
  const rowBytes = 8;
  const end4 = 9;
  const b: Bytes = [];
  const e = (...xs: Bytes[]) => {
    for (const x of xs) b.push(...x);
  };
  const addr = (base: number, off: number) => [...op.localGet(base), ...op.localGet(off), ...op.i32Add];
  e(op.localGet(P.n), op.i32Const(2), op.i32Shl, op.localSet(end));
  e(op.localGet(pc), op.i32Const(2), op.i32Shl, op.localSet(rowBytes));
  e(roundDown(rowBytes, 16, end4));
  e(op.i32Const(0), op.localSet(i));
  // Over a's rows; the row's loops advance i along with j.
  const row = simdThenScalarLoop({
    counter: j,
    vectorEnd: end4,
    end: rowBytes,
    vectorBody: [
      [...addr(P.pout, i), ...addr(P.pa, i), ...op.v128Load(0), ...addr(P.pb, j), ...op.v128Load(0)],
      [...VECTOR[o], ...op.v128Store(0), ...advance(i, 16)],
    ].flat(),
    scalarBody: [
      [...addr(P.pout, i), ...addr(P.pa, i), ...op.f32Load(0), ...addr(P.pb, j), ...op.f32Load(0)],
      [...SCALAR[o], ...op.f32Store(0), ...advance(i, 4)],
    ].flat(),
  });
  e(countedLoop({ counter: i, limit: end, body: [...op.i32Const(0), ...op.localSet(j), ...row] }));
  return { name, params: [I32, I32, I32, I32, I32], locals: [[5, I32]], body: b };
}

/**
 * fusedActivationGrad, `dy · act'(z)` through y (pa = dy, pb = y): the slope and the product in the order
 * and rounding of core's composition (ops/fused/activation-gradient.ts), so bit-identical to it; relu's
 * and relu6's slope is the comparison mask ANDed with 1.0 (branch-free), then a product, as dy · 0 or 1.
 */
export const ACTIVATION_GRAD_PASSES = ['relu', 'relu6', 'sigmoid', 'tanh'] as const;

function activationGradPass(activation: (typeof ACTIVATION_GRAD_PASSES)[number]): FunctionSpec {
  const dyV = () => at(P.pa, op.v128Load);
  const yV = () => at(P.pb, op.v128Load);
  const dyS = () => at(P.pa, op.f32Load);
  const yS = () => at(P.pb, op.f32Load);
  const one = [...op.f32Const(1), ...op.f32x4Splat];
  const vector: Record<typeof activation, () => Bytes> = {
    relu: () => [...dyV(), ...yV(), ...op.v128Zero, ...op.f32x4Gt, ...one, ...op.v128And, ...op.f32x4Mul],
    relu6: () => [
      ...dyV(),
      ...yV(),
      ...op.v128Zero,
      ...op.f32x4Gt,
      ...yV(),
      ...op.f32Const(6),
      ...op.f32x4Splat,
      ...op.f32x4Lt,
      ...op.v128And,
      ...one,
      ...op.v128And,
      ...op.f32x4Mul,
    ],
    sigmoid: () => [...dyV(), ...yV(), ...one, ...yV(), ...op.f32x4Sub, ...op.f32x4Mul, ...op.f32x4Mul],
    tanh: () => [...dyV(), ...one, ...yV(), ...yV(), ...op.f32x4Mul, ...op.f32x4Sub, ...op.f32x4Mul],
  };
  const scalar: Record<typeof activation, () => Bytes> = {
    relu: () => [...dyS(), ...yS(), ...op.f32Const(0), ...op.f32Gt, ...op.f32ConvertI32U, ...op.f32Mul],
    relu6: () => [
      ...dyS(),
      ...yS(),
      ...op.f32Const(0),
      ...op.f32Gt,
      ...yS(),
      ...op.f32Const(6),
      ...op.f32Lt,
      ...op.i32And,
      ...op.f32ConvertI32U,
      ...op.f32Mul,
    ],
    sigmoid: () => [...dyS(), ...yS(), ...op.f32Const(1), ...yS(), ...op.f32Sub, ...op.f32Mul, ...op.f32Mul],
    tanh: () => [...dyS(), ...op.f32Const(1), ...yS(), ...yS(), ...op.f32Mul, ...op.f32Sub, ...op.f32Mul],
  };
  return pass(`actgrad_${activation}`, vector[activation], scalar[activation]);
}

/** Every pass, as the functions of one module. */
export function elementwiseFunctions(): FunctionSpec[] {
  const fns: FunctionSpec[] = [];
  for (const o of Object.keys(VECTOR) as ElementwiseBinary[]) {
    fns.push(
      pass(
        `${o}_v`,
        () => [...at(P.pa, op.v128Load), ...at(P.pb, op.v128Load), ...VECTOR[o]],
        () => [...at(P.pa, op.f32Load), ...at(P.pb, op.f32Load), ...SCALAR[o]],
      ),
    );
    // The value is loaded once, before the loops (local 8, four lanes; local 7, one).
    const preamble = [
      ...op.localGet(P.pb),
      ...op.v128Load32Splat(0),
      ...op.localSet(L.s + 1),
      ...op.localGet(P.pb),
      ...op.f32Load(0),
      ...op.localSet(L.s),
    ];
    const scalarLocals: FunctionSpec['locals'] = [
      [3, I32],
      [1, F32],
      [1, V128],
    ];
    fns.push({
      ...pass(
        `${o}_s`,
        () => [...at(P.pa, op.v128Load), ...op.localGet(L.s + 1), ...VECTOR[o]],
        () => [...at(P.pa, op.f32Load), ...op.localGet(L.s), ...SCALAR[o]],
        preamble,
      ),
      locals: scalarLocals,
    });
    // value op a, for the ops that do not commute (`1 - y` of the sigmoid's and tanh's gradients).
    if (o === 'sub' || o === 'div') {
      fns.push({
        ...pass(
          `${o}_r`,
          () => [...op.localGet(L.s + 1), ...at(P.pa, op.v128Load), ...VECTOR[o]],
          () => [...op.localGet(L.s), ...at(P.pa, op.f32Load), ...SCALAR[o]],
          preamble,
        ),
        locals: scalarLocals,
      });
    }
  }
  for (const o of Object.keys(VECTOR) as ElementwiseBinary[]) fns.push(rowPass(`${o}_row`, o));
  for (const cmp of Object.keys(COMPARE_VECTOR) as ElementwiseCompare[]) {
    fns.push(comparePass(`${cmp}_v`, cmp, false), comparePass(`${cmp}_s`, cmp, true));
  }
  for (const activation of ACTIVATION_GRAD_PASSES) fns.push(activationGradPass(activation));
  fns.push(tanhFunction());
  fns.push(
    pass(
      'sqrt',
      () => [...at(P.pa, op.v128Load), ...op.f32x4Sqrt],
      () => [...at(P.pa, op.f32Load), ...op.f32Sqrt],
    ),
  );
  // PyTorch's relu, `x < 0 ? 0 : x`: NaN and -0 pass through (XNNPACK's Relu zeroes both); a mask, no
  // branch, so no scan for them first.
  fns.push(
    pass(
      'relu',
      () => [
        ...at(P.pa, op.v128Load),
        ...at(P.pa, op.v128Load),
        ...op.v128Zero,
        ...op.f32x4Lt,
        ...op.v128AndNot,
      ],
      () => [
        ...op.f32Const(0),
        ...at(P.pa, op.f32Load),
        ...at(P.pa, op.f32Load),
        ...op.f32Const(0),
        ...op.f32Lt,
        ...op.select,
      ],
    ),
  );
  fns.push(
    pass(
      'square',
      () => [...at(P.pa, op.v128Load), ...at(P.pa, op.v128Load), ...op.f32x4Mul],
      () => [...at(P.pa, op.f32Load), ...at(P.pa, op.f32Load), ...op.f32Mul],
    ),
  );
  return fns;
}
